// How the synth app is bundled (scripts/synth.mjs, scripts/bench.mjs): one place, so the benchmark measures
// exactly what a user's synth runs.
//
// Speed levers kept here, each measured by `npm run bench` (figures in the closing note of the synthesis
// issue):
// - minified (`keepNames`, because cdktf and constructs read class names for ids and messages): a smaller
//   bundle to read, hash (code cache check) and compile;
// - cdktf's token "creation stacks": every Token (each attribute reference, each map) captures a full stack
//   trace when it is created, formatted eagerly (`Error.stackTraceLimit = MAX_SAFE_INTEGER`), only so that
//   an internal token-resolution error can say where the token came from. In a 20-region app that is ~20%
//   of the synth. The bundle captures them only with HA_SITE_TOKEN_TRACES=1; jest does the same with a setup
//   file (scripts/jest-token-traces.cjs); tsx runs, which use neither, always capture them.
import { readFileSync } from "node:fs";

const STACK_TRACE_MODULE = /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/;

const lazyTokenTraces = {
  name: "ha-site-token-traces",
  setup(build) {
    build.onLoad({ filter: STACK_TRACE_MODULE }, (args) => {
      const original = readFileSync(args.path, "utf8");
      const guarded = original.replace(
        /function captureStackTrace\(below\) \{/,
        'function captureStackTrace(below) {\n    if (process.env.HA_SITE_TOKEN_TRACES !== "1") return [];',
      );
      if (guarded === original) throw new Error(`ha-site bundle: cdktf's ${args.path} changed; update scripts/bundle.mjs`);
      return { contents: guarded, loader: "js" };
    });
  },
};

/** esbuild options for a bundle of `entry` (a TypeScript app) written to `outfile`. */
export function bundleOptions(entry, outfile) {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile,
    logLevel: "error",
    legalComments: "none",
    minify: true,
    keepNames: true,
    plugins: [lazyTokenTraces],
  };
}

/**
 * esbuild options for one npm package (its main entry) as a single CommonJS file, built like the synth bundle
 * (the same token-trace guard) but not minified: the jest runs map `cdktf` to it (scripts/jest-global-setup.mjs).
 * `external` packages stay separate modules (constructs: one instance shared with the code that imports it).
 */
export function packageBundleOptions(name, outfile, external) {
  const { entryPoints, minify, ...options } = bundleOptions("", outfile);
  // No keepNames needed: not minified, and a CommonJS package keeps every module in a function of its own,
  // so nothing is renamed.
  return { ...options, keepNames: false, stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: process.cwd(), loader: "js" }, external };
}
