// The DNS stack's part of `tls`: per native region, a provider for that region and the certificate, its DNS
// validation in the site's zone and the TLS listener (constructs/native/tls.ts explains why they live here).
import type { Construct } from "constructs";
import type { TerraformRemoteState } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { SiteConfig, TlsConfig } from "../config/schema";
import { RegionalTls } from "../constructs/native/tls";
import { siteHostName } from "./names";
import { REGIONAL_OUTPUTS, type RegionalStack } from "./regional-stack";

export function addSiteTls(
  scope: Construct,
  site: SiteConfig,
  tls: TlsConfig,
  zoneId: string,
  regions: readonly { readonly regional: RegionalStack; readonly state: TerraformRemoteState }[],
): RegionalTls[] {
  const host = siteHostName(site);
  return regions.map(({ regional, state }) => {
    const region = site.regions.find((r) => r.region === regional.region);
    const provider = new AwsProvider(scope, `aws-${regional.region}`, {
      alias: `region_${regional.region.replace(/-/g, "_")}`,
      region: regional.region,
      defaultTags: [{ tags: { "ha-site:domain": site.domain } }],
    });
    return new RegionalTls(scope, `Tls-${regional.region}`, {
      provider,
      domainName: host,
      zoneId,
      loadBalancerArn: state.getString(REGIONAL_OUTPUTS.lbArn),
      targetGroupArn: state.getString(REGIONAL_OUTPUTS.siteTargetGroupArn),
      kind: region?.loadBalancer ?? "nlb",
      port: tls.port,
      securityPolicy: tls.securityPolicy,
      name: `${host} ${regional.region}`,
    });
  });
}
