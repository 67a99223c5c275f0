// Preloaded (`node --require`) into every process `npm run bench` times: at exit it appends the process's
// own CPU time and peak RSS (`process.resourceUsage()`, both since the process started) to $BENCH_PROBE_OUT.
"use strict";
const { appendFileSync } = require("node:fs");
const out = process.env.BENCH_PROBE_OUT;
if (out) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    appendFileSync(out, `${JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssMb: u.maxRSS / 1024 })}\n`);
  });
}
