// Terraform JSON -> HCL (native syntax), for `npm run synth:hcl`. cdktf 0.21's own HCL renderer corrupts
// strings (no escaping of backslashes and quotes, `\n` turned into a line break, heredocs that keep their
// indentation) and writes what `terraform fmt` rewrites. This renderer starts from the stack's JSON (the
// file `npm run synth` writes, so both outputs say exactly the same) and writes:
// - every string as the same Terraform template: literal text escaped for a quoted string (`\\`, `\"`,
//   `\n`, `\t`, `\uXXXX`), `${...}` / `%{...}` kept as they are (JSON and HCL read them alike), or, for
//   multi-line text that ends with a newline (scripts), a heredoc; a string that is one interpolation
//   (`"${aws_x.y.id}"`) as the bare expression, which Terraform reads the same way;
// - blocks as blocks and map arguments as `name = { ... }`, as cdktf's provider bindings say (JSON alone
//   cannot tell `tags = {}` from `ebs {}`);
// - the layout `terraform fmt` produces (2-space indent, `=` aligned over runs of one-line arguments).
// Reference: Terraform "JSON Configuration Syntax" (expression mapping) and hclwrite's formatter.
import { escapeTemplate } from "../constructs/terraform-literal";

/** Where nested blocks are, by "resource.<type>", "data.<type>", "provider.<name>" and attribute path. */
export type BlockPaths = ReadonlySet<string>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const LINE_BREAKS = /[\r\u0085\u2028\u2029]/;
// Control characters other than tab and newline: never raw in a heredoc.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** The index just past the `}` that closes the template sequence whose body starts at `start`. */
function templateSequenceEnd(text: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      // A quoted string inside an expression: skip it (escapes, and templates within it).
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") i += 2;
        else if ((text[i] === "$" || text[i] === "%") && text[i + 1] === "{" && !(text[i - 1] === text[i])) i = templateSequenceEnd(text, i + 2);
        else i++;
      }
      i++;
      continue;
    }
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  throw new Error(`HCL output: unterminated template sequence in ${JSON.stringify(text.slice(0, 200))}`);
}

/** A template split into literal text and `${...}` / `%{...}` sequences (escapes `$${`, `%%{` stay literal). */
export function templateParts(text: string): { literal: boolean; text: string }[] {
  const parts: { literal: boolean; text: string }[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") {
      literal += text.slice(i, i + 3);
      i += 3;
    } else if ((c === "$" || c === "%") && text[i + 1] === "{") {
      if (literal) parts.push({ literal: true, text: literal });
      literal = "";
      const end = templateSequenceEnd(text, i + 2);
      parts.push({ literal: false, text: text.slice(i, end) });
      i = end;
    } else {
      literal += c;
      i++;
    }
  }
  if (literal) parts.push({ literal: true, text: literal });
  return parts;
}

function escapeLiteral(text: string): string {
  let out = "";
  for (const c of text) {
    if (c === "\\") out += "\\\\";
    else if (c === '"') out += '\\"';
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (CONTROL.test(c) || LINE_BREAKS.test(c)) out += `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += c;
  }
  return out;
}

/** A JSON template string as an HCL quoted string: the same template. */
export function quoted(text: string): string {
  const parts = templateParts(text);
  for (const p of parts) {
    if (!p.literal && /[\n\r]/.test(p.text)) throw new Error(`HCL output: a template sequence spans lines: ${JSON.stringify(p.text.slice(0, 200))}`);
  }
  return `"${parts.map((p) => (p.literal ? escapeLiteral(p.text) : p.text)).join("")}"`;
}

/** The expression of a string that is exactly one `${...}` interpolation, else undefined. */
function soleInterpolation(text: string): string | undefined {
  if (!text.startsWith("${") || text.startsWith("${~") || !text.endsWith("}") || text.endsWith("~}")) return undefined;
  const parts = templateParts(text);
  if (parts.length !== 1 || parts[0].literal) return undefined;
  const expression = text.slice(2, -1);
  return /[\n\r]/.test(expression) || expression.trim() !== expression || expression === "" ? undefined : expression;
}

function heredocMarker(lines: string[]): string {
  for (let n = 1; ; n++) {
    const marker = n === 1 ? "EOT" : `EOT${n}`;
    if (!lines.some((l) => l.trim() === marker)) return marker;
  }
}

/**
 * `text` as a heredoc whose content is indented by `indent` + 2 spaces, or undefined when a heredoc cannot
 * hold it exactly (it must end with a newline and hold no carriage returns or other control characters).
 * `<<-` strips the smallest indentation of the non-blank lines and leaves blank ones as they are, so it
 * is used when some line starts in column 0; else `<<` with the text flush left.
 */
function heredoc(text: string, indent: string): string[] | undefined {
  if (!text.includes("\n") || !text.endsWith("\n") || CONTROL.test(text) || LINE_BREAKS.test(text)) return undefined;
  const lines = text.slice(0, -1).split("\n");
  const marker = heredocMarker(lines);
  const blank = (l: string) => l.trim() === "";
  const flushLeft = lines.some((l) => !blank(l) && !/^\s/.test(l));
  if (!flushLeft) return [`<<${marker}`, ...lines, marker];
  const inner = `${indent}  `;
  return [`<<-${marker}`, ...lines.map((l) => (blank(l) ? l : inner + l)), `${indent}${marker}`];
}

/** A rendered value: its lines (the first continues the `name = ` line); `heredoc` when it is one. */
interface Rendered {
  lines: string[];
  heredoc?: boolean;
}

const one = (line: string): Rendered => ({ lines: [line] });

function renderString(text: string, indent: string, mode: StringMode): Rendered {
  if (mode === "reference") return one(soleInterpolation(text) ?? text);
  if (mode === "literal") {
    const escaped = escapeTemplate(text);
    return heredoc(escaped, indent) ? { lines: heredoc(escaped, indent) ?? [], heredoc: true } : one(quoted(escaped));
  }
  const expression = soleInterpolation(text);
  if (expression !== undefined) return one(expression);
  const doc = heredoc(text, indent);
  if (doc) return { lines: doc, heredoc: true };
  return one(quoted(text));
}

/**
 * How a JSON string is read: a template (the default); a bare reference, keyword or type expression; or
 * a literal (where Terraform evaluates JSON without a context: variable and output descriptions, variable
 * defaults, the terraform block), which HCL must escape to mean the same.
 */
type StringMode = "template" | "reference" | "literal";

function objectKey(key: string): string {
  return IDENTIFIER.test(key) ? key : quoted(key);
}

/** `value` (an argument's JSON value) as an HCL expression at `indent`. */
function renderValue(value: Json, indent: string, mode: StringMode = "template"): Rendered {
  if (value === null) return one("null");
  if (typeof value === "string") return renderString(value, indent, mode);
  if (typeof value === "number" || typeof value === "boolean") return one(JSON.stringify(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return one("[]");
    // In a list of several, a heredoc's marker line could not take the comma after it: such strings are quoted.
    const items = value.map((v) => {
      const r = renderValue(v, `${indent}  `, mode);
      return r.heredoc && value.length > 1 ? one(quoted(mode === "literal" ? escapeTemplate(v) : v)) : r;
    });
    if (items.length === 1 && items[0].heredoc) {
      // `[<<-EOT ... EOT` then `]`: the heredoc's content and marker are one level deeper than the list.
      const doc = renderValue(value[0], indent, mode).lines;
      return { lines: [`[${doc[0]}`, ...doc.slice(1), `${indent}]`] };
    }
    const simple = items.every((r) => r.lines.length === 1);
    const flat = `[${items.map((r) => r.lines[0]).join(", ")}]`;
    if (simple && flat.length + indent.length <= 100) return one(flat);
    const lines = ["["];
    for (const item of items) {
      const [first, ...rest] = item.lines;
      lines.push(`${indent}  ${first}`, ...rest.map((l, i) => (i === rest.length - 1 ? `${l},` : l)));
      if (rest.length === 0) lines[lines.length - 1] += ",";
    }
    lines.push(`${indent}]`);
    return { lines };
  }
  if (typeof value === "object") {
    const entries = Object.entries(value).filter(([k]) => k !== "//");
    if (entries.length === 0) return one("{}");
    const body = renderAttributes(
      entries.map(([k, v]) => [objectKey(k), v]),
      `${indent}  `,
      mode,
    );
    return { lines: ["{", ...body, `${indent}}`] };
  }
  throw new Error(`HCL output: cannot render a ${typeof value}`);
}

/**
 * Arguments at `indent`, with `=` aligned over each run of arguments whose value starts and ends on its
 * first line (a heredoc counts as one line), as `terraform fmt` does.
 */
function renderAttributes(entries: [string, Json][], indent: string, mode: StringMode = "template", modes: Record<string, StringMode> = {}): string[] {
  const rendered = entries.map(([name, value]) => ({ name, value: renderValue(value, indent, modes[name] ?? mode) }));
  const out: string[] = [];
  let run: typeof rendered = [];
  const flush = () => {
    const width = Math.max(...run.map((r) => r.name.length));
    for (const r of run) {
      const [first, ...rest] = r.value.lines;
      out.push(`${indent}${r.name.padEnd(width)} = ${first}`, ...rest);
    }
    run = [];
  };
  for (const r of rendered) {
    if (r.value.lines.length === 1 || r.value.heredoc) {
      run.push(r);
      continue;
    }
    if (run.length > 0) flush();
    const [first, ...rest] = r.value.lines;
    out.push(`${indent}${r.name} = ${first}`, ...rest);
  }
  if (run.length > 0) flush();
  return out;
}

/** The JSON of a nested block as a list of bodies (JSON may give one block as an object). */
const bodies = (value: Json): Json[] => (Array.isArray(value) ? value : [value]);

interface BodySpec {
  /** Keys that are nested blocks, with the spec of their bodies. */
  blocks?: Record<string, BodySpec>;
  /** Keys whose strings are references or keywords, not templates. */
  references?: string[];
  /** Keys whose strings (also nested ones) are literals. */
  literals?: string[];
  /** Provider schema block paths below this body (resources, data sources, providers). */
  schemaPrefix?: string;
  /** How this body's strings are read. @default "template" */
  mode?: StringMode;
  /** Labelled nested blocks: key -> body spec (JSON `{ "label": { body } }`). */
  labelled?: Record<string, BodySpec>;
}

const CONDITION: BodySpec = {};
const CONNECTION: BodySpec = {};
const LIFECYCLE: BodySpec = { blocks: { precondition: CONDITION, postcondition: CONDITION }, references: ["ignore_changes", "replace_triggered_by"] };
const PROVISIONER: BodySpec = { blocks: { connection: CONNECTION }, references: ["when", "on_failure"] };

/** A body (arguments, then nested blocks) at `indent`. */
function renderBody(body: Json, indent: string, spec: BodySpec, blockPaths: BlockPaths, path: string): string[] {
  const attributes: [string, Json][] = [];
  const blocks: string[][] = [];
  const modes: Record<string, StringMode> = {
    ...Object.fromEntries((spec.references ?? []).map((k) => [k, "reference" as const])),
    ...Object.fromEntries((spec.literals ?? []).map((k) => [k, "literal" as const])),
  };
  for (const [key, value] of Object.entries<Json>(body ?? {})) {
    if (key === "//") continue;
    if (key === "dynamic") throw new Error(`HCL output: dynamic blocks are not supported (${path})`);
    if (key === "provisioner" && spec.blocks?.provisioner) {
      for (const p of bodies(value)) {
        for (const [type, inner] of Object.entries<Json>(p)) {
          blocks.push([`${indent}provisioner ${quoted(type)} {`, ...renderBody(inner, `${indent}  `, PROVISIONER, blockPaths, `${path}.provisioner`), `${indent}}`]);
        }
      }
      continue;
    }
    const labelled = spec.labelled?.[key];
    if (labelled) {
      for (const [label, inner] of Object.entries<Json>(value)) {
        blocks.push([`${indent}${key} ${quoted(label)} {`, ...renderBody(inner, `${indent}  `, labelled, blockPaths, `${path}.${key}`), `${indent}}`]);
      }
      continue;
    }
    const nested = spec.blocks?.[key] ?? (spec.schemaPrefix !== undefined && blockPaths.has(`${spec.schemaPrefix}.${key}`) ? { schemaPrefix: `${spec.schemaPrefix}.${key}` } : undefined);
    if (nested && value !== null && typeof value === "object") {
      for (const inner of bodies(value)) {
        blocks.push([`${indent}${key} {`, ...renderBody(inner, `${indent}  `, nested, blockPaths, `${path}.${key}`), `${indent}}`]);
      }
      continue;
    }
    attributes.push([key, value]);
  }
  const out = renderAttributes(attributes, indent, spec.mode ?? "template", modes);
  for (const block of blocks) {
    if (out.length > 0) out.push("");
    out.push(...block);
  }
  return out;
}

const META = { lifecycle: LIFECYCLE, connection: CONNECTION, provisioner: {} } as const;
const RESOURCE_REFERENCES = ["depends_on", "provider"];

/** The stack's Terraform JSON as HCL, in `terraform fmt` layout. */
export function renderHcl(config: Json, blockPaths: BlockPaths = new Set()): string {
  const sections: string[][] = [];
  const block = (header: string, body: string[]) => sections.push([`${header} {`, ...body, "}"]);
  const terraform = config.terraform;
  if (terraform) {
    const literal: BodySpec = { mode: "literal" };
    const spec: BodySpec = {
      mode: "literal",
      blocks: { required_providers: literal, cloud: { mode: "literal", blocks: { workspaces: literal } } },
      labelled: { backend: literal },
    };
    block("terraform", renderBody(terraform, "  ", spec, blockPaths, "terraform"));
  }
  for (const [name, instances] of Object.entries<Json>(config.provider ?? {})) {
    for (const body of bodies(instances)) block(`provider ${quoted(name)}`, renderBody(body, "  ", { schemaPrefix: `provider.${name}` }, blockPaths, `provider.${name}`));
  }
  for (const [name, body] of Object.entries<Json>(config.variable ?? {})) {
    block(`variable ${quoted(name)}`, renderBody(body, "  ", { blocks: { validation: CONDITION }, references: ["type"], literals: ["description", "default"] }, blockPaths, `variable.${name}`));
  }
  if (config.locals && Object.keys(config.locals).length > 0) block("locals", renderAttributes(Object.entries(config.locals), "  "));
  for (const kind of ["data", "resource"] as const) {
    for (const [type, byName] of Object.entries<Json>(config[kind] ?? {})) {
      for (const [name, body] of Object.entries<Json>(byName)) {
        const spec: BodySpec = { blocks: { ...META }, references: RESOURCE_REFERENCES, schemaPrefix: `${kind}.${type}` };
        block(`${kind} ${quoted(type)} ${quoted(name)}`, renderBody(body, "  ", spec, blockPaths, `${kind}.${type}.${name}`));
      }
    }
  }
  for (const moved of bodies(config.moved ?? [])) block("moved", renderBody(moved, "  ", { references: ["from", "to"] }, blockPaths, "moved"));
  for (const [name, body] of Object.entries<Json>(config.output ?? {})) {
    block(`output ${quoted(name)}`, renderBody(body, "  ", { blocks: { precondition: CONDITION }, references: ["depends_on"], literals: ["description"] }, blockPaths, `output.${name}`));
  }
  const known = new Set(["//", "terraform", "provider", "variable", "locals", "data", "resource", "moved", "output"]);
  const unknown = Object.keys(config).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`HCL output: top-level ${unknown.join(", ")} not supported`);
  return `${sections.map((s) => s.join("\n")).join("\n\n")}\n`;
}

/**
 * The nested-block paths of one cdktf element's `toHclTerraform()` fragment: cdktf's provider bindings
 * mark each argument `isBlock` (or `is_block`). Values stay unresolved: only the flags are read.
 */
export function collectBlockPaths(fragment: Json, into: Set<string> = new Set()): Set<string> {
  const walk = (attributes: Json, prefix: string) => {
    if (!attributes || typeof attributes !== "object" || Array.isArray(attributes)) return;
    for (const [key, entry] of Object.entries<Json>(attributes)) {
      if (!entry || typeof entry !== "object" || !("value" in entry)) continue;
      if (entry.isBlock !== true && entry.is_block !== true) continue;
      into.add(`${prefix}.${key}`);
      for (const inner of bodies(entry.value)) walk(inner, `${prefix}.${key}`);
    }
  };
  for (const kind of ["resource", "data"]) {
    for (const [type, byName] of Object.entries<Json>(fragment?.[kind] ?? {})) {
      for (const body of Object.values<Json>(byName ?? {})) walk(body, `${kind}.${type}`);
    }
  }
  for (const [name, instances] of Object.entries<Json>(fragment?.provider ?? {})) {
    for (const body of bodies(instances)) walk(body, `provider.${name}`);
  }
  return into;
}
