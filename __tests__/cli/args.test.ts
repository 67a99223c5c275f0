import { main } from "../../cli/drill";
import { parseArgs, parseResolver, usage, UsageError } from "../../cli/drill/args";
import { defaultDurationSeconds, drillDefaults, type DrillDefaults } from "../../cli/drill/defaults";
import { parseConfig } from "../../config/load";
import { SEED_CONFIG } from "../../config/seed";
import { Collector } from "./fixtures";

const DEFAULTS: DrillDefaults = { name: "nosqlsearch.com", port: 8080, path: "/", rtoSeconds: 210 };

function options(argv: string[]) {
  const parsed = parseArgs(argv, DEFAULTS);
  if (parsed.help) throw new Error("unexpected help");
  return parsed.options;
}

function errorOf(argv: string[]): string {
  try {
    parseArgs(argv, DEFAULTS);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
}

describe("drill defaults from the config", () => {
  test("the seed config: apex name, site port, /, modeled RTO", () => {
    expect(drillDefaults(parseConfig(SEED_CONFIG))).toEqual({ name: "nosqlsearch.com", port: 8080, path: "/", rtoSeconds: 210 });
  });

  test("record name, health check port and path, faster checks", () => {
    const config = parseConfig({
      ...SEED_CONFIG,
      recordName: "www",
      services: [{ name: "web", image: "nginx", replicas: 1, ports: [{ published: 8080, target: 80 }, { published: 8081, target: 81 }] }],
      healthCheck: { port: 8081, resourcePath: "/health", requestInterval: 10, failureThreshold: 2 },
    });
    expect(drillDefaults(config)).toEqual({ name: "www.nosqlsearch.com", port: 8081, path: "/health", rtoSeconds: 140 });
  });

  test("default duration: 3 RTOs, at least a minute", () => {
    expect(defaultDurationSeconds(210)).toBe(630);
    expect(defaultDurationSeconds(5)).toBe(60);
  });
});

describe("parseArgs", () => {
  test("no flags: the defaults", () => {
    expect(options([])).toEqual({
      name: "nosqlsearch.com",
      port: 8080,
      path: "/",
      intervalSeconds: 2,
      durationSeconds: 630,
      rtoSeconds: 210,
      timeoutSeconds: 2,
      json: false,
      regions: [],
    });
  });

  test("every flag, with spaces and with =", () => {
    expect(
      options([
        "--domain=WWW.Example.com.",
        "--port",
        "80",
        "--path=/health?x=1",
        "--resolver",
        "ns-1.awsdns-01.org",
        "--interval",
        "0.5",
        "--duration=90",
        "--rto",
        "30",
        "--timeout",
        ".25",
        "--json",
      ]),
    ).toEqual({
      name: "www.example.com",
      port: 80,
      path: "/health?x=1",
      resolver: { host: "ns-1.awsdns-01.org", port: 53 },
      intervalSeconds: 0.5,
      durationSeconds: 90,
      rtoSeconds: 30,
      timeoutSeconds: 0.25,
      json: true,
      regions: [],
    });
  });

  test("--rto changes the default duration; an explicit --duration wins", () => {
    expect(options(["--rto", "100"]).durationSeconds).toBe(300);
    expect(options(["--duration", "10", "--rto", "100"]).durationSeconds).toBe(10);
  });

  test("a later flag wins; -- is ignored", () => {
    expect(options(["--port", "1", "--", "--port", "2"]).port).toBe(2);
  });

  test("--help and -h anywhere", () => {
    expect(parseArgs(["--port", "x", "--help"], DEFAULTS)).toEqual({ help: true });
    expect(parseArgs(["-h"], DEFAULTS)).toEqual({ help: true });
  });

  test.each([
    [["--bogus"], "--bogus: unknown option; expected one of --domain, --port, --path, --resolver, --region, --interval, --duration, --rto, --timeout, --json, --help, -h"],
    [["extra"], '"extra": unexpected argument; the drill takes only options'],
    [["--interval", "fast"], '--interval: got "fast"; expected a number of seconds from 0.01 to 3600'],
    [["--interval", "0"], '--interval: got "0"; expected a number of seconds from 0.01 to 3600'],
    [["--interval=-1"], '--interval: got "-1"; expected a number of seconds from 0.01 to 3600'],
    [["--duration", "1e3"], '--duration: got "1e3"; expected a number of seconds from 0.01 to 604800'],
    [["--rto", ""], '--rto: got ""; expected a number of seconds from 0 to 86400'],
    [["--timeout", "61"], '--timeout: got "61"; expected a number of seconds from 0.01 to 60'],
    [["--port", "70000"], '--port: got "70000"; expected an integer from 1 to 65535'],
    [["--port", "0"], '--port: got "0"; expected an integer from 1 to 65535'],
    [["--port", "80.5"], '--port: got "80.5"; expected an integer from 1 to 65535'],
    [["--path", "health"], '--path: got "health"; expected a path starting with "/", without spaces'],
    [["--path", "/a b"], '--path: got "/a b"; expected a path starting with "/"'],
    [["--domain", "bad_name..com"], '--domain: got "bad_name..com"; expected a DNS name like "www.example.com"'],
    [["--domain", "10.0.0.1"], '--domain: got "10.0.0.1"; expected a DNS name like "www.example.com" (not an IP address)'],
    [["--port"], "--port: missing value; expected an integer from 1 to 65535"],
    [["--path", "--json"], '--path: missing value; expected a path starting with "/"'],
    [["--resolver", "1.2.3.4:99999"], '--resolver: got "1.2.3.4:99999"; expected host[:port]: an IP address or DNS name'],
    [["--resolver", "1.2.3.4:"], '--resolver: got "1.2.3.4:"; expected host[:port]'],
    [["--resolver", "bad host"], '--resolver: got "bad host"; expected host[:port]'],
    [["--resolver", "[1.2.3.4]:53"], '--resolver: got "[1.2.3.4]:53"; expected host[:port]'],
  ])("%j -> %s", (argv, message) => {
    const text = errorOf(argv);
    expect(text).toContain(message);
    expect(text).not.toContain("\n");
  });
});

describe("parseResolver", () => {
  test.each([
    ["1.2.3.4", { host: "1.2.3.4", port: 53 }],
    ["127.0.0.1:5353", { host: "127.0.0.1", port: 5353 }],
    ["::1", { host: "::1", port: 53 }],
    ["[::1]:5353", { host: "::1", port: 5353 }],
    ["[2600:9000:5300::1]", { host: "2600:9000:5300::1", port: 53 }],
    ["ns-1536.awsdns-00.co.uk", { host: "ns-1536.awsdns-00.co.uk", port: 53 }],
    ["ns-1536.awsdns-00.co.uk:53", { host: "ns-1536.awsdns-00.co.uk", port: 53 }],
  ])("%s", (text, expected) => {
    expect(parseResolver(text)).toEqual(expected);
  });
});

describe("main: help and bad flags", () => {
  async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
    const stdout = new Collector();
    const stderr = new Collector();
    const code = await main(argv, { stdout, stderr, env, signal: AbortSignal.abort() });
    return { code, out: stdout.text, err: stderr.text };
  }

  test("--help: usage with the config's defaults, exit 0", async () => {
    const { code, out, err } = await run(["--help"]);
    expect(code).toBe(0);
    expect(err).toBe("");
    expect(out).toBe(`${usage(DEFAULTS)}\n`);
    expect(out).toContain("Usage: npm run drill -- [options]");
    expect(out).toContain("(default: nosqlsearch.com)");
    expect(out).toContain("(default: 210, the modeled failover time)");
  });

  test("bad flag: one error line naming flag, value and range, a usage hint, exit 2", async () => {
    const { code, out, err } = await run(["--interval", "soon"]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toBe(
      'drill: --interval: got "soon"; expected a number of seconds from 0.01 to 3600\nRun "npm run drill -- --help" for usage.\n',
    );
  });

  test("unknown flag", async () => {
    const { code, err } = await run(["--primary"]);
    expect(code).toBe(2);
    expect(err.split("\n")[0]).toMatch(/^drill: --primary: unknown option; expected one of --domain, /);
  });

  test("a resolver name that does not resolve: exit 2", async () => {
    const stdout = new Collector();
    const stderr = new Collector();
    const code = await main(["--resolver", "ns.nowhere.invalid"], {
      stdout,
      stderr,
      env: {},
      cwd: __dirname,
      signal: AbortSignal.abort(),
      hostLookup: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    expect(code).toBe(2);
    expect(stderr.text).toContain('drill: --resolver: got "ns.nowhere.invalid"; cannot look this name up (ENOTFOUND)');
  });

  test("a bad config: its one-line error, exit 2; --help still works", async () => {
    const env = { HA_SITE_CONFIG: "/nonexistent/ha-site.json" };
    const bad = await run([], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("drill: HA_SITE_CONFIG=/nonexistent/ha-site.json: cannot read the file (ENOENT); expected a JSON config file\n");
    const help = await run(["--help"], env);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage:");
    expect(help.out).not.toContain("(default: nosqlsearch.com)");
  });
});
