import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BEGIN, DIAGRAM_FILES, siteDiagram, withDiagram } from "../../cli/diagram";
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

  it.each(DIAGRAM_FILES)("%s holds the built-in config's current diagram (run `npm run diagram`)", (file) => {
    const text = readFileSync(join(root, file), "utf8");
    expect(withDiagram(text, siteDiagram(loadConfig({}, __dirname)))).toBe(text);
  });

  it("refuses a file without markers", () => {
    expect(() => withDiagram("# nothing here", "flowchart TB")).toThrow(BEGIN);
  });
});
