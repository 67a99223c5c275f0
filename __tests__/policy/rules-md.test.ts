import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../../policy/rules";
import { RULES_MD, renderRulesMd } from "../../policy/rules-md";

describe("RULES.md", () => {
  it("is what `npm run rules:md` generates from the rule files", () => {
    expect(readFileSync(join(__dirname, "..", "..", RULES_MD), "utf8")).toBe(renderRulesMd());
  });

  it("documents every rule with its severity and rationale", () => {
    const text = renderRulesMd();
    for (const rule of RULES) {
      expect(text).toContain(`## ${rule.id}\n\n**${rule.severity}**: ${rule.description}.\n\n${rule.rationale}\n`);
    }
  });
});
