// package.json's engines: every installed package must run on the oldest Node the project claims to support
// (npm ci warned `EBADENGINE dns2@3.1.1 required node >=22` while package.json says >=20.9).
import { readFileSync } from "node:fs";
import { join } from "node:path";

// semver is installed with npm and jest (pinned by the lockfile); its types are not, so it is typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require("semver") as { minVersion(range: string): { version: string } | null; satisfies(version: string, range: string): boolean };

const root = join(__dirname, "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));

describe("engines", () => {
  const oldest = semver.minVersion(pkg.engines.node)?.version;

  it("package.json names a minimum Node version", () => {
    expect(oldest).toBe("20.9.0");
  });

  it("every package in the lockfile supports that Node version (no EBADENGINE on npm ci)", () => {
    const refusing = Object.entries<{ engines?: { node?: string } | string[]; optional?: boolean }>(lock.packages)
      .filter(([path, p]) => path !== "" && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(([, p]) => !semver.satisfies(oldest!, (p.engines as { node: string }).node))
      .map(([path, p]) => `${path.replace(/^.*node_modules\//, "")} (node ${(p.engines as { node: string }).node})`);
    expect(refusing).toEqual([]);
  });

  it("the check can fail: dns2 3.1.1's engines refuse 20.9.0", () => {
    expect(semver.satisfies(oldest!, ">=22")).toBe(false);
  });
});
