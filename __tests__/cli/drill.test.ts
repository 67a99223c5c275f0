// The whole drill against loopback servers, in real time: a DNS server whose answer switches from 127.0.0.2
// to 127.0.0.3, and tutum-like HTTP servers on both; the primary stops answering before the DNS switch.
import { main } from "../../cli/drill";
import { Collector, startingClock, startDnsServer, startHttpServers, tutumHandler, type TestDnsServer, type TestHttpServer } from "./fixtures";

const NAME = "www.drill.test";
const PRIMARY = "127.0.0.2";
const SECONDARY = "127.0.0.3";
/** Timeline, seconds after the drills start. */
const PRIMARY_STOPS = 0.8;
const DNS_SWITCHES = 1.4;
const GAP = DNS_SWITCHES - PRIMARY_STOPS;

let dns: TestDnsServer;
let servers: TestHttpServer[];
const timers: NodeJS.Timeout[] = [];

beforeEach(async () => {
  dns = await startDnsServer({ [NAME]: { addresses: [PRIMARY], ttl: 60 } });
  servers = await startHttpServers({ [PRIMARY]: tutumHandler("primary-web-1"), [SECONDARY]: tutumHandler("secondary-web-1") });
});

afterEach(async () => {
  timers.splice(0).forEach(clearTimeout);
  await Promise.all([dns.close(), ...servers.map((s) => s.stop())]);
});

const timeline: [number, () => unknown][] = [];

function at(seconds: number, action: () => unknown): void {
  timeline.push([seconds, action]);
}

/** Both drills run together: the timeline starts when the first of them starts its clock. */
let started = false;
const clock = () =>
  startingClock(() => {
    if (started) return;
    started = true;
    timeline.splice(0).forEach(([seconds, action]) => timers.push(setTimeout(action, seconds * 1000)));
  });

test("reports the switch, the answers per address and the gap; exit 0 within --rto, 1 beyond it", async () => {
  const common = [
    "--domain", NAME,
    "--port", String(servers[0].port),
    "--resolver", dns.server,
    "--interval", "0.1",
    "--duration", "2.4",
    "--timeout", "0.5",
  ];
  const json = new Collector();
  const text = new Collector();
  const stderr = new Collector();
  const deps = { stderr, env: {}, cwd: __dirname, signal: new AbortController().signal, clock: clock() };
  at(PRIMARY_STOPS, () => servers[0].stop());
  at(DNS_SWITCHES, () => dns.set(NAME, { addresses: [SECONDARY], ttl: 60 }));
  const [jsonCode, textCode] = await Promise.all([
    main([...common, "--rto", "5", "--json"], { ...deps, stdout: json }),
    main([...common, "--rto", "0.3"], { ...deps, stdout: text }),
  ]);
  expect(stderr.text).toBe("");

  // --json: every line parses; polls, then the summary.
  const records = json.lines().map((line) => JSON.parse(line));
  const summary = records.at(-1);
  const polls = records.slice(0, -1);
  expect(polls.every((p) => p.type === "poll")).toBe(true);
  expect(polls.length).toBeGreaterThanOrEqual(15);
  expect(summary).toMatchObject({ type: "summary", name: NAME, resolver: dns.server, rtoSeconds: 5, pass: true, exitCode: 0 });
  expect(jsonCode).toBe(0);

  // The switch: from the primary to the secondary, about when the DNS answer changed.
  expect(summary.switches).toHaveLength(1);
  expect(summary.switches[0]).toMatchObject({ from: [PRIMARY], to: [SECONDARY] });
  expect(summary.switches[0].atSeconds).toBeGreaterThanOrEqual(DNS_SWITCHES - 0.05);
  expect(summary.switches[0].atSeconds).toBeLessThan(DNS_SWITCHES + 0.4);

  // Answers per address, with the backends' hostnames.
  const [primary, secondary] = summary.addresses;
  expect(primary).toMatchObject({ address: PRIMARY, backends: [{ name: "primary-web-1" }] });
  expect(primary.ok).toBeGreaterThanOrEqual(4);
  expect(primary.failed).toBeGreaterThanOrEqual(3);
  expect(primary.lastOkSeconds).toBeLessThan(PRIMARY_STOPS + 0.05);
  expect(secondary).toMatchObject({ address: SECONDARY, failed: 0, backends: [{ name: "secondary-web-1" }] });
  expect(secondary.ok).toBeGreaterThanOrEqual(5);
  expect(secondary.firstOkSeconds).toBe(summary.switches[0].atSeconds);

  // The gap: from the primary stopping to the DNS switch, within a poll or so.
  expect(summary.gaps).toHaveLength(1);
  expect(summary.longestGap.open).toBe(false);
  expect(summary.longestGap.fromSeconds).toBeGreaterThanOrEqual(PRIMARY_STOPS - 0.05);
  expect(summary.longestGap.toSeconds).toBe(summary.switches[0].atSeconds);
  expect(summary.longestGap.seconds).toBeGreaterThan(GAP - 0.25);
  expect(summary.longestGap.seconds).toBeLessThan(GAP + 0.35);

  // The same drill as text, with an RTO shorter than the gap: FAIL, exit 1.
  expect(textCode).toBe(1);
  const out = text.text;
  expect(out).toMatch(new RegExp(`DNS answer switched: ${PRIMARY} -> ${SECONDARY}`));
  expect(out).toMatch(new RegExp(`^    at [0-9.]+ s \\(poll \\d+\\): ${PRIMARY} -> ${SECONDARY}$`, "m"));
  expect(out).toMatch(new RegExp(`^    ${PRIMARY}  \\d+ ok, \\d+ failed; backends: primary-web-1 \\(\\d+\\)$`, "m"));
  expect(out).toMatch(new RegExp(`^    ${SECONDARY}  \\d+ ok, 0 failed; backends: secondary-web-1 \\(\\d+\\)$`, "m"));
  expect(out).toMatch(/^  longest gap: [0-9.]+ s from [0-9.]+ s to [0-9.]+ s \(\d+ polls\); RTO 0.3 s$/m);
  expect(out).toMatch(/^FAIL: the longest gap without a good answer \([0-9.]+ s, from [0-9.]+ s to [0-9.]+ s\) is longer than the RTO of 0.3 s$/m);
  expect(out).toMatch(new RegExp(`^\\s+[0-9.]+s #\\d+\\s+DOWN ${PRIMARY.replace(/\./g, "\\.")} ECONNREFUSED`, "m"));

  // Every request went to the resolved address with the site name as Host.
  expect(new Set([...servers[0].hosts, ...servers[1].hosts])).toEqual(new Set([`${NAME}:${servers[0].port}`]));
  expect(dns.queries.length).toBe(polls.length + text.lines().filter((l) => /^\s+[0-9.]+s #/.test(l)).length);
});
