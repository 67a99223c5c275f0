// The 20-region x 20-service config `npm run bench` synthesizes: the seed's site on 20 real AWS regions with
// latency routing (one record and health check per region), each region running 20 services.
const REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
  "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
  "eu-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
  "ap-southeast-2", "ap-south-1", "sa-east-1", "me-south-1", "af-south-1",
];

export function bigConfig() {
  return {
    domain: "nosqlsearch.com",
    routing: { policy: "latency" },
    regions: REGIONS.map((region) => ({ region, keyName: "swarm" })),
    services: Array.from({ length: 20 }, (_, i) => ({
      name: `service-${i + 1}`,
      image: `registry.example.com/team/service-${i + 1}:1.0`,
      replicas: 3,
      ports: [{ published: 8080 + i, target: 80 }],
      env: { SERVICE_INDEX: String(i + 1) },
    })),
  };
}
