// Rules across fields that AWS (or the swarm) would otherwise enforce only at apply time, or that a construct
// would throw on: names that must fit, limits of the load balancers, ports the native engine's target groups
// check. Run after the schema's own rules (configSchema's second superRefine); one issue per problem.
import type { z } from "zod";
import type { EngineName, healthCheckSchema, regionSchema, serviceSchema } from "./schema";

/**
 * Listeners per load balancer: ELBv2 (the native engine's NLB or ALB) 50, not adjustable; Classic (Docker for
 * AWS, whose swarm adds a listener per published port at run time) 100 by default (adjustable, but a listener
 * over the quota fails silently inside the swarm). Sources: "Quotas for your Network Load Balancers" and
 * "Quotas for your Classic Load Balancer" in the Elastic Load Balancing docs.
 */
export const LISTENER_LIMITS: Readonly<Record<EngineName, number>> = { native: 50, "docker-for-aws": 100 };
/** A DNS name: at most 253 characters (without the final dot). */
export const DNS_NAME_MAX = 253;

/** The parts of a parsed config these rules read. */
export interface SiteLimitsInput {
  readonly domain: string;
  readonly engine: EngineName;
  readonly recordName: string;
  readonly regions: readonly z.output<typeof regionSchema>[];
  readonly services: readonly z.output<typeof serviceSchema>[];
  readonly healthCheck: z.output<typeof healthCheckSchema>;
}

export function siteLimits(config: SiteLimitsInput, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: "custom", path, input, message });

  // recordName is relative to the zone: "www", not "www.example.com" (which would name www.example.com.example.com).
  const { domain, recordName } = config;
  if (recordName === domain || recordName.endsWith(`.${domain}`)) {
    const relative = recordName === domain ? "" : recordName.slice(0, -domain.length - 1);
    issue(["recordName"], recordName, `a name inside the zone without the domain: ${JSON.stringify(relative)}${relative ? "" : " for the zone apex"}`);
  } else if (recordName && recordName.length + 1 + domain.length > DNS_NAME_MAX) {
    const room = DNS_NAME_MAX - domain.length - 1;
    issue(
      ["recordName"],
      recordName,
      room < 1
        ? `"" (the zone apex): the domain has ${domain.length} characters, so "<recordName>.<domain>" would be longer than ${DNS_NAME_MAX}`
        : `at most ${room} characters, so that "<recordName>.<domain>" has at most ${DNS_NAME_MAX}`,
    );
  }

  // Swarm service names are case-insensitive: "hello-world" and "Hello-World" are one service.
  const lowerNames = new Map<string, number>();
  config.services.forEach((s, i) => {
    const key = s.name.toLowerCase();
    const other = lowerNames.get(key);
    if (other !== undefined && config.services[other].name !== s.name) {
      issue(["services", i, "name"], s.name, `a service name not already used in another case (services[${other}] is ${JSON.stringify(config.services[other].name)}; swarm ignores case)`);
    }
    if (other === undefined) lowerNames.set(key, i);
  });

  // One listener per published port on each region's load balancer.
  const engines = new Set(config.regions.map((r) => r.engine ?? config.engine));
  const limit = Math.min(...[...engines].map((e) => LISTENER_LIMITS[e]));
  const ports = new Set<number>();
  let reported = false;
  config.services.forEach((s, i) =>
    s.ports.forEach((p, j) => {
      ports.add(p.published);
      if (ports.size > limit && !reported) {
        reported = true;
        const engine = [...engines].find((e) => LISTENER_LIMITS[e] === limit);
        issue(
          ["services", i, "ports", j, "published"],
          p.published,
          `at most ${limit} distinct published ports in all (a ${engine} region's load balancer has one listener per port and at most ${limit}); this is port number ${ports.size}`,
        );
      }
    }),
  );

  // The native engine's target groups check the site over HTTP even when the Route 53 health check is off.
  const tcpPorts = config.services.flatMap((svc) => svc.ports.filter((p) => p.protocol === "tcp").map((p) => p.published));
  const checkPort = config.healthCheck.port ?? config.services[0]?.ports[0]?.published;
  if (engines.has("native") && !config.healthCheck.enabled && checkPort !== undefined && !tcpPorts.includes(checkPort)) {
    issue(
      config.healthCheck.port === undefined ? ["services", 0, "ports", 0, "protocol"] : ["healthCheck", "port"],
      config.healthCheck.port ?? "udp",
      `a tcp port that a service publishes, for the HTTP health check of native regions' target groups (published tcp ports: ${tcpPorts.join(", ") || "none"})`,
    );
  }
}
