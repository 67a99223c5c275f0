// Every `npx cdktf ...` command that README.md and docs/*.md show is one cdktf 0.21 accepts: its verb and flags
// exist (read from the cdktf CLI's own command definitions), and its stacks pass cdktf's own stack selection
// and dependency checks (`@cdktf/cli-core`'s stack helpers, the functions `cdktf deploy`/`destroy`/`plan`
// call before running Terraform) on the manifest that the config the command uses synthesizes.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { loadConfig } from "../../config/load";
import { buildSite } from "../../stacks/site";
import { cdktfCommands, ROOT, type CdktfCommand } from "./doc-commands";

// cli-core's helpers load @cdktf/commons, which at load time runs `terraform version` (TERRAFORM_BINARY_NAME)
// and reports usage errors to HashiCorp's checkpoint service unless CHECKPOINT_DISABLE is set. Neither is
// wanted in a test: no network, no terraform process. Measured (node 20, this 2-core machine under load): the
// deep import takes ~1 s (0.4 s CPU), the package root (`require("@cdktf/cli-core")`) ~4.6 s and spawns
// terraform, so only the helpers module is loaded.
process.env.CHECKPOINT_DISABLE = "1";
process.env.TERRAFORM_BINARY_NAME = "true";

interface ManifestStack {
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
const tmp = mkdtempSync(join(tmpdir(), "doc-commands-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The stacks of cdktf.out/manifest.json as cdktf reads them, for the config `env` names. */
const manifests = new Map<string, ManifestStack[]>();
function manifestFor(configFile: string | undefined): ManifestStack[] {
  const key = configFile ?? "(built-in)";
  if (!manifests.has(key)) {
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
function configsOf(command: CdktfCommand): (string | undefined)[] {
  const named = command.env.HA_SITE_CONFIG;
  if (named && existsSync(join(ROOT, named))) return [named];
  return [undefined, "examples/native.json"];
}

/** Placeholders docs use for stack names, and the stacks each stands for. */
function expandPlaceholders(args: string[], stacks: ManifestStack[]): string[][] {
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

const commands = cdktfCommands();

describe("the cdktf commands the docs show", () => {
  it("are found (README's deploy, output and teardown, and the docs')", () => {
    const where = new Set(commands.map((c) => c.where.split(":")[0]));
    expect([...where]).toEqual(expect.arrayContaining(["README.md", "docs/terraform-cloud.md", "docs/pull-requests.md", "docs/failover-drill.md"]));
    const verbs = new Set(commands.map((c) => c.args[0]));
    expect([...verbs]).toEqual(expect.arrayContaining(["deploy", "destroy", "output", "plan"]));
  });

  it.each(commands.map((c) => [`${c.where}: npx cdktf ${c.args.join(" ")}`, c] as const))("cdktf accepts %s", (_, command) => {
    for (const config of configsOf(command)) {
      const stacks = manifestFor(config);
      for (const args of expandPlaceholders(command.args, stacks)) {
        expect(() => checkCdktfCommand(args, stacks)).not.toThrow();
      }
    }
  });

  it("mention CHECKPOINT_DISABLE=1 in the README before the first npx cdktf", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme.indexOf("CHECKPOINT_DISABLE=1")).toBeGreaterThan(-1);
    expect(readme.indexOf("CHECKPOINT_DISABLE=1")).toBeLessThan(readme.indexOf("npx cdktf"));
  });
});

describe("the check itself (cdktf's own refusals)", () => {
  const stacks = manifestFor(undefined);

  it("reads the dependencies from the synthesized manifest: dns depends on both regional stacks", () => {
    expect(stacks.find((s) => s.name === "dns")?.dependencies.sort()).toEqual(["swarm-us-east-2", "swarm-us-west-2"]);
  });

  it.each([
    [["deploy", "dns"], "The following dependencies are not included in the stacks to run: swarm-us-east-2, swarm-us-west-2"],
    [["destroy", "swarm-us-east-2", "swarm-us-west-2"], "The following dependant stacks are not included in the stacks to run: dns"],
    [["destroy", "swarm-us-west-2"], "dependant stacks are not included"],
    [["deploy"], "Found more than one stack"],
    [["deploy", "swarm-eu-west-1"], "Could not find stack for pattern 'swarm-eu-west-1'"],
    [["plan", "swarm-us-west-2", "dns"], "takes one stack"],
    [["plan", "*"], "Could not find stack: *"],
    [["deploy", "*", "--yes"], "has no option --yes"],
    [["apply-all"], 'no command "apply-all"'],
  ])("refuses %j", (args, message) => {
    expect(() => checkCdktfCommand(args, stacks)).toThrow(message);
  });

  it.each([
    [["deploy", "*"]],
    [["deploy", "swarm-*"]],
    [["deploy", "dns", "--auto-approve", "--ignore-missing-stack-dependencies"]],
    [["destroy", "*"]],
    [["destroy", "dns"]],
    [["destroy", "swarm-us-west-2", "--ignore-missing-stack-dependencies"]],
    [["plan", "dns"]],
    [["output", "dns"]],
    [["deploy", "*", "--var-file", "x.tfvars"]],
  ])("accepts %j", (args) => {
    expect(() => checkCdktfCommand(args, stacks)).not.toThrow();
  });
});
