// Command-line options of the drill: parsing, validation (one-line errors naming the flag, the value and what
// is allowed) and the usage text.
import { isIP } from "node:net";
import {
  DEFAULT_INTERVAL_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  DURATION_RTOS,
  defaultDurationSeconds,
  type DrillDefaults,
} from "./defaults";
import type { RegionSpec } from "./regions";

/** A DNS server to ask: an IP address or a name (looked up once at start), and a port. */
export interface ResolverAddress {
  readonly host: string;
  readonly port: number;
}

export interface DrillOptions {
  /** The site name: resolved, and sent as the Host header. */
  readonly name: string;
  readonly port: number;
  readonly path: string;
  /** DNS server to ask; undefined = the system's resolvers. */
  readonly resolver?: ResolverAddress;
  readonly intervalSeconds: number;
  readonly durationSeconds: number;
  readonly rtoSeconds: number;
  /** Per DNS query and per HTTP request. */
  readonly timeoutSeconds: number;
  readonly json: boolean;
  /** --region LABEL=ITEM,... (repeatable): how to tell the regions apart. */
  readonly regions: readonly RegionSpec[];
}

export type ParsedArgs = { readonly help: true } | { readonly help: false; readonly options: DrillOptions };

/** A bad command line: `message` is one line naming the flag, the value and what is allowed. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const USAGE_HINT = 'Run "npm run drill -- --help" for usage.';

const LABEL = "[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?";
const DNS_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const PATH = /^\/[\x21-\x7e]*$/;
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER = /^\d+$/;

const NUMBER_FLAGS = {
  "--interval": { min: 0.01, max: 3600, key: "intervalSeconds" },
  "--duration": { min: 0.01, max: 7 * 24 * 3600, key: "durationSeconds" },
  "--rto": { min: 0, max: 24 * 3600, key: "rtoSeconds" },
  "--timeout": { min: 0.01, max: 60, key: "timeoutSeconds" },
} as const;
type NumberFlag = keyof typeof NUMBER_FLAGS;

const VALUE_FLAGS = ["--domain", "--port", "--path", "--resolver", "--region", ...Object.keys(NUMBER_FLAGS)] as const;
const ALL_FLAGS = [...VALUE_FLAGS, "--json", "--help", "-h"];

function bad(flag: string, value: string, expected: string): UsageError {
  return new UsageError(`${flag}: got ${JSON.stringify(value)}; expected ${expected}`);
}

function parsePort(flag: string, text: string, expected: string): number {
  const n = INTEGER.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535)) throw bad(flag, text, expected);
  return n;
}

function parseSeconds(flag: NumberFlag, text: string): number {
  const { min, max } = NUMBER_FLAGS[flag];
  const n = DECIMAL.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw bad(flag, text, `a number of seconds from ${min} to ${max}`);
  return n;
}

export function parseName(text: string): string {
  const name = text.toLowerCase().replace(/\.$/, "");
  if (isIP(name) !== 0 || !DNS_NAME.test(name)) {
    throw bad("--domain", text, 'a DNS name like "www.example.com" (not an IP address)');
  }
  return name;
}

const RESOLVER_EXPECTED = 'host[:port]: an IP address or DNS name, "[IPv6]:port", and a port from 1 to 65535';

/** "1.2.3.4", "1.2.3.4:5353", "::1", "[::1]:5353", "ns-1.awsdns-01.org", "ns-1.awsdns-01.org:53". */
export function parseResolver(text: string): ResolverAddress {
  const fail = () => bad("--resolver", text, RESOLVER_EXPECTED);
  if (isIP(text) === 6) return { host: text, port: 53 };
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  const [host, portText] = bracketed ? [bracketed[1], bracketed[2]] : text.split(/:(.*)/s, 2);
  if (bracketed && isIP(host) !== 6) throw fail();
  if (!bracketed && isIP(host) === 0 && !DNS_NAME.test(host.toLowerCase().replace(/\.$/, ""))) throw fail();
  if (portText === undefined) return { host, port: 53 };
  const port = INTEGER.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw fail();
  return { host, port };
}

const REGION_EXPECTED =
  'LABEL=ITEM[,ITEM...]: a label (letters, digits, ".", "_", "-"), then addresses, load balancer names or ~text (a backend label contains text)';

/** "us-west-2=34.1.2.3,lb-1.elb.amazonaws.com,~web-west". */
export function parseRegion(text: string): RegionSpec {
  const match = /^([A-Za-z0-9._-]{1,64})=(.+)$/.exec(text);
  if (!match) throw bad("--region", text, REGION_EXPECTED);
  const items = match[2].split(",");
  for (const item of items) {
    const ok = item.startsWith("~") ? /^~[\x21-\x7e]+$/.test(item) && !item.includes(",") : isIP(item) !== 0 || DNS_NAME.test(item.toLowerCase().replace(/\.$/, ""));
    if (!ok) throw bad("--region", text, REGION_EXPECTED);
  }
  return { label: match[1], items };
}

type Mutable = { -readonly [K in keyof DrillOptions]: DrillOptions[K] };

/** Parses the drill's arguments (without "node script"). Throws UsageError for a bad command line. */
export function parseArgs(argv: readonly string[], defaults: DrillDefaults): ParsedArgs {
  if (argv.includes("--help") || argv.includes("-h")) return { help: true };
  const options: Mutable = {
    name: defaults.name,
    port: defaults.port,
    path: defaults.path,
    intervalSeconds: DEFAULT_INTERVAL_SECONDS,
    durationSeconds: NaN,
    rtoSeconds: defaults.rtoSeconds,
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    json: false,
    regions: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") continue;
    if (arg === "--json") {
      options.json = true;
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      if (flag.startsWith("-")) throw new UsageError(`${flag}: unknown option; expected one of ${ALL_FLAGS.join(", ")}`);
      throw new UsageError(`${JSON.stringify(arg)}: unexpected argument; the drill takes only options (${ALL_FLAGS.join(", ")})`);
    }
    let value: string;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(`${flag}: missing value; ${flagHelp(flag)}`);
      }
      value = next;
      i++;
    }
    switch (flag) {
      case "--domain":
        options.name = parseName(value);
        break;
      case "--port":
        options.port = parsePort(flag, value, "an integer from 1 to 65535");
        break;
      case "--path":
        if (!PATH.test(value)) throw bad(flag, value, 'a path starting with "/", without spaces, like "/health"');
        options.path = value;
        break;
      case "--resolver":
        options.resolver = parseResolver(value);
        break;
      case "--region": {
        const spec = parseRegion(value);
        if (options.regions.some((r) => r.label === spec.label)) throw bad(flag, value, `a label not already given (${spec.label} is)`);
        options.regions = [...options.regions, spec];
        break;
      }
      default: {
        const spec = NUMBER_FLAGS[flag as NumberFlag];
        options[spec.key] = parseSeconds(flag as NumberFlag, value);
      }
    }
  }
  if (Number.isNaN(options.durationSeconds)) options.durationSeconds = defaultDurationSeconds(options.rtoSeconds);
  return { help: false, options };
}

function flagHelp(flag: string): string {
  switch (flag) {
    case "--domain":
      return 'expected a DNS name like "www.example.com"';
    case "--port":
      return "expected an integer from 1 to 65535";
    case "--path":
      return 'expected a path starting with "/"';
    case "--resolver":
      return `expected ${RESOLVER_EXPECTED}`;
    case "--region":
      return `expected ${REGION_EXPECTED}`;
    default: {
      const { min, max } = NUMBER_FLAGS[flag as NumberFlag];
      return `expected a number of seconds from ${min} to ${max}`;
    }
  }
}

/** The --help text; `defaults` is undefined when the config could not be loaded. */
export function usage(defaults: DrillDefaults | undefined): string {
  const d = (text: string) => (defaults ? ` (default: ${text})` : "");
  const duration = defaults ? defaultDurationSeconds(defaults.rtoSeconds) : 0;
  return [
    "Usage: npm run drill -- [options]",
    "       npx tsx cli/drill.ts [options]",
    "",
    "Failover drill: polls the site through DNS and HTTP while you break the primary region, then reports",
    "which addresses and backends answered, when the DNS answer switched, and the longest time without a",
    "good answer, compared with the RTO (the modeled worst-case failover time).",
    "",
    "Options:",
    `  --domain NAME           site name to resolve and fetch${d(defaults?.name ?? "")}`,
    `  --port N                HTTP port, 1-65535${d(String(defaults?.port))}`,
    `  --path PATH             request path, starting with "/"${d(defaults?.path ?? "")}`,
    "  --resolver HOST[:PORT]  DNS server to ask, e.g. one of the zone's name servers, to bypass caches;",
    "                          an IP address or a name, port 53 unless given (default: the system's resolvers)",
    "  --region LABEL=ITEM,..  which answers come from region LABEL (repeat per region): its addresses, its",
    "                          load balancer names (looked up once) or ~TEXT (a backend label containing TEXT);",
    "                          the summary then shows answers and the switch time per region",
    `  --interval SECONDS      time between polls, 0.01-3600 (default: ${DEFAULT_INTERVAL_SECONDS})`,
    `  --duration SECONDS      how long to poll, 0.01-604800${d(`${duration}, ${DURATION_RTOS} x the RTO`)}; Ctrl-C ends early`,
    "  --rto SECONDS           longest acceptable time without a good answer, 0-86400",
    `                          ${defaults ? `(default: ${defaults.rtoSeconds}, the modeled failover time)` : "(default: the modeled failover time)"}`,
    `  --timeout SECONDS       limit per DNS query and per HTTP request, 0.01-60 (default: ${DEFAULT_TIMEOUT_SECONDS})`,
    '  --json                  JSON lines on stdout: {"type":"poll",...} per poll, then {"type":"summary",...}',
    "  -h, --help              show this help",
    "",
    "Each poll resolves NAME (A records) and fetches http://NAME:PORT<PATH> from every address returned.",
    "A poll is good when at least one address answers with a status below 400. Several healthy answers",
    "(latency or weighted routing, the accelerator's two IPs) are normal: each poll says which region answered.",
    "Defaults come from the config: the file named by HA_SITE_CONFIG, else the built-in seed config.",
    "",
    "Exit status: 0 every outage ended within the RTO; 1 an outage lasted longer, the site was still down",
    "at the end, or never answered; 2 bad options or config.",
  ].join("\n");
}
