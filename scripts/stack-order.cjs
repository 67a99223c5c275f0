#!/usr/bin/env node
// Prints the stacks of a synthesized cdktf app in dependency order, for CI matrices.
//
//   node scripts/stack-order.cjs [MANIFEST] [--all | --layers | --github-output] [--expect-layers N]
//
// MANIFEST defaults to cdktf.out/manifest.json (also --manifest PATH).
//   --all            (default) JSON list of every stack, dependencies before dependants:
//                    ["swarm-us-east-2","swarm-us-west-2","dns"]
//   --layers         JSON list of layers; every stack of a layer depends only on earlier layers:
//                    [["swarm-us-east-2","swarm-us-west-2"],["dns"]]
//   --github-output  appends name=value lines to the file named by $GITHUB_OUTPUT (stdout when unset):
//                    all=[...]  layers=[[...],...]  layer_count=N  layer_0=[...]  layer_1=[...] ...
//   --expect-layers N  fail unless there are exactly N layers (a workflow with one job per layer
//                    uses this to notice a stack graph it was not written for).
//   --require-cloud-backend  fail unless every stack's synthesized cdk.tf.json keeps its state in
//                    Terraform Cloud (`terraform.cloud` or backend "remote"): CI has no AWS credentials
//                    and keeps no files, so a local or s3 backend must never be deployed from there.
// Within a layer, stacks keep the order of the manifest. Errors (missing or malformed manifest,
// unknown dependency, cycle) print one line to stderr and exit 1. Plain Node, no dependencies.
// CommonJS with an exported `run`, so that tests run it in-process.
"use strict";
const { appendFileSync, readFileSync } = require("node:fs");
const { dirname, join, resolve } = require("node:path");

const DEFAULT_MANIFEST = "cdktf.out/manifest.json";
const USAGE =
  "usage: node scripts/stack-order.cjs [MANIFEST] [--all | --layers | --github-output] [--expect-layers N] [--require-cloud-backend]";

class StackOrderError extends Error {}

function fail(message) {
  throw new StackOrderError(message);
}

function parseArgs(argv) {
  const options = { manifest: undefined, mode: "all", expectLayers: undefined, requireCloud: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      options.mode = "help";
    } else if (arg === "--all" || arg === "--layers" || arg === "--github-output") {
      options.mode = arg.slice(2);
    } else if (arg === "--require-cloud-backend") {
      options.requireCloud = true;
    } else if (arg === "--manifest" || arg === "--expect-layers") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) fail(`${arg} needs a value; ${USAGE}`);
      if (arg === "--manifest") options.manifest = value;
      else options.expectLayers = parseCount(value);
    } else if (arg.startsWith("--manifest=")) {
      options.manifest = arg.slice("--manifest=".length);
    } else if (arg.startsWith("--expect-layers=")) {
      options.expectLayers = parseCount(arg.slice("--expect-layers=".length));
    } else if (arg.startsWith("-")) {
      fail(`unknown option ${arg}; ${USAGE}`);
    } else if (options.manifest === undefined) {
      options.manifest = arg;
    } else {
      fail(`unexpected argument ${arg}; ${USAGE}`);
    }
  }
  options.manifest ??= DEFAULT_MANIFEST;
  return options;
}

function parseCount(text) {
  if (!/^[1-9]\d*$/.test(text)) fail(`--expect-layers: got ${JSON.stringify(text)}; expected a positive integer`);
  return Number(text);
}

/** Reads the manifest; returns [{ name, dependencies }] in manifest order. */
function readManifest(file, path = file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const reason = e && e.code === "ENOENT" ? "file not found (run `npm run synth` first)" : (e && e.code) || String(e);
    fail(`cannot read manifest ${path}: ${reason}`);
  }
  let manifest;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    fail(`manifest ${path} is not valid JSON (${e.message.split("\n")[0]})`);
  }
  const stacks = manifest && typeof manifest === "object" ? manifest.stacks : undefined;
  if (!stacks || typeof stacks !== "object") fail(`manifest ${path} has no "stacks" object`);
  const entries = Array.isArray(stacks) ? stacks.map((s) => [undefined, s]) : Object.entries(stacks);
  const result = entries.map(([key, stack]) => {
    if (!stack || typeof stack !== "object") fail(`manifest ${path}: stack ${key ?? "?"} is not an object`);
    const name = typeof stack.name === "string" && stack.name ? stack.name : key;
    if (!name) fail(`manifest ${path}: a stack has no name`);
    const deps = stack.dependencies ?? [];
    if (!Array.isArray(deps) || deps.some((d) => typeof d !== "string")) {
      fail(`manifest ${path}: stack ${name}: "dependencies" must be a list of stack names`);
    }
    const file = typeof stack.synthesizedStackPath === "string" ? stack.synthesizedStackPath : undefined;
    return { name, dependencies: [...new Set(deps)], file };
  });
  if (result.length === 0) fail(`manifest ${path} lists no stacks`);
  const seen = new Set();
  for (const { name } of result) {
    if (seen.has(name)) fail(`manifest ${path}: stack ${name} is listed twice`);
    seen.add(name);
  }
  return result;
}

/** Groups stacks into dependency layers (Kahn's algorithm); throws on unknown deps and cycles. */
function layersOf(stacks) {
  const names = new Set(stacks.map((s) => s.name));
  for (const stack of stacks) {
    for (const dep of stack.dependencies) {
      if (!names.has(dep)) fail(`stack ${stack.name} depends on ${dep}, which is not in the manifest`);
    }
  }
  const layers = [];
  const placed = new Set();
  let pending = stacks;
  while (pending.length > 0) {
    const layer = pending.filter((s) => s.dependencies.every((d) => placed.has(d)));
    if (layer.length === 0) fail(`dependency cycle: ${describeCycle(pending)}`);
    for (const s of layer) placed.add(s.name);
    layers.push(layer.map((s) => s.name));
    pending = pending.filter((s) => !placed.has(s.name));
  }
  return layers;
}

/** Finds one cycle among stacks that could not be placed: "a -> b -> a". */
function describeCycle(pending) {
  const byName = new Map(pending.map((s) => [s.name, s]));
  for (const start of pending) {
    const path = [];
    const onPath = new Map();
    let current = start;
    while (current && !onPath.has(current.name)) {
      onPath.set(current.name, path.length);
      path.push(current.name);
      // Every pending stack has at least one pending dependency, so this walk must loop.
      current = byName.get(current.dependencies.find((d) => byName.has(d)));
    }
    if (current) return [...path.slice(onPath.get(current.name)), current.name].join(" -> ");
  }
  return pending.map((s) => s.name).join(", ");
}

/** Throws unless every stack's Terraform JSON uses Terraform Cloud (cloud block or remote backend). */
function checkCloudBackends(manifestPath, stacks) {
  for (const stack of stacks) {
    if (!stack.file) fail(`manifest ${manifestPath}: stack ${stack.name} has no "synthesizedStackPath"`);
    const file = join(dirname(manifestPath), stack.file);
    let terraform;
    try {
      terraform = JSON.parse(readFileSync(file, "utf8")).terraform ?? {};
    } catch (e) {
      fail(`cannot read the Terraform JSON of stack ${stack.name} (${file}): ${(e && e.code) || e.message}`);
    }
    const backends = Object.keys(terraform.backend ?? {});
    if (terraform.cloud || backends.includes("remote")) continue;
    const found = backends.length ? `backend "${backends.join('", "')}"` : "no backend (Terraform's local default)";
    fail(
      `stack ${stack.name} does not keep its state in Terraform Cloud (${found}); ` +
        'CI plans and deploys need config field backend = { "type": "cloud", ... }',
    );
  }
}

function githubOutputLines(layers) {
  const lines = [
    `all=${JSON.stringify(layers.flat())}`,
    `layers=${JSON.stringify(layers)}`,
    `layer_count=${layers.length}`,
  ];
  layers.forEach((layer, i) => lines.push(`layer_${i}=${JSON.stringify(layer)}`));
  return lines;
}

function main(argv, io) {
  const options = parseArgs(argv);
  if (options.mode === "help") {
    io.stdout(`${USAGE}\n`);
    return;
  }
  const manifest = resolve(io.cwd, options.manifest);
  const stacks = readManifest(manifest, options.manifest);
  const layers = layersOf(stacks);
  if (options.requireCloud) checkCloudBackends(manifest, stacks);
  if (options.expectLayers !== undefined && layers.length !== options.expectLayers) {
    fail(
      `expected ${options.expectLayers} dependency layer(s) but ${options.manifest} has ${layers.length}: ` +
        `${JSON.stringify(layers)}; the workflow has one job per layer and must be updated`,
    );
  }
  if (options.mode === "layers") {
    io.stdout(`${JSON.stringify(layers)}\n`);
  } else if (options.mode === "github-output") {
    const text = `${githubOutputLines(layers).join("\n")}\n`;
    const target = io.env.GITHUB_OUTPUT;
    if (target) {
      appendFileSync(resolve(io.cwd, target), text);
      io.stdout(`stack-order: wrote to $GITHUB_OUTPUT:\n${text}`);
    } else {
      io.stdout(text);
    }
  } else {
    io.stdout(`${JSON.stringify(layers.flat())}\n`);
  }
}

/** Runs the command line `argv`; returns the exit status (0, or 1 after one line on stderr). */
function run(argv, io = {}) {
  const full = {
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    stdout: io.stdout ?? ((text) => process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => process.stderr.write(text)),
  };
  try {
    main(argv, full);
    return 0;
  } catch (e) {
    if (!(e instanceof StackOrderError)) throw e;
    full.stderr(`stack-order: ${e.message}\n`);
    return 1;
  }
}

module.exports = { run };

if (require.main === module) process.exitCode = run(process.argv.slice(2));
