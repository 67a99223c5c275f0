import { spawnSync } from "node:child_process";
const variants = JSON.parse(process.argv[2]); const runs = Number(process.argv[3] || 9);
const t = {}; for (const k of Object.keys(variants)) t[k] = [];
const out = "/tmp/prof/outx";
for (let i = 0; i < runs + 1; i++) for (const [k, args] of Object.entries(variants)) {
  const s = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env: { ...process.env, CDKTF_OUTDIR: out + k }, encoding: "utf8" });
  if (r.status !== 0) { console.log(k, r.stderr); process.exit(1); }
  if (i > 0) t[k].push(Number(process.hrtime.bigint() - s) / 1e6);
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
const base = med(t[Object.keys(t)[0]]);
for (const [k, a] of Object.entries(t)) console.log(k.padEnd(14), med(a).toFixed(0), "ms", (med(a) / base).toFixed(2) + "x");
