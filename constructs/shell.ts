// Small helpers for writing POSIX sh from TypeScript.

/** Characters that sh never treats specially, anywhere in a word (no globs, `~`, `$`, quotes, spaces, braces). */
const BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `value` as exactly one sh word, with no expansion of any kind: left bare when it has only characters sh
 * never treats specially, else in single quotes (a `'` inside becomes `'\''`). Deterministic, so that the
 * same value always gives the same bytes. A NUL cannot be passed to a command at all and is rejected.
 */
export function shellQuote(value: string): string {
  if (value.includes("\u0000")) {
    throw new Error(`shellQuote: a NUL character cannot be part of a shell word: ${JSON.stringify(value)}`);
  }
  if (BARE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `lines` as one sh word holding them separated by newlines ('' when there are none). */
export function shellLines(lines: readonly string[]): string {
  for (const line of lines) {
    if (line.includes("\n")) throw new Error(`shellLines: a line cannot contain a newline: ${JSON.stringify(line)}`);
  }
  return shellQuote(lines.join("\n"));
}
