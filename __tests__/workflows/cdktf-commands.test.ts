// The `npx cdktf` lines of the workflows are ones cdktf 0.21 accepts for the stacks each job gets: regional
// deploys, the dns deploy after them, a plan per stack (same checks as the docs' commands, on the stacks of
// examples/terraform-cloud.json, the CI config docs/pull-requests.md proposes).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { checkCdktfCommand, cleanUpManifests, manifestFor } from "../docs/cdktf-check";
import { ROOT, shellWords } from "../docs/doc-commands";

afterAll(cleanUpManifests);

interface Job {
  steps: { run?: string }[];
}

function cdktfLines(file: string, job: string): string[][] {
  const workflow = parse(readFileSync(join(ROOT, ".github/workflows", file), "utf8")) as { jobs: Record<string, Job> };
  const lines = workflow.jobs[job].steps.flatMap((s) => (s.run ?? "").split("\n")).filter((l) => /\bnpx cdktf /.test(l));
  return lines.map((l) => shellWords(l.slice(l.indexOf("npx cdktf"))).slice(2));
}

describe("workflows' cdktf commands", () => {
  const stacks = manifestFor("examples/terraform-cloud.json");
  const regional = stacks.filter((s) => s.dependencies.length === 0).map((s) => s.name);
  const dependants = stacks.filter((s) => s.dependencies.length > 0).map((s) => s.name);

  it.each([
    ["deploy.yml", "deploy-regional", regional],
    ["deploy.yml", "deploy-dns", dependants],
    ["plan.yml", "plan", stacks.map((s) => s.name)],
  ])("%s %s: accepted for each of its stacks", (file, job, names) => {
    const lines = cdktfLines(file, job);
    expect(lines.length).toBeGreaterThan(0);
    expect(names.length).toBeGreaterThan(0);
    for (const args of lines) {
      for (const name of names) {
        expect(() => checkCdktfCommand(args.map((a) => (a === "$STACK" ? name : a)), stacks)).not.toThrow();
      }
    }
  });

  it("the dns deploy would be refused without its flag (the check can fail)", () => {
    const [args] = cdktfLines("deploy.yml", "deploy-dns");
    const without = args.filter((a) => a !== "--ignore-missing-stack-dependencies").map((a) => (a === "$STACK" ? "dns" : a));
    expect(() => checkCdktfCommand(without, stacks)).toThrow("dependencies are not included");
  });
});
