// Configs that AWS (or a construct) would reject only at apply time: each is a config error with one exact
// line naming the field, the value and what is allowed. Each case has exactly one problem.
import { Testing } from "cdktf";
import { ConfigError, parseConfig } from "../../config/load";
import { configSchema } from "../../config/schema";
import { buildSite } from "../../stacks/site";
import { AWS_PARTITION_REGIONS, AWS_PARTITION_REGION_PATTERNS } from "../../config/aws-regions";
import { regionPartition, SUPPORTED_REGIONS } from "../../config/safety";
import { seedWith, type Json } from "../helpers";

const region = (extra: Json = {}) => ({ region: "us-west-2", keyName: "swarm", ...extra });
const second = { region: "us-east-2", keyName: "docker" };
const native = (extra: Json = {}) => region({ engine: "native", sshCidrs: ["203.0.113.7/32"], ...extra });
const service = (extra: Json = {}) => ({ name: "web", image: "nginx", replicas: 1, ports: [{ published: 8080, target: 80 }], ...extra });
const ports = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ published: from + i, target: 80 }));
const LONG_DOMAIN = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`; // 253 characters

function configError(overrides: Json): string {
  try {
    parseConfig(seedWith(overrides), "site.json");
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error("the config was accepted");
}

const rejected: [string, Json, string][] = [
  // Regions: the AWS SDK's list, partitions aws and aws-us-gov.
  ["region that does not exist", { regions: [region({ region: "xx-nowhere-9" }), second] },
    'regions[0].region: got "xx-nowhere-9"; expected an AWS region name like "us-west-2" of partition aws or aws-us-gov (the AWS SDK\'s list)'],
  ["region number that does not exist", { regions: [region({ region: "us-east-9" }), second] },
    'regions[0].region: got "us-east-9"; expected an AWS region name like "us-west-2" of partition aws or aws-us-gov (the AWS SDK\'s list); did you mean "us-east-1"?'],
  ["region of the China partition", { regions: [region(), { region: "cn-north-1", keyName: "k" }] },
    'regions[1].region: got "cn-north-1"; expected a region of partition aws or aws-us-gov: cn-north-1 is in partition aws-cn, which ha-site does not support'],
  ["s3 backend region", { backend: { type: "s3", bucket: "my-state", region: "us-east-9" } },
    'backend.region: got "us-east-9"; expected an AWS region name like "us-east-1" of partition aws or aws-us-gov (the AWS SDK\'s list); did you mean "us-east-1"?'],
  // Health checker regions: a set in the provider.
  ["health checker regions repeated", { healthCheck: { regions: ["us-east-1", "us-east-1", "us-west-1"] } },
    'healthCheck.regions[1]: got "us-east-1"; expected a checker region not already listed (Route 53 needs at least 3 distinct of us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1) ([0] has it)'],
  // Services.
  ["service names differing only by case", { services: [service({ name: "hello-world" }), service({ name: "Hello-World", ports: [{ published: 8081, target: 80 }] })] },
    'services[1].name: got "Hello-World"; expected a service name not already used in another case (services[0] is "hello-world"; swarm ignores case)'],
  ["env key __proto__", { services: [service({ env: JSON.parse('{"__proto__":"x","OK":"1"}') })] },
    'services[0].env.__proto__: got "__proto__"; expected an environment variable name, other than "__proto__" (a JavaScript object cannot hold that key)'],
  ["template parameter __proto__", { regions: [region({ templateParameters: JSON.parse('{"__proto__":"x"}') }), second] },
    'regions[0].templateParameters.__proto__: got "__proto__"; expected a CloudFormation parameter name, other than "__proto__" (a JavaScript object cannot hold that key)'],
  ["cdktf token marker in a value", { regions: [region({ keyName: "${TfToken[TOKEN.1]}" }), second] },
    'regions[0].keyName: got "${TfToken[TOKEN.1]}"; expected the name of an existing EC2 key pair in that region (1 to 255 printable characters), without "${TfToken[" (cdktf\'s internal token marker)'],
  ["cdktf token marker in a template parameter", { regions: [region({ templateParameters: { Extra: "#{TfToken[TOKEN.1]}" } }), second] },
    'regions[0].templateParameters.Extra: got "#{TfToken[TOKEN.1]}"; expected a string value, without "${TfToken[" (cdktf\'s internal token marker)'],
  // Listeners: one per published port.
  ["51 ports on a native region's load balancer", { regions: [native(), second], services: [service({ ports: ports(8000, 51) })] },
    "services[0].ports[50].published: got 8050; expected at most 50 distinct published ports in all (a native region's load balancer has one listener per port and at most 50); this is port number 51"],
  ["101 ports on Docker for AWS's load balancer", { services: [service({ ports: ports(8000, 60) }), service({ name: "b", ports: ports(9000, 41) })] },
    "services[1].ports[40].published: got 9040; expected at most 100 distinct published ports in all (a docker-for-aws region's load balancer has one listener per port and at most 100); this is port number 101"],
  // Native checks that constructs used to throw on.
  ["native SSH CIDR with host bits", { regions: [native({ sshCidrs: ["203.0.113.7/24"] }), second] },
    'regions[0].sshCidrs[0]: got "203.0.113.7/24"; expected the network address "203.0.113.0/24" (host bits zero)'],
  ["native SSH CIDR listed twice", { regions: [native({ sshCidrs: ["203.0.113.7/32", "198.51.100.0/24", "203.0.113.7/32"] }), second] },
    'regions[0].sshCidrs[2]: got "203.0.113.7/32"; expected a CIDR not already listed ([0] has it)'],
  ["native VPC with host bits", { regions: [native({ vpc: "10.20.30.0/16" }), second] },
    'regions[0].vpc: got "10.20.30.0/16"; expected the network address "10.20.0.0/16" (host bits zero)'],
  ["native region, only udp ports, health check off", { regions: [native(), second], healthCheck: { enabled: false }, services: [service({ ports: [{ published: 53, target: 53, protocol: "udp" }] })] },
    'services[0].ports[0].protocol: got "udp"; expected a tcp port that a service publishes, for the HTTP health check of native regions\' target groups (published tcp ports: none)'],
  ["native region, health check off, port not published", { regions: [native(), second], healthCheck: { enabled: false, port: 9999 } },
    "healthCheck.port: got 9999; expected a tcp port that a service publishes, for the HTTP health check of native regions' target groups (published tcp ports: 8080)"],
  // DNS names.
  ["domain that is an IP address", { domain: "192.168.1.1" },
    'domain: got "192.168.1.1"; expected a DNS name whose last label is not all digits (not an IP address), like "example.com"'],
  ["domain ending in a numeric label", { domain: "example.123" },
    'domain: got "example.123"; expected a DNS name whose last label is not all digits (not an IP address), like "example.com"'],
  ["record name that contains the domain", { recordName: "www.nosqlsearch.com" },
    'recordName: got "www.nosqlsearch.com"; expected a name inside the zone without the domain: "www"'],
  ["record name that is the domain", { recordName: "nosqlsearch.com" },
    'recordName: got "nosqlsearch.com"; expected a name inside the zone without the domain: "" for the zone apex'],
  ["record name too long for the domain", { domain: LONG_DOMAIN, recordName: "www" },
    'recordName: got "www"; expected "" (the zone apex): the domain has 253 characters, so "<recordName>.<domain>" would be longer than 253'],
  ["record name too long", { domain: LONG_DOMAIN.slice(LONG_DOMAIN.length - 240), recordName: "a".repeat(13) },
    'recordName: got "aaaaaaaaaaaaa"; expected at most 12 characters, so that "<recordName>.<domain>" has at most 253'],
  ["health check path with a template", { healthCheck: { resourcePath: "/${var.x}" } },
    'healthCheck.resourcePath: got "/${var.x}"; expected a path starting with "/", like "/health": at most 255 letters, digits and -._~!$&\'()*+,;=:@/? ("%" only as %XX)'],
  ["health check path with a directive", { healthCheck: { resourcePath: "/%{if true}" } },
    'healthCheck.resourcePath: got "/%{if true}"; expected a path starting with "/", like "/health": at most 255 letters, digits and -._~!$&\'()*+,;=:@/? ("%" only as %XX)'],
  // S3 bucket names.
  ["state bucket in IP form", { backend: { type: "s3", bucket: "192.168.1.1", region: "us-east-1" } },
    'backend.bucket: got "192.168.1.1"; expected an S3 bucket name not an IP address'],
  ["state bucket with '..'", { backend: { type: "s3", bucket: "my..state", region: "us-east-1" } },
    'backend.bucket: got "my..state"; expected an S3 bucket name no two adjacent periods'],
  ["state bucket with a reserved suffix", { backend: { type: "s3", bucket: "my-state-s3alias", region: "us-east-1" } },
    'backend.bucket: got "my-state-s3alias"; expected an S3 bucket name not ending with "-s3alias", "--ol-s3", ".mrap", "--x-s3" or "--table-s3"'],
];

describe("configs that would fail at apply", () => {
  it.each(rejected)("%s", (_name, overrides, message) => {
    expect(configError(overrides)).toBe(`site.json: ${message}`);
  });
});

const accepted: [string, Json][] = [
  ["GovCloud regions", { regions: [native({ region: "us-gov-west-1" }), { ...native({ region: "us-gov-east-1" }) }] }],
  ["a domain starting with a digit", { domain: "1password-test.com" }],
  ["a 253-character domain", { domain: LONG_DOMAIN }],
  ["record name as long as the domain allows", { domain: "example.com", recordName: `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(49)}` }],
  ["3 distinct health checker regions", { healthCheck: { regions: ["us-east-1", "us-west-1", "eu-west-1"] } }],
  ["50 ports on a native region", { regions: [native(), second], services: [service({ ports: ports(8000, 50) })] }],
  ["tcp and udp on one port count once", { regions: [native(), second], services: [service({ ports: [...ports(8000, 50), { published: 8001, target: 53, protocol: "udp" }] })] }],
  ["env keys JavaScript treats specially, other than __proto__", { services: [service({ env: { constructor: "c", toString: "t", hasOwnProperty: "h", valueOf: "v", prototype: "p" } })] }],
  ["a health check path with a query and %XX", { healthCheck: { resourcePath: "/status?full=1&x=%7B" } }],
  ["a native health-check port that is tcp, health check off", { regions: [native(), second], healthCheck: { enabled: false } }],
];

describe("configs that deploy", () => {
  it.each(accepted)("%s", (_name, overrides) => {
    expect(() => parseConfig(seedWith(overrides), "site.json")).not.toThrow();
  });

  it("keeps env keys such as constructor and toString, with their values, up to the deploy script", () => {
    const env = { constructor: "c", toString: "t", hasOwnProperty: "h", valueOf: "v", OK: "1" };
    const config = parseConfig(seedWith({ services: [service({ env })] }), "site.json");
    expect(Object.entries(config.services[0].env)).toEqual(Object.entries(env));
    const site = buildSite(Testing.app(), config);
    const script = JSON.stringify(Testing.synth(site.regions[0]));
    for (const [key, value] of Object.entries(env)) expect(script).toMatch(new RegExp(`DESIRED_ENV='[^']*\\\\n${key}=${value}|DESIRED_ENV='${key}=${value}`));
  });

  it("rejects __proto__ as a field name like any unknown field", () => {
    const known = Object.keys(configSchema.shape).join(", ");
    expect(configError(JSON.parse('{"__proto__": {"domain": "x.com"}}'))).toBe(`site.json: __proto__: unknown field (allowed: ${known})`);
  });
});

describe("the region list (config/aws-regions.ts, generated from the AWS SDK's partitions)", () => {
  it("has the real regions and no made-up ones", () => {
    expect(regionPartition("us-gov-west-1")).toBe("aws-us-gov");
    expect(regionPartition("us-west-2")).toBe("aws");
    expect(regionPartition("cn-north-1")).toBe("aws-cn");
    expect(regionPartition("xx-nowhere-9")).toBeUndefined();
    expect(regionPartition("us-east-9")).toBeUndefined();
    expect(SUPPORTED_REGIONS).toEqual(expect.arrayContaining(["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "us-gov-west-1", "us-gov-east-1"]));
    expect(SUPPORTED_REGIONS).not.toContain("cn-north-1");
  });

  it("lists each region under the partition whose own pattern it matches, and no pseudo-region", () => {
    for (const [partition, regions] of Object.entries(AWS_PARTITION_REGIONS)) {
      const re = new RegExp(AWS_PARTITION_REGION_PATTERNS[partition as keyof typeof AWS_PARTITION_REGION_PATTERNS]);
      expect(regions.length).toBeGreaterThan(0);
      for (const r of regions) expect(`${partition} ${r} ${re.test(r)}`).toBe(`${partition} ${r} true`);
      expect(regions).not.toContain(`${partition}-global`);
    }
  });
});
