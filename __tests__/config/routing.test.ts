import { parseConfig } from "../../config/load";
import { modeledRoutingTime, ACCELERATOR_DETECTION_SECONDS } from "../../config/routing-time";
import { HEALTH_CHECK } from "../../constructs/native/load-balancer";
import { seedWith, type Json } from "../helpers";

const native = (region: string, extra: Json = {}) => ({ region, keyName: "k", engine: "native", sshCidrs: ["203.0.113.0/24"], ...extra });
const d4a = (region: string, extra: Json = {}) => ({ region, keyName: "k", ...extra });
const parse = (overrides: Json) => parseConfig(seedWith(overrides), "test");
const error = (overrides: Json) => {
  try {
    parse(overrides);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a config error");
};

describe("routing config", () => {
  it("defaults to failover, and takes any number of regions where the policy allows", () => {
    expect(parse({}).routing).toEqual({ policy: "failover" });
    const three = [d4a("us-west-2"), d4a("us-east-2"), d4a("eu-west-1")];
    expect(parse({ regions: three }).regions).toHaveLength(3);
    expect(parse({ routing: { policy: "latency" }, regions: [d4a("us-west-2")] }).regions).toHaveLength(1);
    expect(parse({ routing: { policy: "weighted" }, regions: [d4a("us-west-2"), d4a("us-east-2", { weight: 0 })] }).regions[1].weight).toBe(0);
    expect(parse({ routing: { policy: "accelerator" }, regions: [native("us-west-2", { trafficDial: 25 })] }).regions[0].trafficDial).toBe(25);
  });

  it.each([
    ["unknown policy", { routing: { policy: "geo" } }, 'test: routing.policy: got "geo"; expected one of "failover", "latency", "weighted", "accelerator"'],
    ["unknown routing field", { routing: { polcy: "latency" } }, 'test: routing.polcy: unknown field; did you mean "policy"?'],
    ["failover with one region", { regions: [d4a("us-west-2")] }, 'test: regions: got 1 item; expected at least 2 regions for routing.policy "failover"'],
    ["weight out of range", { routing: { policy: "weighted" }, regions: [d4a("us-west-2", { weight: 256 }), d4a("us-east-2")] }, "test: regions[0].weight: got 256; expected an integer from 0 to 255"],
    ["weight without weighted", { regions: [d4a("us-west-2"), d4a("us-east-2", { weight: 5 })] }, 'test: regions[1].weight: got 5; expected nothing: it is only for routing.policy "weighted", and this site\'s policy is "failover"'],
    ["traffic dial without accelerator", { routing: { policy: "latency" }, regions: [d4a("us-west-2", { trafficDial: 50 })] }, 'test: regions[0].trafficDial: got 50; expected nothing: it is only for routing.policy "accelerator"'],
    ["traffic dial out of range", { routing: { policy: "accelerator" }, regions: [native("us-west-2", { trafficDial: 101 })] }, "test: regions[0].trafficDial: got 101; expected an integer from 0 to 100"],
    ["accelerator with the default Docker for AWS engine", { routing: { policy: "accelerator" }, regions: [d4a("us-west-2")] }, 'test: engine: got "docker-for-aws"; expected "native" for routing.policy "accelerator": Global Accelerator takes ALB and NLB endpoints, not the classic ELB of Docker for AWS (regions[0])'],
    ["accelerator with a Docker for AWS region", { routing: { policy: "accelerator" }, regions: [native("us-west-2"), d4a("us-east-2", { engine: "docker-for-aws" })] }, 'test: regions[1].engine: got "docker-for-aws"; expected "native" for routing.policy "accelerator"'],
    ["everyRegion false without a primary", { routing: { policy: "latency" }, alarm: { everyRegion: false } }, 'test: alarm.everyRegion: got false; expected true or nothing: routing.policy "latency" has no PRIMARY region'],
    ["duplicate region in a latency site", { routing: { policy: "latency" }, regions: [d4a("us-west-2"), d4a("us-east-2"), d4a("us-west-2")] }, 'test: regions[2].region: got "us-west-2"; expected a region not already listed (regions[0] has it)'],
  ])("%s", (_name, overrides, message) => {
    expect(error(overrides)).toContain(message);
  });
});

describe("modeled failover time per policy", () => {
  it("is detection + propagation + alias TTL for the DNS policies", () => {
    for (const policy of ["failover", "latency", "weighted"] as const) {
      const site = parse({ routing: { policy }, regions: [d4a("us-west-2"), d4a("us-east-2")] });
      expect(modeledRoutingTime(site)).toMatchObject({ detectionSeconds: 90, propagationSeconds: 60, cacheSeconds: 60, totalSeconds: 210 });
    }
  });

  it("is target-group detection + accelerator reaction, with no DNS cache, for the accelerator", () => {
    const site = parse({ routing: { policy: "accelerator" }, regions: [native("us-west-2")], healthCheck: { requestInterval: 10, failureThreshold: 1 } });
    expect(modeledRoutingTime(site)).toMatchObject({ detectionSeconds: 30, propagationSeconds: 30, cacheSeconds: 0, totalSeconds: 60 });
    // The accelerator follows the native target groups' check: the constant must match it.
    expect(ACCELERATOR_DETECTION_SECONDS).toBe(HEALTH_CHECK.intervalSeconds * HEALTH_CHECK.unhealthyThreshold);
  });
});
