// `npm run diagram [-- --out FILE]`: the Mermaid diagram of the user's config (the one `npm run synth` uses) on
// stdout, or in FILE. It never touches the repository's own docs: `npm run docs:diagram`
// (scripts/update-docs.ts) keeps README.md and docs/architecture.md in sync with the built-in config.
// The rendering is cli/diagram.ts's `siteDiagram`; this file is only the command line and the I/O.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { ConfigError, loadConfig } from "../config/load";
import { siteDiagram } from "./diagram";

export const EXIT_OK = 0;
export const EXIT_CONFIG = 1;
export const EXIT_USAGE = 2;

export const USAGE = `usage: npm run diagram [-- --out FILE]

Prints the Mermaid flowchart of what your config builds (the config npm run synth uses: HA_SITE_CONFIG, or
the built-in one) to stdout.

  --out FILE   write it to FILE instead (relative to the folder you ran npm in); a FILE ending in .md gets
               a \`\`\`mermaid block. An existing FILE is replaced only if it holds nothing but such a diagram.
  --help, -h   show this help`;

export interface DiagramIo {
  readonly env: NodeJS.ProcessEnv;
  /** The process's working directory (npm runs scripts in the package root; INIT_CWD is where the user was). */
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { help: boolean; out?: string } {
  let out: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      help = true;
    } else if (arg === "--out" || arg.startsWith("--out=")) {
      const value = arg === "--out" ? argv[++i] : arg.slice("--out=".length);
      if (value === undefined || value === "" || value.startsWith("-")) throw new UsageError(`--out: got ${value === undefined ? "nothing" : JSON.stringify(value)}; expected a file name`);
      if (out !== undefined) throw new UsageError(`--out: given twice; expected one file`);
      out = value;
    } else {
      throw new UsageError(`unknown ${arg.startsWith("-") ? "option" : "argument"} ${JSON.stringify(arg)}; expected --out FILE or --help`);
    }
  }
  return { help, out };
}

/** The diagram as FILE holds it: a fenced block for Markdown, else the bare flowchart. */
export function diagramFileText(diagram: string, file: string): string {
  return /\.(md|markdown)$/i.test(file) ? `\`\`\`mermaid\n${diagram}\n\`\`\`\n` : `${diagram}\n`;
}

/** Whether `text` is nothing but a diagram this command wrote (so replacing it loses nothing). */
function isDiagramFile(text: string): boolean {
  if (text.startsWith("```mermaid\nflowchart ")) return text.indexOf("```", 3) === text.trimEnd().length - 3;
  return text.startsWith("flowchart ") && !text.includes("```");
}

/** Runs the command; returns the exit code. Bad flags: one line, exit 2, nothing written. */
export function runDiagram(argv: readonly string[], io: DiagramIo): number {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`ha-site: diagram: ${e.message} (see --help)\n`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  let diagram: string;
  try {
    diagram = siteDiagram(loadConfig(io.env));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr(`ha-site: ${e.message}\n`);
    return EXIT_CONFIG;
  }
  if (args.out === undefined) {
    io.stdout(`${diagram}\n`);
    return EXIT_OK;
  }
  const base = io.env.INIT_CWD || io.cwd;
  const path = isAbsolute(args.out) ? args.out : resolve(base, args.out);
  if (existsSync(path) && !isDiagramFile(readFileSync(path, "utf8"))) {
    io.stderr(`ha-site: diagram: --out: ${args.out} exists and holds more than a diagram; expected a new file or one this command wrote\n`);
    return EXIT_USAGE;
  }
  try {
    writeFileSync(path, diagramFileText(diagram, args.out));
  } catch (e) {
    io.stderr(`ha-site: diagram: --out: cannot write ${args.out} (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a writable file path\n`);
    return EXIT_USAGE;
  }
  io.stderr(`ha-site: diagram written to ${args.out}\n`);
  return EXIT_OK;
}

if (require.main === module) {
  process.exitCode = runDiagram(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
