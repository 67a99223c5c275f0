// The two test tiers (jest.config.js: `npm test`; jest.e2e.config.js: the end-to-end suite's part 5): every
// suite under __tests__ is in exactly one of them, and the commands README.md shows for the second exist.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

// micromatch is what jest matches testMatch globs with (installed with jest, pinned by the lockfile).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const micromatch = require("micromatch") as { isMatch(path: string, patterns: string[]): boolean };

const root = join(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const unit = require("../jest.config.js") as { testMatch: string[]; testPathIgnorePatterns: string[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const e2e = require("../jest.e2e.config.js") as { testMatch: string[]; testPathIgnorePatterns: string[] };

/** Whether jest would run `file` (an absolute path) under `config`: a testMatch glob, and no ignore pattern. */
const selects = (config: { testMatch: string[]; testPathIgnorePatterns: string[] }, file: string) =>
  micromatch.isMatch(file, config.testMatch) && !config.testPathIgnorePatterns.some((p) => new RegExp(p).test(file));

function suites(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? suites(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}
const all = suites(join(root, "__tests__"));

describe("test tiers", () => {
  it("puts every suite in exactly one tier: *.e2e.test.ts in the end-to-end part, the rest in npm test", () => {
    const tiers = all.map((file) => [relative(root, file), selects(unit, file), selects(e2e, file)]);
    expect(tiers.filter(([, a, b]) => a === b)).toEqual([]);
    expect(tiers.filter(([file, , inE2e]) => inE2e !== String(file).endsWith(".e2e.test.ts"))).toEqual([]);
    expect(tiers.filter(([, , inE2e]) => inE2e).length).toBeGreaterThanOrEqual(5);
  });

  it("the end-to-end suite runs the second tier as its part `jest`", () => {
    expect(readFileSync(join(root, "e2e", "run.sh"), "utf8")).toMatch(/^parts=\(.* 5-jest\)$/m);
    expect(readFileSync(join(root, "e2e", "5-jest.sh"), "utf8")).toContain("node node_modules/jest/bin/jest.js -c jest.e2e.config.js");
  });

  it("README's one-file command names a suite of the second tier", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const files = [...readme.matchAll(/`npx jest -c jest\.e2e\.config\.js (\S+)`/g)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect([file, selects(e2e, join(root, file)), all.includes(join(root, file))]).toEqual([file, true, true]);
  });
});
