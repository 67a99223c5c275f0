// A corpus of deliberately broken cdk.tf.json files (__tests__/policy/corpus/<RULE_ID>.<what>.cdk.tf.json):
// each triggers exactly the rule its name says, and every rule has at least one.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../../policy/rules";
import { runPolicy } from "../../policy/run";

const dir = join(__dirname, "corpus");
const files = readdirSync(dir).filter((f) => f.endsWith(".cdk.tf.json")).sort();

describe("broken cdk.tf.json corpus", () => {
  it.each(files)("%s triggers its rule, and only it", (file) => {
    const expected = file.split(".")[0];
    const json = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const report = runPolicy({ stacks: [{ name: "corpus", dir: "stacks/corpus", json }] });
    expect([...new Set(report.findings.map((f) => f.rule))]).toEqual([expected]);
    expect(report.findings.every((f) => f.stack === "corpus" && f.message.length > 0)).toBe(true);
  });

  it("has a file for every rule", () => {
    const covered = new Set(files.map((f) => f.split(".")[0]));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
    expect([...covered].filter((id) => !RULES.some((r) => r.id === id))).toEqual([]);
  });
});
