// scripts/test.mjs (`npm test`): tsc and jest at once; a type error fails the run even when every test passes.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

it("fails with tsc's error, printed after jest's output, when the tests pass and the types do not", () => {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-npm-test-"));
  try {
    mkdirSync(join(dir, "scripts"));
    copyFileSync(join(root, "scripts", "test.mjs"), join(dir, "scripts", "test.mjs"));
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], lib: ["es5"], skipLibCheck: true }, include: ["*.ts"] }));
    writeFileSync(join(dir, "bad.ts"), "export const port: number = 'eighty';\n");
    writeFileSync(join(dir, "jest.config.js"), 'module.exports = { testEnvironment: "node", testMatch: ["**/*.test.js"] };\n');
    writeFileSync(join(dir, "ok.test.js"), 'test("passes", () => expect(1).toBe(1));\n');
    const run = spawnSync(process.execPath, [join(dir, "scripts", "test.mjs"), "--ci"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toMatch(/Tests:\s+1 passed[\s\S]*\ntsc --noEmit failed:\nbad\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'\.\n$/);
    expect(run.status).toBe(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it("skips tsc when nothing it read changed since it passed, and checks again after an edit", () => {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-npm-test-"));
  try {
    mkdirSync(join(dir, "scripts"));
    copyFileSync(join(root, "scripts", "test.mjs"), join(dir, "scripts", "test.mjs"));
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], lib: ["es5"], skipLibCheck: true }, include: ["*.ts"] }));
    writeFileSync(join(dir, "code.ts"), "export const port: number = 80;\n");
    writeFileSync(join(dir, "jest.config.js"), 'module.exports = { testEnvironment: "node", testMatch: ["**/*.test.js"] };\n');
    writeFileSync(join(dir, "ok.test.js"), 'test("passes", () => expect(1).toBe(1));\n');
    const npmTest = () => spawnSync(process.execPath, [join(dir, "scripts", "test.mjs"), "--ci"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect(npmTest().status).toBe(0);
    expect(existsSync(join(dir, ".cache", "tsc-pass.stamp"))).toBe(true);
    expect(npmTest().status).toBe(0);
    writeFileSync(join(dir, "code.ts"), "export const port: number = 'eighty';\n");
    const edited = npmTest();
    expect(edited.stderr).toMatch(/tsc --noEmit failed:\ncode\.ts\(1,14\): error TS2322/);
    expect(edited.status).toBe(2);
    expect(existsSync(join(dir, ".cache", "tsc-pass.stamp"))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
