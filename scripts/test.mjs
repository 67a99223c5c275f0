// `npm test`: the type check (tsc --noEmit, incremental) and jest at the same time; arguments go to jest.
// The exit status is jest's, or tsc's when jest passed and tsc did not.
//
// At once rather than one after the other: tsc is one thread for ~3-4 s, mostly parsing the same .d.ts
// files every run (--incremental skips only the checking), while jest's two workers leave gaps (suites that
// wait on child processes, timers, the last suite alone). tsc's output is printed after jest's, whole, so
// the two never interleave.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

/** Runs `node bin args`; resolves with the exit status (1 when killed by a signal) and, if buffered, the output. */
function run(bin, args, buffered) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (buffered) for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", (chunk) => (output += chunk));
    child.on("error", (e) => resolve({ status: 1, output: `${output}${e.message}\n` }));
    child.on("close", (status) => resolve({ status: status ?? 1, output }));
  });
}

const tsc = run(require.resolve("typescript/bin/tsc"), ["--noEmit", "--incremental", "--tsBuildInfoFile", ".cache/tsconfig.tsbuildinfo"], true);
const jest = run(require.resolve("jest/bin/jest"), process.argv.slice(2), false);
const [types, tests] = await Promise.all([tsc, jest]);
if (types.status !== 0) process.stderr.write(`\ntsc --noEmit failed:\n${types.output}`);
process.exitCode = tests.status !== 0 ? tests.status : types.status;
