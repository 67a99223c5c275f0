// Stable names. Stack names are API: they name Terraform Cloud workspaces and state files.
import type { RegionConfig, ServiceConfig, SiteConfig } from "../config/schema";
import { fitName } from "../constructs/fit-name";

export const DNS_STACK_NAME = "dns";

/** The cdktf stack of one region, e.g. "swarm-us-west-2". */
export function regionalStackName(region: string): string {
  return `swarm-${region}`;
}

/**
 * The CloudFormation stack name: set in the config, or derived from the domain, e.g. "nosqlsearch-com-swarm".
 * A derived name always fits CloudFormation's rule (a letter, then letters, digits and "-", at most 128): a
 * domain starting with a digit gets "ha-site-" in front ("ha-site-1password-com-swarm"), a long one is cut
 * to fit with a hash (fitName).
 */
export function cloudFormationStackName(site: SiteConfig, region: RegionConfig): string {
  if (region.stackName !== undefined) return region.stackName;
  const base = site.domain.replace(/\./g, "-");
  const lettered = /^[A-Za-z]/.test(base) ? base : `ha-site-${base}`;
  return `${fitName(lettered, 128 - "-swarm".length)}-swarm`;
}

/** "ha-site-<domain with dashes><suffix>", at most `limit` characters (the domain part shortened with a hash). */
export function siteResourceName(domain: string, suffix: string, limit = 255): string {
  const prefix = "ha-site-";
  return `${prefix}${fitName(domain.replace(/\./g, "-"), limit - prefix.length - suffix.length)}${suffix}`;
}

/** Name of the primary's alarm and of its SNS topic: "ha-site-<domain with dashes>-primary-unhealthy", at most 255 (alarm limit). */
export function primaryAlarmName(domain: string): string {
  return siteResourceName(domain, "-primary-unhealthy");
}

/** The name visitors use: the record name inside the domain, or the domain itself. */
export function siteHostName(site: SiteConfig): string {
  return site.recordName ? `${site.recordName}.${site.domain}` : site.domain;
}

/** The site's port: the first service's first published port. */
export function sitePort(services: readonly ServiceConfig[]): number {
  return services[0].ports[0].published;
}

/** A URL for `host` on the site's port ("http://host:8080/", or "http://host/" on port 80; "https://host/" on 443). */
export function siteUrl(host: string, port: number, scheme: "http" | "https" = "http"): string {
  const defaultPort = scheme === "https" ? 443 : 80;
  return port === defaultPort ? `${scheme}://${host}/` : `${scheme}://${host}:${port}/`;
}

/** Where visitors reach the site: the TLS listener with `tls`, else the site port over HTTP. */
export function siteEndpoint(site: SiteConfig): { readonly port: number; readonly scheme: "http" | "https" } {
  return site.tls ? { port: site.tls.port, scheme: "https" } : { port: sitePort(site.services), scheme: "http" };
}

/** The sensitive Terraform variable holding a region's SSH private key, e.g. "ssh_private_key_us_west_2". */
export function sshKeyVariableName(region: string): string {
  return `ssh_private_key_${region.replace(/-/g, "_")}`;
}
