// Starts and keeps the site's services running on one swarm, from Terraform, over SSH to a running manager.
//
// Per service, two resources (so that a spec change never removes the service first):
// - `Service-<name>` (null_resource): triggers = manager host + user, the service spec and the script's
//   hash; a change re-runs the idempotent create-or-update script in place (remote-exec). An unchanged
//   config plans no change.
// - `Removal-<name>` (terraform_data): replaced only when the service name changes; its destroy-time
//   provisioner runs `docker service rm` when the service leaves the config or the stack is destroyed. It
//   reads host and user from its own `input` (destroy-time provisioners may reference only `self`), which a
//   manager change updates in place instead of replacing it.
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { DataResource, Fn, TerraformSelf, type RemoteExecProvisioner, type SSHProvisionerConnection } from "cdktf";
import { DataAwsInstances } from "@cdktf/provider-aws/lib/data-aws-instances";
import { Resource as NullResource } from "@cdktf/provider-null/lib/resource";
import type { ServiceConfig } from "../config/schema";
import type { RegionalSwarm } from "./regional-swarm";
import { tfLiteral, tfLiteralValues } from "./tf-literal";
import { serviceDeployScript, serviceRemoveScript, type ServiceDeployScriptOptions } from "./service-script";

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
}

/**
 * Terraform reads `${` and `%{` in strings as template syntax: a script that should see them literally has
 * them doubled. The script is escaped once, as a whole (the config values in it are not escaped before).
 */
export function escapeTemplate(text: string): string {
  return tfLiteral(text);
}

/**
 * A remote-exec provisioner with `when`/`on_failure`, which cdktf's RemoteExecProvisioner type lacks: the
 * synthesizer passes every key through (snake_cased), so the cast here is deliberate and the only one.
 */
function remoteExec(script: string, connection: SSHProvisionerConnection, extra: { when?: "destroy"; onFailure?: "continue" | "fail" } = {}): RemoteExecProvisioner {
  // One command: the whole script (remote-exec writes `inline` to a file and runs it). HCL output re-renders
  // it from the JSON (stacks/hcl-output.ts), as cdktf's renderer does not escape it.
  const inline = [escapeTemplate(script)];
  return { type: "remote-exec", inline, connection, ...extra } as RemoteExecProvisioner;
}

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
    for (const service of props.services) {
      const removeScript = serviceRemoveScript(service.name);
      const removal = new DataResource(this, `Removal-${service.name}`, {
        triggersReplace: { service: tfLiteral(service.name) },
        input: { host: this.managerHost, user: swarm.sshUser, service: tfLiteral(service.name) },
        provisioners: [
          // Only `self` here (Terraform's rule for destroy-time provisioners), so no key variable: the
          // ssh-agent. If the swarm is already gone (or no agent), continue: the stack's destroy removes all.
          remoteExec(
            removeScript,
            { type: "ssh", host: TerraformSelf.getString("output.host"), user: TerraformSelf.getString("output.user"), agent: "true", timeout: "1m" },
            { when: "destroy", onFailure: "continue" },
          ),
        ],
      });
      this.removals[service.name] = removal;

      const deployScript = serviceDeployScript(service, props.scriptOptions);
      this.deployments[service.name] = new NullResource(this, `Service-${service.name}`, {
        triggers: {
          host: this.managerHost,
          user: swarm.sshUser,
          spec: tfLiteral(serviceSummary(service)),
          script_sha256: createHash("sha256").update(deployScript).digest("hex"),
        },
        dependsOn: [removal],
        provisioners: [
          remoteExec(deployScript, {
            type: "ssh",
            host: TerraformSelf.getString("triggers.host"),
            user: TerraformSelf.getString("triggers.user"),
            timeout: connectTimeout,
            ...auth,
          }),
        ],
      });
    }
  }
}
