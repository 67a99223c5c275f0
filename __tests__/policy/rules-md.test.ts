import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RULES } from "../../policy/rules";
import { RULES_MD, renderRulesMd } from "../../policy/rules-md";

describe("RULES.md", () => {
  it("is what `npm run rules:md` generates from the rule files", () => {
    expect(readFileSync(join(__dirname, "..", "..", RULES_MD), "utf8")).toBe(renderRulesMd());
  });

  it("is what the script writes", () => {
    const tmp = mkdtempSync(join(tmpdir(), "ha-site-rules-md-"));
    const file = join(tmp, "RULES.md");
    const root = join(__dirname, "..", "..");
    expect(execFileSync(process.execPath, ["--import", "tsx", join(root, "scripts", "rules-md.ts"), file], { cwd: root, encoding: "utf8" })).toBe(`ha-site: wrote ${file}\n`);
    expect(readFileSync(file, "utf8")).toBe(readFileSync(join(root, RULES_MD), "utf8"));
    rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it("documents every rule with its severity and rationale", () => {
    const text = renderRulesMd();
    for (const rule of RULES) {
      expect(text).toContain(`## ${rule.id}\n\n**${rule.severity}**: ${rule.description}.\n\n${rule.rationale}\n`);
    }
  });
});
