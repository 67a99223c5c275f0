// Benchmark app (not shipped): the same constructs as main.ts, scaled up to 20 regional swarm stacks
// with 20 services each, plus the DNS stack over the first two. Run by scripts/bench.mjs.
import { App } from "cdktf";
import { parseConfig } from "../config/load";
import type { SiteConfig } from "../config/schema";
import { SEED_CONFIG } from "../config/seed";
import { localBackendFor } from "../stacks/backend";
import { DnsStack } from "../stacks/dns-stack";
import { RegionalStack } from "../stacks/regional-stack";

const REGIONS = 20;
const SERVICES = 20;
const seed = parseConfig(SEED_CONFIG, "seed");
const site: SiteConfig = {
  ...seed,
  services: Array.from({ length: SERVICES }, (_, i) => ({
    name: `service-${i + 1}`,
    image: `registry.example.com/team/service-${i + 1}:1.0`,
    replicas: 3,
    ports: [{ published: 8080 + i, target: 80, protocol: "tcp" as const }],
    env: { SERVICE_INDEX: String(i + 1) },
  })),
};
const app = new App({ skipValidation: true, stackTraces: false }); // as main.ts
const regions = Array.from({ length: REGIONS }, (_, i) =>
  new RegionalStack(app, {
    site,
    region: { ...seed.regions[i % 2], region: `bench-${i + 1}` },
    role: i === 0 ? "PRIMARY" : "SECONDARY",
    backend: localBackendFor(site.domain),
  }),
);
new DnsStack(app, { site, regions: regions.slice(0, 2), backend: localBackendFor(site.domain) });
app.synth();
