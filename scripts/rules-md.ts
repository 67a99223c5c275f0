// `npm run rules:md`: rewrites RULES.md from the rule files.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RULES_MD, renderRulesMd } from "../policy/rules-md";

const file = join(__dirname, "..", RULES_MD);
writeFileSync(file, renderRulesMd());
process.stdout.write(`ha-site: wrote ${RULES_MD}\n`);
