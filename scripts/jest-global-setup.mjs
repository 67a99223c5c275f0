// jest's globalSetup (jest.config.js): builds the single-file cdktf that jest.config.js maps `cdktf` to.
//
// Why: jest gives every test file a module registry of its own, so each of the ~45 suites that synthesize
// loads cdktf's ~200 modules again through jest's require (resolution, transform cache, one vm.Script each):
// ~230 ms a suite here, against ~90 ms for the same code as one file. The file is built with the synth
// bundle's token-trace guard (scripts/bundle.mjs, packageBundleOptions; HA_SITE_TOKEN_TRACES=1 brings the
// traces back) but none of its other cdktf patches: the tests run cdktf's own synthesis code. Rebuilt when the lockfile, cdktf's version or the bundle
// options change; written through a rename, so a parallel jest run never reads half a file.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const CDKTF_BUNDLE = join(root, ".cache", "jest", "cdktf.cjs");

export default async function globalSetup() {
  const inputs = ["package-lock.json", "node_modules/cdktf/package.json", "scripts/bundle.mjs", "scripts/jest-global-setup.mjs"];
  const hash = createHash("sha256");
  for (const file of inputs) hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : "-");
  const key = hash.digest("hex");
  const keyFile = `${CDKTF_BUNDLE}.key`;
  if (existsSync(CDKTF_BUNDLE) && existsSync(keyFile) && readFileSync(keyFile, "utf8") === key) return;
  const [{ build }, { packageBundleOptions }] = await Promise.all([import("esbuild"), import("./bundle.mjs")]);
  mkdirSync(dirname(CDKTF_BUNDLE), { recursive: true });
  const tmp = `${CDKTF_BUNDLE}.${process.pid}.tmp`;
  const options = packageBundleOptions("cdktf", tmp, ["constructs"]);
  await build({ ...options, stdin: { ...options.stdin, resolveDir: root } });
  renameSync(tmp, CDKTF_BUNDLE);
  writeFileSync(keyFile, key);
}
