import { join } from "node:path";
import { siteDiagram } from "../../cli/diagram";
import { loadConfig, parseConfig } from "../../config/load";
import { seedWith } from "../helpers";

const root = join(__dirname, "..", "..");

describe("siteDiagram", () => {
  it("shows the zone, both failover records, the health checks and each region's swarm", () => {
    const text = siteDiagram(loadConfig({}, __dirname));
    expect(text).toMatch(/^flowchart TB\n/);
    expect(text).toContain('zone["Route 53 new public zone nosqlsearch.com"]');
    expect(text).toContain("failover PRIMARY, set id us-west-2");
    expect(text).toContain("failover SECONDARY, set id us-east-2");
    expect(text).toContain('subgraph us_west_2["stack swarm-us-west-2"]');
    expect(text).toContain("3 managers, 5 workers<br/>hello-world x10");
    expect(text).toContain("rec_us_west_2 --> elb_us_west_2");
    expect(text).toContain("rec_us_east_2 --> elb_us_east_2");
    expect(text).toContain("hc_us_west_2 -. checks .-> elb_us_west_2");
    expect(text).toContain("alarm -. watches .-> hc_us_west_2");
  });

  it("shows each region's engine", () => {
    const text = siteDiagram(loadConfig({ HA_SITE_CONFIG: join(root, "examples", "mixed-engines.json") }));
    expect(text).toContain('elb_us_west_2["network load balancer"]');
    expect(text).toContain('swarm_us_west_2["native swarm (EC2 launch templates + ASGs) nosqlsearch-com-swarm');
    expect(text).toContain('elb_us_east_2["load balancer (Docker for AWS ELB)"]');
    expect(text).toContain('swarm_us_east_2["Docker for AWS swarm (CloudFormation) nosqlsearch-com-swarm');
  });

  it("leaves out health checks when disabled and names an existing zone", () => {
    const text = siteDiagram(parseConfig(seedWith({ healthCheck: { enabled: false }, hostedZone: { zoneId: "Z123" } })));
    expect(text).not.toContain("health check");
    expect(text).not.toContain("alarm");
    expect(text).toContain("existing zone Z123");
  });
});

describe("siteDiagram per routing policy", () => {
  const regions = ["us-west-2", "us-east-2", "eu-west-1"].map((region) => ({ region, keyName: "k" }));

  it("latency: a record per region from the zone, each with its check; alarms on every region", () => {
    const text = siteDiagram(parseConfig(seedWith({ routing: { policy: "latency" }, regions })));
    for (const r of ["us_west_2", "us_east_2", "eu_west_1"]) {
      expect(text).toContain(`zone --> rec_${r}`);
      expect(text).toContain(`alarm -. watches .-> hc_${r}`);
    }
    expect(text).toContain("latency eu-west-1, set id eu-west-1");
    expect(text).toContain("all-regions alarm");
  });

  it("failover chain: PRIMARY from the zone, the others behind the standby name", () => {
    const text = siteDiagram(parseConfig(seedWith({ regions })));
    expect(text).toContain("zone --> rec_us_west_2");
    expect(text).toContain("secondary --> standby");
    expect(text).toContain("standby --> rec_eu_west_1");
    expect(text).not.toContain("zone --> rec_eu_west_1");
    expect(text).toContain("A alias standby.nosqlsearch.com<br/>latency us-east-2, set id us-east-2");
  });

  it("accelerator: the site record aliases the accelerator, which has an endpoint group per region", () => {
    const text = siteDiagram(loadConfig({ HA_SITE_CONFIG: join(root, "examples", "accelerator.json") }));
    expect(text).toContain("site_record --> accelerator");
    expect(text).toContain("accelerator --> rec_eu_central_1");
    expect(text).toContain("endpoint group eu-central-1<br/>traffic dial 50%");
    expect(text).toContain("listeners TCP :80, TCP :8443");
    expect(text).not.toContain("zone --> rec_");
  });

  it("weighted: each record shows its weight", () => {
    const weighted = regions.map((r, i) => ({ ...r, weight: i * 10 }));
    const text = siteDiagram(parseConfig(seedWith({ routing: { policy: "weighted" }, regions: weighted })));
    expect(text).toContain("weight 0, set id us-west-2");
    expect(text).toContain("weight 20, set id eu-west-1");
  });
});
