// The config convention end to end: `npm run synth` (the real npm, from a subfolder too) and the
// command cdktf.json gives the cdktf CLI (its `app`) pick the same config. The real app throughout;
// beforeAll runs the synths two at a time and the tests check their results.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inParallel, problems, root, spawnResult, synthAsync, synthEnv, synthScript, type Result } from "./synth-helpers";

const production = readFileSync(join(root, "examples", "production.json"), "utf8"); // example.org, www
const mixed = readFileSync(join(root, "examples", "mixed-engines.json"), "utf8");

/** The record name the dns stack of an output folder serves. */
function siteName(outdir: string): string {
  const dns = JSON.parse(readFileSync(join(outdir, "stacks", "dns", "cdk.tf.json"), "utf8"));
  const records = Object.values(dns.resource.aws_route53_record) as { name: string }[];
  return records[0].name;
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-convention-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** `command` through a shell (as npm and the cdktf CLI run commands), without blocking the test process. */
const run = (command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Result> => spawnResult(spawn(command, { cwd, env, shell: true }));

const conventional = project({ "ha-site.json": production, "cdktf.json": readFileSync(join(root, "cdktf.json"), "utf8") });
const overridden = project({ "ha-site.json": production, "mixed.json": mixed });
const viaNpm = project({
  "package.json": JSON.stringify({ name: "site", version: "1.0.0", private: true, scripts: { synth: `node ${JSON.stringify(synthScript)}` } }),
  "configs/site.json": production,
});
const results: Record<"conventional" | "overridden" | "npm" | "cdktfApp", Result> = {} as never;

beforeAll(async () => {
  await inParallel(3, async (i) => {
    if (i === 0) {
      results.conventional = await synthAsync(conventional);
      // The cdktf CLI runs cdktf.json's `app` through a shell in the folder of cdktf.json, with CDKTF_OUTDIR
      // set; `scripts` links to this repository's, as in a checkout of it.
      symlinkSync(join(root, "scripts"), join(conventional, "scripts"));
      const app = JSON.parse(readFileSync(join(conventional, "cdktf.json"), "utf8")).app as string;
      results.cdktfApp = await run(app, conventional, synthEnv({ CDKTF_OUTDIR: join(conventional, "cdktf-cli.out") }));
    } else if (i === 1) {
      results.overridden = await synthAsync(overridden, { HA_SITE_CONFIG: "mixed.json" });
    } else {
      results.npm = await run("npm run --silent synth", join(viaNpm, "configs"), synthEnv({ HA_SITE_CONFIG: "site.json", npm_config_update_notifier: "false" }));
    }
  });
}, 60_000);

describe("config by convention", () => {
  it("npm run synth uses ./ha-site.json and says so on stderr, in one line", () => {
    expect(results.conventional.status).toBe(0);
    expect(results.conventional.stderr).toBe("ha-site: config: ./ha-site.json (example.org)\n");
    expect(siteName(join(conventional, "cdktf.out"))).toBe("www.example.org");
  });

  it("HA_SITE_CONFIG overrides ./ha-site.json", () => {
    expect(results.overridden.status).toBe(0);
    expect(results.overridden.stderr).toBe("ha-site: config: mixed.json (nosqlsearch.com), from HA_SITE_CONFIG (instead of ./ha-site.json)\n");
    expect(siteName(join(overridden, "cdktf.out"))).toBe("nosqlsearch.com");
  });

  it("the real `npm run synth`, called in a subfolder, resolves a relative HA_SITE_CONFIG from there", () => {
    expect(problems(results.npm.stderr)).toEqual([]);
    expect(results.npm.status).toBe(0);
    expect(results.npm.stderr).toBe("ha-site: config: site.json (example.org), from HA_SITE_CONFIG\n");
    // npm runs scripts in the package folder: the output is there, not in the subfolder.
    expect(siteName(join(viaNpm, "cdktf.out"))).toBe("www.example.org");
  });

  it("the cdktf CLI's app command (cdktf.json) picks the same config as npm run synth", () => {
    expect(results.cdktfApp.stderr).toBe("ha-site: config: ./ha-site.json (example.org)\n");
    expect(results.cdktfApp.status).toBe(0);
    expect(siteName(join(conventional, "cdktf-cli.out"))).toBe("www.example.org");
    expect(readFileSync(join(conventional, "cdktf-cli.out", "stacks", "dns", "cdk.tf.json"), "utf8")).toBe(
      readFileSync(join(conventional, "cdktf.out", "stacks", "dns", "cdk.tf.json"), "utf8"),
    );
  });
});
