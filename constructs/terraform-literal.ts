// Compatibility names for the literal function, for code written against them (branch hcl-shell added this
// module with the same exports). There is ONE implementation: ./tf-literal.ts (it also escapes the text
// around cdktf tokens, where a whole-string token check would leave it unescaped).
import { tfLiteral, tfLiteralValues } from "./tf-literal";

/** `text` with `${` and `%{` escaped, so that Terraform reads it literally (= tfLiteral). */
export function escapeTemplate(text: string): string {
  return tfLiteral(text);
}

/** A config string as a Terraform literal (= tfLiteral; undefined stays undefined). */
export function terraformLiteral(text: string): string;
export function terraformLiteral(text: string | undefined): string | undefined;
export function terraformLiteral(text: string | undefined): string | undefined {
  return text === undefined ? undefined : tfLiteral(text);
}

/** Each value of `map` as a Terraform literal (= tfLiteralValues; undefined stays undefined). */
export function terraformLiterals(map: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  return map === undefined ? undefined : tfLiteralValues(map);
}
