// scripts/test.mjs (`npm test`): tsc and jest at once; a type error fails the run even when every test passes.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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
