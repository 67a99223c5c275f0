// The drill's result, computed from the polls alone (pure): answers per address, DNS answer switches,
// the gaps without a good answer, and the verdict against the RTO.
import { regionStats, regionSwitches, tallyProbes, type RegionMap, type RegionStats, type RegionSwitch } from "./regions";
import { isGood, type PollResult } from "./types";

export interface AddressStats {
  readonly address: string;
  /** Requests to this address that answered. */
  readonly ok: number;
  /** Requests to this address that failed. */
  readonly failed: number;
  /** Backends that answered from this address, with how often, most frequent first. */
  readonly backends: readonly { readonly name: string; readonly count: number }[];
  readonly firstOkAtMs?: number;
  readonly lastOkAtMs?: number;
}

/** The A answer changed from one set of addresses to another (failed lookups in between are skipped). */
export interface DnsSwitch {
  readonly seq: number;
  readonly atMs: number;
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/**
 * A stretch of polls without a good answer: from the first such poll to the next good poll (or to the end of
 * the drill, `open`). Measured to the poll interval.
 */
export interface Gap {
  readonly fromMs: number;
  readonly toMs: number;
  readonly ms: number;
  /** Polls without a good answer in the gap. */
  readonly polls: number;
  /** True when the site was still not answering when the drill ended. */
  readonly open: boolean;
}

export interface Summary {
  readonly polls: number;
  readonly goodPolls: number;
  readonly dnsFailures: number;
  readonly endedAtMs: number;
  readonly interrupted: boolean;
  readonly rtoSeconds: number;
  readonly addresses: readonly AddressStats[];
  readonly switches: readonly DnsSwitch[];
  readonly gaps: readonly Gap[];
  readonly longestGap?: Gap;
  readonly pass: boolean;
  /** One line: why the drill passed or failed. */
  readonly reason: string;
  /** Remarks that do not change the verdict. */
  readonly notes: readonly string[];
  /** Whether --region named the regions (else every address is its own region). */
  readonly regionsNamed: boolean;
  /** Answers per region. */
  readonly regions: readonly RegionStats[];
  /** When each region stopped answering and how long until traffic settled on the others. */
  readonly regionSwitches: readonly RegionSwitch[];
}

export interface SummaryInput {
  readonly rtoSeconds: number;
  readonly endedAtMs: number;
  readonly interrupted?: boolean;
  /** The --region options, resolved. @default - every address is its own region */
  readonly regions?: RegionMap;
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

function addressStats(polls: readonly PollResult[]): AddressStats[] {
  return tallyProbes(polls, (probe) => probe.address).map(([address, tally]) => ({ address, ...tally }));
}

function dnsSwitches(polls: readonly PollResult[]): DnsSwitch[] {
  const switches: DnsSwitch[] = [];
  let current: readonly string[] | undefined;
  for (const poll of polls) {
    if (poll.addresses.length === 0) continue;
    if (current && current.join(",") !== poll.addresses.join(",")) {
      switches.push({ seq: poll.seq, atMs: poll.atMs, from: current, to: poll.addresses });
    }
    current = poll.addresses;
  }
  return switches;
}

function gaps(polls: readonly PollResult[], endedAtMs: number): Gap[] {
  const found: Gap[] = [];
  let start: number | undefined;
  let count = 0;
  for (const poll of polls) {
    if (!isGood(poll)) {
      start ??= poll.atMs;
      count++;
    } else if (start !== undefined) {
      found.push({ fromMs: start, toMs: poll.atMs, ms: poll.atMs - start, polls: count, open: false });
      start = undefined;
      count = 0;
    }
  }
  if (start !== undefined) {
    const toMs = Math.max(start, endedAtMs);
    found.push({ fromMs: start, toMs, ms: toMs - start, polls: count, open: true });
  }
  return found;
}

function verdict(
  polls: readonly PollResult[],
  goodPolls: number,
  found: readonly Gap[],
  longest: Gap | undefined,
  rtoSeconds: number,
): { pass: boolean; reason: string } {
  const rto = `the RTO of ${rtoSeconds} s`;
  if (polls.length === 0) return { pass: false, reason: "no poll completed: nothing was measured" };
  if (goodPolls === 0) return { pass: false, reason: `the site never answered in ${polls.length} poll${polls.length === 1 ? "" : "s"}` };
  const open = found.find((g) => g.open);
  if (open) {
    return {
      pass: false,
      reason: `the site was not answering when the drill ended: no good answer since ${seconds(open.fromMs)} (${seconds(open.ms)}; ${rto}); run the drill longer`,
    };
  }
  if (!longest) return { pass: true, reason: "the site answered at every poll (no gap)" };
  const where = `${seconds(longest.ms)}, from ${seconds(longest.fromMs)} to ${seconds(longest.toMs)}`;
  if (longest.ms > rtoSeconds * 1000) {
    return { pass: false, reason: `the longest gap without a good answer (${where}) is longer than ${rto}` };
  }
  return { pass: true, reason: `the site answered again within ${rto} after every gap (longest ${where})` };
}

export function summarize(polls: readonly PollResult[], input: SummaryInput): Summary {
  const goodPolls = polls.filter(isGood).length;
  const found = gaps(polls, input.endedAtMs);
  const longest = found.reduce<Gap | undefined>((a, g) => (!a || g.ms > a.ms ? g : a), undefined);
  const switches = dnsSwitches(polls);
  const { pass, reason } = verdict(polls, goodPolls, found, longest, input.rtoSeconds);
  const notes: string[] = [];
  const named = (input.regions?.regions.length ?? 0) > 0;
  const byRegion = regionSwitches(polls, input.regions);
  const moved = byRegion.some((s) => s.switchedAtMs !== undefined);
  if (polls.some((p) => p.addresses.length > 0) && switches.length === 0) {
    // Global Accelerator keeps its IPs: with named regions, a switch between regions is the failover.
    if (!named) notes.push("the DNS answer never changed: no failover was seen");
    else if (!moved) notes.push("the DNS answer never changed and no region's traffic moved: no failover was seen");
  }
  const perRegion = regionStats(polls, input.regions);
  if (named && perRegion.some((r) => r.region === "?" && r.ok > 0)) {
    notes.push("some answers matched no --region (shown as \"?\")");
  }
  if (input.interrupted) notes.push(`interrupted after ${seconds(input.endedAtMs)}`);
  return {
    polls: polls.length,
    goodPolls,
    dnsFailures: polls.filter((p) => p.dnsError !== undefined).length,
    endedAtMs: input.endedAtMs,
    interrupted: input.interrupted ?? false,
    rtoSeconds: input.rtoSeconds,
    addresses: addressStats(polls),
    switches,
    gaps: found,
    ...(longest ? { longestGap: longest } : {}),
    pass,
    reason,
    notes,
    regionsNamed: named,
    regions: perRegion,
    regionSwitches: byRegion,
  };
}
