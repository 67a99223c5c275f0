// `npm test`: the type check (tsc --noEmit, incremental) and jest at the same time; arguments go to jest.
// The exit status is jest's, or tsc's when jest passed and tsc did not.
//
// At once rather than one after the other: tsc is one thread for ~3-4 s, mostly parsing the same .d.ts
// files every run (--incremental skips only the checking), while jest's two workers leave gaps (suites that
// wait on child processes, timers, the last suite alone). tsc's output is printed after jest's, whole, so
// the two never interleave.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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

// tsc is skipped when nothing it read has changed since it last passed: the stamp holds path, size and mtime
// of every file of its last program (the tsbuildinfo's fileNames: sources, JSON, .d.ts of node_modules),
// of every .ts file in the project now (a new one is in no program yet), tsconfig.json and npm's record of
// node_modules. --incremental alone still parses all ~600 files (~3 s of CPU beside jest's workers).
// Delete .cache/tsc-pass.stamp to force a check.
const BUILD_INFO = ".cache/tsconfig.tsbuildinfo";
const STAMP = join(root, ".cache", "tsc-pass.stamp");

function projectTsFiles(dir, out = []) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name.startsWith("cdktf.out")) continue;
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) projectTsFiles(path, out);
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

function typeStamp() {
  try {
    const info = JSON.parse(readFileSync(join(root, BUILD_INFO), "utf8"));
    const files = [...info.fileNames.map((f) => join(dirname(join(root, BUILD_INFO)), f)), ...projectTsFiles("").map((f) => join(root, f))];
    files.push(join(root, "tsconfig.json"), join(root, "node_modules", ".package-lock.json"));
    const lines = [...new Set(files)].sort().map((f) => {
      try {
        const st = statSync(f);
        return `${f}\t${st.size}\t${st.mtimeMs}`;
      } catch {
        return `${f}\t-`;
      }
    });
    return `${info.version}\n${lines.join("\n")}`;
  } catch {
    return undefined; // no build info yet: check
  }
}

/** Whether a stamp line names a file changed at or after `since` (ms), other than tsc's own build info. */
const changedSince = (stamp, since) =>
  stamp.split("\n").slice(1).some((line) => {
    const [file, , mtime] = line.split("\t");
    return file !== join(root, BUILD_INFO) && Number(mtime) >= since;
  });

const before = typeStamp();
const unchanged = before !== undefined && existsSync(STAMP) && readFileSync(STAMP, "utf8") === before;
const started = Date.now();
const tsc = unchanged
  ? Promise.resolve({ status: 0, output: "" })
  : run(require.resolve("typescript/bin/tsc"), ["--noEmit", "--incremental", "--tsBuildInfoFile", BUILD_INFO], true).then((result) => {
      rmSync(STAMP, { force: true });
      const after = result.status === 0 ? typeStamp() : undefined;
      // A file saved while tsc ran may not be what it checked: no stamp then, so the next run checks again.
      if (after !== undefined && !changedSince(after, started)) writeFileSync(STAMP, after);
      return result;
    });
const jest = run(require.resolve("jest/bin/jest"), process.argv.slice(2), false);
const [types, tests] = await Promise.all([tsc, jest]);
if (types.status !== 0) process.stderr.write(`\ntsc --noEmit failed:\n${types.output}`);
process.exitCode = tests.status !== 0 ? tests.status : types.status;
