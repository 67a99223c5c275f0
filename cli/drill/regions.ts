// Which region answered. A site with latency or weighted routing answers with one of several regions, and
// Global Accelerator always with the same two IPs: to tell the regions apart the drill is told, per region,
// its addresses (or load balancer names, looked up once at the start) and/or a text that its backends' labels
// contain (`--region LABEL=ITEM,...`). Without --region, every address is its own "region", as before.
// Pure except for `resolveRegions`.
import { isIP } from "node:net";
import type { HostLookup } from "./resolve";
import { isGood, type PollResult, type ProbeResult } from "./types";

/** One --region option as given. */
export interface RegionSpec {
  readonly label: string;
  /** IPv4/IPv6 addresses, DNS names (looked up at start) and "~text" backend matches. */
  readonly items: readonly string[];
}

/** The regions with their addresses resolved. */
export interface RegionMap {
  readonly regions: readonly { readonly label: string; readonly addresses: readonly string[]; readonly backendMatches: readonly string[] }[];
}

/** Thrown when a --region name cannot be looked up. */
export class RegionLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegionLookupError";
  }
}

/** Looks the names of the --region options up (once) through `hostLookup`. */
export async function resolveRegions(specs: readonly RegionSpec[], hostLookup: HostLookup): Promise<RegionMap> {
  const regions = [];
  for (const spec of specs) {
    const addresses: string[] = [];
    const backendMatches: string[] = [];
    for (const item of spec.items) {
      if (item.startsWith("~")) backendMatches.push(item.slice(1));
      else if (isIP(item) !== 0) addresses.push(item);
      else {
        let found: readonly { address: string }[];
        try {
          found = await hostLookup(item);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? String(e);
          throw new RegionLookupError(`--region: got ${JSON.stringify(`${spec.label}=${item}`)}; cannot look ${item} up (${code}); expected an address, a resolvable name or ~text`);
        }
        addresses.push(...found.map((a) => a.address));
      }
    }
    regions.push({ label: spec.label, addresses, backendMatches });
  }
  return { regions };
}

/** The region of one request: by address, else by backend label; undefined when neither matches. */
export function regionOf(probe: ProbeResult, map: RegionMap | undefined): string | undefined {
  if (!map || map.regions.length === 0) return probe.address;
  const byAddress = map.regions.find((r) => r.addresses.includes(probe.address));
  if (byAddress) return byAddress.label;
  if (probe.backend === undefined) return undefined;
  return map.regions.find((r) => r.backendMatches.some((text) => probe.backend!.includes(text)))?.label;
}

/** Regions that answered a poll (good requests only), in order, without repeats. */
export function answeredBy(poll: PollResult, map: RegionMap | undefined): string[] {
  const found: string[] = [];
  for (const probe of poll.probes) {
    if (!probe.ok) continue;
    const region = regionOf(probe, map) ?? "?";
    if (!found.includes(region)) found.push(region);
  }
  return found;
}

/**
 * A region stopped answering: from its last good answer to the first poll from which every poll was good
 * without it (traffic settled elsewhere), measured to the poll interval.
 */
export interface RegionSwitch {
  readonly region: string;
  readonly lastOkAtMs: number;
  /** The first sign of the failure: a failed request to the region, or a poll without a good answer. */
  readonly failedAtMs: number;
  /** The first poll of the good run without the region; undefined when none came (see `recovered`). */
  readonly switchedAtMs?: number;
  /** Regions that answered that poll. */
  readonly to: readonly string[];
  /** switchedAtMs - lastOkAtMs. */
  readonly ms?: number;
  /** The region answered again before traffic settled elsewhere. */
  readonly recovered: boolean;
}

/** A failed request that tells nothing about any region: no address or backend match. */
function unattributedFailure(poll: PollResult, map: RegionMap | undefined): boolean {
  return !isGood(poll) && poll.probes.every((p) => p.ok || regionOf(p, map) === undefined);
}

export function regionSwitches(polls: readonly PollResult[], map: RegionMap | undefined): RegionSwitch[] {
  const labels: string[] = [];
  for (const poll of polls) for (const r of answeredBy(poll, map)) if (r !== "?" && !labels.includes(r)) labels.push(r);
  const found: RegionSwitch[] = [];
  for (const region of labels) {
    const answers = polls.map((p) => answeredBy(p, map).includes(region));
    for (let i = 0; i < polls.length; i++) {
      // i: the last poll of a run in which the region answered.
      if (!answers[i] || answers[i + 1]) continue;
      const nextOk = answers.indexOf(true, i + 1);
      const end = nextOk < 0 ? polls.length : nextOk;
      let failedAt = -1;
      for (let j = i + 1; j < end && failedAt < 0; j++) {
        const p = polls[j];
        if (p.probes.some((probe) => !probe.ok && regionOf(probe, map) === region) || unattributedFailure(p, map)) failedAt = j;
      }
      if (failedAt < 0) continue; // not picked for a while (weighted, latency), not failed
      let switchedAt = -1;
      for (let j = failedAt + 1; j < end; j++) {
        let allGood = true;
        for (let k = j; k < end && allGood; k++) allGood = isGood(polls[k]);
        if (allGood) {
          switchedAt = j;
          break;
        }
      }
      const lastOkAtMs = polls[i].atMs;
      found.push({
        region,
        lastOkAtMs,
        failedAtMs: polls[failedAt].atMs,
        ...(switchedAt >= 0 ? { switchedAtMs: polls[switchedAt].atMs, ms: polls[switchedAt].atMs - lastOkAtMs } : {}),
        to: switchedAt >= 0 ? answeredBy(polls[switchedAt], map) : [],
        recovered: switchedAt < 0 && nextOk >= 0,
      });
    }
  }
  return found.sort((a, b) => a.lastOkAtMs - b.lastOkAtMs || a.region.localeCompare(b.region));
}

/** Per region: requests that answered or failed, backends, first and last good answer. */
export interface RegionStats extends ProbeTally {
  readonly region: string;
}

export function regionStats(polls: readonly PollResult[], map: RegionMap | undefined): RegionStats[] {
  return tallyProbes(polls, (probe) => regionOf(probe, map) ?? "?").map(([region, tally]) => ({ region, ...tally }));
}

/** What the probes of one key (a region, an address) got: answers, failures, backends by count, first and last good answer. */
export interface ProbeTally {
  readonly ok: number;
  readonly failed: number;
  readonly backends: readonly { readonly name: string; readonly count: number }[];
  readonly firstOkAtMs?: number;
  readonly lastOkAtMs?: number;
}

/** Every probe of every poll, counted under `keyOf(probe)`, in the order the keys first appear. */
export function tallyProbes(polls: readonly PollResult[], keyOf: (probe: ProbeResult) => string): [string, ProbeTally][] {
  const stats = new Map<string, { ok: number; failed: number; backends: Map<string, number>; firstOkAtMs?: number; lastOkAtMs?: number }>();
  for (const poll of polls) {
    for (const probe of poll.probes) {
      const key = keyOf(probe);
      let s = stats.get(key);
      if (!s) stats.set(key, (s = { ok: 0, failed: 0, backends: new Map() }));
      if (!probe.ok) {
        s.failed++;
        continue;
      }
      s.ok++;
      s.firstOkAtMs ??= poll.atMs;
      s.lastOkAtMs = poll.atMs;
      if (probe.backend !== undefined) s.backends.set(probe.backend, (s.backends.get(probe.backend) ?? 0) + 1);
    }
  }
  return [...stats].map(([key, s]) => [
    key,
    {
      ok: s.ok,
      failed: s.failed,
      backends: [...s.backends].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
      ...(s.firstOkAtMs !== undefined ? { firstOkAtMs: s.firstOkAtMs, lastOkAtMs: s.lastOkAtMs } : {}),
    },
  ]);
}
