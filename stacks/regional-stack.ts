// One region: its AWS provider, optional key pair and the swarm, with plain (non-sensitive) outputs
// that the DNS stack reads.
import type { Construct } from "constructs";
import { TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { KeyPair } from "@cdktf/provider-aws/lib/key-pair";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import type { RegionConfig, SiteConfig } from "../config/schema";
import type { RegionalSwarm } from "../constructs/regional-swarm";
import { SwarmServices } from "../constructs/swarm-services";
import { tfLiteral } from "../constructs/tf-literal";
import type { StackBackend } from "./backend";
import { buildSwarm, provisioningMethodOf } from "./engines";
import { cloudFormationStackName, regionalStackName, siteEndpoint, sitePort, siteUrl, sshKeyVariableName } from "./names";
import type { SsmServices } from "../constructs/ssm-services";
import type { NativeSwarm } from "../constructs/native/native-swarm";

/** Output names of a regional stack (read by the DNS stack: keep them stable). */
export const REGIONAL_OUTPUTS = {
  lbDnsName: "lb_dns_name",
  lbZoneId: "lb_zone_id",
  managersConsoleUrl: "managers_console_url",
  vpcId: "vpc_id",
  siteUrl: "site_url",
  /** With routing.policy "accelerator" (its endpoint groups point at the ALB/NLB by ARN), or with `tls` (the DNS stack adds the TLS listener). */
  lbArn: "lb_arn",
  /** With `tls` only: the site port's target group (behind the TLS listener). */
  siteTargetGroupArn: "site_target_group_arn",
} as const;

export interface RegionalStackProps {
  readonly site: SiteConfig;
  readonly region: RegionConfig;
  /** PRIMARY or SECONDARY, for descriptions. */
  readonly role: string;
  readonly backend: StackBackend;
}

export class RegionalStack extends TerraformStack {
  /** The cdktf stack name, e.g. "swarm-us-west-2". */
  public readonly stackName: string;
  public readonly region: string;
  public readonly swarm: RegionalSwarm;
  /** The services started over SSH; undefined when `provisioning.enabled` is false or the method is "ssm". */
  public readonly services?: SwarmServices;
  /** The services started through SSM (native regions, `provisioning.method` "ssm"). */
  public readonly ssmServices?: SsmServices;

  constructor(scope: Construct, props: RegionalStackProps) {
    const stackName = regionalStackName(props.region.region);
    super(scope, stackName);
    this.stackName = stackName;
    this.region = props.region.region;
    props.backend.configure(this, stackName);
    const r = props.region;
    new AwsProvider(this, "aws", {
      region: r.region,
      defaultTags: [{ tags: { "ha-site:domain": tfLiteral(props.site.domain), "ha-site:role": props.role.toLowerCase() } }],
    });
    const keyPair = r.publicKey ? new KeyPair(this, "KeyPair", { keyName: tfLiteral(r.keyName), publicKey: tfLiteral(r.publicKey) }) : undefined;
    this.swarm = buildSwarm(this, "Swarm", props.site, r, keyPair ? [keyPair] : undefined);
    const provisioning = props.site.provisioning;
    if (provisioning.enabled && provisioningMethodOf(props.site, r) === "ssm") {
      // Native regions: SSM State Manager, no inbound SSH (constructs/ssm-services.ts).
      const { SsmServices } = require("../constructs/ssm-services") as typeof import("../constructs/ssm-services");
      this.ssmServices = new SsmServices(this, "Services", {
        stackName: cloudFormationStackName(props.site, r),
        managerTags: (this.swarm as Partial<NativeSwarm>).ssmTargetTags ?? this.swarm.managerLookup.instanceTags,
        services: props.site.services,
        scriptOptions: { swarmWaitSeconds: provisioning.swarmWaitSeconds, commandTimeoutSeconds: provisioning.commandTimeoutSeconds },
        dependsOn: [this.swarm.ready],
      });
    } else if (provisioning.enabled) {
      new NullProvider(this, "null");
      const privateKey = provisioning.sshAgent
        ? undefined
        : new TerraformVariable(this, sshKeyVariableName(r.region), {
            type: "string",
            sensitive: true,
            nullable: false,
            // A variable description is literal in Terraform (never evaluated): no tfLiteral, which would show "$${".
            // One sentence a line (ending in a newline): the HCL output shows it as a heredoc, not one long line.
            description:
              `SSH private key (PEM/OpenSSH text) of EC2 key pair "${r.keyName}" in ${r.region}, for user ${this.swarm.sshUser} on the managers.\n` +
              `Pass it as TF_VAR_${sshKeyVariableName(r.region)} or a sensitive Terraform Cloud variable.\n`,
          }).stringValue;
      this.services = new SwarmServices(this, "Services", {
        swarm: this.swarm,
        services: props.site.services,
        privateKey,
        connectTimeout: provisioning.connectTimeout,
        scriptOptions: { swarmWaitSeconds: provisioning.swarmWaitSeconds, commandTimeoutSeconds: provisioning.commandTimeoutSeconds },
      });
    }
    const output = (name: string, value: string, description: string) =>
      new TerraformOutput(this, name, { value, description });
    output(REGIONAL_OUTPUTS.lbDnsName, this.swarm.loadBalancerDnsName, "DNS name of the swarm's load balancer (failover alias target)");
    output(REGIONAL_OUTPUTS.lbZoneId, this.swarm.loadBalancerZoneId, "Canonical hosted zone id of the load balancer");
    output(REGIONAL_OUTPUTS.managersConsoleUrl, this.swarm.managersConsoleUrl, "EC2 console page listing the swarm managers");
    output(REGIONAL_OUTPUTS.vpcId, this.swarm.vpcId, "VPC of the swarm");
    const endpoint = siteEndpoint(props.site);
    output(REGIONAL_OUTPUTS.siteUrl, siteUrl(this.swarm.loadBalancerDnsName, endpoint.port, endpoint.scheme), `The site in ${r.region} only (${props.role}), bypassing DNS`);
    // Only where it is read, so that the other policies' output stays as it was. The config guarantees an ALB/NLB.
    if ((props.site.routing.policy === "accelerator" || props.site.tls) && this.swarm.loadBalancerArn !== undefined) {
      const reader = props.site.tls ? "where the DNS stack adds its TLS listener" : "Global Accelerator endpoint";
      output(REGIONAL_OUTPUTS.lbArn, this.swarm.loadBalancerArn, `ARN of the swarm's ALB/NLB (${reader})`);
    }
    const native = this.swarm as Partial<NativeSwarm>;
    if (props.site.tls && native.loadBalancer) {
      const targetGroup = native.loadBalancer.targetGroupsByPort.get(sitePort(props.site.services));
      if (targetGroup) output(REGIONAL_OUTPUTS.siteTargetGroupArn, targetGroup.arn, "Target group of the site port (behind the TLS listener)");
    }
  }
}
