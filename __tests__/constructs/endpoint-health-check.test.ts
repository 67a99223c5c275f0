import { Testing } from "cdktf";
import { EndpointHealthCheck, type EndpointHealthCheckProps } from "../../constructs/endpoint-health-check";
import { onlyResource, type Json } from "../helpers";

function synthCheck(props: Partial<EndpointHealthCheckProps> = {}): Json {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      new EndpointHealthCheck(scope, "Check", { fqdn: "elb.example", port: 8080, name: "site us-west-2", ...props });
    }),
  );
  return onlyResource(json, "aws_route53_health_check");
}

describe("EndpointHealthCheck", () => {
  it("checks the load balancer over HTTP on the site port, every 30 s, unhealthy after 3 failures", () => {
    expect(synthCheck()).toEqual({
      type: "HTTP",
      fqdn: "elb.example",
      port: 8080,
      resource_path: "/",
      request_interval: 30,
      failure_threshold: 3,
      tags: { Name: "site us-west-2" },
    });
  });

  it.each([
    [{ searchString: "Hello" }, "HTTP_STR_MATCH"],
    [{ protocol: "HTTPS" as const }, "HTTPS"],
    [{ protocol: "HTTPS" as const, searchString: "ok" }, "HTTPS_STR_MATCH"],
  ])("uses the Route 53 type for %j", (props, type) => {
    expect(synthCheck(props).type).toBe(type);
  });

  it("passes path, search string, interval, threshold, regions and SNI through", () => {
    expect(
      synthCheck({ protocol: "HTTPS", resourcePath: "/healthz", searchString: "ok", requestInterval: 10, failureThreshold: 1, regions: ["us-east-1", "eu-west-1", "sa-east-1"] }),
    ).toMatchObject({ resource_path: "/healthz", search_string: "ok", request_interval: 10, failure_threshold: 1, regions: ["us-east-1", "eu-west-1", "sa-east-1"], enable_sni: true });
  });

  it.each([
    [{ requestInterval: 20 }, "requestInterval: got 20; expected 10 or 30"],
    [{ failureThreshold: 0 }, "failureThreshold: got 0; expected an integer from 1 to 10"],
    [{ failureThreshold: 11 }, "failureThreshold: got 11; expected an integer from 1 to 10"],
  ])("rejects %j", (props, message) => {
    expect(() => synthCheck(props)).toThrow(message);
  });
});
