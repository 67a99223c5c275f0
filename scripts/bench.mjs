// `npm run bench`: synthesis speed against the targets of the synthesis issue. Every figure is printed next to
// its target; the exit code is 1 when one is over.
//
//   seed synth      `node scripts/synth.mjs` (what `npm run synth` runs, bundle and code cache warm) against
//                   `node -e 0`, paired runs alternating A and B in this one process; medians of wall time and
//                   of CPU time (user + system of the child itself, read by scripts/bench-probe.cjs); peak RSS.
//                   Targets: <= 2.5x wall and CPU, <= 100 MB.
//   20 x 20         the same command on a real config file: 20 real AWS regions with latency routing, 20
//                   services (scripts/bench-config.mjs writes it). Until a schema accepts 20 regions, the
//                   20-stack benchmark app (scripts/bench-app.ts, bundled the same way). Targets: <= 1.0 s wall,
//                   output <= 2 MB.
//   npx cdktf synth the cdktf CLI (cdktf.json's app is the same bundled path), median of BENCH_CLI_RUNS (3);
//                   no target: the CLI's own start-up (~4 s) is not ha-site's. BENCH_CLI_RUNS=0 skips it.
//   npm test        only with BENCH_TEST=1 (~20 s a run): median of BENCH_TEST_RUNS (3) warm runs (after one to
//                   warm tsc's incremental state and jest's caches); target <= 20 s. Then, no target, the
//                   end-to-end suite's jest part (`npm run test:e2e -- jest`, the *.e2e.test.ts suites), one run.
//
// BENCH_RUNS (default 9) sets the number of pairs. Measure on a quiet machine: the ratios are paired, so load
// slows both sides, but not always equally.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bigConfig } from "./bench-config.mjs";
import { bundleOptions } from "./bundle.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const runs = Number(process.env.BENCH_RUNS || 9);
const cliRuns = Number(process.env.BENCH_CLI_RUNS ?? 3);
const probe = join(root, "scripts", "bench-probe.cjs");
const work = mkdtempSync(join(tmpdir(), "ha-site-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

/** Runs `node args` once in a fresh folder: wall ms, the child's own CPU ms and peak RSS (MB), output bytes. */
function run(args, env = {}, { cwd, command = process.execPath, probeIt = true } = {}) {
  const dir = mkdtempSync(join(work, "run-"));
  const probeOut = join(dir, "probe.jsonl");
  const fullArgs = probeIt ? ["--require", probe, ...args] : args;
  const start = process.hrtime.bigint();
  const result = spawnSync(command, fullArgs, {
    cwd: cwd ?? dir,
    env: { ...process.env, CDKTF_OUTDIR: join(dir, "cdktf.out"), BENCH_PROBE_OUT: probeOut, CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    process.stderr.write(`bench: ${[command, ...args].join(" ")} failed:\n${result.stdout}${result.stderr}`);
    process.exit(2);
  }
  let cpu = NaN;
  let rss = NaN;
  if (probeIt) {
    // The probe of the first (main) node process is the first line; child processes append after it.
    const first = JSON.parse(readFileSync(probeOut, "utf8").split("\n")[0]);
    cpu = first.cpuMs;
    rss = first.rssMb;
  }
  const bytes = sizeOf(env.CDKTF_OUTDIR ?? join(dir, "cdktf.out"));
  rmSync(dir, { recursive: true, force: true });
  return { wall, cpu, rss, bytes };
}

function sizeOf(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (v) => `${v.toFixed(0)} ms`;
let failed = false;
function report(label, value, target, ok) {
  if (!ok) failed = true;
  console.log(`${label.padEnd(26)} ${value.padEnd(36)} target ${target.padEnd(10)} ${ok ? "ok" : "OVER TARGET"}`);
}

/** Paired runs: A, B, A, B ... after one warm-up each; medians of each side. */
function paired(a, b) {
  run(...a);
  run(...b);
  const sa = [];
  const sb = [];
  for (let i = 0; i < runs; i++) {
    sa.push(run(...a));
    sb.push(run(...b));
  }
  const pick = (samples, key) => median(samples.map((s) => s[key]));
  return { a: { wall: pick(sa, "wall"), cpu: pick(sa, "cpu"), rss: pick(sa, "rss") }, b: { wall: pick(sb, "wall"), cpu: pick(sb, "cpu"), rss: pick(sb, "rss"), bytes: sb[0].bytes } };
}

const synth = join(root, "scripts", "synth.mjs");

// Seed synth against node -e 0.
const seed = paired([["-e", "0"]], [[synth], { HA_SITE_CONFIG: "" }]);
const wallRatio = seed.b.wall / seed.a.wall;
const cpuRatio = seed.b.cpu / seed.a.cpu;
console.log(`node -e 0                  ${ms(seed.a.wall)} wall, ${ms(seed.a.cpu)} CPU (medians of ${runs} pairs)`);
report("seed synth, wall", `${ms(seed.b.wall)} = ${wallRatio.toFixed(2)}x node -e 0`, "<= 2.5x", wallRatio <= 2.5);
report("seed synth, CPU", `${ms(seed.b.cpu)} = ${cpuRatio.toFixed(2)}x node -e 0`, "<= 2.5x", cpuRatio <= 2.5);
report("seed synth, peak RSS", `${seed.b.rss.toFixed(0)} MB`, "<= 100 MB", seed.b.rss <= 100);

// 20 regions x 20 services: a real config file through scripts/synth.mjs, or the benchmark app.
const configFile = join(work, "bench-20x20.json");
writeFileSync(configFile, `${JSON.stringify(bigConfig(), null, 2)}\n`);
const accepted = spawnSync(process.execPath, [synth], { cwd: work, env: { ...process.env, HA_SITE_CONFIG: configFile, CDKTF_OUTDIR: join(work, "probe.out") }, encoding: "utf8" });
let big;
let bigLabel;
if (accepted.status === 0) {
  bigLabel = "20 x 20 (real config)";
  big = paired([["-e", "0"]], [[synth], { HA_SITE_CONFIG: configFile }]).b;
} else {
  bigLabel = "20 x 20 (benchmark app)";
  console.log(`20 x 20: the schema rejects a 20-region config (${accepted.stderr.trim().split("\n")[0]}); timing scripts/bench-app.ts`);
  const bigBundle = join(root, ".cache", "bench-app.cjs");
  await build(bundleOptions(join(root, "scripts", "bench-app.ts"), bigBundle));
  const runner = join(root, "scripts", "run-cached-main.mjs");
  big = paired([["-e", "0"]], [[runner, bigBundle]]).b;
}
report(`${bigLabel}, wall`, ms(big.wall), "<= 1000 ms", big.wall <= 1000);
report(`${bigLabel}, output`, `${(big.bytes / 1e6).toFixed(2)} MB`, "<= 2 MB", big.bytes <= 2e6);

if (cliRuns > 0) {
  const cli = join(root, "node_modules", ".bin", "cdktf");
  const samples = [];
  for (let i = 0; i < cliRuns; i++) {
    const outdir = join(work, `cli-${i}`);
    samples.push(run(["synth", "--output", outdir], { HA_SITE_CONFIG: "", CDKTF_OUTDIR: outdir }, { cwd: root, command: cli, probeIt: false }).wall);
  }
  console.log(`${"npx cdktf synth".padEnd(26)} ${ms(median(samples))} (median of ${cliRuns}; the same bundled app as npm run synth)`);
}

if (process.env.BENCH_TEST === "1") {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const timed = (args) => {
    const start = process.hrtime.bigint();
    const result = spawnSync(npm, args, { cwd: root, stdio: "ignore" });
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, ok: result.status === 0 };
  };
  timed(["test", "--silent"]); // warm (tsc incremental, jest cache)
  const tests = Array.from({ length: Number(process.env.BENCH_TEST_RUNS || 3) }, () => timed(["test", "--silent"]));
  const seconds = median(tests.map((t) => t.seconds));
  const all = tests.every((t) => t.ok);
  const range = tests.map((t) => t.seconds.toFixed(1)).join(", ");
  report("npm test (warm)", `${seconds.toFixed(1)} s (runs: ${range})${all ? "" : " (FAILED)"}`, "<= 20 s", seconds <= 20 && all);
  const e2e = timed(["run", "-s", "test:e2e", "--", "jest"]);
  console.log(`${"test:e2e -- jest".padEnd(26)} ${e2e.seconds.toFixed(1)} s${e2e.ok ? "" : " (FAILED)"} (no target: the end-to-end suite's jest part)`);
}

process.exitCode = failed ? 1 : 0;
