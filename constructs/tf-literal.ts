// The one place that turns a config string into a Terraform literal. Terraform reads every string of the
// generated JSON (and HCL) as a template: `${...}` is an interpolation and `%{...}` a directive, so a config
// value such as `${var.ssh_private_key_us_west_2}` or `${file("/etc/hostname")}` would be evaluated. Doubling
// the introducer (`$${`, `%%{`) is Terraform's escape for a literal `${` / `%{`; nothing else in a string is
// special (a lone `$` or `%`, `$$`, `}` stay as they are: `$$${x}` reads back as `$${x}`).
// https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences-1
//
// Use it where a config value (or text built from one) becomes a Terraform argument, once, at the point of use:
// escaping an already escaped string shows the user `$${`. Not for arguments that Terraform reads without
// evaluating them (variable `default`/`description`, output `description`, backend and cloud blocks): those
// are literal already, and cdktf's Fn.* arguments, which cdktf escapes itself.
//
// cdktf's own tokens (`${TfToken[...]}` markers that stand for references) are kept as they are, so a
// construct prop that may be a token can be passed through; the config schema rejects such markers in config
// values (config/fields.ts), so a marker here always comes from code.

/** cdktf's marker of a string token (tokens/private/encoding.ts: BEGIN_STRING_TOKEN_MARKER ... END_TOKEN_MARKER). */
const STRING_TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

function escapeFragment(text: string): string {
  // Replacement functions, not strings: in a replacement string "$$" would mean one "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** `text` as a Terraform string literal: every `${` becomes `$${` and every `%{` becomes `%%{`; cdktf tokens are kept. */
export function tfLiteral(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(STRING_TOKEN)) {
    out += escapeFragment(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + escapeFragment(text.slice(last));
}

/** tfLiteral of each value of a string map (keys are left alone: the schema restricts them to plain names). */
export function tfLiteralValues(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, tfLiteral(value)]));
}
