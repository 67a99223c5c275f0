// How the synth app is bundled (scripts/synth.mjs, scripts/bench.mjs): one place, so the benchmark measures
// exactly what a user's synth runs.
//
// Speed levers kept here, each measured by `npm run bench` (figures in the closing note of the synthesis
// issue):
// - minified: a smaller bundle to read, hash (code cache check) and compile. Without `keepNames`: it wraps
//   every function in a `name` redefinition, also the inner functions of cdktf's token resolver on every call,
//   which cost 13% of the CPU of a seed and of a 20x20 synth. Nothing in the output reads a
//   function's name (the synthesized examples, the seed and the 20x20 config are byte-identical with and
//   without); only constructs' duplicate-id error names the parent's class, a programming error, not input;
// - cdktf's token "creation stacks": every Token (each attribute reference, each map) captures a full stack
//   trace when it is created, formatted eagerly (`Error.stackTraceLimit = MAX_SAFE_INTEGER`), only so that
//   an internal token-resolution error can say where the token came from. In a 20-region app that is ~20%
//   of the synth. The bundle captures them only with HA_SITE_TOKEN_TRACES=1; jest runs cdktf as a single file
//   with this guard too (scripts/jest-global-setup.mjs); tsx runs always capture them.
// - modules a synth never runs are required lazily (`lazyRequires`): cdktf's index loads TerraformAsset's zip
//   support (archiver and ~300 KB of streams, glob and compression it bundles) and `child_process` (for
//   `terraform version` checks and test matchers) at start; ha-site has no assets, skips validations and
//   does not run matchers. They stay in the bundle and load on first use, so nothing stops working.
import { readFileSync } from "node:fs";

/**
 * `contents` of cdktf's `path` with `from` replaced by `to`. `from` must occur exactly once: otherwise cdktf
 * changed under the patch, and the build stops rather than bundle it unpatched or patched twice.
 */
function replaceOnce(contents, path, from, to) {
  if (contents.split(from).length !== 2) throw new Error(`ha-site bundle: cdktf's ${path} changed (${from.trim().split("\n")[0]}); update scripts/bundle.mjs`);
  return contents.replace(from, () => to);
}

const STACK_TRACE_MODULE = /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/;

const lazyTokenTraces = {
  name: "ha-site-token-traces",
  setup(build) {
    build.onLoad({ filter: STACK_TRACE_MODULE }, (args) => {
      // The variable is read once: process.env is a slow lookup, and this runs for every token.
      const contents = replaceOnce(
        readFileSync(args.path, "utf8"),
        args.path,
        "function captureStackTrace(below) {",
        'const HA_SITE_TOKEN_TRACES = process.env.HA_SITE_TOKEN_TRACES === "1";\nfunction captureStackTrace(below) {\n    if (!HA_SITE_TOKEN_TRACES) return [];',
      );
      return { contents, loader: "js" };
    });
  },
};

const STACK_MODULE = /[\\/]cdktf[\\/]lib[\\/]terraform-stack\.js$/;
const EXPRESSION_MODULE = /[\\/]cdktf[\\/]lib[\\/]tfExpression\.js$/;

/**
 * TerraformStack.toTerraform resolves each element, merges the results and the stack's overrides, and then
 * resolves the whole stack once more. Without overrides (ha-site sets none on stacks) that last pass walks
 * values that are all resolved already, so the bundle skips it then; with overrides it runs as before.
 *
 * TerraformStack.prepareStack resolves every element once more before synthesis ("preparing"), only so that a
 * reference to another stack's resource can add that stack's output and this stack's remote state (cdktf
 * cross-stack references; tfExpression.js, the only reader of `preparing`). ha-site's stacks never do that:
 * the dns stack reads the regions through its own terraform_remote_state. The bundle skips that pass, and a
 * cross-stack reference then fails the synth with a message instead of being written unprepared (below).
 */
const skipResolvedPass = {
  name: "ha-site-skip-resolved-pass",
  setup(build) {
    build.onLoad({ filter: STACK_MODULE }, (args) => {
      let contents = readFileSync(args.path, "utf8");
      contents = replaceOnce(
        contents,
        args.path,
        "        return (0, _tokens_1.resolve)(this, tf);",
        "        return Object.keys(this.rawOverrides).length === 0 ? tf : (0, _tokens_1.resolve)(this, tf);",
      );
      contents = replaceOnce(
        contents,
        args.path,
        "        terraformElements(this).forEach((e) => (0, _tokens_1.resolve)(this, e.toTerraform(), true));",
        "        // ha-site bundle: no preparing pass (scripts/bundle.mjs)",
      );
      return { contents, loader: "js" };
    });
    build.onLoad({ filter: EXPRESSION_MODULE }, (args) => {
      const from = "        return suppressBraces ? this.identifier : `\\${${this.identifier}}`;";
      const guard = [
        "        if (this.originStack && this.originStack !== resolutionStack) {",
        '            throw new Error(`ha-site: ${this.identifier} is a cross-stack reference (from ${resolutionStack.node.id} to ${this.originStack.node.id}); the bundled synth skips the pass that prepares those (scripts/bundle.mjs): use terraform_remote_state`);',
        "        }",
      ].join("\n");
      return { contents: replaceOnce(readFileSync(args.path, "utf8"), args.path, from, `${guard}\n${from}`), loader: "js" };
    });
  },
};

const UTIL_MODULE = /[\\/]cdktf[\\/]lib[\\/]util\.js$/;

/**
 * cdktf's `snakeCase` (three regular expressions) runs for every attribute key of every resource on each of
 * its two `toTerraform` calls per synth; the keys repeat (a 20x20 synth has a few hundred distinct ones), so
 * the bundle remembers each key's result.
 */
const memoSnakeCase = {
  name: "ha-site-memo-snake-case",
  setup(build) {
    build.onLoad({ filter: UTIL_MODULE }, (args) => {
      const memo = [
        "const snakeCaseMemo = new Map();",
        "function snakeCase(str) {",
        '    if (typeof str !== "string") return snakeCaseOnce(str);',
        "    let result = snakeCaseMemo.get(str);",
        "    if (result === undefined) snakeCaseMemo.set(str, (result = snakeCaseOnce(str)));",
        "    return result;",
        "}",
        "function snakeCaseOnce(str) {",
      ].join("\n");
      return { contents: replaceOnce(readFileSync(args.path, "utf8"), args.path, "function snakeCase(str) {", memo), loader: "js" };
    });
  },
};

const RESOLVE_MODULE = /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]resolve\.js$/;

/**
 * cdktf's `resolve` runs once per value, key and array element of every resource, three times per synth (a
 * preparing pass, one per element, one over the stack): ~250k calls in a 20x20 synth. Two lines of it were
 * ~half of its own time in a CPU profile, both only bookkeeping: the path of the value for error messages,
 * joined on every call (now joined only for a message), and the options object for each child, an object
 * spread (now the same five fields written out; `Tokenization.resolve` and `findTokens` pass no others).
 */
const RESOLVE_PATCHES = [
  ['const pathName = "/" + prefix.join("/");', 'const pathName = () => "/" + prefix.join("/");'],
  ["unableToResolveCircularReference)(pathName)", "unableToResolveCircularReference)(pathName())"],
  ["cannotResolveFunction)(pathName, obj)", "cannotResolveFunction)(pathName(), obj)"],
  ["constructsCannotBeResolved)(pathName)", "constructsCannotBeResolved)(pathName())"],
  ["mapKeyMustResolveToString)(pathName, key, resolvedKey)", "mapKeyMustResolveToString)(pathName(), key, resolvedKey)"],
  [
    "return resolve(x, {\n                    ...options,\n                    prefix: newPrefix,\n                    previousContext: context,\n                });",
    "return resolve(x, { scope: options.scope, resolver: options.resolver, preparing: options.preparing, prefix: newPrefix, previousContext: context });",
  ],
];

const fastResolve = {
  name: "ha-site-fast-resolve",
  setup(build) {
    build.onLoad({ filter: RESOLVE_MODULE }, (args) => {
      let contents = readFileSync(args.path, "utf8");
      for (const [from, to] of RESOLVE_PATCHES) contents = replaceOnce(contents, args.path, from, to);
      if (/\bpathName\b(?!\(\))(?! = \(\))/.test(contents)) throw new Error(`ha-site bundle: cdktf's ${args.path} uses pathName elsewhere; update scripts/bundle.mjs`);
      return { contents, loader: "js" };
    });
  },
};

/**
 * cdktf files whose top-level `const NAME = require("MODULE");` becomes a lazy require: "call" for a module that
 * is a function, "object" for one used as a namespace (`(0, child_process_1.execSync)(...)`).
 */
const LAZY_REQUIRES = [
  { file: /[\\/]cdktf[\\/]lib[\\/]private[\\/]fs\.js$/, requires: { archiver: ["archiver", "call"], child_process_1: ["child_process", "object"] } },
  { file: /[\\/]cdktf[\\/]lib[\\/]validations[\\/]validate-binary-version\.js$/, requires: { child_process_1: ["child_process", "object"], semver: ["semver", "object"] } },
  { file: /[\\/]cdktf[\\/]lib[\\/]testing[\\/]matchers\.js$/, requires: { child_process_1: ["child_process", "object"] } },
];

const lazyRequires = {
  name: "ha-site-lazy-requires",
  setup(build) {
    build.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/](private[\\/]fs|validations[\\/]validate-binary-version|testing[\\/]matchers)\.js$/ }, (args) => {
      const entry = LAZY_REQUIRES.find((e) => e.file.test(args.path));
      let contents = readFileSync(args.path, "utf8");
      for (const [name, [module, kind]] of Object.entries(entry?.requires ?? {})) {
        const lazy =
          kind === "call"
            ? `const ${name} = (...args) => require("${module}")(...args);`
            : `const ${name} = new Proxy({}, { get: (_, key) => require("${module}")[key] });`;
        contents = replaceOnce(contents, args.path, `const ${name} = require("${module}");`, lazy);
      }
      return { contents, loader: "js" };
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
    plugins: [lazyTokenTraces, lazyRequires, fastResolve, memoSnakeCase, skipResolvedPass],
  };
}

/**
 * esbuild options for one npm package (its main entry) as a single CommonJS file with the synth bundle's
 * token-trace guard, not minified: the jest runs map `cdktf` to it (scripts/jest-global-setup.mjs).
 * `external` packages stay separate modules (constructs: one instance shared with the code that imports it).
 */
export function packageBundleOptions(name, outfile, external) {
  const { entryPoints, minify, plugins, ...options } = bundleOptions("", outfile);
  // No keepNames needed: not minified, and a CommonJS package keeps every module in a function of its own,
  // so nothing is renamed. Only the token-trace guard: the tests run cdktf's own synthesis code, so that the
  // unchanged-output fixtures they write stay an independent check of the synth bundle's other patches
  // (__tests__/scripts/synth.e2e.test.ts compares the bundled synth with them).
  return { ...options, keepNames: false, plugins: [lazyTokenTraces], stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: process.cwd(), loader: "js" }, external };
}
