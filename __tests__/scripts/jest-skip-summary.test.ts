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
  it("in a real jest run: lists every skipped test with its title (which says why) and file; HA_SITE_NO_SKIPS=1 fails the run", () => {
    const result = jest({ HA_SITE_NO_SKIPS: "1" });
    expect(result.stderr).toContain(
      [
        "3 tests skipped (not allowed here: HA_SITE_NO_SKIPS=1):",
        "  - frobnicate: not installed on this machine, so its cases are skipped (some.test.js)",
        "  - group write me (some.test.js)",
        "  - second: skipped for a reason (some.test.js)",
      ].join("\n"),
    );
    expect(result.stderr).toMatch(/Tests:\s+2 skipped, 1 todo, 1 passed, 4 total/);
    expect(result.status).not.toBe(0);
  });

  // The rest in-process (a jest child process costs seconds on a shared machine).
  function report(statuses: string[], env: string | undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Reporter = require(join(root, "scripts/jest-skip-summary.cjs"));
    const reporter = new Reporter({ rootDir: "/r" });
    const saved = process.env.HA_SITE_NO_SKIPS;
    const write = captureStderr();
    if (env === undefined) delete process.env.HA_SITE_NO_SKIPS;
    else process.env.HA_SITE_NO_SKIPS = env;
    try {
      reporter.onRunComplete(new Set(), {
        testResults: [{ testFilePath: "/r/__tests__/a.test.ts", testResults: statuses.map((status, i) => ({ status, fullName: `t${i}: why` })) }],
      });
    } finally {
      if (saved === undefined) delete process.env.HA_SITE_NO_SKIPS;
      else process.env.HA_SITE_NO_SKIPS = saved;
      write.restore();
    }
    return { text: write.text(), error: reporter.getLastError() as Error | undefined };
  }

  it("without HA_SITE_NO_SKIPS a skip is reported, not an error", () => {
    const { text, error } = report(["passed", "pending"], undefined);
    expect(text).toBe("\n1 test skipped:\n  - t1: why (__tests__/a.test.ts)\n");
    expect(error).toBeUndefined();
  });

  it("nothing skipped: no output, no error, also with HA_SITE_NO_SKIPS=1", () => {
    expect(report(["passed", "failed"], "1")).toEqual({ text: "", error: undefined });
  });
});

/** Captures process.stderr.write. */
function captureStderr() {
  let text = "";
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  return { text: () => text, restore: () => (process.stderr.write = original) };
}
