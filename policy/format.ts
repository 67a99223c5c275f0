// Renders policy and diff reports: a plain-text table for terminals, Markdown for the PR comment, JSON for machines.
import type { DiffReport } from "./diff";
import type { Report } from "./run";

/** A plain-text table: columns padded to the widest cell, the last column unpadded. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A Markdown table (pipes and newlines in cells escaped). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (c: string) => c.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function policySummary(report: Report): string {
  const verdict = report.errors > 0 ? "FAIL" : "PASS";
  return `policy: ${verdict}: ${report.rules} rules, ${report.errors} error${report.errors === 1 ? "" : "s"}, ${report.warnings} warning${report.warnings === 1 ? "" : "s"}, ${report.suppressed.length} suppressed`;
}

function findingRows(report: Report): string[][] {
  return report.findings.map((f) => [f.rule, f.severity, f.address, f.stack, f.message]);
}

function suppressedRows(report: Report): string[][] {
  return report.suppressed.map(({ finding: f, reason }) => [f.rule, f.path ?? f.address, f.stack, reason]);
}

const FINDING_HEADER = ["rule", "level", "resource address", "stack", "message"];
const SUPPRESSED_HEADER = ["rule", "resource", "stack", "reason"];

export function policyText(report: Report): string {
  const parts: string[] = [];
  if (report.findings.length > 0) parts.push(textTable(FINDING_HEADER, findingRows(report)), "");
  if (report.suppressed.length > 0) parts.push("Suppressed (config policy.suppress):", textTable(SUPPRESSED_HEADER, suppressedRows(report)), "");
  for (const s of report.unused) parts.push(`note: suppression ${s.rule} for ${JSON.stringify(s.resource)} matched nothing`);
  if (report.unused.length > 0) parts.push("");
  if (report.findings.length > 0) {
    parts.push('To accept a finding, add { "rule": ..., "resource": "<construct path or address>", "reason": "..." } to policy.suppress in the config (RULES.md explains each rule).');
  }
  parts.push(policySummary(report));
  return `${parts.join("\n")}\n`;
}

export function policyMarkdown(report: Report): string {
  const parts = [`**${policySummary(report)}**`, ""];
  if (report.findings.length > 0) parts.push(markdownTable(FINDING_HEADER, findingRows(report)), "");
  if (report.suppressed.length > 0) parts.push("<details><summary>Suppressed findings</summary>", "", markdownTable(SUPPRESSED_HEADER, suppressedRows(report)), "", "</details>", "");
  for (const s of report.unused) parts.push(`- suppression ${s.rule} for \`${s.resource}\` matched nothing`);
  return `${parts.join("\n").trimEnd()}\n`;
}

export function policyJson(report: Report): string {
  return `${JSON.stringify({ pass: report.errors === 0, ...report }, null, 2)}\n`;
}

export function diffSummary(report: DiffReport): string {
  const resolved = report.moves.filter((m) => m.status !== "unresolved").length;
  const verdict = report.failures > 0 ? "FAIL" : "PASS";
  return `check:diff: ${verdict}: ${report.moves.length} renamed resource${report.moves.length === 1 ? "" : "s"}, ${resolved} covered by moved/import, ${report.failures} stateful without`;
}

function diffRows(report: DiffReport): string[][] {
  return report.moves.map((m) => [
    m.status === "unresolved" ? (m.stateful ? "REPLACE (stateful)" : "replace") : m.status,
    m.type,
    `${m.from.stack}: ${m.from.address}`,
    `${m.to.stack}: ${m.to.address}`,
  ]);
}

const DIFF_HEADER = ["status", "type", "from (stack: address)", "to (stack: address)"];

function stackRenameNotes(report: DiffReport): string[] {
  return report.stackRenames.map(
    (r) => `note: stack ${r.from} is gone and ${r.to} is new: if it was renamed, move its whole state (local: rename terraform.${r.from}.tfstate; S3: copy the key; Terraform Cloud: rename the workspace) rather than resource by resource`,
  );
}

export function diffText(report: DiffReport): string {
  const parts: string[] = [];
  if (report.moves.length > 0) parts.push(textTable(DIFF_HEADER, diffRows(report)), "");
  for (const m of report.moves.filter((x) => x.status === "unresolved")) {
    parts.push(`${m.from.stack}: ${m.from.address} -> ${m.to.stack}: ${m.to.address}${m.stateful ? "" : " (not stateful: re-creating it is safe, a moved block avoids it)"}:`, m.advice, "");
  }
  parts.push(...stackRenameNotes(report));
  parts.push(diffSummary(report));
  return `${parts.join("\n")}\n`;
}

export function diffMarkdown(report: DiffReport): string {
  const parts = [`**${diffSummary(report)}**`, ""];
  if (report.moves.length > 0) parts.push(markdownTable(DIFF_HEADER, diffRows(report)), "");
  for (const m of report.moves.filter((x) => x.status === "unresolved" && x.stateful)) {
    parts.push(`\`${m.from.stack}: ${m.from.address}\` → \`${m.to.stack}: ${m.to.address}\`:`, "", "```hcl", m.advice, "```", "");
  }
  parts.push(...stackRenameNotes(report).map((n) => `- ${n}`));
  return `${parts.join("\n").trimEnd()}\n`;
}

export function diffJson(report: DiffReport): string {
  return `${JSON.stringify({ pass: report.failures === 0, ...report }, null, 2)}\n`;
}
