// The Mermaid diagram of what a config builds (rendering only). `npm run diagram` (cli/diagram-cli.ts) prints it
// for the user's config; `npm run docs:diagram` (scripts/update-docs.ts) keeps README.md and
// docs/architecture.md in sync with the built-in config's.
import type { RegionConfig, SiteConfig } from "../config/schema";
import { DEFAULT_WEIGHT, isLegacyPair, STANDBY_PREFIX, STANDBY_SET_IDENTIFIER } from "../constructs/routing-records";
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

/** What the record of region `index` says: its routing policy and set identifier. */
function recordLabel(site: SiteConfig, index: number, host: string): string {
  const r = site.regions[index];
  switch (site.routing.policy) {
    case "failover":
      if (index === 0 || isLegacyPair(site)) return `A alias ${host}<br/>failover ${index === 0 ? "PRIMARY" : "SECONDARY"}, set id ${r.region}`;
      return `A alias ${STANDBY_PREFIX}.${host}<br/>latency ${r.region}, set id ${r.region}`;
    case "latency":
      return `A alias ${host}<br/>latency ${r.region}, set id ${r.region}`;
    case "weighted":
      return `A alias ${host}<br/>weight ${r.weight ?? DEFAULT_WEIGHT}, set id ${r.region}`;
    case "accelerator":
      return `endpoint group ${r.region}<br/>traffic dial ${r.trafficDial ?? 100}%`;
  }
}

/** The Mermaid flowchart of a site (the rendering only: no files, no config loading). */
export function siteDiagram(site: SiteConfig): string {
  const host = siteHostName(site);
  const port = sitePort(site.services);
  const checkPort = site.healthCheck.port ?? port;
  const zone = site.hostedZone.zoneId ? `existing zone ${site.hostedZone.zoneId}` : `new public zone ${site.domain}`;
  const services = site.services.map((s) => `${s.name} x${s.replicas}`).join(", ");
  const policy = site.routing.policy;
  const chain = policy === "failover" && !isLegacyPair(site);
  const everyRegion = site.alarm.everyRegion ?? !isLegacyPair(site);
  const lines = [
    "flowchart TB",
    `  visitors(["visitors: ${siteUrl(host, port)}"]) --> zone`,
    `  subgraph dns["stack dns (global)"]`,
    `    zone["Route 53 ${zone}"]`,
  ];
  if (policy === "accelerator") {
    const listeners = site.services.flatMap((s) => s.ports.map((p) => `${p.protocol.toUpperCase()} :${p.published}`)).join(", ");
    lines.push(`    site_record["A alias ${host}"]`, `    accelerator["Global Accelerator (us-west-2 API)<br/>2 static anycast IPs; listeners ${listeners}"]`);
  }
  if (chain) {
    lines.push(
      `    secondary["A alias ${host}<br/>failover SECONDARY, set id ${STANDBY_SET_IDENTIFIER}"]`,
      `    standby["${STANDBY_PREFIX}.${host}: latency-routed standby set"]`,
    );
  }
  site.regions.forEach((r, i) => {
    lines.push(`    rec_${id(r.region)}["${recordLabel(site, i, host)}"]`);
    if (site.healthCheck.enabled) {
      lines.push(`    hc_${id(r.region)}{{"health check ${site.healthCheck.type} :${checkPort}${site.healthCheck.resourcePath}<br/>every ${site.healthCheck.requestInterval} s, ${site.healthCheck.failureThreshold} failures"}}`);
    }
  });
  if (site.healthCheck.enabled) {
    lines.push(everyRegion ? `    alarm["CloudWatch alarm per region + all-regions alarm (us-east-1) -> SNS"]` : `    alarm["CloudWatch alarm (us-east-1) -> SNS"]`);
  }
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
  if (policy === "accelerator") lines.push("  zone --> site_record", "  site_record --> accelerator");
  if (chain) lines.push(`  zone --> rec_${id(site.regions[0].region)}`, "  zone --> secondary", "  secondary --> standby");
  site.regions.forEach((r, i) => {
    const rid = id(r.region);
    const from = policy === "accelerator" ? "accelerator" : chain && i > 0 ? "standby" : "zone";
    if (!(chain && i === 0)) lines.push(`  ${from} --> rec_${rid}`);
    lines.push(`  rec_${rid} --> elb_${rid}`);
    if (site.healthCheck.enabled) {
      lines.push(`  hc_${rid} -. checks .-> elb_${rid}`);
      if (policy !== "accelerator") lines.push(`  rec_${rid} -. uses .-> hc_${rid}`);
    }
  });
  if (site.healthCheck.enabled) {
    const watched = everyRegion ? site.regions : site.regions.slice(0, 1);
    for (const r of watched) lines.push(`  alarm -. watches .-> hc_${id(r.region)}`);
  }
  return lines.join("\n");
}
