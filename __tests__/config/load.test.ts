import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, parseConfig } from "../../config/load";
import { SEED_CONFIG } from "../../config/seed";
import { seedWith, type Json } from "../helpers";

const root = join(__dirname, "..", "..");

describe("built-in config", () => {
  const config = loadConfig({}, __dirname); // __dirname: no ha-site.json there

  it("reproduces the seed: nosqlsearch.com, Oregon PRIMARY then Ohio, their key pairs", () => {
    expect(config.domain).toBe("nosqlsearch.com");
    expect(config.recordName).toBe("");
    expect(config.hostedZone).toEqual({ forceDestroy: false });
    expect(config.regions.map((r) => [r.region, r.keyName])).toEqual([
      ["us-west-2", "swarm"],
      ["us-east-2", "docker"],
    ]);
  });

  it("uses the Docker for AWS engine and the template's sizes: 3 managers, 5 workers, 20 GiB", () => {
    expect(config.engine).toBe("docker-for-aws");
    for (const r of config.regions) {
      expect(r).toEqual({
        region: r.region,
        keyName: r.keyName,
        managers: 3,
        workers: 5,
        managerDiskSize: 20,
        workerDiskSize: 20,
      });
    }
  });

  it("runs tutum/hello-world with 10 replicas published on 8080 -> 80", () => {
    expect(config.services).toEqual([
      { name: "hello-world", image: "tutum/hello-world", replicas: 10, ports: [{ published: 8080, target: 80, protocol: "tcp" }], env: {} },
    ]);
  });

  it("is exactly what examples/seed.json says", () => {
    const example = JSON.parse(readFileSync(join(root, "examples", "seed.json"), "utf8"));
    expect(example).toEqual(SEED_CONFIG);
    expect(loadConfig({ HA_SITE_CONFIG: join(root, "examples", "seed.json") })).toEqual(config);
  });
});

describe("config file", () => {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-config-"));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("is read from HA_SITE_CONFIG", () => {
    const path = write("ok.json", JSON.stringify(seedWith({ domain: "example.net" })));
    expect(loadConfig({ HA_SITE_CONFIG: path }).domain).toBe("example.net");
  });

  it("reports a missing file", () => {
    expect(() => loadConfig({ HA_SITE_CONFIG: join(dir, "nope.json") })).toThrow(/HA_SITE_CONFIG=.*nope\.json: cannot read the file \(ENOENT\)/);
  });

  it("reports invalid JSON", () => {
    const path = write("broken.json", "{ domain: ");
    expect(() => loadConfig({ HA_SITE_CONFIG: path })).toThrow(/broken\.json: not valid JSON/);
  });

  it("accepts every example", () => {
    for (const example of ["seed.json", "production.json"]) {
      expect(() => loadConfig({ HA_SITE_CONFIG: join(root, "examples", example) })).not.toThrow();
    }
  });
});

describe("bad configs", () => {
  const region = (extra: Json = {}) => ({ region: "us-west-2", keyName: "swarm", ...extra });
  const second = { region: "us-east-2", keyName: "docker" };
  const service = (extra: Json = {}) => ({ name: "web", image: "nginx", replicas: 1, ports: [{ published: 8080, target: 80 }], ...extra });

  const cases: [string, Json, string][] = [
    ["unknown top-level key, with a hint", { domian: "x.com" }, 'domian: unknown field; did you mean "domain"?'],
    ["unknown region key", { regions: [region({ manager: 3 }), second] }, 'regions[0].manager: unknown field; did you mean "managers"?'],
    ["domain not a DNS name", { domain: "Not A Domain" }, 'domain: got "Not A Domain"; expected a lower-case DNS name'],
    ["domain missing", { domain: undefined }, "domain: missing; expected a lower-case DNS name"],
    ["one region", { regions: [region()] }, 'regions: got 1 item; expected at least 2 regions for routing.policy "failover" (the first is PRIMARY), or another routing.policy'],
    ["no region", { regions: [] }, "regions: got 0 items; expected at least 1 region"],
    ["duplicate region", { regions: [region(), region()] }, 'regions[1].region: got "us-west-2"; expected a region not already listed (regions[0] has it)'],
    ["bad region name", { regions: [region({ region: "oregon" }), second] }, 'regions[0].region: got "oregon"; expected an AWS region name like "us-west-2"'],
    ["managers not 1/3/5", { regions: [region({ managers: 2 }), second] }, "regions[0].managers: got 2; expected one of 1, 3, 5"],
    ["workers too many", { regions: [region({ workers: 1001 }), second] }, "regions[0].workers: got 1001; expected an integer from 0 to 1000"],
    ["workers not an integer", { regions: [region({ workers: 1.5 }), second] }, "regions[0].workers: got 1.5; expected an integer from 0 to 1000"],
    ["disk too small", { regions: [region({ managerDiskSize: 10 }), second] }, "regions[0].managerDiskSize: got 10; expected an integer from 20 to 1024"],
    ["disk type", { regions: [region({ workerDiskType: "gp3" }), second] }, 'regions[0].workerDiskType: got "gp3"; expected one of "standard", "gp2"'],
    ["key name missing", { regions: [{ region: "us-west-2" }, second] }, "regions[0].keyName: missing; expected the name of an existing EC2 key pair"],
    ["template not in S3", { regions: [region({ templateUrl: "https://example.com/Docker.tmpl" }), second] }, 'regions[0].templateUrl: got "https://example.com/Docker.tmpl"; expected an https:// URL of a template in S3'],
    ["template parameter set twice", { regions: [region({ templateParameters: { KeyName: "x" } }), second] }, 'regions[0].templateParameters.KeyName: got "KeyName"; expected a parameter ha-site does not set itself'],
    ["public key", { regions: [region({ publicKey: "not a key" }), second] }, 'regions[0].publicKey: got "not a key"; expected an OpenSSH public key line'],
    ["no services", { services: [] }, "services: got 0 items; expected at least one service"],
    ["service name with shell", { services: [service({ name: "web;rm -rf /" })] }, 'services[0].name: got "web;rm -rf /"; expected a docker service name'],
    ["service name with a quote", { services: [service({ name: "web'x" })] }, `services[0].name: got "web'x"; expected a docker service name`],
    ["service name with a newline", { services: [service({ name: "web\nx" })] }, 'services[0].name: got "web\\nx"; expected a docker service name'],
    ["image with quotes", { services: [service({ image: 'nginx"; reboot; "' })] }, 'services[0].image: got "nginx\\"; reboot; \\""; expected a docker image reference'],
    ["image with backticks", { services: [service({ image: "nginx`id`" })] }, 'services[0].image: got "nginx`id`"; expected a docker image reference'],
    ["service name too long", { services: [service({ name: "a".repeat(64) })] }, "services[0].name: got"],
    ["image with $(...)", { services: [service({ image: "nginx$(reboot)" })] }, 'services[0].image: got "nginx$(reboot)"; expected a docker image reference'],
    ["image with newline", { services: [service({ image: "nginx\nreboot" })] }, 'services[0].image: got "nginx\\nreboot"; expected a docker image reference'],
    ["negative replicas", { services: [service({ replicas: -1 })] }, "services[0].replicas: got -1; expected an integer from 0 to 10000"],
    ["port out of range", { services: [service({ ports: [{ published: 70000, target: 80 }] })] }, "services[0].ports[0].published: got 70000; expected an integer from 1 to 65535"],
    ["port published twice", { services: [service(), service({ name: "api" })] }, 'services[1].ports[0].published: got 8080; expected a published port not already used (services[0] "web" publishes it)'],
    ["duplicate service", { services: [service(), service({ ports: [{ published: 81, target: 80 }] })] }, 'services[1].name: got "web"; expected a service name not already used'],
    ["first service without port", { services: [service({ ports: [] })] }, "services[0].ports: got []; expected at least one published port on the first service"],
    ["env name", { services: [service({ env: { "BAD-NAME": "x" } })] }, 'services[0].env["BAD-NAME"]: got "BAD-NAME"; expected an environment variable name'],
    ["env value with newline", { services: [service({ env: { A: "x\ny" } })] }, 'services[0].env.A: got "x\\ny"; expected a single-line value'],
    ["zone both ways", { hostedZone: { create: true, zoneId: "Z123" } }, 'hostedZone: got {"create":true,"zoneId":"Z123","forceDestroy":false}; expected either { "create": true } or { "zoneId": "Z..." }, not both'],
    ["zone neither way", { hostedZone: { create: false } }, 'hostedZone.create: got false; expected true, or set "zoneId" to use an existing zone'],
    ["bad zone id", { hostedZone: { zoneId: "zone-1" } }, 'hostedZone.zoneId: got "zone-1"; expected a Route 53 hosted zone id'],
    ["force destroy of an existing zone", { hostedZone: { zoneId: "Z123", forceDestroy: true } }, "hostedZone.forceDestroy: got true; expected false: an existing zone is not destroyed by ha-site"],
    ["health check interval", { healthCheck: { requestInterval: 15 } }, "healthCheck.requestInterval: got 15; expected one of 10, 30"],
    ["health check threshold", { healthCheck: { failureThreshold: 11 } }, "healthCheck.failureThreshold: got 11; expected an integer from 1 to 10"],
    ["health check type", { healthCheck: { type: "TCP" } }, 'healthCheck.type: got "TCP"; expected one of "HTTP", "HTTPS"'],
    ["health check regions, too few", { healthCheck: { regions: ["us-east-1", "us-west-1"] } }, "healthCheck.regions: got 2 items; expected at least 3 of us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1"],
    ["health check region unknown", { healthCheck: { regions: ["us-east-1", "us-west-1", "mars-1"] } }, 'healthCheck.regions[2]: got "mars-1"; expected one of "us-east-1"'],
    ["health check path", { healthCheck: { resourcePath: "healthz" } }, 'healthCheck.resourcePath: got "healthz"; expected a path starting with "/"'],
    ["alarm e-mail", { alarm: { email: "nobody" } }, 'alarm.email: got "nobody"; expected an e-mail address'],
    ["alarm topic", { alarm: { topicArn: "pager" } }, 'alarm.topicArn: got "pager"; expected an SNS topic ARN'],
    ["provisioning timeout", { provisioning: { connectTimeout: "5 minutes" } }, 'provisioning.connectTimeout: got "5 minutes"; expected a duration like "30s" or "5m"'],
    ["provisioning flag", { provisioning: { sshagent: true } }, 'provisioning.sshagent: unknown field; did you mean "sshAgent"?'],
    ["engine", { engine: "kubernetes" }, 'engine: got "kubernetes"; expected one of "docker-for-aws", "native"'],
    ["region engine", { regions: [region({ engine: "ecs" }), second] }, 'regions[0].engine: got "ecs"; expected one of "docker-for-aws", "native"'],
    ["native field on a docker-for-aws region", { regions: [region({ sshCidrs: ["10.0.0.0/8"] }), second] }, 'regions[0].sshCidrs: got ["10.0.0.0/8"]; expected nothing: it is only for engine "native", and this region\'s engine is "docker-for-aws"'],
    ["docker-for-aws field on a native region", { regions: [region({ engine: "native", sshCidrs: ["203.0.113.7/32"], templateUrl: "https://b.s3.amazonaws.com/t" }), second] }, 'regions[0].templateUrl: got "https://b.s3.amazonaws.com/t"; expected nothing: it is only for engine "docker-for-aws"'],
    ["native region without SSH access, method ssh", { provisioning: { method: "ssh" }, regions: [region({ engine: "native" }), second] }, 'regions[0].sshCidrs: missing; expected at least one CIDR that may SSH to the managers (provisioning.method is "ssh"), or "provisioning": { "method": "ssm" }'],
    ["native region, default engine, method ssh", { engine: "native", provisioning: { method: "ssh" }, regions: [region({ sshCidrs: [] }), second] }, "regions[0].sshCidrs: got []; expected at least one CIDR that may SSH to the managers"],
    ["ssm on a docker-for-aws region", { provisioning: { method: "ssm" }, regions: [region({ engine: "native" }), second] }, 'provisioning.method: got "ssm"; expected "ssh" or unset: regions[1] (us-east-2) uses engine "docker-for-aws", whose managers have no SSM agent'],
    ["provisioning method", { provisioning: { method: "winrm" } }, 'provisioning.method: got "winrm"; expected one of "ssh", "ssm"'],
    ["tls on docker-for-aws", { tls: {} }, 'tls: got {"port":443,"securityPolicy":"ELBSecurityPolicy-TLS13-1-2-2021-06"}; expected nothing, or engine "native" for every region: regions[0] (us-west-2) uses "docker-for-aws"'],
    ["tls with an HTTP health check", { engine: "native", tls: {} }, 'healthCheck.type: got "HTTP"; expected "HTTPS" with tls: the site answers HTTPS on port 443'],
    ["tls port published by a service", { engine: "native", tls: { port: 8080 }, healthCheck: { type: "HTTPS" } }, "tls.port: got 8080; expected a port no service publishes (the TLS listener forwards to the site port 8080); published: 8080"],
    ["tls with another health check port", { engine: "native", tls: {}, healthCheck: { type: "HTTPS", port: 8443 } }, "healthCheck.port: got 8443; expected 443 (tls.port) or unset"],
    ["tls security policy", { engine: "native", tls: { securityPolicy: "TLS-1-0" }, healthCheck: { type: "HTTPS" } }, 'tls.securityPolicy: got "TLS-1-0"; expected an ELB security policy name like "ELBSecurityPolicy-TLS13-1-2-2021-06"'],
    ["HTTPS check on an ALB without tls", { engine: "native", regions: [region({ loadBalancer: "alb" }), second], healthCheck: { type: "HTTPS" } }, 'regions[0].loadBalancer: got "alb"; expected "nlb", or set "tls": an ALB\'s plain HTTP listener cannot answer the HTTPS health check'],
    ["bad SSH CIDR", { regions: [region({ engine: "native", sshCidrs: ["0.0.0.0"] }), second] }, 'regions[0].sshCidrs[0]: got "0.0.0.0"; expected an IPv4 CIDR like "203.0.113.7/32"'],
    ["bad VPC", { regions: [region({ engine: "native", sshCidrs: ["203.0.113.7/32"], vpc: "10.0.0.0/8" }), second] }, 'regions[0].vpc: got "10.0.0.0/8"; expected "default" or an IPv4 CIDR from /16 to /24'],
    ["load balancer", { regions: [region({ engine: "native", sshCidrs: ["203.0.113.7/32"], loadBalancer: "clb" }), second] }, 'regions[0].loadBalancer: got "clb"; expected one of "nlb", "alb"'],
    ["ALB with udp", { regions: [region({ engine: "native", sshCidrs: ["203.0.113.7/32"], loadBalancer: "alb" }), second], services: [service({ ports: [{ published: 53, target: 53, protocol: "udp" }] })] }, 'regions[0].loadBalancer: got "alb"; expected "nlb": an ALB cannot forward the udp ports'],
    ["health check on an unpublished port", { healthCheck: { port: 9999 } }, "healthCheck.port: got 9999; expected a tcp port that a service publishes, for the HTTP health check (published tcp ports: 8080)"],
    ["health check on a udp site port", { services: [service({ ports: [{ published: 53, target: 53, protocol: "udp" }] })] }, 'services[0].ports[0].protocol: got "udp"; expected a tcp port that a service publishes'],
    ["swarm port published on a native region", { regions: [region({ engine: "native", sshCidrs: ["203.0.113.7/32"] }), second], services: [service(), service({ name: "x", ports: [{ published: 2377, target: 80 }] })] }, "services[1].ports[0].published: got 2377; expected a port other than 22, 2377, 7946, 4789"],
    ["record name", { recordName: "WWW" }, 'recordName: got "WWW"; expected a lower-case name inside the zone'],
  ];

  it.each(cases)("%s", (_name, overrides, message) => {
    const input = seedWith(overrides);
    let error: unknown;
    try {
      parseConfig(input, "site.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toContain(`site.json: ${message}`);
    // One line per problem, each naming the file: the expected one is a whole line of its own.
    const lines = text.split("\n");
    expect(lines.every((line) => line.startsWith("site.json: "))).toBe(true);
    expect(lines.some((line) => line.startsWith(`site.json: ${message}`))).toBe(true);
  });
});
