// The poll loop and the whole CLI on a fake clock, with fake DNS and HTTP: exact, instant, deterministic.
import { main, type DrillDeps } from "../../cli/drill";
import { runPolls } from "../../cli/drill/loop";
import type { Poll } from "../../cli/drill/poll";
import type { Probe } from "../../cli/drill/probe";
import type { Lookup } from "../../cli/drill/resolve";
import { Collector, FakeClock } from "./fixtures";

const PRIMARY = "10.0.0.1";
const SECONDARY = "10.0.0.2";

/** DNS answers PRIMARY until `switchAt` s, then SECONDARY; PRIMARY answers HTTP until `downAt` s. */
function fakeSite(clock: FakeClock, downAt: number, switchAt: number, requestMs = 0) {
  const lookups: string[] = [];
  const servers: (string | undefined)[] = [];
  const makeLookup = (server: string | undefined): Lookup => {
    servers.push(server);
    return async (name) => {
      lookups.push(name);
      return { addresses: [clock.t < switchAt * 1000 ? PRIMARY : SECONDARY], ttl: 60 };
    };
  };
  const makeProbe = (): Probe => async (address) => {
    clock.t += requestMs;
    const up = address === SECONDARY || clock.t < downAt * 1000;
    return up
      ? { address, ok: true, status: 200, backend: address === PRIMARY ? "web-primary" : "web-secondary", ms: requestMs }
      : { address, ok: false, error: "ECONNREFUSED", ms: requestMs };
  };
  return { lookups, servers, makeLookup, makeProbe };
}

async function drill(
  argv: string[],
  site: ReturnType<typeof fakeSite>,
  clock: FakeClock,
  extra: Partial<DrillDeps> & { stdout?: Collector } = {},
) {
  const stdout = extra.stdout ?? new Collector();
  const stderr = new Collector();
  const code = await main(argv, {
    stdout,
    stderr,
    env: {},
    cwd: __dirname,
    clock,
    signal: new AbortController().signal,
    makeLookup: site.makeLookup,
    makeProbe: site.makeProbe,
    ...extra,
  });
  return { code, stdout, stderr };
}

describe("runPolls", () => {
  test("polls every interval through the duration, inclusive", async () => {
    const clock = new FakeClock();
    const poll: Poll = async (seq, atMs) => ({ seq, atMs, addresses: [], probes: [] });
    const seen: number[] = [];
    const result = await runPolls(poll, { intervalMs: 500, durationMs: 2000, clock }, (p) => seen.push(p.atMs));
    expect(seen).toEqual([0, 500, 1000, 1500, 2000]);
    expect(result).toMatchObject({ endedAtMs: 2000, interrupted: false });
  });

  test("a poll that overruns its interval moves the next poll to the following tick", async () => {
    const clock = new FakeClock();
    const poll: Poll = async (seq, atMs) => {
      if (seq === 2) clock.t += 2500;
      return { seq, atMs, addresses: [], probes: [] };
    };
    const seen: number[] = [];
    const result = await runPolls(poll, { intervalMs: 1000, durationMs: 5500, clock }, (p) => seen.push(p.atMs));
    expect(seen).toEqual([0, 1000, 4000, 5000]);
    expect(result.endedAtMs).toBe(5500);
  });

  test("an abort ends the loop and drops the poll in flight", async () => {
    const clock = new FakeClock();
    const stop = new AbortController();
    const poll: Poll = async (seq, atMs) => {
      if (seq === 4) stop.abort();
      return { seq, atMs, addresses: [], probes: [] };
    };
    const result = await runPolls(poll, { intervalMs: 1000, durationMs: 60_000, clock, signal: stop.signal }, () => undefined);
    expect(result.polls.map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(result).toMatchObject({ endedAtMs: 3000, interrupted: true });
  });
});

describe("the drill on a fake clock", () => {
  const argv = ["--domain", "www.nosqlsearch.com", "--interval", "10", "--duration", "300", "--resolver", "192.0.2.53:5353"];

  test("reports the switch, the answers per address and the exact gap; exit 0 within the RTO", async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock, 60, 150);
    const { code, stdout, stderr } = await drill([...argv, "--rto", "90"], site, clock);
    expect(stderr.text).toBe("");
    expect(code).toBe(0);
    expect(site.servers).toEqual(["192.0.2.53:5353"]);
    expect(site.lookups).toHaveLength(31);
    expect(new Set(site.lookups)).toEqual(new Set(["www.nosqlsearch.com"]));
    const lines = stdout.lines();
    expect(lines[0]).toBe(
      "Drill: http://www.nosqlsearch.com:8080/ through DNS server 192.0.2.53:5353, every 10 s for 300 s (RTO 90 s); Ctrl-C ends it early",
    );
    expect(lines[1]).toBe("    0.00s #1    ok   10.0.0.1 200 web-primary 0ms | ttl 60");
    expect(lines[7]).toBe("   60.00s #7    DOWN 10.0.0.1 ECONNREFUSED 0ms | ttl 60");
    expect(lines[16]).toBe("  150.00s #16   ok   10.0.0.2 200 web-secondary 0ms | ttl 60 | DNS answer switched: 10.0.0.1 -> 10.0.0.2");
    expect(lines.slice(32)).toEqual([
      "Summary: http://www.nosqlsearch.com:8080/ through DNS server 192.0.2.53:5353: 31 polls in 300 s (every 10 s)",
      "  good answers: 22 of 31 polls; DNS lookups failed: 0",
      "  answers per address:",
      "    10.0.0.1  6 ok, 9 failed; backends: web-primary (6)",
      "    10.0.0.2  16 ok, 0 failed; backends: web-secondary (16)",
      "  switch per address:",
      "    10.0.0.1: last good answer at 50 s, failing from 60 s; traffic on 10.0.0.2 from 150 s: switched in 100 s",
      "  DNS answer switches:",
      "    at 150 s (poll 16): 10.0.0.1 -> 10.0.0.2",
      "  gaps without a good answer:",
      "    90 s from 60 s to 150 s (9 polls)",
      "  longest gap: 90 s from 60 s to 150 s (9 polls); RTO 90 s",
      "PASS: the site answered again within the RTO of 90 s after every gap (longest 90 s, from 60 s to 150 s)",
    ]);
  });

  test("exit 1 when the gap is longer than --rto", async () => {
    const clock = new FakeClock();
    const { code, stdout } = await drill([...argv, "--rto", "89"], fakeSite(clock, 60, 150), clock);
    expect(code).toBe(1);
    expect(stdout.lines().at(-1)).toBe(
      "FAIL: the longest gap without a good answer (90 s, from 60 s to 150 s) is longer than the RTO of 89 s",
    );
  });

  test("--json: one JSON object per poll, then the summary", async () => {
    const clock = new FakeClock();
    const { code, stdout } = await drill([...argv, "--json"], fakeSite(clock, 60, 150), clock);
    expect(code).toBe(0);
    const records = stdout.lines().map((l) => JSON.parse(l));
    expect(records).toHaveLength(32);
    expect(records[6]).toEqual({
      type: "poll",
      seq: 7,
      atSeconds: 60,
      good: false,
      addresses: ["10.0.0.1"],
      answeredBy: [],
      answers: [],
      ttl: 60,
      probes: [{ address: "10.0.0.1", ok: false, error: "ECONNREFUSED", ms: 0 }],
    });
    expect(records[31]).toMatchObject({
      type: "summary",
      rtoSeconds: 210,
      durationSeconds: 300,
      switches: [{ atSeconds: 150, from: ["10.0.0.1"], to: ["10.0.0.2"] }],
      longestGap: { fromSeconds: 60, toSeconds: 150, seconds: 90, polls: 9, open: false },
      pass: true,
      exitCode: 0,
    });
  });

  test("slow requests: the gap is still measured from poll start to poll start", async () => {
    const clock = new FakeClock();
    const { code, stdout } = await drill([...argv, "--json"], fakeSite(clock, 60, 150, 3000), clock);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout.lines().at(-1) ?? "");
    expect(summary.longestGap).toMatchObject({ fromSeconds: 60, toSeconds: 150, seconds: 90 });
  });

  test("on a terminal: a status line rewritten per poll, permanent lines only for changes", async () => {
    const clock = new FakeClock();
    const { code, stdout } = await drill(argv, fakeSite(clock, 60, 150), clock, { stdout: new Collector(true, 60) });
    expect(code).toBe(0);
    expect(stdout.text.split("\r\x1b[2K")).toHaveLength(32 + 1);
    const permanent = stdout.text
      .split("\n")
      .map((l) => l.split("\r\x1b[2K").at(-1) ?? "")
      .filter((l) => /^\s+\d+\.\d\ds #/.test(l));
    expect(permanent).toEqual([
      "    0.00s #1    ok   10.0.0.1 200 web-primary 0ms | ttl 60",
      "   60.00s #7    DOWN 10.0.0.1 ECONNREFUSED 0ms | ttl 60",
      "  150.00s #16   ok   10.0.0.2 200 web-secondary 0ms | ttl 60 | DNS answer switched: 10.0.0.1 -> 10.0.0.2",
    ]);
    const statuses = stdout.text
      .split("\r\x1b[2K")
      .slice(1, -1)
      .map((part) => part.split("\n").at(-1) ?? "");
    expect(statuses).toHaveLength(31);
    for (const status of statuses) expect(status.length).toBeLessThanOrEqual(59);
    expect(statuses[10]).toBe("  100.00s #11 DOWN | 11 polls, 5 without a good answer | lo");
    const wide = new Collector(true, 200);
    const wideClock = new FakeClock();
    await drill(argv, fakeSite(wideClock, 60, 150), wideClock, { stdout: wide });
    expect(wide.text).toContain(
      "\r\x1b[2K  100.00s #11 DOWN | 11 polls, 5 without a good answer | longest gap 40 s (RTO 210 s) | 200 s left\r\x1b[2K",
    );
    expect(stdout.text).toContain("Summary: ");
  });

  test("interrupted while the site is down: summary, exit 1", async () => {
    const clock = new FakeClock();
    const stop = new AbortController();
    const site = fakeSite(clock, 60, 150);
    const makeLookup = (server: string | undefined): Lookup => {
      const inner = site.makeLookup(server);
      return async (name) => {
        if (clock.t >= 100_000) stop.abort();
        return inner(name);
      };
    };
    const { code, stdout } = await drill(argv, site, clock, { signal: stop.signal, makeLookup });
    expect(code).toBe(1);
    const text = stdout.text;
    expect(text).toContain("Summary: http://www.nosqlsearch.com:8080/ through DNS server 192.0.2.53:5353: 10 polls in 100 s");
    expect(text).toContain("  note: interrupted after 100 s");
    expect(text).toContain(
      "FAIL: the site was not answering when the drill ended: no good answer since 60 s (40 s; the RTO of 210 s); run the drill longer",
    );
  });
});
