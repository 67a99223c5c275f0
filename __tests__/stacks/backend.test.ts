import { addressAt, buildTestSite, seedWith, synthJson, type Json } from "../helpers";
import { posix } from "node:path";
import { parseConfig } from "../../config/load";
import { defaultWorkspacePrefix } from "../../stacks/backend";

function stacksWith(backend: Json) {
  const site = buildTestSite(seedWith({ backend }));
  return { west: synthJson(site.regions[0]), east: synthJson(site.regions[1]), dns: synthJson(site.dns) };
}

/** The remote-state config the DNS stack reads `region`'s outputs with, and what the records use. */
function reader(dns: Json, region: string) {
  const id = addressAt(dns, "terraform_remote_state", `Region-${region}`, "data");
  return { id, state: dns.data.terraform_remote_state[id] };
}

describe("backends", () => {
  it("local (default): relative state files outside cdktf.out, in the site's own folder, read from the same files", () => {
    const { west, dns } = stacksWith({ type: "local" });
    const path = "../../../state/nosqlsearch.com/terraform.swarm-us-west-2.tfstate";
    expect(west.terraform.backend).toEqual({ local: { path } });
    expect(reader(dns, "us-west-2").state).toEqual({ backend: "local", config: { path } });
    // cdktf runs Terraform in cdktf.out/stacks/<stack>/: three levels up is the folder holding cdktf.out.
    expect(posix.normalize(posix.join("cdktf.out/stacks/swarm-us-west-2", path))).toBe("state/nosqlsearch.com/terraform.swarm-us-west-2.tfstate");
  });

  it("s3: one encrypted, locked key per stack, read from the same key", () => {
    const { west, east, dns } = stacksWith({ type: "s3", bucket: "acme-state", region: "eu-west-1" });
    expect(west.terraform.backend).toEqual({
      s3: { bucket: "acme-state", region: "eu-west-1", key: "ha-site/nosqlsearch.com/swarm-us-west-2.tfstate", encrypt: true, use_lockfile: true },
    });
    expect(east.terraform.backend.s3.key).toBe("ha-site/nosqlsearch.com/swarm-us-east-2.tfstate");
    expect(dns.terraform.backend.s3.key).toBe("ha-site/nosqlsearch.com/dns.tfstate");
    for (const region of ["us-west-2", "us-east-2"]) {
      expect(reader(dns, region).state).toEqual({
        backend: "s3",
        config: { bucket: "acme-state", region: "eu-west-1", key: `ha-site/nosqlsearch.com/swarm-${region}.tfstate` },
      });
    }
  });

  it("s3: custom prefix, locking off", () => {
    const { west } = stacksWith({ type: "s3", bucket: "acme-state", region: "eu-west-1", keyPrefix: "sites/shop/", useLockfile: false });
    expect(west.terraform.backend.s3.key).toBe("sites/shop/swarm-us-west-2.tfstate");
    expect(west.terraform.backend.s3.use_lockfile).toBeUndefined();
  });

  it("cloud: without workspacePrefix, the workspaces are named after the domain", () => {
    const { west, dns } = stacksWith({ type: "cloud", organization: "acme" });
    expect(west.terraform.cloud.workspaces.name).toBe("ha-site-nosqlsearch_com-swarm-us-west-2");
    expect(dns.terraform.cloud.workspaces.name).toBe("ha-site-nosqlsearch_com-dns");
    expect(reader(dns, "us-west-2").state.config.workspaces).toEqual({ name: "ha-site-nosqlsearch_com-swarm-us-west-2" });
  });

  it("default workspace prefix: valid workspace names, one per domain, also for very long domains", () => {
    const long = `${"a".repeat(63)}.${"b".repeat(63)}.com`;
    const prefixes = ["a-b.com", "a.b-com", "a.b.com", "ab.com", long, `${long.slice(0, -3)}org`].map(defaultWorkspacePrefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const prefix of prefixes) {
      expect(prefix).toMatch(/^[A-Za-z0-9_-]{1,60}$/);
      expect(`${prefix}swarm-ap-southeast-2`.length).toBeLessThanOrEqual(90);
    }
  });

  it("cloud: one workspace per stack, the DNS stack reads the regional workspaces, no token anywhere", () => {
    const { west, east, dns } = stacksWith({ type: "cloud", organization: "acme", workspacePrefix: "shop-", project: "Web" });
    expect(west.terraform.cloud).toEqual({ hostname: "app.terraform.io", organization: "acme", workspaces: { name: "shop-swarm-us-west-2", project: "Web" } });
    expect(east.terraform.cloud.workspaces.name).toBe("shop-swarm-us-east-2");
    expect(dns.terraform.cloud.workspaces.name).toBe("shop-dns");
    expect(west.terraform.backend).toBeUndefined();
    for (const region of ["us-west-2", "us-east-2"]) {
      expect(reader(dns, region).state).toEqual({
        backend: "remote",
        config: { hostname: "app.terraform.io", organization: "acme", workspaces: { name: `shop-swarm-${region}` } },
      });
    }
    expect(JSON.stringify([west, east, dns])).not.toMatch(/token/i);
  });

  it("the records alias through whichever reader the backend gives", () => {
    const { dns } = stacksWith({ type: "cloud", organization: "acme", workspacePrefix: "" });
    const { id } = reader(dns, "us-west-2");
    const primary = Object.values<Json>(dns.resource.aws_route53_record).find((r) => r.failover_routing_policy.type === "PRIMARY");
    expect(primary.alias.name).toBe(`\${data.terraform_remote_state.${id}.outputs.lb_dns_name}`);
  });

  it.each([
    [{ type: "gcs" }, 'backend.type: got "gcs"; expected an object with "type": "local", "s3" or "cloud"'],
    [{ type: "s3", region: "eu-west-1" }, "backend.bucket: missing; expected an S3 bucket name"],
    [{ type: "s3", bucket: "Bad_Bucket", region: "eu-west-1" }, 'backend.bucket: got "Bad_Bucket"; expected an S3 bucket name'],
    [{ type: "s3", bucket: "b-1", region: "eu-west-1", dynamodbTable: "locks" }, "backend.dynamodbTable: unknown field"],
    [{ type: "cloud", workspacePrefix: "x-" }, "backend.organization: missing; expected a Terraform Cloud organization name"],
    [{ type: "cloud", organization: "acme", workspacePrefix: "bad prefix" }, 'backend.workspacePrefix: got "bad prefix"; expected a workspace name prefix'],
    [{ type: "cloud", organization: "acme", workspacePrefix: "", token: "secret" }, "backend.token: unknown field"],
    [{ type: "local", path: "/abs/state" }, "backend.path: unknown field"],
  ])("rejects %j", (backend, message) => {
    expect(() => parseConfig(seedWith({ backend: backend as Json }), "site.json")).toThrow(`site.json: ${message}`);
  });
});

describe("state keyed by site", () => {
  /** Every place a synthesized stack keeps or reads state: backend paths, S3 keys, workspace names. */
  function stateLocations(domain: string, backend: Json): string[] {
    const site = buildTestSite(seedWith({ domain, backend }));
    const locations: string[] = [];
    for (const stack of [...site.regions, site.dns].map(synthJson)) {
      const own = stack.terraform.backend?.local?.path ?? stack.terraform.backend?.s3?.key ?? stack.terraform.cloud?.workspaces?.name;
      expect(own).toEqual(expect.any(String));
      locations.push(own);
      for (const state of Object.values<Json>(stack.data?.terraform_remote_state ?? {})) {
        locations.push(state.config.path ?? state.config.key ?? state.config.workspaces.name);
      }
    }
    return locations;
  }

  it.each([
    ["local", { type: "local" }],
    ["s3", { type: "s3", bucket: "acme-state", region: "eu-west-1" }],
    ["cloud", { type: "cloud", organization: "acme" }],
  ])("%s: two domains share no state path, key or workspace", (_, backend) => {
    const a = stateLocations("nosqlsearch.com", backend);
    const b = stateLocations("shop.example.org", backend);
    expect(a).toHaveLength(5); // 3 stacks' own state + the DNS stack's 2 readers
    expect(a.filter((location) => b.includes(location))).toEqual([]);
    // ...while within one site, the DNS stack reads exactly the regional stacks' own state.
    expect(new Set(a).size).toBe(3);
  });
});
