// Synthesis, plus the HCL variant (`npm run synth:hcl`, `cdktf synth --hcl`): cdktf 0.21 renders HCL that
// corrupts strings and that Terraform rejects, and leaves a stale cdk.tf.json (or cdk.tf) beside the new
// file. `synthesize` rewrites each cdk.tf from the stack's JSON (stacks/hcl-render.ts), so the HCL says
// exactly what the JSON says, in `terraform fmt` layout, and removes the other format's stale file.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformElement, TerraformStack, type App } from "cdktf";
import { collectBlockPaths, renderHcl } from "./hcl-render";

/** The variable cdktf reads (when each stack is constructed) to render HCL instead of JSON. */
export const HCL_ENV = "SYNTH_HCL_OUTPUT";

export function hclRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[HCL_ENV] === "true";
}

/** The elements of `stack` (not of nested stacks), as cdktf's own synthesis finds them. */
function elements(stack: TerraformStack): TerraformElement[] {
  const found: TerraformElement[] = [];
  const walk = (node: TerraformStack | TerraformElement | { node: { children: readonly unknown[] } }) => {
    if (TerraformElement.isTerraformElement(node)) found.push(node);
    for (const child of node.node.children) {
      if (!TerraformStack.isStack(child)) walk(child as TerraformElement);
    }
  };
  walk(stack);
  return found;
}

/** The stack as HCL: its Terraform JSON, rendered with the block structure cdktf's bindings declare. */
export function stackHcl(stack: TerraformStack): string {
  const blockPaths = new Set<string>();
  for (const element of elements(stack)) collectBlockPaths(element.toHclTerraform(), blockPaths);
  return renderHcl(stack.toTerraform(), blockPaths);
}

/** app.synth(), then: in HCL mode rewrite every cdk.tf; in either mode remove the other format's stale file. */
export function synthesize(app: App, env: NodeJS.ProcessEnv = process.env): void {
  app.synth();
  const hcl = hclRequested(env);
  for (const stack of app.node.children.filter(TerraformStack.isStack)) {
    const dir = join(app.outdir, "stacks", stack.node.id);
    if (!existsSync(dir)) continue;
    if (hcl) {
      rmSync(join(dir, "cdk.tf.json"), { force: true });
      writeFileSync(join(dir, "cdk.tf"), stackHcl(stack));
    } else {
      rmSync(join(dir, "cdk.tf"), { force: true });
    }
  }
}
