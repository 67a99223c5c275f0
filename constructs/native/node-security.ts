// Security groups of a native swarm: one for all nodes (managers and workers), and for an ALB one for the
// load balancer. One rule resource per rule (aws_vpc_security_group_ingress_rule / _egress_rule), so each
// rule can be reviewed, and changed, on its own.
import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule, type VpcSecurityGroupIngressRuleConfig } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

import { SSH_PORT, SWARM_PORTS } from "./swarm-ports";

const ANYWHERE = "0.0.0.0/0";

export interface NodeSecurityProps {
  readonly vpcId: string;
  /** Prefix of the groups' names (Terraform appends a unique suffix) and of their Name tags. */
  readonly name: string;
  /** Published service ports, each with its protocols. */
  readonly ports: readonly { readonly published: number; readonly protocols: readonly ("tcp" | "udp")[] }[];
  /** Who may SSH to the nodes: IPv4 CIDRs. Empty: no SSH rule at all. */
  readonly sshCidrs: readonly string[];
  /**
   * "nlb": the published ports are open from anywhere (an NLB keeps the client's address, so the nodes see
   * the visitors). "alb": they are open only from the ALB's own security group, which is open from anywhere.
   */
  readonly loadBalancer: "nlb" | "alb";
  /** ALB with TLS: the HTTPS listener's port, open from anywhere on the ALB's group. @default - none */
  readonly tlsPort?: number;
}

export class NodeSecurity extends Construct {
  /** The group of every swarm node. */
  public readonly nodes: SecurityGroup;
  /** The ALB's group (undefined for an NLB, which has none). */
  public readonly loadBalancer?: SecurityGroup;
  /** Every ingress rule, by construct id. */
  public readonly ingressRules: Record<string, VpcSecurityGroupIngressRule> = {};

  constructor(scope: Construct, id: string, props: NodeSecurityProps) {
    super(scope, id);
    // name_prefix + create_before_destroy: a replaced group (e.g. another VPC) exists before the old one,
    // still used by running instances, is deleted.
    this.nodes = new SecurityGroup(this, "Nodes", {
      namePrefix: `${props.name}-nodes-`,
      description: "ha-site swarm nodes: published ports, SSH from the configured CIDRs, swarm ports between nodes",
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-nodes` },
      lifecycle: { createBeforeDestroy: true },
    });
    const nodes = this.nodes.id;
    const ingress = (ruleId: string, rule: VpcSecurityGroupIngressRuleConfig) => {
      this.ingressRules[ruleId] = new VpcSecurityGroupIngressRule(this, ruleId, rule);
    };

    if (props.loadBalancer === "alb") {
      const lb = new SecurityGroup(this, "LoadBalancer", {
        namePrefix: `${props.name}-alb-`,
        description: "ha-site swarm load balancer: published ports from anywhere, to the swarm nodes",
        vpcId: props.vpcId,
        tags: { Name: `${props.name}-alb` },
        lifecycle: { createBeforeDestroy: true },
      });
      this.loadBalancer = lb;
      if (props.tlsPort !== undefined) {
        ingress(`LoadBalancerTls-${props.tlsPort}`, {
          securityGroupId: lb.id,
          ipProtocol: "tcp",
          fromPort: props.tlsPort,
          toPort: props.tlsPort,
          cidrIpv4: ANYWHERE,
          description: `HTTPS to the load balancer on ${props.tlsPort}/tcp`,
        });
      }
      for (const { published } of props.ports) {
        ingress(`LoadBalancerPublished-${published}`, {
          securityGroupId: lb.id,
          ipProtocol: "tcp",
          fromPort: published,
          toPort: published,
          cidrIpv4: ANYWHERE,
          description: `site traffic to the load balancer on ${published}/tcp`,
        });
        ingress(`Published-${published}-tcp`, {
          securityGroupId: nodes,
          ipProtocol: "tcp",
          fromPort: published,
          toPort: published,
          referencedSecurityGroupId: lb.id,
          description: `published port ${published}/tcp from the load balancer (traffic and health checks)`,
        });
        new VpcSecurityGroupEgressRule(this, `LoadBalancerToNodes-${published}`, {
          securityGroupId: lb.id,
          ipProtocol: "tcp",
          fromPort: published,
          toPort: published,
          referencedSecurityGroupId: nodes,
          description: `to the swarm nodes on ${published}/tcp`,
        });
      }
    } else {
      for (const { published, protocols } of props.ports) {
        for (const protocol of protocols) {
          ingress(`Published-${published}-${protocol}`, {
            securityGroupId: nodes,
            ipProtocol: protocol,
            fromPort: published,
            toPort: published,
            cidrIpv4: ANYWHERE,
            description: `published port ${published}/${protocol} from anywhere (the NLB keeps client addresses)`,
          });
        }
      }
    }

    // Keyed by the CIDR, so adding or removing one leaves the others' rules alone.
    for (const cidr of props.sshCidrs) {
      ingress(`Ssh-${cidr.replace(/[./]/g, "-")}`, {
        securityGroupId: nodes,
        ipProtocol: "tcp",
        fromPort: SSH_PORT,
        toPort: SSH_PORT,
        cidrIpv4: cidr,
        description: `SSH from ${cidr}`,
      });
    }

    for (const { port, protocol, purpose } of SWARM_PORTS) {
      ingress(`Swarm-${port}-${protocol}`, {
        securityGroupId: nodes,
        ipProtocol: protocol,
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: nodes,
        description: `${purpose}, between swarm nodes only`,
      });
    }

    new VpcSecurityGroupEgressRule(this, "Egress", {
      securityGroupId: nodes,
      ipProtocol: "-1",
      cidrIpv4: ANYWHERE,
      description: "all outbound (packages, Docker images, SSM, the other nodes)",
    });
  }
}
