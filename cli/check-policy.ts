// `npm run check:policy [-- [CDKTF_OUT_DIR] [--json | --markdown]]`: the policy gate. Runs every rule of
// policy/rules over the synthesized cdk.tf.json files (default cdktf.out), applies the suppressions of the
// config (HA_SITE_CONFIG, as for synth: `policy.suppress`) and prints a table and a summary line.
// Exit 0: no unsuppressed error; 1: at least one; 2: bad flags, a bad config or no synthesized output.
import { ConfigError, loadConfig } from "../config/load";
import { policyJson, policyMarkdown, policyText } from "../policy/format";
import { PolicyInputError, readSynthDir } from "../policy/load";
import { runPolicy } from "../policy/run";

export const USAGE = `usage: npm run check:policy -- [CDKTF_OUT_DIR] [--json | --markdown]
  CDKTF_OUT_DIR  synthesized output to check (default cdktf.out)
  --json         the report as JSON
  --markdown     the report as Markdown (the pull-request comment)
Suppressions come from the config named by HA_SITE_CONFIG (policy.suppress). Rules: RULES.md.
Exit status: 0 pass, 1 an unsuppressed error finding, 2 bad input.`;

export interface PolicyArgs {
  readonly dir: string;
  readonly format: "text" | "json" | "markdown";
  readonly help: boolean;
}

export function parsePolicyArgs(argv: readonly string[]): PolicyArgs {
  let dir: string | undefined;
  let format: PolicyArgs["format"] = "text";
  let help = false;
  for (const arg of argv) {
    if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--json" || arg === "--markdown") {
      const wanted = arg === "--json" ? "json" : "markdown";
      if (format !== "text" && format !== wanted) throw new PolicyInputError("--json and --markdown: choose one output format");
      format = wanted;
    } else if (arg.startsWith("-")) throw new PolicyInputError(`unknown option ${JSON.stringify(arg)}; expected --json, --markdown, --help or a directory`);
    else if (dir !== undefined) throw new PolicyInputError(`unexpected argument ${JSON.stringify(arg)}; expected one directory (already got ${JSON.stringify(dir)})`);
    else dir = arg;
  }
  return { dir: dir ?? "cdktf.out", format, help };
}

/** Runs the command; returns its exit status and what to print. */
export function checkPolicy(argv: readonly string[], env: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string } {
  try {
    const args = parsePolicyArgs(argv);
    if (args.help) return { status: 0, stdout: `${USAGE}\n`, stderr: "" };
    const config = loadConfig(env);
    const report = runPolicy(readSynthDir(args.dir), config.policy.suppress);
    const render = args.format === "json" ? policyJson : args.format === "markdown" ? policyMarkdown : policyText;
    return { status: report.errors > 0 ? 1 : 0, stdout: render(report), stderr: "" };
  } catch (e) {
    if (e instanceof PolicyInputError || e instanceof ConfigError) return { status: 2, stdout: "", stderr: `ha-site: check:policy: ${e.message}\n` };
    throw e;
  }
}

if (require.main === module) {
  const { status, stdout, stderr } = checkPolicy(process.argv.slice(2), process.env);
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = status;
}
