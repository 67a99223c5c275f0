// Field rules that keep a config from failing at apply time (or at synth time in a construct): real AWS
// regions, DNS names AWS accepts, CIDRs as AWS stores them, lists without duplicates. Each rule says in one
// line what is allowed, like every leaf of the schema (./fields.ts).
import { z } from "zod";
import { AWS_PARTITION_REGIONS } from "./aws-regions";
import { closest, ipv4Network, pattern } from "./fields";

// ---------------------------------------------------------------------------------------------------------
// Regions

/**
 * Partitions whose regions a site may use. "aws" (the commercial regions) holds everything ha-site needs: Route
 * 53 public hosted zones, health checks and the us-east-1 metrics the alarm reads. "aws-us-gov" is accepted
 * for the swarms (a region there runs EC2, ELB and CloudFormation like any other), though GovCloud has no
 * public hosted zones: the site's zone and records stay in the commercial partition. Not accepted: aws-cn
 * (a separate Route 53 and accounts that need an ICP licence), the isolated aws-iso* partitions (no public
 * internet) and aws-eusc (European Sovereign Cloud, separate accounts and its own Route 53).
 */
export const SUPPORTED_PARTITIONS = ["aws", "aws-us-gov"] as const;

type PartitionId = keyof typeof AWS_PARTITION_REGIONS;

/** The partition of a region name in the AWS SDK's list, or undefined for a name that is no region. */
export function regionPartition(region: string): PartitionId | undefined {
  for (const [id, regions] of Object.entries(AWS_PARTITION_REGIONS) as [PartitionId, readonly string[]][]) {
    if (regions.includes(region)) return id;
  }
  return undefined;
}

/** The regions a site may use (of SUPPORTED_PARTITIONS), sorted. */
export const SUPPORTED_REGIONS: readonly string[] = SUPPORTED_PARTITIONS.flatMap((p) => AWS_PARTITION_REGIONS[p]).sort();

/** A region of a supported partition, from the AWS SDK's region list (./aws-regions.ts). */
export function awsRegion(example: string) {
  const partitions = SUPPORTED_PARTITIONS.join(" or ");
  return z.string({ error: `an AWS region name like "${example}"` }).superRefine((region, ctx) => {
    const partition = regionPartition(region);
    if (partition !== undefined && (SUPPORTED_PARTITIONS as readonly string[]).includes(partition)) return;
    const hint = closest(region, SUPPORTED_REGIONS);
    const message =
      partition !== undefined
        ? `a region of partition ${partitions}: ${region} is in partition ${partition}, which ha-site does not support`
        : `an AWS region name like "${example}" of partition ${partitions} (the AWS SDK's list)${hint ? `; did you mean "${hint}"?` : ""}`;
    ctx.addIssue({ code: "custom", input: region, message });
  });
}

// ---------------------------------------------------------------------------------------------------------
// DNS names and URLs

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";

/**
 * The site's domain. Its last label may not be all digits: "192.168.1.1" is an IP address and "example.123" no
 * name a registrar sells (RFC 3696 section 2: top-level domains are never all-numeric).
 */
export const domainName = pattern(
  new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`),
  'a lower-case DNS name with at least two labels, like "example.com"',
).refine((domain) => !/(^|\.)[0-9]+$/.test(domain), {
  error: 'a DNS name whose last label is not all digits (not an IP address), like "example.com"',
});

/**
 * A health check path: RFC 3986 path and query characters, "%" only in %XX escapes. So neither "${" nor
 * "%{" (Terraform template syntax) can occur, and the native engine's target group accepts it too.
 */
export const healthCheckPath = pattern(
  /^(?=.{1,255}$)\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/,
  'a path starting with "/", like "/health": at most 255 letters, digits and -._~!$&\'()*+,;=:@/? ("%" only as %XX)',
);

/** S3's bucket naming rules (general purpose buckets). */
const BUCKET_RULES: readonly [RegExp, string][] = [
  [/^\d+\.\d+\.\d+\.\d+$/, "not an IP address"],
  [/\.\./, "no two adjacent periods"],
  [/^(xn--|sthree-|amzn-s3-demo-)/, 'not starting with "xn--", "sthree-" or "amzn-s3-demo-"'],
  [/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/, 'not ending with "-s3alias", "--ol-s3", ".mrap", "--x-s3" or "--table-s3"'],
];

export const bucketName = pattern(
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  "an S3 bucket name (3 to 63 lower-case letters, digits, '.' and '-')",
).superRefine((bucket, ctx) => {
  const broken = BUCKET_RULES.find(([re]) => re.test(bucket));
  if (broken) ctx.addIssue({ code: "custom", input: bucket, message: `an S3 bucket name ${broken[1]}` });
});

// ---------------------------------------------------------------------------------------------------------
// CIDRs and lists

/** An IPv4 CIDR (`re`) that is its own network address: AWS stores "10.0.0.0/8" for "10.0.0.9/8" (a perpetual diff) or rejects it. */
export function cidr(re: RegExp, allowed: string) {
  return pattern(re, allowed).superRefine((value, ctx) => hostBits(value, ctx));
}

/** "default" or a CIDR for a new VPC (`re`), with host bits zero. */
export function vpcCidr(re: RegExp, allowed: string) {
  return pattern(re, allowed).superRefine((value, ctx) => {
    if (value !== "default") hostBits(value, ctx);
  });
}

function hostBits(value: string, ctx: z.RefinementCtx): void {
  const network = ipv4Network(value);
  if (network && network.network !== value) {
    ctx.addIssue({ code: "custom", input: value, message: `the network address ${JSON.stringify(network.network)} (host bits zero)` });
  }
}

/** `list` with each item at most once: a repeated item is an issue at its index, naming the first index. */
export function distinctList<T extends z.ZodArray<z.ZodType>>(list: T, allowed: string) {
  return list.superRefine((items, ctx) => {
    const first = new Map<unknown, number>();
    items.forEach((item, i) => {
      const seen = first.get(item);
      if (seen !== undefined) ctx.addIssue({ code: "custom", path: [i], input: item, message: `${allowed} ([${seen}] has it)` });
      else first.set(item, i);
    });
  });
}
