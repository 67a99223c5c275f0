// The records one drill produces: what each poll saw. Shared by the poller, the summary and the reports.

/** One HTTP request to one resolved address. */
export interface ProbeResult {
  readonly address: string;
  /** True when the address answered with an HTTP status below 400. */
  readonly ok: boolean;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Which backend answered: the tutum/hello-world container hostname, or a short hash of the body. */
  readonly backend?: string;
  /** Why the request failed (error code, "timeout after 2 s", "HTTP 503"). */
  readonly error?: string;
  /** Milliseconds from sending the request to the end of the response (or the failure). */
  readonly ms: number;
}

/** One poll: a DNS lookup of the site name, then one request to each address it returned. */
export interface PollResult {
  /** 1-based poll number. */
  readonly seq: number;
  /** Milliseconds since the drill started, when the poll started. */
  readonly atMs: number;
  /** Addresses of the A answer, sorted; empty when the lookup failed. */
  readonly addresses: readonly string[];
  /** TTL of the A answer, in seconds, when the resolver reported one. */
  readonly ttl?: number;
  /** Why the lookup failed (e.g. "ENOTFOUND", "ETIMEOUT"). */
  readonly dnsError?: string;
  readonly probes: readonly ProbeResult[];
}

/** A poll is good when at least one resolved address answered: a visitor's browser would have got the page. */
export function isGood(poll: PollResult): boolean {
  return poll.probes.some((p) => p.ok);
}
