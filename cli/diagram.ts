// The Mermaid diagram of what a config builds (rendering only). `npm run diagram` (cli/diagram-cli.ts) prints it
// for the user's config; `npm run docs:diagram` (scripts/update-docs.ts) keeps README.md and
// docs/architecture.md in sync with the built-in config's.
import type { RegionConfig, SiteConfig } from "../config/schema";
import { engineOf } from "../stacks/engines";
import { cloudFormationStackName, regionalStackName, siteHostName, sitePort, siteUrl } from "../stacks/names";

const id = (text: string) => text.replace(/[^A-Za-z0-9]/g, "_");

function swarmLabel(site: SiteConfig, region: RegionConfig): string {
  return engineOf(site, region) === "native" ? "native swarm (EC2 launch templates + ASGs)" : "Docker for AWS swarm (CloudFormation)";
}

function lbLabel(site: SiteConfig, region: RegionConfig): string {
  if (engineOf(site, region) !== "native") return "load balancer (Docker for AWS ELB)";
  return region.loadBalancer === "alb" ? "application load balancer" : "network load balancer";
}

/** The Mermaid flowchart of a site. */
export function siteDiagram(site: SiteConfig): string {
  const host = siteHostName(site);
  const port = sitePort(site.services);
  const checkPort = site.healthCheck.port ?? port;
  const zone = site.hostedZone.zoneId ? `existing zone ${site.hostedZone.zoneId}` : `new public zone ${site.domain}`;
  const services = site.services.map((s) => `${s.name} x${s.replicas}`).join(", ");
  const lines = [
    "flowchart TB",
    `  visitors(["visitors: ${siteUrl(host, port)}"]) --> zone`,
    `  subgraph dns["stack dns (global)"]`,
    `    zone["Route 53 ${zone}"]`,
  ];
  site.regions.forEach((r, i) => {
    const role = i === 0 ? "PRIMARY" : "SECONDARY";
    lines.push(`    rec_${id(r.region)}["A alias ${host}<br/>failover ${role}, set id ${r.region}"]`);
    if (site.healthCheck.enabled) {
      lines.push(`    hc_${id(r.region)}{{"health check ${site.healthCheck.type} :${checkPort}${site.healthCheck.resourcePath}<br/>every ${site.healthCheck.requestInterval} s, ${site.healthCheck.failureThreshold} failures"}}`);
    }
  });
  if (site.healthCheck.enabled) lines.push(`    alarm["CloudWatch alarm (us-east-1) -> SNS"]`);
  lines.push("  end");
  site.regions.forEach((r) => {
    const rid = id(r.region);
    lines.push(
      `  subgraph ${rid}["stack ${regionalStackName(r.region)}"]`,
      `    elb_${rid}["${lbLabel(site, r)}"]`,
      `    swarm_${rid}["${swarmLabel(site, r)} ${cloudFormationStackName(site, r)}<br/>${r.managers} managers, ${r.workers} workers<br/>${services}"]`,
      `    elb_${rid} --> swarm_${rid}`,
      "  end",
    );
  });
  site.regions.forEach((r) => {
    const rid = id(r.region);
    lines.push(`  zone --> rec_${rid}`, `  rec_${rid} --> elb_${rid}`);
    if (site.healthCheck.enabled) lines.push(`  hc_${rid} -. checks .-> elb_${rid}`, `  rec_${rid} -. uses .-> hc_${rid}`);
  });
  if (site.healthCheck.enabled) lines.push(`  alarm -. watches .-> hc_${id(site.regions[0].region)}`);
  return lines.join("\n");
}
