// The engine seam: builds a region's swarm with the engine the config names. Everything after this (outputs,
// DNS, health checks, provisioning) sees only the RegionalSwarm interface.
import type { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { EngineName, RegionConfig, SiteConfig } from "../config/schema";
import type { RegionalSwarm } from "../constructs/regional-swarm";
import { cloudFormationStackName, sitePort } from "./names";

export function engineOf(site: SiteConfig, region: RegionConfig): EngineName {
  return region.engine ?? site.engine;
}

/** How a region's services are started: `provisioning.method`, else "ssm" on native and "ssh" on Docker for AWS. */
export function provisioningMethodOf(site: SiteConfig, region: RegionConfig): "ssh" | "ssm" {
  return site.provisioning.method ?? (engineOf(site, region) === "native" ? "ssm" : "ssh");
}

/** Builds the swarm of `region` as construct `id` under `scope`. */
export function buildSwarm(scope: Construct, id: string, site: SiteConfig, region: RegionConfig, dependsOn?: ITerraformDependable[]): RegionalSwarm {
  const stackName = cloudFormationStackName(site, region);
  const shared = {
    stackName,
    keyName: region.keyName,
    managers: region.managers,
    workers: region.workers,
    managerInstanceType: region.managerInstanceType,
    workerInstanceType: region.workerInstanceType,
    managerDiskSize: region.managerDiskSize,
    workerDiskSize: region.workerDiskSize,
    dependsOn,
  };
  // Each engine is loaded only when a region uses it (its provider modules cost synth time).
  switch (engineOf(site, region)) {
    case "docker-for-aws": {
      const { DockerForAwsSwarm } = require("../constructs/docker-for-aws-swarm") as typeof import("../constructs/docker-for-aws-swarm");
      return new DockerForAwsSwarm(scope, id, {
        ...shared,
        templateUrl: region.templateUrl,
        managerDiskType: region.managerDiskType,
        workerDiskType: region.workerDiskType,
        enableSystemPrune: region.enableSystemPrune,
        enableCloudWatchLogs: region.enableCloudWatchLogs,
        extraParameters: region.templateParameters,
      });
    }
    case "native": {
      const { NativeSwarm } = require("../constructs/native/native-swarm") as typeof import("../constructs/native/native-swarm");
      const swarm = new NativeSwarm(scope, id, {
        ...shared,
        region: region.region,
        amiParameter: region.amiParameter,
        vpc: region.vpc,
        sshCidrs: region.sshCidrs,
        loadBalancer: region.loadBalancer,
        ports: site.services.flatMap((s) => s.ports.map((p) => ({ published: p.published, protocol: p.protocol }))),
        // With tls the load balancer decrypts: its targets (the site port) answer plain HTTP.
        healthCheckPort: site.tls ? sitePort(site.services) : (site.healthCheck.port ?? sitePort(site.services)),
        healthCheckPath: site.healthCheck.resourcePath,
        healthCheckProtocol: site.tls ? "HTTP" : site.healthCheck.type,
        tlsPort: site.tls?.port,
      });
      // The seam's optional ALB/NLB ARN (Global Accelerator endpoints), from the construct's own load balancer.
      return Object.assign(swarm, { loadBalancerArn: swarm.loadBalancer.loadBalancer.arn });
    }
  }
}
