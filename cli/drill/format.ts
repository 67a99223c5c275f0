// Text and JSON forms of polls and of the summary (pure: no streams).
import { answeredBy, regionOf, type RegionMap, type RegionSwitch } from "./regions";
import { seconds, type Gap, type Summary } from "./summary";
import { isGood, type PollResult, type ProbeResult } from "./types";

/** What the drill targets, for the header, the summary and the JSON. */
export interface DrillInfo {
  readonly name: string;
  readonly port: number;
  readonly path: string;
  /** "ip:port" of the DNS server, or undefined for the system's resolvers. */
  readonly resolver?: string;
  readonly intervalSeconds: number;
  readonly durationSeconds: number;
  readonly rtoSeconds: number;
}

const MAX_GAPS_LISTED = 10;
/** Backends listed per address in the text summary, most frequent first (the JSON has all). */
const MAX_BACKENDS_LISTED = 4;

function url(info: DrillInfo): string {
  return `http://${info.name}:${info.port}${info.path}`;
}

function resolverText(info: DrillInfo): string {
  return info.resolver ? `DNS server ${info.resolver}` : "the system's resolvers";
}

export function headerLine(info: DrillInfo): string {
  return (
    `Drill: ${url(info)} through ${resolverText(info)}, every ${info.intervalSeconds} s for ${info.durationSeconds} s ` +
    `(RTO ${info.rtoSeconds} s); Ctrl-C ends it early`
  );
}

/** Elapsed time, fixed width: "   12.30s". */
export function elapsed(ms: number): string {
  return `${(ms / 1000).toFixed(2).padStart(8)}s`;
}

function probeText(p: ProbeResult, regions?: RegionMap): string {
  // With --region, each request says which region it reached ("?" when nothing matched).
  const where = regions && regions.regions.length > 0 ? ` [${regionOf(p, regions) ?? "?"}]` : "";
  return p.ok ? `${p.address}${where} ${p.status} ${p.backend} ${p.ms}ms` : `${p.address}${where} ${p.error} ${p.ms}ms`;
}

/** One line per poll; `previous` (the last poll with addresses) marks a DNS answer switch. */
export function pollLine(poll: PollResult, previous?: readonly string[], regions?: RegionMap): string {
  const state = isGood(poll) ? "ok  " : "DOWN";
  const seq = `#${poll.seq}`.padEnd(5);
  const what = poll.dnsError !== undefined ? `DNS ${poll.dnsError}` : poll.probes.map((p) => probeText(p, regions)).join(", ");
  const ttl = poll.ttl !== undefined ? ` | ttl ${poll.ttl}` : "";
  const switched =
    previous && previous.length > 0 && poll.addresses.length > 0 && previous.join(",") !== poll.addresses.join(",")
      ? ` | DNS answer switched: ${previous.join(", ")} -> ${poll.addresses.join(", ")}`
      : "";
  return `${elapsed(poll.atMs)} ${seq} ${state} ${what}${ttl}${switched}`;
}

export function regionSwitchText(s: RegionSwitch): string {
  const start = `${s.region}: last good answer at ${seconds(s.lastOkAtMs)}, failing from ${seconds(s.failedAtMs)}`;
  if (s.switchedAtMs !== undefined) {
    return `${start}; traffic on ${s.to.join(", ") || "?"} from ${seconds(s.switchedAtMs)}: switched in ${seconds(s.ms ?? 0)}`;
  }
  return s.recovered ? `${start}; answered again before traffic settled elsewhere` : `${start}; traffic had not settled elsewhere when the drill ended`;
}

function gapText(g: Gap): string {
  const polls = `${g.polls} poll${g.polls === 1 ? "" : "s"}`;
  return g.open
    ? `${seconds(g.ms)} from ${seconds(g.fromMs)} to the end (${polls}; still down)`
    : `${seconds(g.ms)} from ${seconds(g.fromMs)} to ${seconds(g.toMs)} (${polls})`;
}

export function summaryText(summary: Summary, info: DrillInfo): string {
  const lines = [
    `Summary: ${url(info)} through ${resolverText(info)}: ${summary.polls} polls in ${seconds(summary.endedAtMs)} (every ${info.intervalSeconds} s)`,
    `  good answers: ${summary.goodPolls} of ${summary.polls} polls; DNS lookups failed: ${summary.dnsFailures}`,
  ];
  lines.push("  answers per address:");
  if (summary.addresses.length === 0) lines.push("    (none: no lookup returned an address)");
  const width = Math.max(0, ...summary.addresses.map((a) => a.address.length));
  for (const a of summary.addresses) {
    const shown = a.backends.slice(0, MAX_BACKENDS_LISTED).map((b) => `${b.name} (${b.count})`);
    const more = a.backends.length - shown.length;
    const backends = (more > 0 ? [...shown, `${more} more`] : shown).join(", ") || "none";
    lines.push(`    ${a.address.padEnd(width)}  ${a.ok} ok, ${a.failed} failed; backends: ${backends}`);
  }
  if (summary.regionsNamed) {
    lines.push("  answers per region:");
    const rw = Math.max(0, ...summary.regions.map((r) => r.region.length));
    for (const r of summary.regions) {
      const shown = r.backends.slice(0, MAX_BACKENDS_LISTED).map((b) => `${b.name} (${b.count})`);
      const more = r.backends.length - shown.length;
      lines.push(`    ${r.region.padEnd(rw)}  ${r.ok} ok, ${r.failed} failed; backends: ${(more > 0 ? [...shown, `${more} more`] : shown).join(", ") || "none"}`);
    }
  }
  const unit = summary.regionsNamed ? "region" : "address";
  lines.push(`  switch per ${unit}:`);
  if (summary.regionSwitches.length === 0) lines.push(`    none (no ${unit} stopped answering)`);
  for (const s of summary.regionSwitches) lines.push(`    ${regionSwitchText(s)}`);
  lines.push("  DNS answer switches:");
  if (summary.switches.length === 0) lines.push("    none");
  for (const s of summary.switches) {
    lines.push(`    at ${seconds(s.atMs)} (poll ${s.seq}): ${s.from.join(", ")} -> ${s.to.join(", ")}`);
  }
  lines.push("  gaps without a good answer:");
  if (summary.gaps.length === 0) lines.push("    none");
  for (const g of summary.gaps.slice(0, MAX_GAPS_LISTED)) lines.push(`    ${gapText(g)}`);
  if (summary.gaps.length > MAX_GAPS_LISTED) lines.push(`    ... and ${summary.gaps.length - MAX_GAPS_LISTED} more`);
  const longest = summary.longestGap ? gapText(summary.longestGap) : "none";
  lines.push(`  longest gap: ${longest}; RTO ${summary.rtoSeconds} s`);
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  lines.push(`${summary.pass ? "PASS" : "FAIL"}: ${summary.reason}`);
  return lines.join("\n");
}

const s3 = (ms: number) => Math.round(ms) / 1000;

export function pollJson(poll: PollResult, regions?: RegionMap): Record<string, unknown> {
  return {
    type: "poll",
    seq: poll.seq,
    atSeconds: s3(poll.atMs),
    good: isGood(poll),
    addresses: poll.addresses,
    // Which region and backend answered this poll (good requests only).
    answeredBy: answeredBy(poll, regions),
    answers: poll.probes.filter((p) => p.ok).map((p) => ({ address: p.address, region: regionOf(p, regions) ?? null, backend: p.backend ?? null })),
    ...(poll.ttl !== undefined ? { ttl: poll.ttl } : {}),
    ...(poll.dnsError !== undefined ? { dnsError: poll.dnsError } : {}),
    probes: poll.probes,
  };
}

function gapJson(g: Gap): Record<string, unknown> {
  return { fromSeconds: s3(g.fromMs), toSeconds: s3(g.toMs), seconds: s3(g.ms), polls: g.polls, open: g.open };
}

export function summaryJson(summary: Summary, info: DrillInfo, exitCode: number): Record<string, unknown> {
  return {
    type: "summary",
    url: url(info),
    name: info.name,
    port: info.port,
    path: info.path,
    resolver: info.resolver ?? null,
    intervalSeconds: info.intervalSeconds,
    durationSeconds: info.durationSeconds,
    rtoSeconds: summary.rtoSeconds,
    elapsedSeconds: s3(summary.endedAtMs),
    interrupted: summary.interrupted,
    polls: summary.polls,
    goodPolls: summary.goodPolls,
    dnsFailures: summary.dnsFailures,
    addresses: summary.addresses.map((a) => ({
      address: a.address,
      ok: a.ok,
      failed: a.failed,
      backends: a.backends,
      ...(a.firstOkAtMs !== undefined ? { firstOkSeconds: s3(a.firstOkAtMs) } : {}),
      ...(a.lastOkAtMs !== undefined ? { lastOkSeconds: s3(a.lastOkAtMs) } : {}),
    })),
    switches: summary.switches.map((s) => ({ seq: s.seq, atSeconds: s3(s.atMs), from: s.from, to: s.to })),
    gaps: summary.gaps.map(gapJson),
    longestGap: summary.longestGap ? gapJson(summary.longestGap) : null,
    pass: summary.pass,
    reason: summary.reason,
    notes: summary.notes,
    regions: summary.regions.map((r) => ({
      region: r.region,
      ok: r.ok,
      failed: r.failed,
      backends: r.backends,
      ...(r.firstOkAtMs !== undefined ? { firstOkSeconds: s3(r.firstOkAtMs) } : {}),
      ...(r.lastOkAtMs !== undefined ? { lastOkSeconds: s3(r.lastOkAtMs) } : {}),
    })),
    regionSwitches: summary.regionSwitches.map((s) => ({
      region: s.region,
      lastOkSeconds: s3(s.lastOkAtMs),
      failedSeconds: s3(s.failedAtMs),
      switchedSeconds: s.switchedAtMs !== undefined ? s3(s.switchedAtMs) : null,
      to: s.to,
      seconds: s.ms !== undefined ? s3(s.ms) : null,
      recovered: s.recovered,
    })),
    exitCode,
  };
}
