// The engine seam: what a regional swarm exports to the rest of ha-site. DNS, health checks and service
// provisioning see only this, never how the swarm was built (Docker for AWS CloudFormation, native EC2, ...).
import type { ITerraformDependable } from "cdktf";

/** How to find a running manager of the swarm: exact-match EC2 instance tags. */
export interface ManagerLookup {
  readonly instanceTags: Readonly<Record<string, string>>;
}

export interface RegionalSwarm {
  /** Engine name, e.g. "docker-for-aws". */
  readonly engine: string;
  /** DNS name of the swarm's public load balancer (alias target). */
  readonly loadBalancerDnsName: string;
  /** Canonical hosted zone id of that load balancer (alias zone id; not the site's zone). */
  readonly loadBalancerZoneId: string;
  /** Id of the VPC the swarm runs in. */
  readonly vpcId: string;
  /** A console link listing the managers. */
  readonly managersConsoleUrl: string;
  /** Tags that find the managers. */
  readonly managerLookup: ManagerLookup;
  /** SSH user on the managers. */
  readonly sshUser: string;
  /**
   * A file the managers' bootstrap writes when a manager is ready (its SSH user in the docker group):
   * service provisioning waits for it, and for cloud-init where present, before it deploys.
   * @default - none (Docker for AWS managers are ready once the swarm's stack is complete)
   */
  readonly readinessMarker?: string;
  /** Depend on this to wait until the swarm exists. */
  readonly ready: ITerraformDependable;
  /**
   * ARN of the load balancer when it is an ALB or NLB (what Global Accelerator endpoints take); undefined for
   * a classic ELB. @default - undefined
   */
  readonly loadBalancerArn?: string;
}
