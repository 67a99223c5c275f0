// DNS resolution of the site name: A records through a chosen DNS server (e.g. one of the zone's name
// servers) or the system's resolvers. A fresh resolver per lookup, so no answer can come from a cache kept
// in the resolver (recent c-ares versions can cache answers for their TTL).
import { promises as dns } from "node:dns";
import { isIP } from "node:net";
import type { ResolverAddress } from "./args";

export interface LookupResult {
  /** Sorted A record addresses; empty when `error` is set. */
  readonly addresses: readonly string[];
  /** Smallest TTL of the answer, in seconds. */
  readonly ttl?: number;
  /** Error code of a failed lookup ("ENOTFOUND", "ENODATA", "ETIMEOUT", ...). */
  readonly error?: string;
}

/** Resolves the site name once; never rejects. */
export type Lookup = (name: string, signal?: AbortSignal) => Promise<LookupResult>;

/** Looks a name up through the system (getaddrinfo), all addresses. */
export type HostLookup = (host: string) => Promise<readonly { address: string; family: number }[]>;

export const systemHostLookup: HostLookup = (host) => dns.lookup(host, { all: true });

/** Thrown when the --resolver name cannot be looked up. */
export class ResolverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResolverError";
  }
}

/**
 * The server string for Resolver.setServers: "ip:port" or "[ipv6]:port". A name is looked up once, preferring
 * IPv4.
 */
export async function resolverServer(resolver: ResolverAddress, hostLookup: HostLookup = systemHostLookup): Promise<string> {
  let ip = resolver.host;
  if (isIP(ip) === 0) {
    let found: readonly { address: string; family: number }[];
    try {
      found = await hostLookup(resolver.host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new ResolverError(
        `--resolver: got ${JSON.stringify(resolver.host)}; cannot look this name up (${code}); expected a reachable DNS server's address or name`,
      );
    }
    const pick = found.find((a) => a.family === 4) ?? found[0];
    if (!pick) throw new ResolverError(`--resolver: got ${JSON.stringify(resolver.host)}; the name has no address`);
    ip = pick.address;
  }
  return isIP(ip) === 6 ? `[${ip}]:${resolver.port}` : `${ip}:${resolver.port}`;
}

/** A Lookup of A records through `server` (from resolverServer), or the system's resolvers when undefined. */
export function dnsLookup(server: string | undefined, timeoutMs: number): Lookup {
  return async (name, signal) => {
    const resolver = new dns.Resolver({ timeout: Math.max(1, Math.round(timeoutMs)), tries: 1 });
    if (server) resolver.setServers([server]);
    let timedOut = false;
    const cancel = () => resolver.cancel();
    // c-ares may back off beyond `timeout`; this bounds the lookup for the poll loop.
    const guard = setTimeout(() => {
      timedOut = true;
      resolver.cancel();
    }, timeoutMs + 50);
    signal?.addEventListener("abort", cancel, { once: true });
    try {
      const records = await resolver.resolve4(name, { ttl: true });
      const addresses = records.map((r) => r.address).sort(compareAddresses);
      const ttl = records.length ? Math.min(...records.map((r) => r.ttl)) : undefined;
      return ttl === undefined ? { addresses } : { addresses, ttl };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      return { addresses: [], error: timedOut ? "ETIMEOUT" : code };
    } finally {
      clearTimeout(guard);
      signal?.removeEventListener("abort", cancel);
    }
  };
}

/** Orders IPv4 addresses numerically (127.0.0.10 after 127.0.0.9). */
export function compareAddresses(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 4; i++) {
    if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}
