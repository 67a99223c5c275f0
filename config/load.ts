// Reads the site config, by convention (the same for `npm run synth`, `npx cdktf ...`, the drill and the
// diagram): the file named by HA_SITE_CONFIG, else `ha-site.json` in the project folder (the working
// directory, where cdktf.json is), else the built-in seed config.
//
// Every problem is reported as one line "<file>: <field>: got <value>; expected <what is allowed>", all
// of them (unknown-field hints first), at most MAX_MESSAGE_LINES lines, never a stack trace.
import { lstatSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { closest } from "./fields";
import { configSchema, type SiteConfig } from "./schema";
import { SEED_CONFIG } from "./seed";

export const CONFIG_ENV = "HA_SITE_CONFIG";
/** The config file used when HA_SITE_CONFIG is not set (in the project folder, like cdktf.json). */
export const CONFIG_FILE = "ha-site.json";
/** At most this many lines per error; the last one then says how many more problems there are. */
export const MAX_MESSAGE_LINES = 10;
/** Deeper JSON is refused before validation (no config is nested more than ~6 levels). */
export const MAX_DEPTH = 32;
/** A config file is a few kilobytes; anything larger than this is refused unread. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Values, keys and file names longer than this are shortened in messages. */
const MAX_SHOWN = 80;
const MAX_LINE = 400;

/** A bad config: `lines` are one problem each, `message` is them joined by newlines. */
export class ConfigError extends Error {
  readonly lines: readonly string[];
  constructor(lines: string | readonly string[]) {
    const list = (typeof lines === "string" ? [lines] : [...lines]).map(oneLine);
    super(list.join("\n"));
    this.name = "ConfigError";
    this.lines = list;
  }
}

/** `text` made safe to print as one line: control characters escaped, length capped. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  return escaped.length > MAX_LINE ? `${escaped.slice(0, MAX_LINE - 3)}...` : escaped;
}

/** A string for a message: as is when short and printable, else JSON-quoted and shortened. */
export function shown(text: string, max = MAX_SHOWN): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.length <= max && !/[\u0000-\u001f\u007f\u2028\u2029"]/.test(text) && text.trim() === text && text !== "";
  if (plain) return text;
  const quoted = JSON.stringify(text.length > max ? text.slice(0, max) : text);
  return text.length > max ? `${quoted.slice(0, -1)}..." (${text.length} characters)` : quoted;
}

function keyText(name: string): string {
  if (name.length > 40) return `[${shown(name, 40)}]`;
  return JSON.stringify(name);
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`;
    const name = String(key);
    const plain = /^[A-Za-z_$][\w$]*$/.test(name) && name.length <= 40;
    if (!plain) return `${text}[${name.length > 40 ? shown(name, 40) : keyText(name)}]`;
    return text ? `${text}.${name}` : name;
  }, "");
}

function valueText(value: unknown, code: string | undefined): string {
  // A list that is too short or too long: its length is what matters.
  if (Array.isArray(value) && (code === "too_small" || code === "too_big")) return `${value.length} item${value.length === 1 ? "" : "s"}`;
  // JSON.parse turns 1e400 into Infinity, which JSON.stringify would print as null.
  if (typeof value === "number" && !Number.isFinite(value)) return "a number too large";
  const json = JSON.stringify(value) ?? String(value);
  return json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN - 3)}...` : json;
}

/** The path to the first value nested deeper than `max` levels, or undefined. Iterative: no stack overflow. */
function tooDeep(raw: unknown, max: number): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: raw, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (value === null || typeof value !== "object") continue;
    if (path.length >= max) return path;
    if (Array.isArray(value)) value.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
    else for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...path, k] });
  }
  return undefined;
}

interface Problem {
  readonly line: string;
  /** Sort key: 0 = unknown field with a "did you mean" hint, 1 = other unknown field, 2 = the rest. */
  readonly rank: number;
}

function issueProblems(issue: import("zod").z.core.$ZodIssue, source: string): Problem[] {
  if (issue.code === "unrecognized_keys") {
    // The schema's message names the closest key to the first unknown key; the others get their own hint.
    const allowed = /\(allowed: ([^)]*)\)$/.exec(issue.message)?.[1]?.split(", ");
    return issue.keys.map((key, i) => {
      let message = issue.message;
      if (i > 0 && allowed) {
        const hint = closest(key, allowed);
        message = `unknown field${hint ? `; did you mean "${hint}"?` : ""} (allowed: ${allowed.join(", ")})`;
      }
      return { line: `${source}: ${pathText([...issue.path, key])}: ${message}`, rank: message.includes("did you mean") ? 0 : 1 };
    });
  }
  // A union's discriminator issue carries the whole object as input: show the field's own value.
  const last = issue.path[issue.path.length - 1];
  const input =
    issue.input !== null && typeof issue.input === "object" && typeof last === "string"
      ? last in issue.input
        ? (issue.input as Record<string, unknown>)[last]
        : issue.code === "invalid_union"
          ? undefined // the discriminator itself is absent: `backend: {"bucket": "b"}` -> backend.type: missing
          : issue.input
      : issue.input;
  const field = pathText(issue.path) || "(top level)";
  // A bad key in a record: the key's own rule says what is allowed.
  const expected = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  const got = input === undefined ? "missing" : `got ${valueText(input, issue.code)}`;
  return [{ line: `${source}: ${field}: ${got}; expected ${expected}`, rank: 2 }];
}

/** Validates a parsed config; throws ConfigError with one line per problem (hints first, at most 10). */
export function parseConfig(raw: unknown, source = "config"): SiteConfig {
  const deep = tooDeep(raw, MAX_DEPTH);
  if (deep) {
    throw new ConfigError(`${source}: ${pathText(deep.slice(0, 8))}...: nested more than ${MAX_DEPTH} levels deep; expected a config like examples/seed.json`);
  }
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => issueProblems(issue, source));
  const lines = [...new Set(problems.sort((a, b) => a.rank - b.rank).map((p) => p.line))];
  if (lines.length > MAX_MESSAGE_LINES) {
    const rest = lines.length - (MAX_MESSAGE_LINES - 1);
    throw new ConfigError([...lines.slice(0, MAX_MESSAGE_LINES - 1), `${source}: ... and ${rest} more problems; fix the ones above first`]);
  }
  throw new ConfigError(lines);
}

/** Where the config comes from. */
export interface ConfigSource {
  /** "HA_SITE_CONFIG" (the variable names a file), "ha-site.json" (found in the project folder), "built-in". */
  readonly origin: typeof CONFIG_ENV | typeof CONFIG_FILE | "built-in";
  /** Absolute path of the file; undefined for the built-in config. */
  readonly file?: string;
  /** How messages name it: the value of HA_SITE_CONFIG as given, "ha-site.json", or "built-in config". */
  readonly label: string;
  /** HA_SITE_CONFIG is set and a ha-site.json exists too (the variable wins). */
  readonly overrides?: boolean;
}

/**
 * Which config to use. A relative HA_SITE_CONFIG is resolved from the folder the user ran npm in
 * (see userFolder); `ha-site.json` is looked up in `cwd`, the project folder (npm scripts run there,
 * and the cdktf CLI runs the app where cdktf.json is).
 */
export function configSource(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ConfigSource {
  const conventional = resolve(cwd, CONFIG_FILE);
  let conventionalExists: boolean;
  try {
    // lstat: a dangling ha-site.json link is reported as unreadable, not silently replaced by the built-in config.
    conventionalExists = lstatSync(conventional, { throwIfNoEntry: false }) !== undefined;
  } catch {
    conventionalExists = true; // there but not readable: reading it reports why
  }
  const given = env[CONFIG_ENV];
  if (given) {
    return { origin: CONFIG_ENV, file: resolve(userFolder(env, cwd), given), label: shown(given, 200), ...(conventionalExists ? { overrides: true } : {}) };
  }
  if (conventionalExists) return { origin: CONFIG_FILE, file: conventional, label: CONFIG_FILE };
  return { origin: "built-in", label: "built-in config" };
}

/**
 * The folder the user typed the command in: INIT_CWD when npm started this process in the project
 * folder (`npm run` always runs scripts in the package root and sets INIT_CWD to where it was called,
 * and npm_package_json to the package.json it runs), else `cwd`. A process that merely inherited an
 * INIT_CWD (a test or tool spawning synth elsewhere) resolves from its own working directory.
 */
export function userFolder(env: NodeJS.ProcessEnv, cwd: string): string {
  const init = env.INIT_CWD;
  const pkg = env.npm_package_json;
  if (init && isAbsolute(init) && pkg && resolve(dirname(pkg)) === resolve(cwd)) return init;
  return cwd;
}

/** One line saying which config was used (`npm run synth` prints it to stderr). */
export function describeConfigSource(source: ConfigSource, config?: SiteConfig): string {
  const site = config ? ` (${config.domain})` : "";
  switch (source.origin) {
    case CONFIG_ENV:
      return `config: ${source.label}${site}, from ${CONFIG_ENV}${source.overrides ? ` (instead of ./${CONFIG_FILE})` : ""}`;
    case CONFIG_FILE:
      return `config: ./${CONFIG_FILE}${site}`;
    default:
      return `config: the built-in example${site}: no ./${CONFIG_FILE} and ${CONFIG_ENV} is not set`;
  }
}

/** Reads and validates the config of `source`. */
export function loadConfigFrom(source: ConfigSource): SiteConfig {
  if (!source.file) return parseConfig(SEED_CONFIG, source.label);
  const named = source.origin === CONFIG_ENV ? `${CONFIG_ENV}=${source.label}` : source.label;
  let text: string;
  try {
    // Not a FIFO or a device (/dev/zero would never end), and not larger than any config could be.
    const stat = statSync(source.file);
    if (!stat.isFile() && !stat.isDirectory()) throw new ConfigError(`${named}: not a regular file; expected a JSON config file`);
    if (stat.size > MAX_FILE_BYTES) throw new ConfigError(`${named}: ${stat.size} bytes; expected a JSON config file of at most ${MAX_FILE_BYTES} bytes`);
    text = readFileSync(source.file, "utf8");
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${named}: cannot read the file (${code ?? String(e)}); expected a JSON config file`);
  }
  // A UTF-8 byte order mark (Windows editors write one) is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${source.label}: not valid JSON (${oneLine((e as Error).message).slice(0, 120)}); expected a JSON config file`);
  }
  return parseConfig(raw, source.label);
}

/** Loads the config the convention picks (see configSource). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): SiteConfig {
  return loadConfigFrom(configSource(env, cwd));
}

/** The config and where it came from, for command-line entry points: a bad config prints its lines and exits 1. */
export function loadSiteConfigOrExit(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): { config: SiteConfig; source: ConfigSource } {
  try {
    const source = configSource(env, cwd);
    return { config: loadConfigFrom(source), source };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(e.lines.map((line) => `ha-site: ${line}\n`).join(""));
    process.exit(1);
  }
}

/** loadConfig for command-line entry points: a bad config prints its lines and exits 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): SiteConfig {
  return loadSiteConfigOrExit(env).config;
}
