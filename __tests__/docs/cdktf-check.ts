// cdktf 0.21's own checks of a command line, for tests: the verb and flags against the option lists of the cdktf
// CLI's bundle, the stacks against @cdktf/cli-core's stack selection and dependency checks (what `cdktf deploy`,
// `destroy` and `plan` run before Terraform), on a manifest synthesized from a config.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { loadConfig } from "../../config/load";
import { buildSite } from "../../stacks/site";
import { ROOT, type CdktfCommand } from "./doc-commands";

// cli-core's helpers load @cdktf/commons, which at load time runs `terraform version` (TERRAFORM_BINARY_NAME)
// and reports usage errors to HashiCorp's checkpoint service unless CHECKPOINT_DISABLE is set. Neither is
// wanted in a test: no network, no terraform process. Measured (node 20, this 2-core machine under load): the
// deep import takes ~1 s (0.4 s CPU), the package root (`require("@cdktf/cli-core")`) ~4.6 s and spawns
// terraform, so only the helpers module is loaded.
process.env.CHECKPOINT_DISABLE = "1";
process.env.TERRAFORM_BINARY_NAME = "true";

export interface ManifestStack {
  readonly name: string;
  readonly dependencies: string[];
}
interface StackHelpers {
  getSingleStack(stacks: ManifestStack[], stackName?: string, action?: string): ManifestStack;
  getMultipleStacks(stacks: ManifestStack[], patterns?: string[], action?: string): ManifestStack[];
  checkIfAllDependenciesAreIncluded(stacksToRun: ManifestStack[]): void;
  checkIfAllDependantsAreIncluded(stacksToRun: ManifestStack[], allStacks: ManifestStack[]): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const helpers = require("@cdktf/cli-core/src/lib/helpers/stack-helpers") as StackHelpers;

/** The cdktf CLI's commands: name, aliases and options (with whether they take a value), from its bundle. */
interface CliCommand {
  readonly name: string;
  readonly aliases: string[];
  /** Option name -> true when it takes a value. */
  readonly options: Map<string, boolean>;
}

function cliCommands(): CliCommand[] {
  const bundle = readFileSync(join(ROOT, "node_modules/cdktf-cli/bundle/bin/cdktf.js"), "utf8");
  const commands: CliCommand[] = [];
  for (const m of bundle.matchAll(/this\.command="([a-z]+)[^"]*"/g)) {
    const end = bundle.indexOf("handleCommand", m.index);
    const body = bundle.slice(Math.max(0, m.index! - 200), end);
    const aliases = JSON.parse(body.match(/this\.aliases=(\[[^\]]*\])/)?.[1] ?? "[]") as string[];
    const options = new Map<string, boolean>([["help", false]]);
    for (const o of body.matchAll(/\.option\("([a-z-]+)",\{([^}]*)\}/g)) {
      options.set(o[1], !/type:"boolean"|boolean:!0/.test(o[2]));
      if (o[1].startsWith("no-")) options.set(o[1].slice(3), false);
    }
    commands.push({ name: m[1], aliases, options });
  }
  return commands;
}

const CLI = cliCommands();
let tmp: string | undefined;
/** Removes the synthesized manifests (call in afterAll). */
export function cleanUpManifests(): void {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
  manifests.clear();
}

/** The stacks of cdktf.out/manifest.json as cdktf reads them, for the config `env` names. */
const manifests = new Map<string, ManifestStack[]>();
export function manifestFor(configFile: string | undefined): ManifestStack[] {
  const key = configFile ?? "(built-in)";
  if (!manifests.has(key)) {
    tmp ??= mkdtempSync(join(tmpdir(), "cdktf-check-"));
    const outdir = join(tmp, String(manifests.size));
    const app = new App({ outdir, skipValidation: true });
    buildSite(app, loadConfig(configFile ? { HA_SITE_CONFIG: join(ROOT, configFile) } : {}));
    app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    manifests.set(key, Object.values<ManifestStack>(manifest.stacks));
  }
  return manifests.get(key)!;
}

/**
 * The configs a command runs with: the file its HA_SITE_CONFIG names when that is in the repository, else the
 * ones a reader following the README has: the built-in config and examples/native.json (which opens Deploy).
 */
export function configsOf(command: CdktfCommand): (string | undefined)[] {
  const named = command.env.HA_SITE_CONFIG;
  if (named && existsSync(join(ROOT, named))) return [named];
  return [undefined, "examples/native.json"];
}

/** Placeholders docs use for stack names, and the stacks each stands for. */
export function expandPlaceholders(args: string[], stacks: ManifestStack[]): string[][] {
  const i = args.findIndex((a) => /<[a-z]+>/.test(a));
  if (i < 0) return [args];
  const pattern = new RegExp(`^${args[i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/<[a-z]+>/g, ".+")}$`);
  const matching = stacks.map((s) => s.name).filter((name) => pattern.test(name));
  if (matching.length === 0) throw new Error(`placeholder ${args[i]} matches no stack`);
  return matching.flatMap((name) => expandPlaceholders([...args.slice(0, i), name, ...args.slice(i + 1)], stacks));
}

/** Runs cdktf's own checks for `args` (the words after `npx cdktf`); throws cdktf's error when it refuses. */
export function checkCdktfCommand(args: string[], stacks: ManifestStack[]): void {
  const [verb, ...rest] = args;
  const command = CLI.find((c) => c.name === verb || c.aliases.includes(verb));
  if (!command) throw new Error(`cdktf has no command "${verb}"`);
  const positional: string[] = [];
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (!word.startsWith("--")) {
      positional.push(word);
      continue;
    }
    const [name, value] = word.slice(2).split("=", 2);
    if (!command.options.has(name)) throw new Error(`cdktf ${command.name} has no option --${name}`);
    if (command.options.get(name) && value === undefined) i++;
    flags.add(name);
  }
  const ignoreDependencies = flags.has("ignore-missing-stack-dependencies");
  switch (command.name) {
    case "deploy": {
      const toRun = helpers.getMultipleStacks(stacks, positional, "deploy");
      if (!ignoreDependencies) helpers.checkIfAllDependenciesAreIncluded(toRun);
      break;
    }
    case "destroy": {
      const toRun = helpers.getMultipleStacks(stacks, positional, "destroy");
      if (!ignoreDependencies) helpers.checkIfAllDependantsAreIncluded(toRun, stacks);
      break;
    }
    case "diff":
      if (positional.length > 1) throw new Error(`cdktf ${verb} takes one stack, got ${positional.join(" ")}`);
      helpers.getSingleStack(stacks, positional[0], "diff");
      break;
    case "output":
      helpers.getMultipleStacks(stacks, positional, "deploy");
      break;
    default:
      if (positional.length > 0) throw new Error(`cdktf ${command.name} takes no stacks, got ${positional.join(" ")}`);
  }
}

