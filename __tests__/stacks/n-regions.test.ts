// Sites with more than two regions: every region keeps its own stack (and Terraform Cloud workspace), the
// routing stack reads them all, and the CI stack order (scripts/stack-order.cjs) puts the N regional stacks in
// one layer before `dns`.
import { App } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseConfig } from "../../config/load";
import { buildSite } from "../../stacks/site";
import { seedWith, synthJson, type Json } from "../helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackOrder = require(resolve(__dirname, "../../scripts/stack-order.cjs")) as {
  run(argv: readonly string[], io: { env: NodeJS.ProcessEnv; cwd: string; stdout(text: string): void; stderr(text: string): void }): number;
};

const REGIONS = ["us-west-2", "eu-west-1", "ap-southeast-1", "sa-east-1"];
const config = (policy: string, backend: Json = { type: "local" }) =>
  seedWith({ routing: { policy } as Json, backend, regions: REGIONS.map((region) => ({ region, keyName: "k" })) });

describe.each(["latency", "failover"])("four regions, routing %s", (policy) => {
  it("orders the regional stacks in one layer, then dns", () => {
    const dir = mkdtempSync(join(tmpdir(), "ha-site-n-regions-"));
    try {
      const app = new App({ outdir: dir, skipValidation: true });
      buildSite(app, parseConfig(config(policy)));
      app.synth();
      let out = "";
      let err = "";
      const io = { env: {}, cwd: dir, stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) };
      expect(stackOrder.run(["manifest.json", "--layers", "--expect-layers", "2"], io)).toBe(0);
      expect(err).toBe("");
      const layers = JSON.parse(out);
      expect(layers[0].slice().sort()).toEqual(REGIONS.map((r) => `swarm-${r}`).sort());
      expect(layers[1]).toEqual(["dns"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives each stack its Terraform Cloud workspace, and dns reads every regional one", () => {
    const site = buildSite(new App({ skipValidation: true }), parseConfig(config(policy, { type: "cloud", organization: "acme", workspacePrefix: "shop-" })));
    expect(site.regions.map((r) => synthJson(r).terraform.cloud.workspaces.name)).toEqual(REGIONS.map((r) => `shop-swarm-${r}`));
    const dns = synthJson(site.dns);
    expect(dns.terraform.cloud.workspaces.name).toBe("shop-dns");
    const read = Object.values<Json>(dns.data.terraform_remote_state).map((s) => s.config.workspaces.name);
    expect(read.sort()).toEqual(REGIONS.map((r) => `shop-swarm-${r}`).sort());
  });
});
