// `npm run diagram`: prints the user's diagram (stdout or --out FILE), never the repository's docs.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDiagram, USAGE, type DiagramIo } from "../../cli/diagram-cli";
import { siteDiagram } from "../../cli/diagram";
import { loadConfig } from "../../config/load";

const root = join(__dirname, "..", "..");
const production = join(root, "examples", "production.json");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "diagram-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const io: DiagramIo = { env: { INIT_CWD: dir, ...env }, cwd: root, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const status = runDiagram(argv, io);
  return { status, stdout, stderr };
}

describe("npm run diagram", () => {
  it("prints the diagram of the config HA_SITE_CONFIG names to stdout", () => {
    const result = run([], { HA_SITE_CONFIG: production });
    expect(result).toEqual({ status: 0, stdout: `${siteDiagram(loadConfig({ HA_SITE_CONFIG: production }))}\n`, stderr: "" });
    expect(result.stdout).toContain("eu-west-1");
  });

  it("prints the built-in config's diagram without a config", () => {
    expect(run([]).stdout).toBe(`${siteDiagram(loadConfig({}))}\n`);
  });

  it("--help prints the usage and writes nothing", () => {
    expect(run(["--help"])).toEqual({ status: 0, stdout: `${USAGE}\n`, stderr: "" });
    expect(run(["-h"]).stdout).toContain("--out FILE");
  });

  it.each([
    [["--bogus"], 'unknown option "--bogus"; expected --out FILE or --help'],
    [["README.md"], 'unknown argument "README.md"; expected --out FILE or --help'],
    [["--out"], "--out: got nothing; expected a file name"],
    [["--out", "--help"], '--out: got "--help"; expected a file name'],
    [["--out=a.mmd", "--out", "b.mmd"], "--out: given twice; expected one file"],
  ])("refuses %j: one line, exit 2, nothing written", (argv, message) => {
    const result = run(argv);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`ha-site: diagram: ${message} (see --help)\n`);
  });

  it("--out FILE writes the diagram relative to the folder npm was run in (INIT_CWD)", () => {
    const result = run(["--out", "site.mmd"], { HA_SITE_CONFIG: production });
    expect(result).toEqual({ status: 0, stdout: "", stderr: "ha-site: diagram written to site.mmd\n" });
    expect(readFileSync(join(dir, "site.mmd"), "utf8")).toBe(`${siteDiagram(loadConfig({ HA_SITE_CONFIG: production }))}\n`);
  });

  it("--out FILE.md gets a mermaid block, and replaces a diagram it wrote before", () => {
    expect(run(["--out=site.md"]).status).toBe(0);
    expect(run(["--out=site.md"], { HA_SITE_CONFIG: production }).status).toBe(0);
    expect(readFileSync(join(dir, "site.md"), "utf8")).toBe(`\`\`\`mermaid\n${siteDiagram(loadConfig({ HA_SITE_CONFIG: production }))}\n\`\`\`\n`);
  });

  it("does not overwrite a file that holds more than a diagram", () => {
    writeFileSync(join(dir, "notes.md"), "# my notes\n\n```mermaid\nflowchart TB\n```\n");
    const result = run(["--out", "notes.md"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("ha-site: diagram: --out: notes.md exists and holds more than a diagram; expected a new file or one this command wrote\n");
    expect(readFileSync(join(dir, "notes.md"), "utf8")).toBe("# my notes\n\n```mermaid\nflowchart TB\n```\n");
  });

  it("a bad config: one line, exit 1", () => {
    const seed = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "seed.json"), "utf8"));
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...seed, domain: "nosql search" }));
    const result = run([], { HA_SITE_CONFIG: join(dir, "bad.json") });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^ha-site: .*bad\.json: domain: got "nosql search"; expected [^\n]*\n$/);
  });

  it("through npm, with a config named: writes --out relative to where npm ran, and leaves README.md and docs/architecture.md as they were", () => {
    const tracked = ["README.md", "docs/architecture.md"].map((f) => readFileSync(join(root, f), "utf8"));
    // npm runs the script in the package root and sets INIT_CWD to the folder it was started in. One npm run
    // (about a second): printing to stdout is the same function, tested in-process above.
    const sub = join(root, ".cache", `diagram-test-${process.pid}`);
    mkdirSync(sub, { recursive: true });
    try {
      const written = spawnSync("npm", ["run", "--silent", "diagram", "--", "--out", "site.md"], { cwd: sub, env: { ...process.env, HA_SITE_CONFIG: production }, encoding: "utf8", timeout: 60_000 });
      expect(written.stderr).toBe("ha-site: diagram written to site.md\n");
      expect(written.status).toBe(0);
      expect(readFileSync(join(sub, "site.md"), "utf8")).toBe(`\`\`\`mermaid\n${siteDiagram(loadConfig({ HA_SITE_CONFIG: production }))}\n\`\`\`\n`);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
    expect(["README.md", "docs/architecture.md"].map((f) => readFileSync(join(root, f), "utf8"))).toEqual(tracked);
  });
});
