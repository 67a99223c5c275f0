// The DNS lookup and the HTTP probe against loopback servers.
import * as dgram from "node:dgram";
import { httpProbe, hostHeader } from "../../cli/drill/probe";
import { compareAddresses, dnsLookup, resolverServer } from "../../cli/drill/resolve";
import { startDnsServer, startHttpServer, tutumHandler, type TestDnsServer, type TestHttpServer } from "./fixtures";

describe("dnsLookup", () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({
      "www.drill.test": { addresses: ["127.0.0.10", "127.0.0.9", "127.0.0.2"], ttl: 60 },
    });
  });
  afterAll(() => dns.close());

  test("A records through the given server, sorted, with the TTL", async () => {
    const lookup = dnsLookup(dns.server, 1000);
    expect(await lookup("www.drill.test")).toEqual({ addresses: ["127.0.0.2", "127.0.0.9", "127.0.0.10"], ttl: 60 });
  });

  test("every lookup asks the server (no cached answer, even with a 60 s TTL)", async () => {
    const lookup = dnsLookup(dns.server, 1000);
    dns.set("switch.drill.test", { addresses: ["127.0.0.2"], ttl: 60 });
    expect((await lookup("switch.drill.test")).addresses).toEqual(["127.0.0.2"]);
    dns.set("switch.drill.test", { addresses: ["127.0.0.3"], ttl: 60 });
    expect((await lookup("switch.drill.test")).addresses).toEqual(["127.0.0.3"]);
  });

  test("NXDOMAIN: ENOTFOUND", async () => {
    expect(await dnsLookup(dns.server, 1000)("missing.drill.test")).toEqual({ addresses: [], error: "ENOTFOUND" });
  });

  test("a server that never answers: ETIMEOUT within about the timeout", async () => {
    const silent = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const started = Date.now();
      const result = await dnsLookup(`127.0.0.1:${silent.address().port}`, 200)("www.drill.test");
      expect(result).toEqual({ addresses: [], error: "ETIMEOUT" });
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      silent.close();
    }
  });

  test("compareAddresses orders numerically", () => {
    expect(["10.0.0.10", "10.0.0.9", "9.1.1.1"].sort(compareAddresses)).toEqual(["9.1.1.1", "10.0.0.9", "10.0.0.10"]);
  });
});

describe("resolverServer", () => {
  test("IP addresses as given, IPv6 in brackets", async () => {
    expect(await resolverServer({ host: "205.251.192.1", port: 53 })).toBe("205.251.192.1:53");
    expect(await resolverServer({ host: "2600:9000:5300::1", port: 5353 })).toBe("[2600:9000:5300::1]:5353");
  });

  test("a name is looked up once, IPv4 preferred", async () => {
    const asked: string[] = [];
    const server = await resolverServer({ host: "ns-1.awsdns-01.org", port: 53 }, async (host) => {
      asked.push(host);
      return [
        { address: "2600:9000:5300::1", family: 6 },
        { address: "205.251.192.1", family: 4 },
      ];
    });
    expect(server).toBe("205.251.192.1:53");
    expect(asked).toEqual(["ns-1.awsdns-01.org"]);
  });
});

describe("httpProbe", () => {
  const servers: TestHttpServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  async function serve(handler: Parameters<typeof startHttpServer>[2]) {
    const server = await startHttpServer("127.0.0.2", 0, handler);
    servers.push(server);
    return server;
  }
  const target = (port: number, timeoutMs = 1000) => ({ name: "www.drill.test", port, path: "/check?x=1", timeoutMs });

  test("connects to the address, sends the site name as Host, reads the backend's hostname", async () => {
    const server = await serve(tutumHandler("c0ffee123456"));
    const result = await httpProbe(target(server.port))("127.0.0.2");
    expect(result).toMatchObject({ address: "127.0.0.2", ok: true, status: 200, backend: "c0ffee123456" });
    expect(result.error).toBeUndefined();
    expect(server.hosts).toEqual([`www.drill.test:${server.port}`]);
    expect(server.paths).toEqual(["/check?x=1"]);
    expect(hostHeader("www.drill.test", 80)).toBe("www.drill.test");
  });

  test("an error status is not a good answer", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(503);
      res.end("Service Unavailable");
    });
    expect(await httpProbe(target(server.port))("127.0.0.2")).toMatchObject({ ok: false, status: 503, error: "HTTP 503" });
  });

  test("a stopped server: connection refused", async () => {
    const server = await serve(tutumHandler("x"));
    await server.stop();
    expect(await httpProbe(target(server.port))("127.0.0.2")).toMatchObject({ ok: false, error: "ECONNREFUSED" });
  });

  test("a server that never answers: timeout", async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    const result = await httpProbe(target(server.port, 200))("127.0.0.2");
    expect(result).toMatchObject({ ok: false, error: "timeout after 0.2 s" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("an abort ends the request", async () => {
    const server = await serve(() => undefined);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    expect(await httpProbe(target(server.port, 5000))("127.0.0.2", stop.signal)).toMatchObject({ ok: false, error: "aborted" });
  });
});
