// The shell commands README.md and docs/*.md show, found where a reader copies them from: lines of fenced
// code blocks and inline `code` spans.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..");

/** README.md and every docs/*.md, as paths relative to the repository root. */
export function docFiles(): string[] {
  return ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
}

export interface DocCommand {
  /** Where it was found, e.g. "README.md:106". */
  readonly where: string;
  /** The command text (a code line without its trailing `# comment`, or an inline code span). */
  readonly text: string;
}

/** Every code line and inline code span of `file` (block lines first, then spans, each in file order). */
export function codeSnippets(file: string): DocCommand[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const snippets: DocCommand[] = [];
  let fence = false;
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (/^\s*```/.test(line)) {
      fence = !fence;
      return;
    }
    if (fence) {
      snippets.push({ where, text: line.replace(/\s+#\s.*$/, "").trim() });
      return;
    }
    for (const match of line.matchAll(/`([^`]+)`/g)) snippets.push({ where, text: match[1].trim() });
  });
  return snippets;
}

/** Splits a shell command line into words (single and double quotes removed), stopping at `&&`, `|`, `;` or a redirection. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  // An output redirection starts a word (`2>&1`, `> file`); `<stack>`-style placeholders are words.
  const re = /'([^']*)'|"([^"]*)"|(&&|\|\||[|;]|(?<=^|\s)\d*>)|([^\s'"|;&]+)/g;
  for (const m of text.matchAll(re)) {
    if (m[3]) break;
    words.push(m[1] ?? m[2] ?? m[4]);
  }
  return words;
}

export interface CdktfCommand extends DocCommand {
  /** VAR=value assignments before `npx`. */
  readonly env: Record<string, string>;
  /** The words after `npx cdktf`. */
  readonly args: string[];
}

/** Every `npx cdktf ...` command README.md and docs/*.md show (`npx cdktf ...` with a literal "..." is prose). */
export function cdktfCommands(): CdktfCommand[] {
  const commands: CdktfCommand[] = [];
  for (const file of docFiles()) {
    for (const snippet of codeSnippets(file)) {
      const start = snippet.text.search(/(^|\s)([A-Z_][A-Z0-9_]*=\S*\s+)*npx cdktf(\s|$)/);
      if (start < 0) continue;
      const words = shellWords(snippet.text.slice(start));
      const env: Record<string, string> = {};
      while (/^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
        const [name, ...value] = words.shift()!.split("=");
        env[name] = value.join("=");
      }
      const args = words.slice(2);
      if (args.join(" ") === "...") continue;
      commands.push({ ...snippet, env, args });
    }
  }
  return commands;
}
