// The drill with several healthy answers, in real time against loopback servers: weighted DNS that hands out
// one of several regions per query, and an accelerator-like pair of IPs that never changes while the region
// behind it does. --region tells the regions apart; the summary has the switch time per region.
import { main } from "../../cli/drill";
import { Collector, startingClock, startDnsServer, startHttpServers, tutumHandler, type Handler, type TestDnsServer, type TestHttpServer } from "./fixtures";

const NAME = "www.drill.test";
const WEST = "127.0.0.2";
const EAST = "127.0.0.3";
const EU = "127.0.0.4";
const ANYCAST = ["127.0.0.5", "127.0.0.6"];

/**
 * One drill's world: its DNS server, HTTP servers and timeline. Per test, so that the two real-time drills
 * below run at the same time (test.concurrent: ~2.6 s for both instead of ~5 s); their addresses differ.
 */
class World {
  dns?: TestDnsServer;
  servers: TestHttpServer[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  /** Actions at seconds after the drill starts (scheduled when it first reads its clock). */
  private readonly timeline: [number, () => unknown][] = [];

  at(seconds: number, action: () => unknown): void {
    this.timeline.push([seconds, action]);
  }

  async drill(args: string[]): Promise<{ code: number; records: any[]; stderr: string }> {
    const stdout = new Collector();
    const stderr = new Collector();
    const code = await main(
      ["--domain", NAME, "--port", String(this.servers[0].port), "--resolver", this.dns!.server, "--interval", "0.1", "--timeout", "0.4", "--json", ...args],
      {
        stdout,
        stderr,
        env: {},
        signal: new AbortController().signal,
        clock: startingClock(() => this.timeline.forEach(([seconds, action]) => this.timers.push(setTimeout(action, seconds * 1000)))),
      },
    );
    return { code, records: stdout.lines().map((l) => JSON.parse(l)), stderr: stderr.text };
  }

  async close(): Promise<void> {
    this.timers.splice(0).forEach(clearTimeout);
    await Promise.all([this.dns?.close(), ...this.servers.map((s) => s.stop())]);
  }
}

/** `body` with a fresh world, closed afterwards whatever happens. */
async function inWorld(body: (world: World) => Promise<void>): Promise<void> {
  const world = new World();
  try {
    await body(world);
  } finally {
    await world.close();
  }
}

test.concurrent("weighted DNS: one of several regions per poll; the failed region's switch time ends when DNS drops it", () => inWorld(async (world) => {
  const at = world.at.bind(world);
  world.dns = await startDnsServer({ [NAME]: { addresses: [], ttl: 1, rotate: [[WEST], [EAST], [EU]] } });
  world.servers = await startHttpServers({ [WEST]: tutumHandler("west-1"), [EAST]: tutumHandler("east-1"), [EU]: tutumHandler("eu-1") });
  const WEST_STOPS = 0.8;
  const DNS_DROPS_WEST = 1.6;
  at(WEST_STOPS, () => world.servers[0].stop());
  at(DNS_DROPS_WEST, () => world.dns!.set(NAME, { addresses: [], ttl: 1, rotate: [[EAST], [EU]] }));
  const { code, records, stderr } = await world.drill([
    "--duration", "2.6", "--rto", "5",
    "--region", `us-west-2=${WEST}`, "--region", `us-east-2=${EAST}`, "--region", `eu-west-1=${EU}`,
  ]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const polls = records.filter((r) => r.type === "poll");
  const summary = records.at(-1);

  // Every poll says which region answered: all three before the failure, never us-west-2 after it.
  const answered = (from: number, to: number) => new Set(polls.filter((p) => p.atSeconds >= from && p.atSeconds < to).flatMap((p) => p.answeredBy));
  expect(answered(0, WEST_STOPS - 0.1)).toEqual(new Set(["us-west-2", "us-east-2", "eu-west-1"]));
  expect(answered(WEST_STOPS + 0.1, 99).has("us-west-2")).toBe(false);
  expect(polls.find((p) => p.answeredBy[0] === "us-east-2").answers).toEqual([{ address: EAST, region: "us-east-2", backend: "east-1" }]);

  expect(summary.regions.map((r: any) => r.region).sort()).toEqual(["eu-west-1", "us-east-2", "us-west-2"]);
  expect(summary.regions.find((r: any) => r.region === "us-west-2").failed).toBeGreaterThan(0);
  // One switch: us-west-2, from its last good answer (before it stopped) to the first poll of the all-good run
  // (once DNS no longer hands it out).
  expect(summary.regionSwitches).toHaveLength(1);
  const [west] = summary.regionSwitches;
  expect(west.region).toBe("us-west-2");
  expect(west.lastOkSeconds).toBeLessThan(WEST_STOPS + 0.05);
  expect(west.failedSeconds).toBeGreaterThanOrEqual(WEST_STOPS - 0.05);
  expect(west.switchedSeconds).toBeGreaterThanOrEqual(DNS_DROPS_WEST - 0.35);
  expect(west.switchedSeconds).toBeLessThan(DNS_DROPS_WEST + 0.5);
  expect(west.seconds).toBeCloseTo(west.switchedSeconds - west.lastOkSeconds, 2);
  expect(["us-east-2", "eu-west-1"]).toContain(west.to[0]);
  // The regions that were never down have no switch; the DNS answer changed at every poll.
  expect(summary.switches.length).toBeGreaterThan(10);
}));

test.concurrent("accelerator: the same two IPs throughout; the region behind them changes, and the drill sees it", () => inWorld(async (world) => {
  const at = world.at.bind(world);
  world.dns = await startDnsServer({ [NAME]: { addresses: ANYCAST, ttl: 300 } });
  let phase: "west" | "down" | "east" = "west";
  const handler: Handler = (req, res) => {
    if (phase === "down") {
      res.writeHead(503);
      res.end("no healthy endpoint");
    } else tutumHandler(`${phase}-web-${req.socket.localAddress?.slice(-1)}`)(req, res);
  };
  world.servers = await startHttpServers({ [ANYCAST[0]]: handler, [ANYCAST[1]]: handler });
  at(0.8, () => (phase = "down"));
  at(1.4, () => (phase = "east"));
  const { code, records } = await world.drill(["--duration", "2.2", "--rto", "2", "--region", "us-west-2=~west", "--region", "eu-central-1=~east"]);
  expect(code).toBe(0);
  const summary = records.at(-1);
  expect(summary.switches).toEqual([]);
  expect(summary.notes).toEqual([]);
  expect(summary.regionSwitches).toEqual([
    expect.objectContaining({ region: "us-west-2", to: ["eu-central-1"], recovered: false }),
  ]);
  const [west] = summary.regionSwitches;
  // A poll is timed by its start: one that started a little before 1.4 s may already reach the east backends.
  expect(west.switchedSeconds).toBeGreaterThanOrEqual(1.4 - 0.35);
  expect(west.switchedSeconds).toBeLessThan(1.4 + 0.5);
  expect(west.seconds).toBeGreaterThan(0.5);
  // Both addresses answered each good poll, from one region.
  const good = records.filter((r) => r.type === "poll" && r.good);
  expect(good.every((p) => p.answers.length === 2 && p.answeredBy.length === 1)).toBe(true);
}));

test("bad --region options: one line naming the option, exit 2", async () => {
  for (const [arg, message] of [
    ["nolabel", '--region: got "nolabel"; expected LABEL=ITEM'],
    ["a=not a name", '--region: got "a=not a name"; expected LABEL=ITEM'],
  ]) {
    const stderr = new Collector();
    const code = await main(["--region", arg], { stdout: new Collector(), stderr, env: {} });
    expect(code).toBe(2);
    expect(stderr.lines()[0]).toContain(message);
  }
  const stderr = new Collector();
  const code = await main(["--region", "a=1.2.3.4", "--region", "a=5.6.7.8"], { stdout: new Collector(), stderr, env: {} });
  expect(code).toBe(2);
  expect(stderr.lines()[0]).toBe('drill: --region: got "a=5.6.7.8"; expected a label not already given (a is)');
  const lookupFails = new Collector();
  const failing = async () => {
    throw Object.assign(new Error("nope"), { code: "ENOTFOUND" });
  };
  expect(await main(["--region", "a=lb.invalid"], { stdout: new Collector(), stderr: lookupFails, env: {}, hostLookup: failing })).toBe(2);
  expect(lookupFails.lines()[0]).toContain("cannot look lb.invalid up (ENOTFOUND)");
});
