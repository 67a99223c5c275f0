// A Route 53 health check on a region's load balancer at the site's port: it sees the app, where Evaluate
// Target Health only sees the Docker for AWS ELB's host check on port 44554.
import { Construct } from "constructs";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { tfLiteral } from "./tf-literal";

export type HealthCheckProtocol = "HTTP" | "HTTPS";

export interface EndpointHealthCheckProps {
  /** Endpoint to check: the region's load balancer DNS name (never the failover record's own name). */
  readonly fqdn: string;
  /** Port of the site. */
  readonly port: number;
  /** Name tag, e.g. "nosqlsearch.com us-west-2". */
  readonly name: string;
  /** @default "HTTP" */
  readonly protocol?: HealthCheckProtocol;
  /** @default "/" */
  readonly resourcePath?: string;
  /** Text the response must contain (turns the check into HTTP(S)_STR_MATCH). @default - any 2xx/3xx answer passes */
  readonly searchString?: string;
  /** Seconds between checks: 10 or 30 (10 costs extra). @default 30 */
  readonly requestInterval?: number;
  /** Consecutive failures before unhealthy: 1 to 10. @default 3 */
  readonly failureThreshold?: number;
  /** Checker regions (at least 3). @default - Route 53's default set */
  readonly regions?: string[];
}

export class EndpointHealthCheck extends Construct {
  public readonly healthCheckId: string;
  public readonly healthCheck: Route53HealthCheck;

  constructor(scope: Construct, id: string, props: EndpointHealthCheckProps) {
    super(scope, id);
    const requestInterval = props.requestInterval ?? 30;
    const failureThreshold = props.failureThreshold ?? 3;
    if (requestInterval !== 10 && requestInterval !== 30) {
      throw new Error(`requestInterval: got ${requestInterval}; expected 10 or 30`);
    }
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > 10) {
      throw new Error(`failureThreshold: got ${failureThreshold}; expected an integer from 1 to 10`);
    }
    const protocol = props.protocol ?? "HTTP";
    this.healthCheck = new Route53HealthCheck(this, "Resource", {
      type: props.searchString === undefined ? protocol : `${protocol}_STR_MATCH`,
      fqdn: props.fqdn,
      port: props.port,
      resourcePath: tfLiteral(props.resourcePath ?? "/"),
      searchString: props.searchString === undefined ? undefined : tfLiteral(props.searchString),
      requestInterval,
      failureThreshold,
      regions: props.regions,
      // SNI sends `fqdn` (the load balancer's name) in the client hello. A native region's certificate names the
      // site, not the load balancer: Route 53 then "will retry the handshake ... [omitting]
      // FullyQualifiedDomainName" (Route 53 API, HealthCheckConfig.EnableSNI), and the listener's certificate
      // answers; status 2xx/3xx is healthy. So the check follows the TLS listener of each region.
      enableSni: protocol === "HTTPS" ? true : undefined,
      tags: { Name: tfLiteral(props.name) },
    });
    this.healthCheckId = this.healthCheck.id;
  }
}
