// The built-in config: the setup of the seed chapter (nosqlsearch.com, Oregon primary, Ohio secondary,
// tutum/hello-world published on 8080 with 10 replicas). examples/seed.json is this, written out.
import type { SiteConfigInput } from "./schema";

export const SEED_CONFIG: SiteConfigInput = {
  domain: "nosqlsearch.com",
  regions: [
    { region: "us-west-2", keyName: "swarm" },
    { region: "us-east-2", keyName: "docker" },
  ],
  services: [
    {
      name: "hello-world",
      image: "tutum/hello-world",
      replicas: 10,
      ports: [{ published: 8080, target: 80 }],
    },
  ],
};
