// The config convention end to end: `npm run synth` (the real npm, from a subfolder too) and the
// command cdktf.json gives the cdktf CLI (`node --import tsx main.ts`) pick the same config.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { problems, root, synth, synthEnv, synthScript } from "./synth-helpers";

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

describe("config by convention", () => {
  it("npm run synth uses ./ha-site.json and says so on stderr, in one line", () => {
    const dir = project({ "ha-site.json": production });
    const result = synth(dir);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("ha-site: config: ./ha-site.json (example.org)\n");
    expect(siteName(join(dir, "cdktf.out"))).toBe("www.example.org");
  });

  it("HA_SITE_CONFIG overrides ./ha-site.json", () => {
    const dir = project({ "ha-site.json": production, "mixed.json": mixed });
    const result = synth(dir, { HA_SITE_CONFIG: "mixed.json" });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("ha-site: config: mixed.json (nosqlsearch.com), from HA_SITE_CONFIG (instead of ./ha-site.json)\n");
    expect(siteName(join(dir, "cdktf.out"))).toBe("nosqlsearch.com");
  });

  it("the real `npm run synth`, called in a subfolder, resolves a relative HA_SITE_CONFIG from there", () => {
    const dir = project({
      "package.json": JSON.stringify({ name: "site", version: "1.0.0", private: true, scripts: { synth: `node ${JSON.stringify(synthScript)}` } }),
      "configs/site.json": production,
    });
    const result = spawnSync("npm", ["run", "--silent", "synth"], {
      cwd: join(dir, "configs"),
      env: synthEnv({ HA_SITE_CONFIG: "site.json", npm_config_update_notifier: "false" }),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(problems(result.stderr)).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("ha-site: config: site.json (example.org), from HA_SITE_CONFIG\n");
    // npm runs scripts in the package folder: the output is there, not in the subfolder.
    expect(siteName(join(dir, "cdktf.out"))).toBe("www.example.org");
  });

  it("the cdktf CLI's app command (cdktf.json) picks the same config as npm run synth", () => {
    const dir = project({ "ha-site.json": production, "cdktf.json": readFileSync(join(root, "cdktf.json"), "utf8") });
    // `node --import tsx main.ts`, with tsx and main.ts given by path since the folder has no node_modules.
    const tsx = pathToFileURL(require.resolve("tsx", { paths: [root] })).href;
    const viaCdktf = spawnSync(process.execPath, ["--import", tsx, join(root, "main.ts")], {
      cwd: dir,
      env: synthEnv({ CDKTF_OUTDIR: join(dir, "cdktf-cli.out") }),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(viaCdktf.stderr).toBe("");
    expect(viaCdktf.status).toBe(0);
    expect(synth(dir).status).toBe(0);
    expect(siteName(join(dir, "cdktf-cli.out"))).toBe("www.example.org");
    expect(readFileSync(join(dir, "cdktf-cli.out", "stacks", "dns", "cdk.tf.json"), "utf8")).toBe(
      readFileSync(join(dir, "cdktf.out", "stacks", "dns", "cdk.tf.json"), "utf8"),
    );
  });
});
