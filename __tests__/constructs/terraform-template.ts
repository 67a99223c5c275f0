// Test helper: Terraform's reading of a synthesized template string that holds literal text (with the
// escapes `$${` and `%%{`) and the interpolations `${local.X}` and `${self.output.X}`, nothing else.
import type { Json } from "../helpers";

export function evaluateTemplate(template: string, json: Json, self: Json = {}): string {
  let out = "";
  for (let i = 0; i < template.length; ) {
    if (template.startsWith("$${", i) || template.startsWith("%%{", i)) {
      out += template.slice(i + 1, i + 3);
      i += 3;
    } else if (template.startsWith("${", i) || template.startsWith("%{", i)) {
      const end = template.indexOf("}", i);
      const ref = template.slice(i + 2, end);
      const local = /^local\.(\w+)$/.exec(ref)?.[1];
      const output = /^self\.output\.(\w+)$/.exec(ref)?.[1];
      if (local !== undefined && typeof json.locals?.[local] === "string") out += evaluateTemplate(json.locals[local], json);
      else if (output !== undefined && typeof self[output] === "string") out += evaluateTemplate(self[output], json);
      else throw new Error(`unexpected template sequence ${template.slice(i, end + 1)}`);
      i = end + 1;
    } else {
      out += template[i++];
    }
  }
  return out;
}
