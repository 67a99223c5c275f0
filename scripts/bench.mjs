// `npm run bench`: synth speed against the targets of the core generator issue.
//   - seed synth: median wall time of `node scripts/synth.mjs` (what `npm run synth` runs, bundle cached)
//     next to `node -e 0` in the same run; target <= 6x.
//   - big app: 20 regional swarm stacks x 20 services (scripts/bench-app.ts, bundled the same way);
//     target <= 2 s.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const runs = Number(process.env.BENCH_RUNS || 7);

function time(args, env = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "ha-site-bench-"));
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, env: { ...process.env, CDKTF_OUTDIR: "", ...env }, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rmSync(cwd, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return seconds;
}

function median(args, env) {
  time(args, env); // warm-up (fills caches, builds the synth bundle)
  const samples = Array.from({ length: runs }, () => time(args, env)).sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const fmt = (s) => `${(s * 1000).toFixed(0)} ms`;
const verdict = (ok) => (ok ? "ok" : "OVER TARGET");

const baseline = median(["-e", "0"]);
const seed = median([join(root, "scripts", "synth.mjs")], { HA_SITE_CONFIG: "" });
const ratio = seed / baseline;
console.log(`node -e 0              ${fmt(baseline)} (median of ${runs})`);
console.log(`seed synth             ${fmt(seed)} = ${ratio.toFixed(1)}x node -e 0 (target <= 6x): ${verdict(ratio <= 6)}`);

const bigBundle = join(root, ".cache", "bench-app.cjs");
await build({ entryPoints: [join(root, "scripts", "bench-app.ts")], bundle: true, platform: "node", target: "node20", format: "cjs", outfile: bigBundle, logLevel: "error" });
const big = median([bigBundle], { CDKTF_OUTDIR: "cdktf.out" });
console.log(`20 regions x 20 svcs   ${fmt(big)} (target <= 2000 ms): ${verdict(big <= 2)}`);
process.exitCode = ratio <= 6 && big <= 2 ? 0 : 1;
