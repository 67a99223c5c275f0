import { Testing } from "cdktf";
import { NativeSwarm } from "./constructs/native/native-swarm";
const t0 = Date.now();
const out = Testing.synthScope((scope) => {
  new NativeSwarm(scope, "Swarm", { stackName: "site-swarm", region: "us-west-2", keyName: "swarm", managers: 3, workers: 2,
    ports: [{ published: 8080, protocol: "tcp" }, { published: 53, protocol: "udp" }, { published: 53, protocol: "tcp" }], healthCheckPort: 8080, sshCidrs: ["203.0.113.0/24"], vpc: process.argv[2] ?? "default" });
});
const j = JSON.parse(out);
for (const r of Object.values(j.resource.aws_launch_template) as any[]) r.user_data = r.user_data.slice(0, 20) + "...";
console.log(JSON.stringify(j, null, 1));
console.error("ms", Date.now() - t0);
