import { parse } from "@cdktf/hcl2json";
import { readFileSync, readdirSync } from "node:fs";
import { comparableHcl, comparableJson } from "./__tests__/stacks/hcl-roundtrip";
import { isDeepStrictEqual } from "node:util";
(async () => {
for (const s of readdirSync("/tmp/hcl-shell/json/stacks")) {
  const j = comparableJson(JSON.parse(readFileSync(`/tmp/hcl-shell/json/stacks/${s}/cdk.tf.json`, "utf8")));
  const h = comparableHcl(await parse("x.tf", readFileSync(`/tmp/hcl-shell/hcl/stacks/${s}/cdk.tf`, "utf8")));
  console.log(s, isDeepStrictEqual(j, h));
  const diff = (a: any, b: any, p: string) => {
    if (isDeepStrictEqual(a, b)) return;
    if (a && b && typeof a === "object" && typeof b === "object") { for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[k], b[k], p + "." + k); return; }
    console.log(p, JSON.stringify(a)?.slice(0, 200), "|", JSON.stringify(b)?.slice(0, 200));
  };
  diff(j, h, s);
}
})();
