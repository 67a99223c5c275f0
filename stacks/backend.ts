// Where each stack keeps its state, and how the DNS stack reads the regional stacks' outputs.
import type { Construct } from "constructs";
import { DataTerraformRemoteStateLocal, LocalBackend, type TerraformRemoteState, type TerraformStack } from "cdktf";

export interface StackBackend {
  /** Configures `stack`'s own backend. */
  configure(stack: TerraformStack, stackName: string): void;
  /** Reads the outputs of the stack named `stackName`. */
  remoteState(scope: Construct, id: string, stackName: string): TerraformRemoteState;
}

/**
 * Local state files next to cdktf.out, never inside it (a clean synth deletes cdktf.out). Terraform runs in
 * cdktf.out/stacks/<stack>/, so "../../../" is the directory that holds cdktf.out. Relative, so the output
 * is the same on every machine.
 */
export function localStatePath(stackName: string): string {
  return `../../../terraform.${stackName}.tfstate`;
}

export const localBackend: StackBackend = {
  configure(stack, stackName) {
    new LocalBackend(stack, { path: localStatePath(stackName) });
  },
  remoteState(scope, id, stackName) {
    return new DataTerraformRemoteStateLocal(scope, id, { path: localStatePath(stackName) });
  },
};
