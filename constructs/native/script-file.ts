// Reads the real .sh files that sit next to the native engine's constructs (shellcheck-linted, diffable), both
// when run from source (tsx, jest: __dirname is constructs/native) and from the esbuild bundle that
// `npm run synth` runs (__dirname is .cache/, next to constructs/).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const cache = new Map<string, string>();

/** The text of `constructs/native/<name>` (e.g. "bootstrap.sh"). */
export function nativeScriptFile(name: string): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const candidates = [join(__dirname, name), join(__dirname, "..", "constructs", "native", name)];
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) throw new Error(`ha-site: script ${name} not found (looked in ${candidates.join(", ")})`);
  const text = readFileSync(path, "utf8");
  cache.set(name, text);
  return text;
}

/**
 * `text` with the sections between `# @NAME-begin` and `# @NAME-end` lines kept (markers removed) when `keep(NAME)`
 * is true, else replaced by `replacement(NAME)` lines (default: nothing). Sections may nest: a line is kept when
 * every section around it is.
 */
export function selectSections(text: string, keep: (name: string) => boolean, replacement: (name: string) => string[] = () => []): string {
  const out: string[] = [];
  const open: { name: string; kept: boolean }[] = [];
  const visible = () => open.every((s) => s.kept);
  for (const line of text.split("\n")) {
    const begin = /^# @([a-z-]+)-begin\b/.exec(line);
    const end = /^# @([a-z-]+)-end\b/.exec(line);
    if (begin) {
      const kept = keep(begin[1]);
      if (!kept && visible()) out.push(...replacement(begin[1]));
      open.push({ name: begin[1], kept });
    } else if (end) {
      const top = open.pop();
      if (top?.name !== end[1]) throw new Error(`script sections: ${end[1]} ends but ${String(top?.name)} is open`);
    } else if (visible()) {
      out.push(line);
    }
  }
  if (open.length > 0) throw new Error(`script sections: ${open.map((s) => s.name).join(", ")} not closed`);
  return out.join("\n");
}
