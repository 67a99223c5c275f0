// scripts/test.mjs (`npm test`): tsc and jest at once; a type error fails the run even when every test passes;
// tsc is skipped when nothing it read changed since it last passed.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

/**
 * A project in a temp folder with scripts/test.mjs, one passing jest test and `code` as its only .ts file.
 * node_modules links each of the repository's packages, except that typescript/bin/tsc is a wrapper that
 * appends a line to tsc.log and then runs the real tsc: the log counts tsc's runs.
 */
function project(dir: string, code: string): { npmTest: () => SpawnSyncReturns<string>; tscRuns: () => number } {
  mkdirSync(join(dir, "scripts"));
  copyFileSync(join(root, "scripts", "test.mjs"), join(dir, "scripts", "test.mjs"));
  mkdirSync(join(dir, "node_modules", "typescript", "bin"), { recursive: true });
  for (const name of readdirSync(join(root, "node_modules"))) {
    if (name !== "typescript") symlinkSync(join(root, "node_modules", name), join(dir, "node_modules", name));
  }
  const log = join(dir, "tsc.log");
  writeFileSync(
    join(dir, "node_modules", "typescript", "bin", "tsc"),
    `require("node:fs").appendFileSync(${JSON.stringify(log)}, "tsc\\n");\nrequire(${JSON.stringify(join(root, "node_modules", "typescript", "bin", "tsc"))});\n`,
  );
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], lib: ["es5"], skipLibCheck: true }, include: ["*.ts"] }));
  writeFileSync(join(dir, "code.ts"), code);
  writeFileSync(join(dir, "jest.config.js"), 'module.exports = { testEnvironment: "node", testMatch: ["**/*.test.js"] };\n');
  writeFileSync(join(dir, "ok.test.js"), 'test("passes", () => expect(1).toBe(1));\n');
  return {
    npmTest: () => spawnSync(process.execPath, [join(dir, "scripts", "test.mjs"), "--ci"], { cwd: dir, encoding: "utf8", timeout: 60_000 }),
    tscRuns: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").length - 1 : 0),
  };
}

function inTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-npm-test-"));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it("fails with tsc's error, printed after jest's output, when the tests pass and the types do not", () => {
  inTempDir((dir) => {
    const { npmTest } = project(dir, "export const port: number = 'eighty';\n");
    const run = npmTest();
    expect(run.stderr).toMatch(/Tests:\s+1 passed[\s\S]*\ntsc --noEmit failed:\ncode\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'\.\n$/);
    expect(run.status).toBe(2);
    expect(existsSync(join(dir, ".cache", "tsc-pass.stamp"))).toBe(false);
  });
}, 60_000);

it("skips tsc when nothing it read changed since it passed, and checks again after an edit", () => {
  inTempDir((dir) => {
    const { npmTest, tscRuns } = project(dir, "export const port: number = 80;\n");
    expect(npmTest().status).toBe(0);
    expect(existsSync(join(dir, ".cache", "tsc-pass.stamp"))).toBe(true);
    expect(tscRuns()).toBe(1);
    expect(npmTest().status).toBe(0);
    expect(tscRuns()).toBe(1); // skipped
    writeFileSync(join(dir, "code.ts"), "export const port: number = 'eighty';\n");
    const edited = npmTest();
    expect(tscRuns()).toBe(2);
    expect(edited.stderr).toMatch(/tsc --noEmit failed:\ncode\.ts\(1,14\): error TS2322/);
    expect(edited.status).toBe(2);
    expect(existsSync(join(dir, ".cache", "tsc-pass.stamp"))).toBe(false);
  });
}, 60_000);
