import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
const variants = JSON.parse(process.argv[2]); const runs = Number(process.argv[3] || 9);
const t = {}; for (const k of Object.keys(variants)) t[k] = { w: [], c: [], r: [] };
const probe = "/tmp/prof/probe.jsonl";
for (let i = 0; i < runs + 1; i++) for (const [k, args] of Object.entries(variants)) {
  rmSync(probe, { force: true });
  const s = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", "/work/wt-perf/scripts/bench-probe.cjs", ...args], { env: { ...process.env, BENCH_PROBE_OUT: probe, CDKTF_OUTDIR: "/tmp/prof/outx" + k }, encoding: "utf8" });
  const w = Number(process.hrtime.bigint() - s) / 1e6;
  if (r.status !== 0) { console.log(k, r.stderr); process.exit(1); }
  const p = JSON.parse(readFileSync(probe, "utf8").trim().split("\n").pop());
  if (i > 0) { t[k].w.push(w); t[k].c.push(p.cpuMs); t[k].r.push(p.rssMb); }
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const k0 = Object.keys(t)[0];
for (const [k, a] of Object.entries(t)) console.log(k.padEnd(14), "wall", med(a.w).toFixed(0), (med(a.w) / med(t[k0].w)).toFixed(2) + "x", " cpu", med(a.c).toFixed(0), (med(a.c) / med(t[k0].c)).toFixed(2) + "x", " rss", med(a.r).toFixed(0), "MB");
