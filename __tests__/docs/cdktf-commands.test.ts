// Every `npx cdktf ...` command that README.md and docs/*.md show is one cdktf 0.21 accepts: its verb and flags
// exist (read from the cdktf CLI's own command definitions), and its stacks pass cdktf's own stack selection
// and dependency checks (`@cdktf/cli-core`'s stack helpers, the functions `cdktf deploy`/`destroy`/`plan`
// call before running Terraform) on the manifest that the config the command uses synthesizes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkCdktfCommand, cleanUpManifests, configsOf, expandPlaceholders, manifestFor } from "./cdktf-check";
import { cdktfCommands, ROOT } from "./doc-commands";

afterAll(cleanUpManifests);

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
