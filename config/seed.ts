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
  // What the policy gate (npm run check:policy) finds in this site and the site accepts, with why.
  policy: {
    suppress: [
      {
        rule: "CKV2_AWS_38",
        resource: "dns/Failover/Zone",
        reason: "DNSSEC signing needs a KMS key in us-east-1 and a DS record at the registrar, which ha-site does not manage yet",
      },
      {
        rule: "CKV2_AWS_39",
        resource: "dns/Failover/Zone",
        reason: "query logs need a us-east-1 CloudWatch Logs group and cost per query; the health checks and the alarm cover availability",
      },
      {
        rule: "CKV_AWS_26",
        resource: "dns/PrimaryAlarm/Topic",
        reason: "the topic carries only health-check alarm state changes; CloudWatch alarms can publish to an encrypted topic only with a customer managed key",
      },
    ],
  },
};
