// Synthesis, plus the HCL variant (`npm run synth:hcl`, `cdktf synth --hcl`): cdktf 0.21's HCL renderer writes
// constructs that Terraform warns about or rejects, and leaves a stale cdk.tf.json (or cdk.tf) beside the
// new file. `synthesize` fixes both, so the HCL is what a reviewer or a move to plain Terraform can use.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformStack, type App } from "cdktf";

/** The variable cdktf reads (when each stack is constructed) to render HCL instead of JSON. */
export const HCL_ENV = "SYNTH_HCL_OUTPUT";

export function hclRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[HCL_ENV] === "true";
}

/** Index just past the string literal that starts at `text[start] === '"'` (handles escapes and `${...}`). */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") i += 2;
    else if (c === '"') return i + 1;
    else if (c === "$" && text[i + 1] === "{") i = skipExpression(text, i + 2);
    else i++;
  }
  return i;
}

/** Index just past the `}` closing an interpolation whose body starts at `start`. */
function skipExpression(text: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < text.length && depth > 0) {
    const c = text[i];
    if (c === '"') {
      i = skipString(text, i);
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") depth--;
    i++;
  }
  return i;
}

/** Net bracket depth change of a line, and whether it starts by closing a bracket. */
function bracketBalance(line: string): { delta: number; leadingClose: boolean } {
  let delta = 0;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '"') {
      i = skipString(line, i);
      continue;
    }
    if (c === "#") break;
    if ("{[(".includes(c)) delta++;
    else if ("}])".includes(c)) delta--;
    i++;
  }
  return { delta, leadingClose: /^[}\])]/.test(line) };
}

/** `provider = "aws.x"` in a resource, `when = "destroy"` / `on_failure = "continue"` in a provisioner. */
function unquoteKeyword(line: string, blocks: readonly string[]): string {
  const inner = blocks[blocks.length - 1];
  const keywords = blocks.length === 1 && ["resource", "data"].includes(blocks[0]) ? ["provider"] : inner === "provisioner" ? ["when", "on_failure"] : [];
  const match = /^(\w+) = "([A-Za-z0-9_.-]+)"$/.exec(line);
  return match && keywords.includes(match[1]) ? `${match[1]} = ${match[2]}` : line;
}

/**
 * Re-renders every provisioner's `inline` list from the stack's JSON. cdktf's HCL renderer leaves a string
 * unescaped when it holds `${` (even the escaped `$${` of a shell script) and never escapes backslashes, so
 * script lines come out broken; JSON string syntax is valid HCL string syntax, so JSON.stringify is exact.
 */
export function fixInlineScripts(hcl: string, config: { resource?: Record<string, Record<string, { provisioner?: Record<string, { inline?: string[] }>[] }>> }): string {
  const lines = hcl.split("\n");
  const out: string[] = [];
  let provisioners: { inline?: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const header = /^resource "([^"]+)" "([^"]+)" \{$/.exec(line);
    if (header) {
      provisioners = (config.resource?.[header[1]]?.[header[2]]?.provisioner ?? []).map((p) => Object.values(p)[0]);
    }
    if (line !== "inline = [") {
      out.push(lines[i]);
      continue;
    }
    const inline = provisioners.shift()?.inline;
    if (inline === undefined) throw new Error(`HCL output: an inline list that the JSON does not have (line ${i + 1})`);
    out.push(line, ...inline.map((command) => `${JSON.stringify(command)},`), "]");
    // The renderer wrote each command raw, over as many lines as it has: skip them and the closing "]".
    i += inline.reduce((n, command) => n + command.split("\n").length, 0) + 1;
    if (lines[i]?.trim() !== "]") throw new Error(`HCL output: the inline list before line ${i + 1} is not where expected`);
  }
  return out.join("\n");
}

/** Fixes the HCL that cdktf 0.21 renders: keyword references unquoted, blocks as blocks, indentation. */
export function tidyHcl(text: string): string {
  const out: string[] = [];
  // Inside `postcondition = [ {...}, ]` (a list to cdktf): each element becomes a `postcondition {}` block.
  let conditionList: string | undefined;
  let depth = 0;
  // The first word of each open bracket's line: "resource", "provisioner", "tags", ...
  const blocks: string[] = [];
  // Inside a list of references (depends_on, ignore_changes, ...), which cdktf quotes.
  let inDependsOn = false;
  let blank = 0;
  for (const raw of text.split("\n")) {
    let line = raw.trim();
    if (line === "") {
      if (++blank <= 1 && out.length > 0) out.push("");
      continue;
    }
    blank = 0;
    const conditions = /^(precondition|postcondition) = \[$/.exec(line);
    if (conditions) {
      conditionList = conditions[1];
      continue;
    }
    if (conditionList !== undefined) {
      if (line === "]") {
        conditionList = undefined;
        continue;
      }
      if (line === "{") line = `${conditionList} {`;
      else if (line === "},") line = "}";
    }
    line = unquoteKeyword(line, blocks);
    // `connection = {` is an argument to cdktf, a block to Terraform.
    line = line.replace(/^(connection|precondition|postcondition) = \{$/, "$1 {");
    if (/^(depends_on|ignore_changes|replace_triggered_by) = \[$/.test(line)) inDependsOn = true;
    else if (inDependsOn && /^\]$/.test(line)) inDependsOn = false;
    else if (inDependsOn) line = line.replace(/^"([A-Za-z0-9_.-]+)"(,?)$/, "$1$2");
    const { delta, leadingClose } = bracketBalance(line);
    const indent = Math.max(0, leadingClose ? depth - 1 : depth);
    out.push(`${"  ".repeat(indent)}${line}`);
    depth = Math.max(0, depth + delta);
    for (let i = 0; i < delta; i++) blocks.push(line.split(/[\s=]/)[0]);
    for (let i = 0; i > delta; i--) blocks.pop();
    // One blank line after each top-level block.
    if (depth === 0 && leadingClose) {
      out.push("");
      blank = 1;
    }
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return `${out.join("\n")}\n`;
}

/** app.synth(), then: in HCL mode fix every cdk.tf; in either mode remove the other format's stale file. */
export function synthesize(app: App, env: NodeJS.ProcessEnv = process.env): void {
  app.synth();
  const hcl = hclRequested(env);
  for (const stack of app.node.children.filter(TerraformStack.isStack)) {
    const dir = join(app.outdir, "stacks", stack.node.id);
    const tf = join(dir, "cdk.tf");
    if (!existsSync(dir)) continue;
    if (hcl) {
      rmSync(join(dir, "cdk.tf.json"), { force: true });
      writeFileSync(tf, tidyHcl(fixInlineScripts(readFileSync(tf, "utf8"), stack.toTerraform())));
    } else {
      rmSync(tf, { force: true });
    }
  }
}
