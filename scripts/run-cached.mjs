// Runs a CommonJS bundle in this process with a V8 code cache kept next to it (`<bundle>.v8cache`).
//
// Compiling the 3.7 MB synth bundle is the largest single cost of a seed synth (~75 ms of ~300 ms in a CPU
// profile). V8 can serialise the compiled code (`vm.Script#createCachedData`) and take it back on the next
// run (`cachedData`), skipping the parse and the lazy compilation of every function the last run used.
// Node 22's `module.enableCompileCache()` does the same for modules, but this project supports Node 20.
//
// Invalidation: V8 checks the cache against the source text (a hash) and its own version and flags, and
// rejects a cache that does not match (`script.cachedDataRejected`); a rejected or missing cache is rebuilt
// after the run. The bundle is rebuilt by scripts/synth.mjs when a source changes, and its cache then no
// longer matches, so a stale cache can only cost time, never change the output. Writes are atomic (rename)
// so that two synths at once never read half a cache.
import { isAscii } from "node:buffer";
import { createRequire } from "node:module";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import v8 from "node:v8";
import vm from "node:vm";

// V8 optimises a function with TurboFan (on a background thread, which counts as CPU time) once its calls and
// loops have used up an "interrupt budget" of executed bytecode (default 66 KB). A synth runs a lot of code
// briefly: at the default, V8 optimises much of it when there is little left to run. 8x the default (measured
// in `npm run bench` against 1x and 4x): seed -6.6% instructions (node --predictable under callgrind) and
// about -10% CPU time; 20x20 -9.6% instructions, -16% CPU. Set before the bundle is compiled and never
// changed, so that its code cache is always made and checked under the same flags (V8 rejects a cache made
// under others). A plain integer V8 reads when it counts down a budget, safe to set at run time (unlike GC
// threading flags, which crashed V8 when set here: --single-threaded-gc).
const V8_FLAGS = "--interrupt-budget=540672";

/** The code-cache file of a bundle. */
export const codeCachePath = (bundle) => `${bundle}.v8cache`;

/**
 * Runs `bundle` like `require(bundle)` would, using and refreshing its code cache.
 * @returns {{ cache: "hit" | "miss" | "rejected" }} what happened to the cache, for `npm run bench`.
 */
export function runCached(bundle) {
  v8.setFlagsFromString(V8_FLAGS);
  const cachePath = codeCachePath(bundle);
  // esbuild writes ASCII (non-ASCII characters escaped, its default `charset`): decoded as latin1 (a copy) the
  // 2 MB text costs ~2 ms less than as UTF-8; anything else is still read as UTF-8.
  const bytes = readFileSync(bundle);
  const source = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper Node itself uses, so the bundle sees the same five names.
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: bundle, cachedData });
  const state = cachedData === undefined ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  const mod = { exports: {}, id: bundle, filename: bundle, loaded: false };
  const fn = script.runInThisContext();
  fn.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  mod.loaded = true;
  if (state !== "hit") {
    // After the run, so the cache holds the functions this run compiled lazily too.
    const tmp = `${cachePath}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cachePath);
    } catch {
      rmSync(tmp, { force: true }); // a read-only .cache only costs speed
    }
  }
  return { cache: state };
}
