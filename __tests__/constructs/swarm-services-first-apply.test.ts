// The first apply on a native swarm (issue 12, section 2): the managers' Auto Scaling group is InService long
// before user data finishes, so the service provisioner's first SSH session waits (cloud-init, then the
// bootstrap's readiness marker), and the deploy runs in a second session. Played here with the real
// bootstrap script (constructs/native/bootstrap-script.ts) under the native stubs (aws, curl, dnf,
// systemctl, docker), a stub cloud-init whose `status --wait` returns when "user data" (the bootstrap) is
// done, and the scripts exactly as Terraform assembles them from the synthesized provisioners.
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { nativeBootstrapScript } from "../../constructs/native/bootstrap-script";
import { NativeSwarm } from "../../constructs/native/native-swarm";
import { NATIVE_READY_MARKER } from "../../constructs/native/readiness";
import { SwarmServices } from "../../constructs/swarm-services";
import { resourceAt, type Json } from "../helpers";
import { spawnResult } from "../process-helpers";
import { evaluateTemplate } from "./terraform-template";

const NATIVE_STUBS = join(__dirname, "native", "fixtures", "stubs");
const DOCKER_STUB = join(__dirname, "fixtures", "docker-stub.sh");
const TOOLS = ["cat", "cp", "mv", "rm", "mkdir", "rmdir", "chmod", "date", "sleep", "mktemp", "grep", "tr", "touch", "dirname", "printenv", "tail"];

const service = { name: "hello-world", image: "tutum/hello-world", replicas: 2, ports: [{ published: 8080, target: 80, protocol: "tcp" as const }], env: {} };

type Synthesized = { wait: string; deploy: string; provisioners: Json[]; connection: Json };
let synthesized: Synthesized | undefined;

/** The two create-time provisioners of the service, as the scripts Terraform runs (synthesized once per file). */
function synthesizedScripts(): Synthesized {
  synthesized ??= synthesize();
  return synthesized;
}

function synthesize(): Synthesized {
  const json: Json = JSON.parse(
    Testing.synthScope((scope) => {
      const swarm = new NativeSwarm(scope, "Swarm", {
        stackName: "site-a",
        region: "eu-west-1",
        keyName: "swarm",
        managers: 1,
        workers: 0,
        sshCidrs: ["203.0.113.0/24"],
        ports: [{ published: 8080, protocol: "tcp" }],
        healthCheckPort: 8080,
      });
      new SwarmServices(scope, "Services", {
        swarm,
        services: [service],
        scriptOptions: { swarmWaitSeconds: 3, commandTimeoutSeconds: 5, convergeWaitSeconds: 3, pollSeconds: 1 },
        nodeWaitOptions: { waitSeconds: 20, pollSeconds: 1 },
      });
    }),
  );
  const deployment = resourceAt(json, "null_resource", "Services/Service-hello-world");
  const provisioners = deployment.provisioner.map((p: Json) => p["remote-exec"]);
  const [wait, deploy] = provisioners.map((p: Json) => evaluateTemplate(p.inline.join("\n"), json));
  return { wait, deploy, provisioners, connection: deployment.connection };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  endedAt: number;
}

async function run(script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  const { status, stdout, stderr } = await spawnResult(spawn("/bin/sh", ["-c", script], { env, cwd, stdio: ["ignore", "pipe", "pipe"] }), 30_000);
  return { code: status, stdout, stderr, endedAt: Date.now() };
}

describe("first apply on a native manager (SSH provisioning)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-first-apply-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("synthesizes two sessions: the node wait (for the marker the bootstrap writes), then the deploy", () => {
    const { wait, deploy, provisioners, connection } = synthesizedScripts();
    expect(provisioners).toHaveLength(2);
    // One connection, the resource's, for both sessions.
    expect(provisioners.map((p) => p.connection)).toEqual([undefined, undefined]);
    expect(connection).toEqual(expect.objectContaining({ type: "ssh", host: "${self.triggers.host}" }));
    expect(wait).toContain(`\nREADY_MARKER=${NATIVE_READY_MARKER}\n`);
    expect(wait.trimEnd().endsWith("wait_for_node")).toBe(true);
    expect(deploy.trimEnd().endsWith("deploy_service")).toBe(true);
    // The bootstrap writes that same file (below HA_SITE_ROOT in tests) as its last step.
    expect(nativeBootstrapScript({ role: "manager", stackName: "site-a", region: "eu-west-1" })).toContain(`\nREADY_MARKER=${NATIVE_READY_MARKER}\n`);
  });

  it("the first session waits until user data is done and the node ready; the second deploys the service", async () => {
    const state = join(dir, "state");
    const node = join(state, "nodes", "m1");
    const root = join(node, "root");
    const sysbin = join(dir, "sysbin");
    for (const d of [join(state, "ssm"), join(state, "faults"), join(node, "bin"), root, sysbin, join(dir, "tmp")]) mkdirSync(d, { recursive: true });
    writeFileSync(join(state, "log"), "");
    for (const tool of TOOLS) {
      const found = ["/usr/bin", "/bin"].map((d) => join(d, tool)).find((p) => existsSync(p));
      if (found === undefined) throw new Error(`test setup: ${tool} not found`);
      symlinkSync(found, join(sysbin, tool));
    }
    writeFileSync(join(node, "instance-id"), "i-m1");
    writeFileSync(join(node, "local-ipv4"), "10.0.0.11");
    for (const stub of ["aws", "curl", "dnf", "systemctl"]) {
      copyFileSync(join(NATIVE_STUBS, stub), join(node, "bin", stub));
      chmodSync(join(node, "bin", stub), 0o755);
    }
    // cloud-init: `status --wait` returns once "user data" (the bootstrap run below) has finished.
    writeFileSync(
      join(node, "bin", "cloud-init"),
      '#!/bin/sh\nprintf \'%s\\n\' "m1 cloud-init $*" >>"$STUB_STATE/log"\nuntil [ -e "$STUB_STATE/nodes/m1/user-data-done" ]; do sleep 0.05; done\necho "status: done"\n',
    );
    chmodSync(join(node, "bin", "cloud-init"), 0o755);
    // What Terraform created before the instances: the four parameters, with the placeholder.
    for (const leaf of ["lock", "manager-token", "worker-token", "manager-address"]) {
      const d = join(state, "ssm", `/ha-site/site-a/${leaf}`.replace(/\//g, "%"));
      mkdirSync(d);
      writeFileSync(join(d, "value.1"), "unset");
      writeFileSync(join(d, "type"), leaf.endsWith("token") ? "SecureString" : "String");
      writeFileSync(join(d, "version"), "1");
    }
    const nodeEnv = {
      PATH: `${join(node, "bin")}:${sysbin}`,
      HOME: dir,
      TMPDIR: join(dir, "tmp"),
      HA_SITE_IMDS: "http://imds.test",
      HA_SITE_ROOT: root,
      STUB_STATE: state,
      STUB_NODE: "m1",
      STUB_LIB: NATIVE_STUBS,
    };

    const { wait, deploy } = synthesizedScripts();
    // The test's node keeps its files below HA_SITE_ROOT: point the wait at the same place.
    const marker = join(root, NATIVE_READY_MARKER);
    const waitHere = wait.replace(`\nREADY_MARKER=${NATIVE_READY_MARKER}\n`, `\nREADY_MARKER=${marker}\n`);
    expect(waitHere).not.toBe(wait);

    // Session 1 starts as soon as SSH answers: the instance is InService, user data has not finished.
    const session1 = run(waitHere, nodeEnv, dir);
    await new Promise((r) => setTimeout(r, 700));
    expect(existsSync(marker)).toBe(false);

    // User data: the real bootstrap script, then cloud-init reports done.
    const bootstrapPath = join(dir, "user-data.sh");
    writeFileSync(bootstrapPath, nativeBootstrapScript({ role: "manager", stackName: "site-a", region: "eu-west-1", waitSeconds: 20, pollSeconds: 0.02 }));
    const bootstrap = await run(`exec /bin/sh ${bootstrapPath}`, nodeEnv, dir);
    expect(bootstrap.stderr).toBe("");
    expect(bootstrap.code).toBe(0);
    expect(bootstrap.stdout).toContain("done: this node is a swarm manager");
    expect(existsSync(marker)).toBe(true);
    writeFileSync(join(node, "user-data-done"), "");

    const first = await session1;
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: "" });
    expect(first.stdout).toBe(
      "ha-site: service hello-world: waiting for cloud-init (user data) to finish (at most 20 s)\n" +
        `ha-site: service hello-world: the node is ready (${marker} exists)\n`,
    );
    expect(first.endedAt).toBeGreaterThanOrEqual(bootstrap.endedAt);
    const log = readFileSync(join(state, "log"), "utf8").split("\n");
    expect(log.indexOf("m1 cloud-init status --wait")).toBeGreaterThanOrEqual(0);

    // Session 2: a new login, so it has the groups the bootstrap gave the user; here docker answers.
    const services = join(dir, "services-state");
    mkdirSync(services);
    const dockerBin = join(dir, "docker-bin");
    mkdirSync(dockerBin);
    copyFileSync(DOCKER_STUB, join(dockerBin, "docker"));
    chmodSync(join(dockerBin, "docker"), 0o755);
    const second = await run(deploy, { PATH: `${dockerBin}:${sysbin}`, HOME: dir, STUB_STATE: services }, dir);
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: "" });
    expect(second.stdout).toContain("ha-site: service hello-world: done: 2/2 tasks running");
    expect(readFileSync(join(services, "services", "hello-world", "replicas"), "utf8").trim()).toBe("2");
  });
});
