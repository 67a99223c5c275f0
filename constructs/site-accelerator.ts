// AWS Global Accelerator in front of the regions: two static anycast IPv4 addresses, one listener per published
// port, and one endpoint group per listener and region pointing at that region's ALB or NLB by ARN.
// Global Accelerator sends each client to the nearest healthy endpoint group; it follows an ALB/NLB endpoint's
// own (target-group) health, and when no endpoint is healthy it sends traffic to all of them (fails open):
// docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints.html and about-endpoint-groups.html.
// Its API lives in us-west-2 whatever the endpoints' regions (hashicorp/terraform-provider-aws#7848;
// "you must specify the US West (Oregon) Region", Global Accelerator API reference): `provider` must be there.
import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { GlobalacceleratorAccelerator } from "@cdktf/provider-aws/lib/globalaccelerator-accelerator";
import { GlobalacceleratorEndpointGroup } from "@cdktf/provider-aws/lib/globalaccelerator-endpoint-group";
import { GlobalacceleratorListener } from "@cdktf/provider-aws/lib/globalaccelerator-listener";

/** Route 53's hosted zone id for alias records to any accelerator (the `hosted_zone_id` attribute has it too). */
export const ACCELERATOR_ALIAS_ZONE_ID = "Z2BJ6XQ5FK7U4H";

export interface AcceleratorEndpoint {
  /** The endpoint group's region: the load balancer's (an ARN from another region is rejected). */
  readonly region: string;
  /** ARN of the region's ALB or NLB (not a classic ELB: Global Accelerator does not take those). */
  readonly loadBalancerArn: string;
  /** Share of the traffic that would go to this region which it gets, 0 to 100. @default 100 */
  readonly trafficDialPercentage?: number;
}

export interface AcceleratorPort {
  readonly port: number;
  readonly protocol: "TCP" | "UDP";
}

export interface AcceleratorHealthCheck {
  readonly port: number;
  /** @default "HTTP" */
  readonly protocol?: "HTTP" | "HTTPS" | "TCP";
  /** HTTP(S) only. @default "/" */
  readonly path?: string;
  /** 10 or 30. @default 30 */
  readonly intervalSeconds?: number;
  /** 1 to 10. @default 3 */
  readonly thresholdCount?: number;
}

export interface SiteAcceleratorProps {
  /** Accelerator name: 1-64 letters, digits, "." and "-", not starting or ending with "-" or ".". */
  readonly name: string;
  /** An AWS provider for us-west-2 (the Global Accelerator API region). */
  readonly provider: TerraformProvider;
  /** One listener per port (keyed by protocol and port: construct ids "Listener-tcp-8080"). */
  readonly ports: readonly AcceleratorPort[];
  /** One endpoint group per region and listener, in this order. */
  readonly endpoints: readonly AcceleratorEndpoint[];
  /**
   * The endpoint groups' health check. Global Accelerator uses it only for EC2 and Elastic IP endpoints; for
   * ALB/NLB endpoints the load balancer's target-group checks decide (set on the same port and path by the
   * native engine). Set anyway, so that the plan says what is checked.
   */
  readonly healthCheck: AcceleratorHealthCheck;
}

export class SiteAccelerator extends Construct {
  public readonly accelerator: GlobalacceleratorAccelerator;
  /** The two static anycast IPv4 addresses. */
  public readonly ipAddresses: string[];
  /** DNS name of the accelerator (alias target). */
  public readonly dnsName: string;
  /** Hosted zone id for alias records (Z2BJ6XQ5FK7U4H). */
  public readonly hostedZoneId: string;
  public readonly listeners: GlobalacceleratorListener[] = [];
  /** Per listener (in `ports` order), the endpoint groups in `endpoints` order. */
  public readonly endpointGroups: GlobalacceleratorEndpointGroup[][] = [];

  constructor(scope: Construct, id: string, props: SiteAcceleratorProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,62}[A-Za-z0-9])?$/.test(props.name)) {
      throw new Error(`name: got ${JSON.stringify(props.name)}; expected 1-64 letters, digits, "." and "-", not starting or ending with "-" or "."`);
    }
    if (props.endpoints.length === 0) throw new Error("endpoints: got none; expected at least one region");
    const regions = new Set<string>();
    for (const e of props.endpoints) {
      if (regions.has(e.region)) throw new Error(`endpoints: region ${e.region} twice; expected one endpoint group per region`);
      regions.add(e.region);
      const dial = e.trafficDialPercentage;
      if (dial !== undefined && !(dial >= 0 && dial <= 100)) throw new Error(`endpoints.${e.region}.trafficDialPercentage: got ${dial}; expected 0 to 100`);
    }
    const check = props.healthCheck;
    const protocol = check.protocol ?? "HTTP";
    this.accelerator = new GlobalacceleratorAccelerator(this, "Resource", {
      provider: props.provider,
      name: props.name,
      ipAddressType: "IPV4",
      enabled: true,
    });
    this.ipAddresses = this.accelerator.ipSets.get(0).ipAddresses;
    this.dnsName = this.accelerator.dnsName;
    this.hostedZoneId = this.accelerator.hostedZoneId;
    for (const { port, protocol: listenerProtocol } of props.ports) {
      const key = `${listenerProtocol.toLowerCase()}-${port}`;
      const listener = new GlobalacceleratorListener(this, `Listener-${key}`, {
        provider: props.provider,
        acceleratorArn: this.accelerator.arn,
        protocol: listenerProtocol,
        portRange: [{ fromPort: port, toPort: port }],
        clientAffinity: "NONE",
      });
      this.listeners.push(listener);
      this.endpointGroups.push(
        props.endpoints.map(
          (endpoint) =>
            new GlobalacceleratorEndpointGroup(this, `EndpointGroup-${key}-${endpoint.region}`, {
              provider: props.provider,
              listenerArn: listener.arn,
              endpointGroupRegion: endpoint.region,
              trafficDialPercentage: endpoint.trafficDialPercentage ?? 100,
              healthCheckProtocol: protocol,
              healthCheckPort: check.port,
              healthCheckPath: protocol === "TCP" ? undefined : (check.path ?? "/"),
              healthCheckIntervalSeconds: check.intervalSeconds ?? 30,
              thresholdCount: check.thresholdCount ?? 3,
              endpointConfiguration: [{ endpointId: endpoint.loadBalancerArn, weight: 128 }],
            }),
        ),
      );
    }
  }
}
