// Starts and keeps the site's services running on one swarm, from Terraform, over SSH to a running manager.
//
// Per service, two resources (so that a spec change never removes the service first):
// - `Service-<name>` (null_resource): triggers = manager host + user, the service spec, the hash of its
//   script's parameters and the hash of the shared library; a change re-runs (in place) two remote-exec
//   provisioners: first the node wait (cloud-init and the engine's readiness marker: a fresh manager is
//   InService long before its user data is done), then, in a new SSH session (which has the docker group the
//   bootstrap gave the user), the idempotent create-or-update script. An unchanged config plans no change.
// - `Removal-<name>` (terraform_data): replaced only when the service name changes; its destroy-time
//   provisioner runs `docker service rm` when the service leaves the config or the stack is destroyed. It
//   reads host, user and the library from its own `input` (destroy-time provisioners may reference only
//   `self`), which a manager or library change updates in place instead of replacing it.
//
// The shell library (constructs/scripts/service-lib.sh, ~13 KB) is in the stack once, as a local that each
// script interpolates: per service, the configuration holds only the few lines of parameters.
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { DataResource, Fn, TerraformLocal, type RemoteExecProvisioner, type SSHProvisionerConnection } from "cdktf";
import { DataAwsInstances } from "@cdktf/provider-aws/lib/data-aws-instances";
import { Resource as NullResource } from "@cdktf/provider-null/lib/resource";
import type { ServiceConfig } from "../config/schema";
import type { RegionalSwarm } from "./regional-swarm";
import {
  serviceDeployParts,
  serviceNodeWaitParts,
  serviceRemoveParts,
  serviceScriptLibrary,
  type NodeWaitScriptOptions,
  type ServiceDeployScriptOptions,
} from "./service-script";
import type { FilledTemplate } from "./shell-template";
import { escapeTemplate } from "./terraform-literal";

export { escapeTemplate };
import { tfLiteral, tfLiteralValues } from "./tf-literal";

export interface SwarmServicesProps {
  /** The swarm: how to find its managers, the SSH user, what to wait for. */
  readonly swarm: RegionalSwarm;
  /** The services to run. */
  readonly services: readonly ServiceConfig[];
  /**
   * The SSH private key, as a reference to a sensitive Terraform variable (never a literal or a file path).
   * @default - the local ssh-agent is used (`agent = true`)
   */
  readonly privateKey?: string;
  /** How long to try to reach the manager over SSH. @default "5m" */
  readonly connectTimeout?: string;
  /** Timeouts of the generated script. @default - the script's defaults (300 s swarm wait, 600 s per command) */
  readonly scriptOptions?: ServiceDeployScriptOptions;
  /** Bounds of the node wait (the readiness marker is the swarm's). @default - the script's defaults (900 s) */
  readonly nodeWaitOptions?: Omit<NodeWaitScriptOptions, "readinessMarker">;
}

/**
 * A remote-exec provisioner with `when`/`on_failure`, which cdktf's RemoteExecProvisioner type lacks: the
 * synthesizer passes every key through (snake_cased), so the cast here is deliberate and the only one.
 */
function remoteExec(script: string, connection?: SSHProvisionerConnection, extra: { when?: "destroy"; onFailure?: "continue" | "fail" } = {}): RemoteExecProvisioner {
  // One command: the whole script (remote-exec writes `inline` to a file and runs it), already in Terraform
  // template form (see scriptTemplate). Without a connection here, the resource's connection applies.
  return { type: "remote-exec", inline: [script], ...(connection ? { connection } : {}), ...extra } as RemoteExecProvisioner;
}

/**
 * A script as a Terraform template: its parameters escaped (`$${`, `%%{`), the library as the interpolation
 * `library` (a reference to the stack's local, or to `self`), so Terraform assembles the script at apply.
 */
export function scriptTemplate(parts: FilledTemplate, library: string): string {
  return `${escapeTemplate(parts.head)}${library}${escapeTemplate(parts.tail)}`;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * `${self.<path>}` as plain text: what cdktf's TerraformSelf.getString resolves to, without a token per
 * service to create and resolve on each of synth's three passes (the output is the same).
 */
const self = (path: string): string => `\${self.${path}}`;

/**
 * One readable line of what a service should be, for the plan ("image=... replicas=... ports=... env=...").
 * Env values are left out (the script hash covers them) so they stay out of plan output.
 */
export function serviceSummary(service: ServiceConfig): string {
  const ports = service.ports.map((p) => `${p.published}:${p.target}/${p.protocol}`).join(",") || "none";
  const env = Object.keys(service.env).sort().join(",") || "none";
  return `image=${service.image} replicas=${service.replicas} ports=${ports} env=${env}`;
}

export class SwarmServices extends Construct {
  /** The running managers found by tag (data "aws_instances"). */
  public readonly managers: DataAwsInstances;
  /** Public IP of the manager the provisioners connect to. */
  public readonly managerHost: string;
  /** Create-or-update resource of each service, by name. */
  public readonly deployments: Record<string, NullResource> = {};
  /** Destroy-time removal resource of each service, by name. */
  public readonly removals: Record<string, DataResource> = {};
  /** The shared shell library, once per stack (a Terraform local). */
  public readonly library: TerraformLocal;

  constructor(scope: Construct, id: string, props: SwarmServicesProps) {
    super(scope, id);
    const swarm = props.swarm;
    this.managers = new DataAwsInstances(this, "Managers", {
      instanceTags: tfLiteralValues(swarm.managerLookup.instanceTags),
      instanceStateNames: ["running"],
      dependsOn: [swarm.ready],
      lifecycle: {
        postcondition: [
          {
            condition: "${length(self.public_ips) > 0}",
            errorMessage: tfLiteral(`No running swarm manager with a public IP was found (tags ${JSON.stringify(swarm.managerLookup.instanceTags)}): is the swarm up?`),
          },
        ],
      },
    });
    // The lowest public IP: stable while that manager lives, whatever order EC2 lists them in.
    this.managerHost = Fn.element(Fn.sort(this.managers.publicIps), 0);

    const connectTimeout = props.connectTimeout ?? "5m";
    // cdktf types `agent` as a string; Terraform converts "true"/"false".
    const auth = props.privateKey === undefined ? { agent: "true" } : { agent: "false", privateKey: props.privateKey };
    const library = serviceScriptLibrary();
    this.library = new TerraformLocal(this, "ShellLibrary", escapeTemplate(library));
    const libraryRef = this.library.asString;
    const librarySha256 = sha256(library); // once per stack, not per service (14 KB each)
    for (const service of props.services) {
      const remove = serviceRemoveParts(service.name);
      const removal = new DataResource(this, `Removal-${service.name}`, {
        triggersReplace: { service: tfLiteral(service.name) },
        input: { host: this.managerHost, user: swarm.sshUser, service: tfLiteral(service.name), library: this.library.asString },
        provisioners: [
          // Only `self` here (Terraform's rule for destroy-time provisioners), so no key variable: the
          // ssh-agent; and the library from the input. If the swarm is already gone (or no agent), continue:
          // the stack's destroy removes all.
          remoteExec(
            scriptTemplate(remove, "${self.output.library}"),
            { type: "ssh", host: self("output.host"), user: self("output.user"), agent: "true", timeout: "1m" },
            { when: "destroy", onFailure: "continue" },
          ),
        ],
      });
      this.removals[service.name] = removal;

      const wait = serviceNodeWaitParts(service.name, { ...props.nodeWaitOptions, readinessMarker: swarm.readinessMarker });
      const deploy = serviceDeployParts(service, props.scriptOptions);
      const connection: SSHProvisionerConnection = {
        type: "ssh",
        host: self("triggers.host"),
        user: self("triggers.user"),
        timeout: connectTimeout,
        ...auth,
      };
      this.deployments[service.name] = new NullResource(this, `Service-${service.name}`, {
        triggers: {
          host: this.managerHost,
          user: swarm.sshUser,
          spec: tfLiteral(serviceSummary(service)),
          parameters_sha256: sha256(wait.head + wait.tail + deploy.head + deploy.tail),
          library_sha256: librarySha256,
        },
        dependsOn: [removal],
        // One connection block for both provisioners, on the resource (Terraform applies a resource's
        // connection to each of its provisioners): 20x20 writes 400 fewer copies of it. Provisioners and
        // connections are not in the state, so moving it changes no plan.
        // https://developer.hashicorp.com/terraform/language/resources/provisioners/connection
        connection,
        // Two provisioners, two SSH sessions: the second logs in after the bootstrap added the user to the
        // docker group (a session keeps the groups it started with).
        provisioners: [remoteExec(scriptTemplate(wait, libraryRef)), remoteExec(scriptTemplate(deploy, libraryRef))],
      });
    }
  }
}
