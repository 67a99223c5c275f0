// `npm run rules:md`: rewrites RULES.md from the rule files (or writes FILE: `tsx scripts/rules-md.ts FILE`).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RULES_MD, renderRulesMd } from "../policy/rules-md";

const file = process.argv[2] ?? join(__dirname, "..", RULES_MD);
writeFileSync(file, renderRulesMd());
process.stdout.write(`ha-site: wrote ${process.argv[2] ?? RULES_MD}\n`);
