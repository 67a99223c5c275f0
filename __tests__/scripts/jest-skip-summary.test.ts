// scripts/jest-skip-summary.cjs: the test summary says which tests were skipped and why; HA_SITE_NO_SKIPS=1
// (CI) turns a skipped test into a failed run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "skip-summary-"));
  writeFileSync(
    join(dir, "jest.config.js"),
    `module.exports = { rootDir: ${JSON.stringify(dir)}, testEnvironment: "node", testMatch: ["**/*.test.js"], reporters: ["default", ${JSON.stringify(join(root, "scripts/jest-skip-summary.cjs"))}] };`,
  );
  writeFileSync(
    join(dir, "some.test.js"),
    `test("runs", () => expect(1).toBe(1));
test.skip("frobnicate: not installed on this machine, so its cases are skipped", () => undefined);
describe("group", () => { test.todo("write me"); });
test.skip("second: skipped for a reason", () => undefined);
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jest(env: NodeJS.ProcessEnv) {
  const { HA_SITE_NO_SKIPS: _, ...base } = process.env;
  return spawnSync(process.execPath, [join(root, "node_modules/jest/bin/jest.js"), "--config", join(dir, "jest.config.js"), "--ci"], {
    cwd: dir,
    env: { ...base, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the skipped-tests summary", () => {
  it("lists every skipped test with its title (which says why) and file; the run still passes", () => {
    const result = jest({});
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      [
        "3 tests skipped:",
        "  - frobnicate: not installed on this machine, so its cases are skipped (some.test.js)",
        "  - group write me (some.test.js)",
        "  - second: skipped for a reason (some.test.js)",
      ].join("\n"),
    );
  });

  it("with HA_SITE_NO_SKIPS=1 (CI), a skipped test fails the run", () => {
    const result = jest({ HA_SITE_NO_SKIPS: "1" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("3 tests skipped (not allowed here: HA_SITE_NO_SKIPS=1):");
  });
});
