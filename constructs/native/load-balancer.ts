// The swarm's public load balancer: one listener and one target group per published port, forwarding to every
// node (the swarm's routing mesh answers a published port on every node). The target groups check the app
// itself over HTTP, so Route 53's Evaluate Target Health follows the site, not just the instances.
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";

export type LoadBalancerKind = "nlb" | "alb";
/** Listener/target-group protocol: NLB TCP, UDP or both on one port; ALB HTTP. */
export type ListenerProtocol = "TCP" | "UDP" | "TCP_UDP" | "HTTP";

/** Seconds a deregistering node keeps its open connections. */
export const DEREGISTRATION_DELAY_SECONDS = 30;

/** Target-group health check timing (both LB kinds accept these). */
export const HEALTH_CHECK = {
  intervalSeconds: 10,
  timeoutSeconds: 5,
  healthyThreshold: 3,
  unhealthyThreshold: 3,
  matcher: "200-399",
} as const;

export interface SwarmLoadBalancerProps {
  readonly kind: LoadBalancerKind;
  /** Load balancer name (<= 32 letters, digits, hyphens) and prefix of the target groups' Name tags. */
  readonly name: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  /** ALB only: its security groups. */
  readonly securityGroupIds?: string[];
  /** One listener + target group per port. */
  readonly listeners: readonly { readonly port: number; readonly protocol: ListenerProtocol }[];
  readonly healthCheckPort: number;
  readonly healthCheckPath: string;
  /**
   * Protocol of the target-group health check: "HTTPS" when the app itself answers TLS on the port (NLB TLS
   * passthrough); "HTTP" otherwise, also behind a TLS listener (the load balancer decrypts). @default "HTTP"
   */
  readonly healthCheckProtocol?: "HTTP" | "HTTPS";
  /**
   * ALB with TLS: the listener on this port answers HTTP 301 to https://<host>:<redirectToPort>/ instead of
   * forwarding (the HTTPS listener, which forwards to the port's target group, is created with the certificate).
   * @default - every listener forwards
   */
  readonly redirect?: { readonly port: number; readonly toPort: number };
  /** E.g. the internet gateway of a new VPC (an internet-facing LB cannot be created without one). */
  readonly dependsOn?: ITerraformDependable[];
}

export class SwarmLoadBalancer extends Construct {
  public readonly loadBalancer: Lb;
  /** Target group of each port, in the order of `listeners`. */
  public readonly targetGroups: LbTargetGroup[] = [];
  public readonly listeners: LbListener[] = [];
  /** Target group of each port, by port. */
  public readonly targetGroupsByPort = new Map<number, LbTargetGroup>();

  constructor(scope: Construct, id: string, props: SwarmLoadBalancerProps) {
    super(scope, id);
    const nlb = props.kind === "nlb";
    this.loadBalancer = new Lb(this, "Resource", {
      name: props.name,
      loadBalancerType: nlb ? "network" : "application",
      internal: false,
      ipAddressType: "ipv4",
      subnets: props.subnetIds,
      securityGroups: nlb ? undefined : props.securityGroupIds,
      // NLB: spread each AZ's traffic over all nodes (a small swarm may have no node in some AZs). ALBs always do.
      enableCrossZoneLoadBalancing: nlb ? true : undefined,
      tags: { Name: props.name },
      dependsOn: props.dependsOn,
    });
    for (const { port, protocol } of props.listeners) {
      // Keyed by port only: a protocol change replaces the target group and updates the listener in place.
      // No fixed name, so the replacement can exist before the old group (still in use) is deleted.
      const targetGroup = new LbTargetGroup(this, `TargetGroup-${port}`, {
        port,
        protocol,
        vpcId: props.vpcId,
        targetType: "instance",
        deregistrationDelay: String(DEREGISTRATION_DELAY_SECONDS),
        healthCheck: {
          enabled: true,
          // The configured protocol: an HTTP check against a TLS port fails every target (ELB API
          // TargetGroup HealthCheckProtocol; NLB TCP target groups accept HTTP, HTTPS or TCP checks).
          protocol: props.healthCheckProtocol ?? "HTTP",
          port: String(props.healthCheckPort),
          path: props.healthCheckPath,
          matcher: HEALTH_CHECK.matcher,
          interval: HEALTH_CHECK.intervalSeconds,
          timeout: HEALTH_CHECK.timeoutSeconds,
          healthyThreshold: HEALTH_CHECK.healthyThreshold,
          unhealthyThreshold: HEALTH_CHECK.unhealthyThreshold,
        },
        tags: { Name: `${props.name}-${protocol.toLowerCase().replace("_", "-")}-${port}` },
        lifecycle: { createBeforeDestroy: true },
      });
      this.targetGroups.push(targetGroup);
      this.targetGroupsByPort.set(port, targetGroup);
      const redirect = props.redirect?.port === port && !nlb;
      this.listeners.push(
        new LbListener(this, `Listener-${port}`, {
          loadBalancerArn: this.loadBalancer.arn,
          port,
          protocol,
          defaultAction: [
            redirect
              ? // ELB listener rules: redirect keeps host, path and query (#{host}, #{path}, #{query} by default).
                { type: "redirect", redirect: { protocol: "HTTPS", port: String(props.redirect?.toPort), statusCode: "HTTP_301" } }
              : { type: "forward", targetGroupArn: targetGroup.arn },
          ],
        }),
      );
    }
  }
}
