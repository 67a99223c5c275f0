// The failover drill CLI (`npm run drill -- [options]`): polls the site through DNS and HTTP while an operator
// breaks the primary region, then reports the switch, the gaps and the verdict against the modeled RTO.
// `main` takes its streams, clock and stop signal as arguments, so tests run it in-process.
import { ConfigError, loadConfig, oneLine } from "../config/load";
import { parseArgs, usage, UsageError, USAGE_HINT } from "./drill/args";
import { systemClock, type Clock } from "./drill/clock";
import { drillDefaults, type DrillDefaults } from "./drill/defaults";
import type { DrillInfo } from "./drill/format";
import { runPolls } from "./drill/loop";
import { makePoll } from "./drill/poll";
import { httpProbe, type Probe, type ProbeTarget } from "./drill/probe";
import { Reporter, reportMode, type OutputStream } from "./drill/report";
import { RegionLookupError, resolveRegions, type RegionMap } from "./drill/regions";
import { dnsLookup, resolverServer, ResolverError, systemHostLookup, type HostLookup, type Lookup } from "./drill/resolve";
import { summarize } from "./drill/summary";

export const EXIT_PASS = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

export interface DrillDeps {
  readonly stdout?: OutputStream;
  readonly stderr?: OutputStream;
  /** Where HA_SITE_CONFIG is read from. */
  readonly env?: NodeJS.ProcessEnv;
  /** The project folder (where ha-site.json is looked for); default: the working directory. */
  readonly cwd?: string;
  readonly clock?: Clock;
  /** Ends the drill early. Without it, SIGINT (Ctrl-C) and SIGTERM do. */
  readonly signal?: AbortSignal;
  /** Replaces DNS resolution: gets the --resolver server ("ip:port", undefined = system) and the timeout. */
  readonly makeLookup?: (server: string | undefined, timeoutMs: number) => Lookup;
  /** Replaces the HTTP probe. */
  readonly makeProbe?: (target: ProbeTarget, now: () => number) => Probe;
  /** Replaces the lookup of a --resolver given by name. */
  readonly hostLookup?: HostLookup;
}

/** Runs the drill with `argv` (without "node script"); resolves to the exit code. */
export async function main(argv: readonly string[], deps: DrillDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const clock = deps.clock ?? systemClock;

  let defaults: DrillDefaults | undefined;
  let configProblems: readonly string[] = [];
  try {
    defaults = drillDefaults(loadConfig(deps.env ?? process.env, deps.cwd ?? process.cwd()));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    configProblems = e.lines;
  }
  const wantsHelp = argv.includes("--help") || argv.includes("-h");
  if (!defaults) {
    if (wantsHelp) stdout.write(`${usage(undefined)}\n`);
    stderr.write(configProblems.map((line) => `drill: ${line}\n`).join(""));
    return wantsHelp ? EXIT_PASS : EXIT_USAGE;
  }

  let options;
  try {
    const parsed = parseArgs(argv, defaults);
    if (parsed.help) {
      stdout.write(`${usage(defaults)}\n`);
      return EXIT_PASS;
    }
    options = parsed.options;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr.write(`${oneLine(`drill: ${e.message}`)}\n${USAGE_HINT}\n`);
    return EXIT_USAGE;
  }

  let server: string | undefined;
  if (options.resolver) {
    try {
      server = await resolverServer(options.resolver, deps.hostLookup);
    } catch (e) {
      if (!(e instanceof ResolverError)) throw e;
      stderr.write(`${oneLine(`drill: ${e.message}`)}\n${USAGE_HINT}\n`);
      return EXIT_USAGE;
    }
  }

  // --region names (load balancer names) are looked up once, through the system like a --resolver name.
  let regions: RegionMap | undefined;
  if (options.regions.length > 0) {
    try {
      regions = await resolveRegions(options.regions, deps.hostLookup ?? systemHostLookup);
    } catch (e) {
      if (!(e instanceof RegionLookupError)) throw e;
      stderr.write(`drill: ${e.message}\n${USAGE_HINT}\n`);
      return EXIT_USAGE;
    }
  }

  const timeoutMs = options.timeoutSeconds * 1000;
  const target: ProbeTarget = { name: options.name, port: options.port, path: options.path, timeoutMs };
  const now = () => clock.now();
  const lookup = (deps.makeLookup ?? dnsLookup)(server, timeoutMs);
  const probe = (deps.makeProbe ?? httpProbe)(target, now);
  const info: DrillInfo = {
    name: options.name,
    port: options.port,
    path: options.path,
    ...(server !== undefined ? { resolver: server } : {}),
    intervalSeconds: options.intervalSeconds,
    durationSeconds: options.durationSeconds,
    rtoSeconds: options.rtoSeconds,
  };
  const reporter = new Reporter(stdout, reportMode(stdout, options.json), info, regions);

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  const external = deps.signal;
  if (external) {
    if (external.aborted) stop.abort();
    else external.addEventListener("abort", onSignal, { once: true });
  } else {
    // `once`: a second Ctrl-C kills the process the usual way.
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  try {
    reporter.start();
    const result = await runPolls(
      makePoll(options.name, lookup, probe),
      { intervalMs: options.intervalSeconds * 1000, durationMs: options.durationSeconds * 1000, clock, signal: stop.signal },
      (poll) => reporter.poll(poll),
    );
    const summary = summarize(result.polls, {
      rtoSeconds: options.rtoSeconds,
      endedAtMs: result.endedAtMs,
      interrupted: result.interrupted,
      regions,
    });
    const code = summary.pass ? EXIT_PASS : EXIT_FAIL;
    reporter.end(summary, code);
    return code;
  } finally {
    external?.removeEventListener("abort", onSignal);
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

/** Runs the drill as a command: any unexpected error is one line on stderr (exit 1), never a stack trace. */
export async function run(argv: readonly string[], deps: DrillDeps = {}): Promise<number> {
  try {
    return await main(argv, deps);
  } catch (e) {
    const first = String((e as Error)?.message ?? e).split("\n").find((l) => l.trim() !== "") ?? "unknown error";
    (deps.stderr ?? process.stderr).write(`${oneLine(`drill: failed: ${first}`)}\n`);
    return EXIT_FAIL;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
