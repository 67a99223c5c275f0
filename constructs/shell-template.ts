// The generated shell scripts live as real .sh files in constructs/scripts/ (linted by shellcheck directly,
// diffable, highlighted); this module reads them and fills in their parameters.
//
// A template is a complete sh script whose parameter values are placeholders (`SERVICE=@SERVICE@`, valid
// sh as it stands) and which sources the shared library with
//     # shellcheck source=service-lib.sh
//     . ./service-lib.sh
// (so that `shellcheck -x` lints template and library together). `fillShellTemplate` replaces each
// placeholder with a value (already a shell word) and splits the script at that source line: the caller
// puts the library there, inline (a self-contained script) or as a Terraform interpolation of a local.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The folder of the .sh files: next to this module, or (in the esbuild bundle under .cache/) in the source tree. */
function scriptsDir(): string {
  for (const dir of [join(__dirname, "scripts"), join(__dirname, "..", "constructs", "scripts")]) {
    if (existsSync(join(dir, "service-lib.sh"))) return dir;
  }
  throw new Error(`ha-site: the shell scripts (constructs/scripts/*.sh) were not found next to ${__dirname}`);
}

const cache = new Map<string, string>();

/** The text of constructs/scripts/`name`. */
export function shellSource(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(scriptsDir(), name), "utf8");
    cache.set(name, text);
  }
  return text;
}

/** The line pair that sources the shared library in a template. */
export const LIBRARY_SOURCE_LINES = "# shellcheck source=service-lib.sh\n. ./service-lib.sh\n";

/** A filled template: the script is `head` + the library + `tail`. */
export interface FilledTemplate {
  readonly head: string;
  readonly tail: string;
}

/**
 * `template` with every `@NAME@` replaced by `values[NAME]`, split where it sources the library. Every
 * placeholder must have a value and every value a placeholder. The template is split first and values are
 * inserted in one pass, so a value is never scanned again (for placeholders or the source line).
 */
export function fillShellTemplate(templateName: string, values: Readonly<Record<string, string>>): FilledTemplate {
  const template = shellSource(templateName);
  const at = template.indexOf(LIBRARY_SOURCE_LINES);
  if (at < 0 || template.indexOf(LIBRARY_SOURCE_LINES, at + 1) >= 0) {
    throw new Error(`${templateName}: expected exactly one library source line pair`);
  }
  const used = new Set<string>();
  const fill = (part: string) =>
    part.replace(/@([A-Z][A-Z0-9_]*)@/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`${templateName}: no value for the placeholder @${name}@`);
      used.add(name);
      return value;
    });
  const filled = { head: fill(template.slice(0, at)), tail: fill(template.slice(at + LIBRARY_SOURCE_LINES.length)) };
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`${templateName}: no placeholder for ${unused.join(", ")}`);
  return filled;
}
