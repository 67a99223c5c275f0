// One poll: resolve the site name, then request the site from every address of the answer, in parallel.
import type { Probe } from "./probe";
import type { Lookup } from "./resolve";
import type { PollResult } from "./types";

/** Runs poll number `seq`, started `atMs` after the drill began. */
export type Poll = (seq: number, atMs: number, signal?: AbortSignal) => Promise<PollResult>;

export function makePoll(name: string, lookup: Lookup, probe: Probe): Poll {
  return async (seq, atMs, signal) => {
    const answer = await lookup(name, signal);
    const probes = await Promise.all(answer.addresses.map((address) => probe(address, signal)));
    return {
      seq,
      atMs,
      addresses: answer.addresses,
      ...(answer.ttl !== undefined ? { ttl: answer.ttl } : {}),
      ...(answer.error !== undefined ? { dnsError: answer.error } : {}),
      probes,
    };
  };
}
