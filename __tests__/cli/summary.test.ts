import { backendLabel } from "../../cli/drill/backend";
import { pollLine, summaryJson, summaryText, type DrillInfo } from "../../cli/drill/format";
import { summarize } from "../../cli/drill/summary";
import type { PollResult } from "../../cli/drill/types";
import { tutumPage } from "./fixtures";

/** A poll at `at` seconds: DNS answer `addresses`; `up` lists the addresses that answered, with backend names. */
function poll(seq: number, at: number, addresses: string[], up: Record<string, string> = {}, dnsError?: string): PollResult {
  return {
    seq,
    atMs: at * 1000,
    addresses,
    ...(dnsError ? { dnsError } : { ttl: 60 }),
    probes: addresses.map((address) =>
      up[address] !== undefined
        ? { address, ok: true, status: 200, backend: up[address], ms: 12 }
        : { address, ok: false, error: "ECONNREFUSED", ms: 1 },
    ),
  };
}

const A = "52.10.0.1";
const B = "52.10.0.2";
const C = "18.20.0.1";

/** A failover drill every 10 s: primary (A, B) fine until 60 s, down from 70 s, DNS switches to C at 150 s. */
function failoverPolls(): PollResult[] {
  const polls: PollResult[] = [];
  for (let i = 0; i <= 24; i++) {
    const t = i * 10;
    if (t < 70) polls.push(poll(i + 1, t, [A, B], { [A]: "web-a", [B]: i % 2 ? "web-b" : "web-a" }));
    else if (t < 150) polls.push(poll(i + 1, t, [A, B]));
    else polls.push(poll(i + 1, t, [C], { [C]: "web-c" }));
  }
  return polls;
}

const INFO: DrillInfo = {
  name: "nosqlsearch.com",
  port: 8080,
  path: "/",
  resolver: "205.251.192.1:53",
  intervalSeconds: 10,
  durationSeconds: 240,
  rtoSeconds: 210,
};

describe("backendLabel", () => {
  test("the tutum/hello-world container hostname", () => {
    expect(backendLabel(tutumPage("4e1a8e5b4c2d"))).toBe("4e1a8e5b4c2d");
    expect(backendLabel("<H3>My hostname is  web.1.xyz </H3>")).toBe("web.1.xyz");
  });

  test("other pages: a short hash of the body, the same for the same body", () => {
    expect(backendLabel("<html>hello</html>")).toMatch(/^#[0-9a-f]{8}$/);
    expect(backendLabel("<html>hello</html>")).toBe(backendLabel("<html>hello</html>"));
    expect(backendLabel("<html>hello</html>")).not.toBe(backendLabel("<html>bye</html>"));
  });
});

describe("summarize", () => {
  test("a failover: answers per address, the switch, the gap, pass within the RTO", () => {
    const s = summarize(failoverPolls(), { rtoSeconds: 210, endedAtMs: 240_000 });
    expect(s.polls).toBe(25);
    expect(s.goodPolls).toBe(17);
    expect(s.dnsFailures).toBe(0);
    expect(s.addresses).toEqual([
      { address: A, ok: 7, failed: 8, backends: [{ name: "web-a", count: 7 }], firstOkAtMs: 0, lastOkAtMs: 60_000 },
      { address: B, ok: 7, failed: 8, backends: [{ name: "web-a", count: 4 }, { name: "web-b", count: 3 }], firstOkAtMs: 0, lastOkAtMs: 60_000 },
      { address: C, ok: 10, failed: 0, backends: [{ name: "web-c", count: 10 }], firstOkAtMs: 150_000, lastOkAtMs: 240_000 },
    ]);
    expect(s.switches).toEqual([{ seq: 16, atMs: 150_000, from: [A, B], to: [C] }]);
    expect(s.gaps).toEqual([{ fromMs: 70_000, toMs: 150_000, ms: 80_000, polls: 8, open: false }]);
    expect(s.longestGap).toEqual(s.gaps[0]);
    expect(s.pass).toBe(true);
    expect(s.reason).toBe("the site answered again within the RTO of 210 s after every gap (longest 80 s, from 70 s to 150 s)");
    expect(s.notes).toEqual([]);
  });

  test("a gap longer than the RTO fails; a gap equal to it passes", () => {
    expect(summarize(failoverPolls(), { rtoSeconds: 79.9, endedAtMs: 240_000 })).toMatchObject({
      pass: false,
      reason: "the longest gap without a good answer (80 s, from 70 s to 150 s) is longer than the RTO of 79.9 s",
    });
    expect(summarize(failoverPolls(), { rtoSeconds: 80, endedAtMs: 240_000 }).pass).toBe(true);
  });

  test("several gaps: the longest counts; DNS failures are gaps too and do not count as switches", () => {
    const polls = [
      poll(1, 0, [A], { [A]: "a" }),
      poll(2, 1, [], {}, "ETIMEOUT"),
      poll(3, 2, [A], { [A]: "a" }),
      poll(4, 3, [A]),
      poll(5, 4, [A]),
      poll(6, 5, [A]),
      poll(7, 6, [A], { [A]: "a" }),
    ];
    const s = summarize(polls, { rtoSeconds: 5, endedAtMs: 6000 });
    expect(s.dnsFailures).toBe(1);
    expect(s.switches).toEqual([]);
    expect(s.gaps.map((g) => [g.fromMs, g.toMs, g.polls])).toEqual([
      [1000, 2000, 1],
      [3000, 6000, 3],
    ]);
    expect(s.longestGap?.ms).toBe(3000);
    expect(s.pass).toBe(true);
    expect(s.notes).toEqual(["the DNS answer never changed: no failover was seen"]);
  });

  test("still down at the end: fails even when the open gap is shorter than the RTO", () => {
    const polls = [poll(1, 0, [A], { [A]: "a" }), poll(2, 1, [A]), poll(3, 2, [A])];
    const s = summarize(polls, { rtoSeconds: 210, endedAtMs: 2500, interrupted: true });
    expect(s.gaps).toEqual([{ fromMs: 1000, toMs: 2500, ms: 1500, polls: 2, open: true }]);
    expect(s.pass).toBe(false);
    expect(s.reason).toBe(
      "the site was not answering when the drill ended: no good answer since 1 s (1.5 s; the RTO of 210 s); run the drill longer",
    );
    expect(s.notes).toContain("interrupted after 2.5 s");
  });

  test("down from the first poll: the gap starts at 0", () => {
    const polls = [poll(1, 0, [A]), poll(2, 1, [B], { [B]: "b" })];
    const s = summarize(polls, { rtoSeconds: 1, endedAtMs: 1000 });
    expect(s.gaps).toEqual([{ fromMs: 0, toMs: 1000, ms: 1000, polls: 1, open: false }]);
    expect(s.switches).toEqual([{ seq: 2, atMs: 1000, from: [A], to: [B] }]);
    expect(s.pass).toBe(true);
  });

  test("never answered, or no polls: fail", () => {
    expect(summarize([poll(1, 0, [], {}, "ENOTFOUND")], { rtoSeconds: 210, endedAtMs: 0 })).toMatchObject({
      pass: false,
      reason: "the site never answered in 1 poll",
    });
    expect(summarize([], { rtoSeconds: 210, endedAtMs: 0 })).toMatchObject({ pass: false, reason: "no poll completed: nothing was measured" });
  });

  test("no gap at all passes", () => {
    const s = summarize([poll(1, 0, [A], { [A]: "a" }), poll(2, 1, [A], { [A]: "a" })], { rtoSeconds: 0, endedAtMs: 1000 });
    expect(s).toMatchObject({ pass: true, reason: "the site answered at every poll (no gap)", gaps: [] });
    expect(s.longestGap).toBeUndefined();
  });
});

describe("formatting", () => {
  test("poll lines: state, answers, ttl, the DNS switch", () => {
    const polls = failoverPolls();
    expect(pollLine(polls[0])).toBe(`    0.00s #1    ok   ${A} 200 web-a 12ms, ${B} 200 web-a 12ms | ttl 60`);
    expect(pollLine(polls[7], polls[6].addresses)).toBe(
      `   70.00s #8    DOWN ${A} ECONNREFUSED 1ms, ${B} ECONNREFUSED 1ms | ttl 60`,
    );
    expect(pollLine(polls[15], polls[14].addresses)).toBe(
      `  150.00s #16   ok   ${C} 200 web-c 12ms | ttl 60 | DNS answer switched: ${A}, ${B} -> ${C}`,
    );
    expect(pollLine(poll(3, 2, [], {}, "ENOTFOUND"), [A])).toBe("    2.00s #3    DOWN DNS ENOTFOUND");
  });

  test("summary text", () => {
    const s = summarize(failoverPolls(), { rtoSeconds: 60, endedAtMs: 240_000 });
    expect(summaryText(s, INFO)).toBe(
      [
        "Summary: http://nosqlsearch.com:8080/ through DNS server 205.251.192.1:53: 25 polls in 240 s (every 10 s)",
        "  good answers: 17 of 25 polls; DNS lookups failed: 0",
        "  answers per address:",
        `    ${A}  7 ok, 8 failed; backends: web-a (7)`,
        `    ${B}  7 ok, 8 failed; backends: web-a (4), web-b (3)`,
        `    ${C}  10 ok, 0 failed; backends: web-c (10)`,
        "  switch per address:",
        `    ${A}: last good answer at 60 s, failing from 70 s; traffic on ${C} from 150 s: switched in 90 s`,
        `    ${B}: last good answer at 60 s, failing from 70 s; traffic on ${C} from 150 s: switched in 90 s`,
        "  DNS answer switches:",
        `    at 150 s (poll 16): ${A}, ${B} -> ${C}`,
        "  gaps without a good answer:",
        "    80 s from 70 s to 150 s (8 polls)",
        "  longest gap: 80 s from 70 s to 150 s (8 polls); RTO 60 s",
        "FAIL: the longest gap without a good answer (80 s, from 70 s to 150 s) is longer than the RTO of 60 s",
      ].join("\n"),
    );
  });

  test("summary text lists the four most frequent backends per address", () => {
    const polls = ["b1", "b2", "b3", "b4", "b5", "b6", "b1"].map((backend, i) => poll(i + 1, i, [A], { [A]: backend }));
    const text = summaryText(summarize(polls, { rtoSeconds: 1, endedAtMs: 6000 }), INFO);
    expect(text).toContain(`    ${A}  7 ok, 0 failed; backends: b1 (2), b2 (1), b3 (1), b4 (1), 2 more\n`);
  });

  test("summary JSON", () => {
    const s = summarize(failoverPolls(), { rtoSeconds: 210, endedAtMs: 240_000 });
    const json = JSON.parse(JSON.stringify(summaryJson(s, INFO, 0)));
    expect(json).toMatchObject({
      type: "summary",
      url: "http://nosqlsearch.com:8080/",
      resolver: "205.251.192.1:53",
      rtoSeconds: 210,
      polls: 25,
      goodPolls: 17,
      switches: [{ seq: 16, atSeconds: 150, from: [A, B], to: [C] }],
      gaps: [{ fromSeconds: 70, toSeconds: 150, seconds: 80, polls: 8, open: false }],
      longestGap: { seconds: 80 },
      pass: true,
      exitCode: 0,
    });
    expect(json.addresses[2]).toEqual({ address: C, ok: 10, failed: 0, backends: [{ name: "web-c", count: 10 }], firstOkSeconds: 150, lastOkSeconds: 240 });
  });
});
