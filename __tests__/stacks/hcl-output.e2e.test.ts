// The HCL output (`npm run synth:hcl`) of real configs, synthesized by real synths: the same configuration as
// the JSON, string for string (hcl2json of the HCL = the JSON), in the layout `terraform fmt` writes (the real
// terraform checks it), readable in review (scripts and user data as heredocs, no long lines). renderHcl
// itself: hcl-output.test.ts.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Json } from "../helpers";
import { comparableHcl, comparableJson, parseHcl } from "./hcl-roundtrip";

const root = join(__dirname, "..", "..");

/** What `terraform` is on PATH, if any (terraform fmt checks the layout). */
const terraform = (() => {
  const r = spawnSync("terraform", ["version"], { encoding: "utf8", timeout: 30_000 });
  return r.status === 0 ? "terraform" : undefined;
})();

describe("npm run synth:hcl", () => {
  /**
   * Starts `npm run synth` (`args`: ["--hcl"] or none) of `config` now, at collection time, without waiting:
   * the eight synths of this file then run side by side, and beside the loading of hcl2json's WebAssembly
   * (which starts when the module is imported). The test that awaits the result checks how the synth ended.
   */
  function synth(config: string, args: string[]): () => Promise<string> {
    const cwd = mkdtempSync(join(tmpdir(), "ha-site-hcl-"));
    const result = new Promise<{ status: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(root, "scripts", "synth.mjs"), ...args],
        { cwd, env: { ...process.env, CDKTF_OUTDIR: "", HA_SITE_CONFIG: config }, encoding: "utf8", timeout: 120_000 },
        (error, _stdout, stderr) => resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stderr }),
      );
    });
    return async () => {
      const { status, stderr } = await result;
      // Only the line saying which config was used (README, "Your own config").
      expect(stderr).toMatch(new RegExp(`^ha-site: config: ${config.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\([^)]+\\), from HA_SITE_CONFIG\n$`));
      expect(status).toBe(0);
      return join(cwd, "cdktf.out", "stacks");
    };
  }

  /** Lines of `text` outside heredocs. */
  function linesOutsideHeredocs(text: string): string[] {
    const out: string[] = [];
    let marker: string | undefined;
    for (const line of text.split("\n")) {
      if (marker !== undefined) {
        if (line.trim() === marker) marker = undefined;
        continue;
      }
      out.push(line);
      marker = /<<-?([A-Z0-9]+)$/.exec(line)?.[1];
    }
    return out;
  }

  const configs = [
    ["examples/seed.json", join(root, "examples", "seed.json")],
    ["examples/production.json", join(root, "examples", "production.json")],
    ["examples/mixed-engines.json", join(root, "examples", "mixed-engines.json")],
    ["a config full of quotes, backslashes, \\n, unicode, ${, %{ and heredoc markers", join(__dirname, "fixtures", "hostile-strings.json")],
  ] as const;

  describe.each(configs)("%s", (_, config) => {
    const hclSynth = synth(config, ["--hcl"]);
    const jsonSynth = synth(config, []);
    let hclDir: string;
    let jsonDir: string;
    let stacks: string[];
    let formatted: Promise<{ status: number | null; unformatted: string }> | undefined;
    beforeAll(async () => {
      hclDir = await hclSynth();
      jsonDir = await jsonSynth();
      stacks = readdirSync(jsonDir).sort();
      // terraform fmt starts here and runs while the tests below read the files.
      if (terraform) {
        formatted = new Promise((resolve) => {
          execFile(terraform, ["fmt", "-check", "-recursive", "-list=true", hclDir], { encoding: "utf8", timeout: 60_000 }, (error, stdout) =>
            resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, unformatted: stdout }),
          );
        });
      }
    });

    it("writes each stack as cdk.tf only, saying exactly what the JSON says (hcl2json of the HCL = the JSON)", async () => {
      expect(readdirSync(hclDir).sort()).toEqual(stacks);
      for (const stack of stacks) {
        expect(existsSync(join(hclDir, stack, "cdk.tf.json"))).toBe(false);
        const hcl = readFileSync(join(hclDir, stack, "cdk.tf"), "utf8");
        const fromJson = JSON.parse(readFileSync(join(jsonDir, stack, "cdk.tf.json"), "utf8"));
        expect(comparableHcl(await parseHcl(`${stack}/cdk.tf`, hcl))).toEqual(comparableJson(fromJson));
      }
    });

    it("is readable: scripts and user data are heredocs, no line outside a heredoc is longer than 200 characters", () => {
      for (const stack of stacks) {
        const hcl = readFileSync(join(hclDir, stack, "cdk.tf"), "utf8");
        const json = JSON.parse(readFileSync(join(jsonDir, stack, "cdk.tf.json"), "utf8"));
        const long = linesOutsideHeredocs(hcl).filter((l) => l.length > 200);
        expect(long).toEqual([]);
        const provisioners = Object.values<Json>(json.resource ?? {}).flatMap((byName) => Object.values<Json>(byName).flatMap((r) => r.provisioner ?? []));
        expect(hcl.split("\n").filter((l) => /^\s+inline = \[<<-EOT$/.test(l))).toHaveLength(provisioners.length);
        if (json.resource?.aws_launch_template) {
          expect(hcl).toMatch(/^\s+user_data\s+= base64encode\(local\.\w+\)$/m);
          expect(hcl).toMatch(/^ {2}\w+UserData\w* += <<-EOT\n {4}#!\/bin\/sh\n/m);
        }
      }
    });

    if (terraform) {
      it("passes terraform fmt -check", async () => {
        expect(await formatted).toEqual({ status: 0, unformatted: "" });
      });
    } else {
      it.skip("terraform fmt -check: skipped, no terraform binary on PATH (CI has one)", () => undefined);
    }
  });

  it("rejects an unknown option", () => {
    const result = spawnSync(process.execPath, [join(root, "scripts", "synth.mjs"), "--yaml"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('ha-site: synth: unknown option "--yaml"; expected --hcl or nothing\n');
  });
});
