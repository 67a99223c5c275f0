// Config strings as Terraform literals. Terraform reads every string of its JSON (and every quoted string
// or heredoc of HCL) as a template: `${...}` interpolates and `%{...}` is a directive, so a key pair name,
// a CloudFormation parameter or a health-check search string holding them would be evaluated (or fail to
// parse). Each such value goes through `terraformLiteral` on its way into a resource: `$${` and `%%{` are
// Terraform's escapes for a literal `${` and `%{`.
import { Token } from "cdktf";

/** `text` with `${` and `%{` escaped, so that Terraform reads it literally. */
export function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/**
 * A config string as a Terraform literal (see escapeTemplate). A cdktf token (a reference that cdktf
 * resolves at synthesis) is returned as it is: it is Terraform syntax already.
 */
export function terraformLiteral(text: string): string;
export function terraformLiteral(text: string | undefined): string | undefined;
export function terraformLiteral(text: string | undefined): string | undefined {
  if (text === undefined || Token.isUnresolved(text)) return text;
  return escapeTemplate(text);
}

/** Each value of `map` as a Terraform literal (keys are names the schema restricts). */
export function terraformLiterals(map: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (map === undefined) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, terraformLiteral(v)]));
}
