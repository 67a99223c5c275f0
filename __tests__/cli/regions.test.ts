import { drillDefaults } from "../../cli/drill/defaults";
import { pollLine, regionSwitchText, summaryText } from "../../cli/drill/format";
import { regionSwitches, type RegionMap } from "../../cli/drill/regions";
import { summarize } from "../../cli/drill/summary";
import type { PollResult } from "../../cli/drill/types";
import { parseConfig } from "../../config/load";
import { seedWith } from "../helpers";

const W = "10.0.0.1";
const E = "10.0.0.2";
const MAP: RegionMap = { regions: [{ label: "west", addresses: [W], backendMatches: [] }, { label: "east", addresses: [E], backendMatches: [] }] };

/** Poll at `t` s: the DNS answer `address`; it answers when `up`. */
function poll(seq: number, t: number, address: string, up: boolean): PollResult {
  return {
    seq,
    atMs: t * 1000,
    addresses: [address],
    probes: [up ? { address, ok: true, status: 200, backend: `${address}-web`, ms: 1 } : { address, ok: false, error: "ECONNREFUSED", ms: 1 }],
  };
}

describe("switch per region", () => {
  it("weighted, nothing failed: a region that is just not picked has no switch", () => {
    const polls = [poll(1, 0, W, true), poll(2, 1, E, true), poll(3, 2, E, true), poll(4, 3, E, true)];
    expect(regionSwitches(polls, MAP)).toEqual([]);
    expect(summarize(polls, { rtoSeconds: 5, endedAtMs: 4000, regions: MAP }).notes).toEqual([]);
  });

  it("a blip: the region answers again before traffic settles elsewhere", () => {
    const polls = [poll(1, 0, W, true), poll(2, 1, W, false), poll(3, 2, W, true)];
    const [s] = regionSwitches(polls, MAP);
    expect(s).toMatchObject({ region: "west", lastOkAtMs: 0, failedAtMs: 1000, recovered: true, to: [] });
    expect(regionSwitchText(s)).toBe("west: last good answer at 0 s, failing from 1 s; answered again before traffic settled elsewhere");
  });

  it("still failing at the end: not settled", () => {
    const polls = [poll(1, 0, W, true), poll(2, 1, W, false), poll(3, 2, E, true), poll(4, 3, W, false)];
    const [s] = regionSwitches(polls, MAP);
    expect(s).toMatchObject({ region: "west", recovered: false, to: [] });
    expect(s.switchedAtMs).toBeUndefined();
    expect(regionSwitchText(s)).toContain("traffic had not settled elsewhere when the drill ended");
  });

  it("failover: switched when every later poll is good without it", () => {
    const polls = [poll(1, 0, W, true), poll(2, 1, W, false), poll(3, 2, E, true), poll(4, 3, W, false), poll(5, 4, E, true), poll(6, 5, E, true)];
    expect(regionSwitches(polls, MAP)).toEqual([{ region: "west", lastOkAtMs: 0, failedAtMs: 1000, switchedAtMs: 4000, ms: 4000, to: ["east"], recovered: false }]);
    const text = summaryText(summarize(polls, { rtoSeconds: 5, endedAtMs: 6000, regions: MAP }), {
      name: "x.test", port: 80, path: "/", intervalSeconds: 1, durationSeconds: 6, rtoSeconds: 5,
    });
    expect(text).toContain("  answers per region:\n    west  1 ok, 2 failed; backends: 10.0.0.1-web (1)\n    east  3 ok, 0 failed; backends: 10.0.0.2-web (3)");
    expect(text).toContain("  switch per region:\n    west: last good answer at 0 s, failing from 1 s; traffic on east from 4 s: switched in 4 s");
  });

  it("labels each request of a poll line with its region, ? when none matches", () => {
    expect(pollLine(poll(1, 0, W, true), undefined, MAP)).toBe("    0.00s #1    ok   10.0.0.1 [west] 200 10.0.0.1-web 1ms");
    expect(pollLine(poll(2, 1, "10.9.9.9", false), undefined, MAP)).toBe("    1.00s #2    DOWN 10.9.9.9 [?] ECONNREFUSED 1ms");
  });
});

describe("drill defaults per routing policy", () => {
  it("takes the RTO of the config's policy", () => {
    const native = { region: "us-west-2", keyName: "k", engine: "native" as const, sshCidrs: ["203.0.113.0/24"] };
    expect(drillDefaults(parseConfig(seedWith({ routing: { policy: "accelerator" }, regions: [native] }))).rtoSeconds).toBe(60);
    expect(drillDefaults(parseConfig(seedWith({ routing: { policy: "latency" } }))).rtoSeconds).toBe(210);
  });
});
