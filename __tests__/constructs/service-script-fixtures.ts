// The services and generated scripts that both halves of the service-script tests use:
// service-script.test.ts (the scripts' text and options, in the jest process) and service-script.e2e.test.ts
// (the scripts run under real shells against the stub docker, and shellcheck).
import type { ServiceConfig } from "../../config/schema";
import { serviceDeployScript, serviceNodeWaitScript, serviceRemoveScript } from "../../constructs/service-script";

export const SEED: ServiceConfig = {
  name: "hello-world",
  image: "tutum/hello-world",
  replicas: 10,
  ports: [{ published: 8080, target: 80, protocol: "tcp" }],
  env: {},
};

/** Several ports (out of order), awkward env values, a registry with a port, zero replicas. */
export const multi: ServiceConfig = {
  name: "api_v2",
  image: "registry.example.com:5000/team/app:1.2",
  replicas: 0,
  ports: [
    { published: 9090, target: 90, protocol: "udp" },
    { published: 8081, target: 80, protocol: "tcp" },
  ],
  env: { Z: "last", A: "it's $(x) `y`; z" },
};
const digest: ServiceConfig = { ...SEED, image: `tutum/hello-world@sha256:${"a".repeat(64)}` };

/** One of each kind of generated script, with default options: [name, text]. */
export const scripts: [string, string][] = [
  ["seed deploy", serviceDeployScript(SEED)],
  ["multi-port/env deploy", serviceDeployScript(multi)],
  ["digest-pinned deploy", serviceDeployScript(digest)],
  ["seed remove", serviceRemoveScript("hello-world")],
  ["node wait (native)", serviceNodeWaitScript("hello-world", { readinessMarker: "/var/lib/ha-site/node-ready" })],
  ["node wait (Docker for AWS)", serviceNodeWaitScript("hello-world")],
];
