// Where each stack keeps its state, and how the DNS stack reads the regional stacks' outputs: one state per
// stack (a file, an S3 key or a Terraform Cloud workspace), read back with the matching remote-state source.
import { createHash } from "node:crypto";
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
 * Local state files next to cdktf.out, never inside it (a clean synth deletes cdktf.out), in a folder per site
 * (`state/<domain>/`), so that two configs never share a state file: synthesizing another site's config can
 * never point its stacks at this site's state. Terraform runs in cdktf.out/stacks/<stack>/, so "../../../" is
 * the directory that holds cdktf.out; Terraform creates the folder on the first apply. Relative, so the
 * output is the same on every machine.
 */
export function localStatePath(stackName: string, domain: string): string {
  return `../../../state/${domain}/terraform.${stackName}.tfstate`;
}

/** The local backend of the site `domain`. */
export function localBackendFor(domain: string): StackBackend {
  return {
    configure(stack, stackName) {
      new LocalBackend(stack, { path: localStatePath(stackName, domain) });
    },
    remoteState(scope, id, stackName) {
      return new DataTerraformRemoteStateLocal(scope, id, { path: localStatePath(stackName, domain) });
    },
  };
}

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

/** Longest default workspace prefix (the config field allows 60; Terraform Cloud names at most 90). */
const MAX_DEFAULT_PREFIX = 60;

/**
 * The workspace prefix when the config sets none: "ha-site-" and the domain with its dots written as "_"
 * (workspace names allow letters, digits, "-" and "_"; a domain has no "_", so two domains never map to the
 * same prefix), e.g. "ha-site-nosqlsearch_com-". A domain too long for that is cut and followed by a hash of
 * the whole domain.
 */
export function defaultWorkspacePrefix(domain: string): string {
  const prefix = `ha-site-${domain.replace(/\./g, "_")}-`;
  if (prefix.length <= MAX_DEFAULT_PREFIX) return prefix;
  const hash = createHash("sha256").update(domain).digest("hex").slice(0, 12);
  return `${prefix.slice(0, MAX_DEFAULT_PREFIX - hash.length - 2)}-${hash}-`;
}

/** The Terraform Cloud workspace of a stack: `<workspacePrefix><stack>`. */
export function workspaceName(config: CloudBackendConfig, stackName: string, domain: string): string {
  return `${config.workspacePrefix ?? defaultWorkspacePrefix(domain)}${stackName}`;
}

/**
 * One Terraform Cloud / HCP Terraform workspace per stack, as cdktf requires. The token comes from the
 * environment (`TF_TOKEN_<host>` or `terraform login`), never from the generated files.
 */
export function cloudBackend(config: CloudBackendConfig, domain: string): StackBackend {
  return {
    configure(stack, stackName) {
      new CloudBackend(stack, {
        hostname: config.hostname,
        organization: config.organization,
        workspaces: new NamedCloudWorkspace(workspaceName(config, stackName, domain), config.project),
      });
    },
    remoteState(scope, id, stackName) {
      return new DataTerraformRemoteState(scope, id, {
        hostname: config.hostname,
        organization: config.organization,
        workspaces: { name: workspaceName(config, stackName, domain) },
      });
    },
  };
}

export function backendFor(config: BackendConfig, domain: string): StackBackend {
  switch (config.type) {
    case "local":
      return localBackendFor(domain);
    case "s3":
      return s3Backend(config, domain);
    case "cloud":
      return cloudBackend(config, domain);
  }
}
