// Where each stack keeps its state, and how the DNS stack reads the regional stacks' outputs: one state per
// stack (a file, an S3 key or a Terraform Cloud workspace), read back with the matching remote-state source.
import type { Construct } from "constructs";
import {
  CloudBackend,
  DataTerraformRemoteState,
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  type TerraformRemoteState,
  type TerraformStack,
} from "cdktf";
import type { BackendConfig } from "../config/schema";

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

type S3BackendConfig = Extract<BackendConfig, { type: "s3" }>;
type CloudBackendConfig = Extract<BackendConfig, { type: "cloud" }>;

/**
 * One S3 key per stack (`<keyPrefix><stack>.tfstate`, default prefix "ha-site/<domain>/"), encrypted, with S3
 * native locking (`use_lockfile`, which cdktf 0.21's S3Backend lacks).
 */
export function s3Backend(config: S3BackendConfig, domain: string): StackBackend {
  const prefix = config.keyPrefix ?? `ha-site/${domain}/`;
  const location = (stackName: string) => ({ bucket: config.bucket, region: config.region, key: `${prefix}${stackName}.tfstate` });
  return {
    configure(stack, stackName) {
      const backend = new S3Backend(stack, { ...location(stackName), encrypt: true });
      if (config.useLockfile) backend.addOverride("use_lockfile", true);
    },
    remoteState(scope, id, stackName) {
      return new DataTerraformRemoteStateS3(scope, id, location(stackName));
    },
  };
}

/** The Terraform Cloud workspace of a stack. */
export function workspaceName(config: CloudBackendConfig, stackName: string): string {
  return `${config.workspacePrefix}${stackName}`;
}

/**
 * One Terraform Cloud / HCP Terraform workspace per stack, as cdktf requires. The token comes from the
 * environment (`TF_TOKEN_<host>` or `terraform login`), never from the generated files.
 */
export function cloudBackend(config: CloudBackendConfig): StackBackend {
  return {
    configure(stack, stackName) {
      new CloudBackend(stack, {
        hostname: config.hostname,
        organization: config.organization,
        workspaces: new NamedCloudWorkspace(workspaceName(config, stackName), config.project),
      });
    },
    remoteState(scope, id, stackName) {
      return new DataTerraformRemoteState(scope, id, {
        hostname: config.hostname,
        organization: config.organization,
        workspaces: { name: workspaceName(config, stackName) },
      });
    },
  };
}

export function backendFor(config: BackendConfig, domain: string): StackBackend {
  switch (config.type) {
    case "local":
      return localBackend;
    case "s3":
      return s3Backend(config, domain);
    case "cloud":
      return cloudBackend(config);
  }
}
