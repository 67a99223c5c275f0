// Reads the site config: the file named by HA_SITE_CONFIG, or the built-in seed config.
import { readFileSync } from "node:fs";
import { configSchema, type SiteConfig } from "./schema";
import { SEED_CONFIG } from "./seed";

export const CONFIG_ENV = "HA_SITE_CONFIG";

/** A bad config: `message` is one line naming the field, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`;
    const name = String(key);
    const plain = /^[A-Za-z_$][\w$]*$/.test(name);
    if (!plain) return `${text}[${JSON.stringify(name)}]`;
    return text ? `${text}.${name}` : name;
  }, "");
}

function valueText(value: unknown, code: string | undefined): string {
  // A list that is too short or too long: its length is what matters.
  if (Array.isArray(value) && (code === "too_small" || code === "too_big")) return `${value.length} item${value.length === 1 ? "" : "s"}`;
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** Validates a parsed config; throws ConfigError with one line about the first problem. */
export function parseConfig(raw: unknown, source = "config"): SiteConfig {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : "";
  if (issue.code === "unrecognized_keys") {
    const field = pathText([...issue.path, issue.keys[0]]);
    throw new ConfigError(`${source}: ${field}: ${issue.message}${more}`);
  }
  const field = pathText(issue.path) || "(top level)";
  // A bad key in a record: the key's own rule says what is allowed.
  const expected = issue.code === "invalid_key" ? issue.issues[0]?.message ?? issue.message : issue.message;
  // A union's discriminator issue carries the whole object as input: show the field's own value.
  const last = issue.path[issue.path.length - 1];
  const input =
    issue.input !== null && typeof issue.input === "object" && typeof last === "string" && last in issue.input
      ? (issue.input as Record<string, unknown>)[last]
      : issue.input;
  const got = input === undefined ? "missing" : `got ${valueText(input, issue.code)}`;
  throw new ConfigError(`${source}: ${field}: ${got}; expected ${expected}${more}`);
}

/** Loads the config named by HA_SITE_CONFIG (relative to the working directory), else the seed config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SiteConfig {
  const file = env[CONFIG_ENV];
  if (!file) return parseConfig(SEED_CONFIG, "built-in config");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${CONFIG_ENV}=${file}: cannot read the file (${code ?? String(e)}); expected a JSON config file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message}); expected a JSON config file`);
  }
  return parseConfig(raw, file);
}

/** loadConfig for command-line entry points: a bad config prints one line and exits 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): SiteConfig {
  try {
    return loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`ha-site: ${e.message}\n`);
    process.exit(1);
  }
}
