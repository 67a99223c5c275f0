// Where a native swarm runs: the account's default VPC and its default subnets, or a new VPC with one public
// subnet per Availability Zone (2 or 3 of them) routed to an internet gateway. No NAT: nodes and the load
// balancer sit in public subnets, and nodes get public IPv4 addresses (SSH, dnf, the SSM API).
import { Construct } from "constructs";
import { Fn, TerraformCount, Token, type ITerraformDependable } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";

/** At most this many public subnets (one per AZ) in a new VPC. */
export const NEW_VPC_MAX_SUBNETS = 3;

export interface SwarmNetworkProps {
  /**
   * "default": the account's default VPC and its default subnets (one per AZ). Otherwise the IPv4 CIDR of a
   * new VPC (validated by the caller: /16 to /24), split into one public subnet per AZ.
   */
  readonly vpc: string;
  /** Name tag (prefix) of the new VPC's resources. */
  readonly name: string;
}

/** The subnets' prefix length in a new VPC of prefix `vpcPrefix`: 4 bits smaller, but at most /26 (64 addresses). */
export function subnetNewBits(vpcPrefix: number): number {
  return Math.min(4, 26 - vpcPrefix);
}

export class SwarmNetwork extends Construct {
  public readonly vpcId: string;
  /** The subnets the nodes and the load balancer use (a list token, known at plan or apply time). */
  public readonly subnetIds: string[];
  /**
   * What must exist before anything gets a public address in the subnets (an internet-facing load balancer
   * needs the internet gateway; nodes need the route to install Docker and reach SSM), and, on destroy,
   * must outlive them. Empty for the default VPC.
   */
  public readonly internetAccess: ITerraformDependable[];
  /** The new VPC (undefined for the default VPC). */
  public readonly vpc?: Vpc;
  /** The new VPC's public subnets: one resource with `count` = min(3, AZs). */
  public readonly subnets?: Subnet;

  constructor(scope: Construct, id: string, props: SwarmNetworkProps) {
    super(scope, id);
    if (props.vpc === "default") {
      const vpc = new DataAwsVpc(this, "DefaultVpc", { default: true });
      const subnets = new DataAwsSubnets(this, "DefaultSubnets", {
        filter: [
          { name: "vpc-id", values: [vpc.id] },
          { name: "default-for-az", values: ["true"] },
        ],
      });
      this.vpcId = vpc.id;
      this.subnetIds = subnets.ids;
      this.internetAccess = [];
      return;
    }

    const prefix = Number(props.vpc.split("/")[1]);
    const tags = (suffix: string) => ({ Name: `${props.name}-${suffix}` });
    const vpc = new Vpc(this, "Vpc", {
      cidrBlock: props.vpc,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: tags("vpc"),
    });
    const gateway = new InternetGateway(this, "InternetGateway", { vpcId: vpc.id, tags: tags("igw") });
    const routeTable = new RouteTable(this, "PublicRouteTable", { vpcId: vpc.id, tags: tags("public") });
    const defaultRoute = new Route(this, "DefaultRoute", {
      routeTableId: routeTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: gateway.id,
    });
    // Regular AZs only (no Local or Wavelength Zones, which lack most instance types and load balancers).
    const zones = new DataAwsAvailabilityZones(this, "AvailabilityZones", {
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    const count = TerraformCount.of(Fn.min([NEW_VPC_MAX_SUBNETS, Fn.lengthOf(zones.names)]));
    const index = Token.asNumber(count.index);
    const zone = Fn.element(zones.names, index);
    const subnets = new Subnet(this, "PublicSubnets", {
      count,
      vpcId: vpc.id,
      cidrBlock: Fn.cidrsubnet(props.vpc, subnetNewBits(prefix), index),
      availabilityZone: zone,
      mapPublicIpOnLaunch: true,
      tags: { Name: `${props.name}-public-${zone}` },
    });
    const subnetIds = Token.asList(Fn.lookupNested(subnets, ["*", "id"]));
    const associations = new RouteTableAssociation(this, "PublicSubnetRoutes", {
      count,
      subnetId: Fn.element(subnetIds, index),
      routeTableId: routeTable.id,
    });
    this.vpc = vpc;
    this.subnets = subnets;
    this.vpcId = vpc.id;
    this.subnetIds = subnetIds;
    this.internetAccess = [gateway, defaultRoute, associations];
  }
}
