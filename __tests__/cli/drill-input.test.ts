// The drill under bad input: one line per problem, exit code 2, never a stack trace; an unexpected
// error is one line and exit code 1.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, run } from "../../cli/drill";
import { Collector } from "./fixtures";

const root = join(__dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "ha-site-drill-input-"));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
const seedText = readFileSync(join(root, "examples", "seed.json"), "utf8");

describe("drill: bad config, one line each, exit code 2", () => {
  it.each([
    ["HA_SITE_CONFIG with a newline", "no\nsuch.json", ['drill: HA_SITE_CONFIG="no\\nsuch.json": cannot read the file (ENOENT); expected a JSON config file']],
    [
      "5,000-deep nested JSON",
      write("deep.json", `{"services": ${"[".repeat(5000)}${"]".repeat(5000)}}`),
      ["drill: deep.json: services[0][0][0][0][0][0][0]...: nested more than 32 levels deep; expected a config like examples/seed.json"],
    ],
    [
      "a number too large",
      write("big.json", seedText.replace('"replicas": 10', '"replicas": 1e400')),
      ["drill: big.json: services[0].replicas: got a number too large; expected an integer from 0 to 10000"],
    ],
    [
      "two problems",
      write("two.json", JSON.stringify({ ...JSON.parse(seedText), domian: "x", recordName: "WWW" })),
      [
        /^drill: two\.json: domian: unknown field; did you mean "domain"\? \(allowed: /,
        /^drill: two\.json: recordName: got "WWW"; expected a lower-case name/,
      ],
    ],
  ])("%s", async (_name, config, lines) => {
    expect(seedText).toContain('"replicas": 10');
    const stdout = new Collector();
    const stderr = new Collector();
    const code = await main([], { stdout, stderr, env: { HA_SITE_CONFIG: config }, cwd: dir, signal: AbortSignal.abort() });
    expect(code).toBe(2);
    expect(stdout.text).toBe("");
    const got = stderr.text.split("\n");
    expect(got.pop()).toBe("");
    expect(got).toHaveLength(lines.length);
    got.forEach((line, i) => (typeof lines[i] === "string" ? expect(line).toBe(lines[i]) : expect(line).toMatch(lines[i])));
  });

  it("accepts a config with a UTF-8 byte order mark", async () => {
    const stdout = new Collector();
    const stderr = new Collector();
    const config = write("bom.json", `\ufeff${seedText}`);
    expect(await main(["--help"], { stdout, stderr, env: { HA_SITE_CONFIG: config }, cwd: dir })).toBe(0);
    expect(stderr.text).toBe("");
    expect(stdout.text).toContain("nosqlsearch.com");
  });

  it("an option with a newline and a huge value is echoed on one line, shortened", async () => {
    const stderr = new Collector();
    const code = await main([`--${"x".repeat(100_000)}\nboom`], { stdout: new Collector(), stderr, env: {}, cwd: dir, signal: AbortSignal.abort() });
    expect(code).toBe(2);
    const [line, hint, end] = stderr.text.split("\n");
    expect(line.startsWith("drill: --xxxx")).toBe(true);
    expect(line.length).toBeLessThanOrEqual(400);
    expect(hint).toBe('Run "npm run drill -- --help" for usage.');
    expect(end).toBe("");
  });

  it("an unexpected error is one line and exit code 1", async () => {
    const stderr = new Collector();
    const code = await run(["--duration", "1"], {
      stdout: new Collector(),
      stderr,
      env: {},
      cwd: dir,
      makeLookup: () => {
        throw new Error("resolver exploded\n    at somewhere (file.ts:1:1)");
      },
    });
    expect(code).toBe(1);
    expect(stderr.text).toBe("drill: failed: resolver exploded\n");
  });

  it("the real command prints one line for a config problem, no stack trace", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "cli", "drill.ts")], {
      cwd: root,
      env: { ...process.env, HA_SITE_CONFIG: join(dir, "deep.json") },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^drill: \S*deep\.json: services\[0\]\S*: nested more than 32 levels deep; expected a config like examples\/seed\.json\n$/);
  });
});
