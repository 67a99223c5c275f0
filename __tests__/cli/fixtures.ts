// Loopback servers for the drill's tests: a DNS server whose A answer can be switched, and tutum-like HTTP
// servers on 127.0.0.x that can be stopped. Nothing leaves the machine.
import { once } from "node:events";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import dns2 = require("dns2");
import { systemClock, type Clock } from "../../cli/drill/clock";
import type { OutputStream } from "../../cli/drill/report";

const { Packet } = dns2;
/** RFC 1035 RCODE 3 (dns2 3.0.0 has Packet.RCODE at run time, but its type declarations lack it). */
const NXDOMAIN = 3;

export interface DnsAnswer {
  addresses: string[];
  ttl: number;
  /** Answers taken in turn, one per query (weighted routing's one-of-many); replaces `addresses`. */
  rotate?: string[][];
}

export interface TestDnsServer {
  readonly port: number;
  /** "127.0.0.1:port", for --resolver. */
  readonly server: string;
  /** Names asked for, in order. */
  readonly queries: string[];
  /** Sets the answer for `name`; undefined answers NXDOMAIN. */
  set(name: string, answer: DnsAnswer | undefined): void;
  close(): Promise<void>;
}

/** A UDP DNS server on 127.0.0.1, ephemeral port, answering A queries from a table (NXDOMAIN otherwise). */
export async function startDnsServer(initial: Record<string, DnsAnswer> = {}): Promise<TestDnsServer> {
  const table = new Map(Object.entries(initial));
  let turn = 0;
  const queries: string[] = [];
  const udp = dns2.createUDPServer((request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const question = request.questions[0];
    const name = question?.name.toLowerCase() ?? "";
    queries.push(name);
    const answer = table.get(name);
    if (!answer) {
      response.header.rcode = NXDOMAIN;
    } else if (question.type === Packet.TYPE.A) {
      const addresses = answer.rotate ? answer.rotate[turn++ % answer.rotate.length] : answer.addresses;
      for (const address of addresses) {
        response.answers.push(
          Packet.createResourceFromQuestion(question, { type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: answer.ttl, address }),
        );
      }
    }
    void send(response);
  });
  await udp.listen(0, "127.0.0.1");
  const port = (udp.address() as AddressInfo).port;
  return {
    port,
    server: `127.0.0.1:${port}`,
    queries,
    set: (name, answer) => {
      if (answer) table.set(name, answer);
      else table.delete(name);
    },
    close: () => new Promise<void>((resolve) => udp.close(() => resolve())),
  };
}

export function tutumPage(hostname: string): string {
  return [
    "<html>",
    "<head>",
    "\t<title>Hello world!</title>",
    "</head>",
    "<body>",
    '\t<img id="logo" src="logo.png" />',
    "\t<h1>Hello world!</h1>",
    `\t<h3>My hostname is ${hostname}</h3>\t`,
    "</body>",
    "</html>",
  ].join("\n");
}

export interface TestHttpServer {
  readonly address: string;
  readonly port: number;
  /** Host headers received. */
  readonly hosts: string[];
  /** Request paths received. */
  readonly paths: string[];
  /** Stops answering: closes the listener and every open connection. */
  stop(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export function tutumHandler(hostname: string): Handler {
  return (_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(tutumPage(hostname));
  };
}

/** An HTTP server on `address` (e.g. 127.0.0.2) and `port` (0 = ephemeral). */
export async function startHttpServer(address: string, port: number, handler: Handler): Promise<TestHttpServer> {
  const hosts: string[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    hosts.push(req.headers.host ?? "");
    paths.push(req.url ?? "");
    handler(req, res);
  });
  server.listen(port, address);
  await once(server, "listening");
  let stopped: Promise<void> | undefined;
  return {
    address,
    port: (server.address() as AddressInfo).port,
    hosts,
    paths,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** HTTP servers on several loopback addresses, all on the same (ephemeral) port. */
export async function startHttpServers(handlers: Record<string, Handler>): Promise<TestHttpServer[]> {
  const entries = Object.entries(handlers);
  for (let attempt = 0; attempt < 5; attempt++) {
    const first = await startHttpServer(entries[0][0], 0, entries[0][1]);
    const servers = [first];
    try {
      for (const [address, handler] of entries.slice(1)) servers.push(await startHttpServer(address, first.port, handler));
      return servers;
    } catch (e) {
      await Promise.all(servers.map((s) => s.stop()));
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    }
  }
  throw new Error("no common free port on the loopback addresses");
}

/** Collects what the drill writes. */
export class Collector implements OutputStream {
  text = "";
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  lines(): string[] {
    return this.text.split("\n").filter((l) => l !== "");
  }
}

/** A clock that only moves when the drill sleeps (or a fake lookup/probe advances it). */
export class FakeClock {
  t = 0;
  now = (): number => this.t;
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (!signal?.aborted) this.t += Math.max(0, ms);
  };
}

/**
 * The real clock, except that `onStart` runs when the drill first reads it (its t = 0): a timeline scheduled
 * there is relative to the drill's start, however long the drill took to start on a loaded machine.
 */
export function startingClock(onStart: () => void): Clock {
  let started = false;
  return {
    now: () => {
      if (!started) {
        started = true;
        onStart();
      }
      return systemClock.now();
    },
    sleep: systemClock.sleep,
  };
}
