// `node scripts/run-cached-main.mjs BUNDLE`: runs a CommonJS bundle with its V8 code cache (scripts/run-cached.mjs),
// as scripts/synth.mjs runs the synth app. Used by `npm run bench` for the benchmark app.
import { resolve } from "node:path";
import { runCached } from "./run-cached.mjs";

runCached(resolve(process.argv[2]));
