// Every rule: a negative test (the synthesized fixture that does it right passes) and a positive test (the
// same fixture, broken the way the rule guards against, or a config that builds the problem, is flagged).
import type { SiteConfigInput } from "../../config/schema";
import { SEED_CONFIG } from "../../config/seed";
import { RULES } from "../../policy/rules";
import { runPolicy } from "../../policy/run";
import { resources } from "../../policy/tf";
import type { Hit, Json, SynthApp } from "../../policy/types";
import { addressOf, at, broken, NATIVE_CONFIG, removeSynthDirs, synthApp } from "./fixtures";

let seed: SynthApp;
let native: SynthApp;
let noHealthChecks: SynthApp;
let nativeOn80: SynthApp;

beforeAll(() => {
  seed = synthApp(SEED_CONFIG);
  native = synthApp(NATIVE_CONFIG);
  noHealthChecks = synthApp({ ...structuredClone(SEED_CONFIG), healthCheck: { enabled: false } } as SiteConfigInput);
  nativeOn80 = synthApp({ ...structuredClone(NATIVE_CONFIG), services: [{ name: "web", image: "nginx", replicas: 2, ports: [{ published: 80, target: 80 }] }] });
}, 180_000);
afterAll(removeSynthDirs);

function check(id: string, app: SynthApp): Hit[] {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule.check(app);
}

/** The fixture has what the rule reads, so that a pass is not vacuous. */
function expectTypes(app: SynthApp, ...types: string[]) {
  for (const type of types) expect(resources(app, [type]).length).toBeGreaterThan(0);
}

const WEST = "swarm-us-west-2";

describe("CKV_AWS_24 (SSH from the world)", () => {
  it("passes the native engine's SSH rule from sshCidrs", () => {
    expectTypes(native, "aws_vpc_security_group_ingress_rule");
    expect(check("CKV_AWS_24", native)).toEqual([]);
  });
  it("flags the SSH rule opened to 0.0.0.0/0", () => {
    const app = broken(native, (s) => (at(s[WEST], "aws_vpc_security_group_ingress_rule", "Security/Ssh-203-0-113-0-24").cidr_ipv4 = "0.0.0.0/0"));
    expect(check("CKV_AWS_24", app)).toEqual([
      { stack: WEST, address: addressOf(app.stacks[2].json, "aws_vpc_security_group_ingress_rule", "Ssh-203-0-113-0-24"), path: `${WEST}/Swarm/Security/Ssh-203-0-113-0-24`, message: "SSH (tcp/22) is open to 0.0.0.0/0" },
    ]);
  });
});

describe("CKV_AWS_260 (HTTP from the world)", () => {
  it("passes a site published on 8080 (open to the world, but not port 80)", () => {
    expect(check("CKV_AWS_260", native)).toEqual([]);
  });
  it("flags a native site published on :80, which the suppression from RULES.md and docs/config.md accepts", () => {
    expect(check("CKV_AWS_260", nativeOn80)).toEqual([expect.objectContaining({ stack: WEST, path: `${WEST}/Swarm/Security/Published-80-tcp`, message: "HTTP (tcp/80) is open to 0.0.0.0/0" })]);
    const report = runPolicy(nativeOn80, [{ rule: "CKV_AWS_260", resource: "swarm-*/Swarm/Security/Published-80-tcp", reason: "a public website serves :80" }]);
    expect(report.findings.filter((f) => f.rule === "CKV_AWS_260")).toEqual([]);
    expect(report.suppressed.map((s) => s.finding.rule)).toEqual(["CKV_AWS_260"]);
  });
  it("flags the published-port rule moved to 80", () => {
    const app = broken(native, (s) => Object.assign(at(s[WEST], "aws_vpc_security_group_ingress_rule", "Published-8080-tcp"), { from_port: 80, to_port: 80 }));
    expect(check("CKV_AWS_260", app).map((h) => h.message)).toEqual(["HTTP (tcp/80) is open to 0.0.0.0/0"]);
  });
});

describe("CKV_AWS_79 (IMDSv1)", () => {
  it("passes the native launch templates (http_tokens required)", () => {
    expectTypes(native, "aws_launch_template");
    expect(check("CKV_AWS_79", native)).toEqual([]);
  });
  it("flags a launch template with optional tokens", () => {
    const app = broken(native, (s) => (at(s[WEST], "aws_launch_template", "WorkerLaunchTemplate").metadata_options.http_tokens = "optional"));
    expect(check("CKV_AWS_79", app)).toEqual([expect.objectContaining({ stack: WEST, path: `${WEST}/Swarm/WorkerLaunchTemplate`, message: 'metadata_options.http_tokens is "optional", not "required": IMDSv1 is enabled' })]);
  });
});

/** The synthesized native app plus an aws_instance built from the manager launch template's settings. */
function withInstance(encrypted: Json): SynthApp {
  return broken(native, (s) => {
    const lt = at(s[WEST], "aws_launch_template", "ManagerLaunchTemplate");
    s[WEST].resource.aws_instance = {
      Bastion_0A1B2C3D: { "//": { metadata: { path: `${WEST}/Bastion` } }, ami: lt.image_id, instance_type: lt.instance_type, metadata_options: lt.metadata_options, root_block_device: { volume_size: 20, encrypted } },
    };
  });
}

describe("CKV_AWS_8 (instance / launch configuration EBS encryption)", () => {
  it("passes an instance with an encrypted root volume", () => {
    expect(check("CKV_AWS_8", withInstance(true))).toEqual([]);
  });
  it("flags an instance whose root volume is not encrypted", () => {
    expect(check("CKV_AWS_8", withInstance(false))).toEqual([expect.objectContaining({ address: "aws_instance.Bastion_0A1B2C3D", message: "root_block_device.encrypted is false, not true" })]);
  });
});

describe("HA_LAUNCH_TEMPLATE_EBS_UNENCRYPTED", () => {
  it("passes the native launch templates (encrypted gp3)", () => {
    expect(check("HA_LAUNCH_TEMPLATE_EBS_UNENCRYPTED", native)).toEqual([]);
  });
  it("flags a mapping whose volume is not encrypted", () => {
    const app = broken(native, (s) => (at(s[WEST], "aws_launch_template", "ManagerLaunchTemplate").block_device_mappings[0].ebs.encrypted = "false"));
    expect(check("HA_LAUNCH_TEMPLATE_EBS_UNENCRYPTED", app).map((h) => h.message)).toEqual(['block_device_mappings[0] ("/dev/xvda"): ebs.encrypted is "false", not true']);
  });
});

describe("CKV_AWS_91 (load balancer access logs)", () => {
  it("flags the native NLB, which keeps no access logs", () => {
    expect(check("CKV_AWS_91", native)).toEqual([expect.objectContaining({ stack: WEST, path: `${WEST}/Swarm/LoadBalancer/Resource` })]);
  });
  it("passes once access logs are enabled", () => {
    const app = broken(native, (s) => (at(s[WEST], "aws_lb", "LoadBalancer/Resource").access_logs = { bucket: "logs", enabled: true }));
    expect(check("CKV_AWS_91", app)).toEqual([]);
  });
});

describe("CKV_AWS_26 (SNS encryption)", () => {
  it("flags the alarm topic, which is not encrypted", () => {
    expect(check("CKV_AWS_26", seed)).toEqual([expect.objectContaining({ stack: "dns", path: "dns/PrimaryAlarm/Topic" })]);
  });
  it("passes a topic with a KMS key", () => {
    const app = broken(seed, (s) => (at(s.dns, "aws_sns_topic", "PrimaryAlarm/Topic").kms_master_key_id = "${aws_kms_key.Alarm.arn}"));
    expect(check("CKV_AWS_26", app)).toEqual([]);
  });
});

describe("CKV2_AWS_38 (DNSSEC) and CKV2_AWS_39 (query logging)", () => {
  it("flag the new public zone, which is neither signed nor logged", () => {
    expect(check("CKV2_AWS_38", seed)).toEqual([expect.objectContaining({ stack: "dns", path: "dns/Failover/Zone" })]);
    expect(check("CKV2_AWS_39", seed)).toEqual([expect.objectContaining({ stack: "dns", path: "dns/Failover/Zone" })]);
  });
  it("pass once a DNSSEC resource and a query log refer to the zone", () => {
    const app = broken(seed, (s) => {
      const zone = addressOf(s.dns, "aws_route53_zone", "Failover/Zone");
      s.dns.resource.aws_route53_hosted_zone_dnssec = { Dnssec: { hosted_zone_id: `\${${zone}.id}` } };
      s.dns.resource.aws_route53_query_log = { QueryLog: { zone_id: `\${${zone}.zone_id}`, cloudwatch_log_group_arn: "${aws_cloudwatch_log_group.Queries.arn}" } };
    });
    expect(check("CKV2_AWS_38", app)).toEqual([]);
    expect(check("CKV2_AWS_39", app)).toEqual([]);
  });
  it("skip private zones and zones they do not create (an existing zoneId)", () => {
    const privateZone = broken(seed, (s) => (at(s.dns, "aws_route53_zone", "Failover/Zone").vpc = [{ vpc_id: "vpc-1" }]));
    expect(check("CKV2_AWS_38", privateZone)).toEqual([]);
    expect(check("CKV2_AWS_39", privateZone)).toEqual([]);
  });
});

describe("HA_ROUTING_RECORD_NO_HEALTH_CHECK", () => {
  it("passes the failover records, each with its health check", () => {
    expectTypes(seed, "aws_route53_record");
    expect(check("HA_ROUTING_RECORD_NO_HEALTH_CHECK", seed)).toEqual([]);
  });
  it("flags both failover records when healthCheck.enabled is false (Evaluate Target Health only)", () => {
    expect(check("HA_ROUTING_RECORD_NO_HEALTH_CHECK", noHealthChecks).map((h) => [h.path, h.message])).toEqual([
      ["dns/Failover/Primary", 'failover record "nosqlsearch.com" (set "us-west-2") has no health_check_id'],
      ["dns/Failover/Secondary", 'failover record "nosqlsearch.com" (set "us-east-2") has no health_check_id'],
    ]);
  });
  it("flags weighted and latency records too", () => {
    const app = broken(seed, (s) => {
      const primary = at(s.dns, "aws_route53_record", "Failover/Primary");
      delete primary.failover_routing_policy;
      delete primary.health_check_id;
      primary.weighted_routing_policy = { weight: 10 };
      const secondary = at(s.dns, "aws_route53_record", "Failover/Secondary");
      delete secondary.failover_routing_policy;
      delete secondary.health_check_id;
      secondary.latency_routing_policy = { region: "us-east-2" };
    });
    expect(check("HA_ROUTING_RECORD_NO_HEALTH_CHECK", app).map((h) => h.message.split(" ")[0])).toEqual(["weighted", "latency"]);
  });
});

describe("HA_ALIAS_RECORD_TTL", () => {
  it("passes the alias records (no ttl)", () => {
    expect(check("HA_ALIAS_RECORD_TTL", seed)).toEqual([]);
  });
  it("flags an alias record with a ttl", () => {
    const app = broken(seed, (s) => (at(s.dns, "aws_route53_record", "Failover/Secondary").ttl = 300));
    expect(check("HA_ALIAS_RECORD_TTL", app)).toEqual([expect.objectContaining({ path: "dns/Failover/Secondary", message: 'alias record "nosqlsearch.com" sets ttl = 300; alias records use the target\'s TTL' })]);
  });
});

describe("HA_HEALTH_CHECK_ELB_PORT", () => {
  it("passes health checks on the site's port (8080)", () => {
    expectTypes(seed, "aws_route53_health_check");
    expect(check("HA_HEALTH_CHECK_ELB_PORT", seed)).toEqual([]);
  });
  it("flags a health check on the Docker for AWS ELB's port 44554", () => {
    const app = broken(seed, (s) => (at(s.dns, "aws_route53_health_check", "HealthCheck-us-west-2/Resource").port = 44554));
    expect(check("HA_HEALTH_CHECK_ELB_PORT", app)).toEqual([expect.objectContaining({ path: "dns/HealthCheck-us-west-2/Resource" })]);
  });
});

describe("HA_SWARM_PORTS_EXPOSED", () => {
  it("passes swarm ports allowed from the nodes' own security group", () => {
    expect(check("HA_SWARM_PORTS_EXPOSED", native)).toEqual([]);
  });
  it("flags 2377 opened to the VPC's CIDR, and a listener on 4789", () => {
    const app = broken(native, (s) => {
      const rule = at(s[WEST], "aws_vpc_security_group_ingress_rule", "Swarm-2377-tcp");
      delete rule.referenced_security_group_id;
      rule.cidr_ipv4 = "10.20.0.0/16";
      at(s[WEST], "aws_lb_listener", "Listener-8080").port = 4789;
    });
    expect(check("HA_SWARM_PORTS_EXPOSED", app).map((h) => h.message)).toEqual([
      "swarm port 2377/tcp (swarm cluster management (managers)) is open to 10.20.0.0/16, outside the swarm",
      "a load balancer listens on swarm port 4789 (swarm overlay network (VXLAN))",
    ]);
  });
  it("flags an all-traffic rule from the internet on every swarm port", () => {
    const app = broken(native, (s) => Object.assign(at(s[WEST], "aws_vpc_security_group_ingress_rule", "Published-8080-tcp"), { ip_protocol: "-1", from_port: undefined, to_port: undefined }));
    expect(check("HA_SWARM_PORTS_EXPOSED", app)).toHaveLength(4);
  });
});

describe("HA_SENSITIVE_OUTPUT", () => {
  it("passes the regional stacks: the SSH key variable is sensitive and no output uses it", () => {
    expect(seed.stacks.find((s) => s.name === WEST)?.json.variable.ssh_private_key_us_west_2.sensitive).toBe(true);
    expect(check("HA_SENSITIVE_OUTPUT", seed)).toEqual([]);
  });
  it("flags an output that hands out the key, directly or through a local, unless it is sensitive", () => {
    const app = broken(seed, (s) => {
      s[WEST].locals = { key: "${var.ssh_private_key_us_west_2}" };
      s[WEST].output.key = { value: "${var.ssh_private_key_us_west_2}" };
      s[WEST].output.via_local = { value: "${upper(local.key)}" };
      s[WEST].output.marked = { value: "${var.ssh_private_key_us_west_2}", sensitive: true };
    });
    expect(check("HA_SENSITIVE_OUTPUT", app).map((h) => h.address)).toEqual(["output.key", "output.via_local"]);
  });
});

describe("HA_LOCAL_STATE_IN_OUTDIR", () => {
  it("passes ha-site's local state next to cdktf.out", () => {
    expect(seed.stacks[0].json.terraform.backend.local.path).toBe("../../../state/nosqlsearch.com/terraform.dns.tfstate");
    expect(check("HA_LOCAL_STATE_IN_OUTDIR", seed)).toEqual([]);
  });
  it("flags state inside the output directory, an absolute path and no backend", () => {
    const app = broken(seed, (s) => {
      s.dns.terraform.backend.local.path = "terraform.dns.tfstate";
      s[WEST].terraform.backend.local.path = "/home/me/ha-site/terraform.tfstate";
      delete s["swarm-us-east-2"].terraform.backend;
    });
    expect(check("HA_LOCAL_STATE_IN_OUTDIR", app).map((h) => [h.stack, h.message.replace(/:.*/, "")])).toEqual([
      ["dns", 'local state path "terraform.dns.tfstate" resolves to stacks/dns/terraform.dns.tfstate inside the output directory, which every synth replaces'],
      ["swarm-us-east-2", "no backend"],
      [WEST, 'local state path "/home/me/ha-site/terraform.tfstate" is absolute (cdktf\'s default)'],
    ]);
  });
});

describe("HA_DESTROY_PROVISIONER_KEYED_BY_SPEC", () => {
  it("passes the removal keyed by the service name only", () => {
    expectTypes(seed, "terraform_data", "null_resource");
    expect(check("HA_DESTROY_PROVISIONER_KEYED_BY_SPEC", seed)).toEqual([]);
  });
  it("flags a removal replaced when the spec changes, by key or by following the update resource", () => {
    const app = broken(seed, (s) => {
      const removal = at(s[WEST], "terraform_data", "Services/Removal-hello-world");
      removal.triggers_replace.spec = at(s[WEST], "null_resource", "Services/Service-hello-world").triggers.spec;
      const other = at(s["swarm-us-east-2"], "terraform_data", "Services/Removal-hello-world");
      other.lifecycle = { replace_triggered_by: [addressOf(s["swarm-us-east-2"], "null_resource", "Services/Service-hello-world")] };
    });
    const hits = check("HA_DESTROY_PROVISIONER_KEYED_BY_SPEC", app);
    expect(hits.map((h) => [h.stack, h.message])).toEqual([
      ["swarm-us-east-2", expect.stringMatching(/^has a destroy-time provisioner and is replaced when lifecycle\.replace_triggered_by\[0\] changes/)],
      [WEST, expect.stringMatching(/^has a destroy-time provisioner and is replaced when triggers_replace\.spec changes/)],
    ]);
    expect(hits[0].message).toMatch(/follows null_resource\.Services_Service-hello-world_[0-9A-F]{8}, which changes with the spec \(triggers\.library_sha256, triggers\.parameters_sha256, triggers\.spec\)/);
  });
});

it("every rule has a test here", () => {
  const text = require("node:fs").readFileSync(__filename, "utf8") as string;
  for (const rule of RULES) expect(text).toContain(`"${rule.id}"`);
});
