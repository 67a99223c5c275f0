// The swarm's membership scripts (lifecycle.sh: prepare/leave/remove/cleanup, with the quorum guard) and the
// SSM leader wrapper (ssm-leader.sh: deploy/prune) run under sh against stubs of docker and aws that keep one
// swarm in files (fixtures/cluster-stubs), and shellcheck on both (as files and as generated). The Terraform
// that wires them (lifecycle hooks, EventBridge, the SSM runbook, the cleanup association): lifecycle.test.ts.
import { execFile, spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { NATIVE_BOOTSTRAP_READY_MARKER } from "../../../constructs/native/bootstrap-script";
import { lifecycleScript } from "../../../constructs/native/lifecycle";
import { ssmLeaderScript } from "../../../constructs/ssm-services";

const STUBS = join(__dirname, "fixtures", "cluster-stubs");
const SHELLCHECK = "/usr/bin/shellcheck";
const TOOLS = ["cat", "mv", "rm", "mkdir", "date", "sleep", "mktemp", "grep", "awk", "sed", "wc", "basename", "printenv", "base64", "sh"];

/** Nodes: [id, hostname, status, availability, manager status or "-"]. */
type NodeLine = readonly [string, string, string, string, string];

class Cluster {
  readonly dir = mkdtempSync(join(tmpdir(), "ha-site-lifecycle-"));
  readonly state = join(this.dir, "state");
  private readonly bin = join(this.dir, "bin");

  constructor(nodes: readonly NodeLine[], ec2: Record<string, string> = {}) {
    for (const d of [this.bin, join(this.state, "cluster", "tasks"), join(this.state, "cluster", "services"), join(this.state, "ec2"), join(this.dir, "tmp")]) {
      mkdirSync(d, { recursive: true });
    }
    for (const tool of TOOLS) {
      const found = ["/usr/bin", "/bin"].map((d) => join(d, tool)).find((p) => existsSync(p));
      if (found === undefined) throw new Error(`test setup: ${tool} not found`);
      symlinkSync(found, join(this.bin, tool));
    }
    for (const stub of ["docker", "aws"]) symlinkSync(join(STUBS, stub), join(this.bin, stub));
    writeFileSync(join(this.state, "log"), "");
    writeFileSync(this.nodesFile, nodes.map((n) => n.join(" ")).join("\n") + "\n");
    for (const [id, s] of Object.entries(ec2)) writeFileSync(join(this.state, "ec2", id), `${s}\n`);
  }

  get nodesFile(): string {
    return join(this.state, "cluster", "nodes");
  }

  nodes(): string[][] {
    return readFileSync(this.nodesFile, "utf8").split("\n").filter(Boolean).map((l) => l.split(" "));
  }

  ready(node: string): void {
    const marker = join(this.dir, "roots", node, NATIVE_BOOTSTRAP_READY_MARKER);
    mkdirSync(join(marker, ".."), { recursive: true });
    writeFileSync(marker, "manager\n");
  }

  tasks(node: string, ids: string[]): void {
    writeFileSync(join(this.state, "cluster", "tasks", node), ids.map((t) => `${t}\n`).join(""));
  }

  service(name: string, label?: string): void {
    mkdirSync(join(this.state, "cluster", "services", name), { recursive: true });
    if (label !== undefined) writeFileSync(join(this.state, "cluster", "services", name, "label"), `${label}\n`);
  }

  services(): Record<string, string | undefined> {
    const dir = join(this.state, "cluster", "services");
    const out: Record<string, string | undefined> = {};
    for (const name of require("fs").readdirSync(dir) as string[]) {
      const f = join(dir, name, "label");
      out[name] = existsSync(f) ? readFileSync(f, "utf8").trim() : undefined;
    }
    return out;
  }

  log(): string[] {
    return readFileSync(join(this.state, "log"), "utf8").split("\n").filter(Boolean);
  }

  run(node: string, script: string, env: Record<string, string> = {}): { code: number | null; out: string } {
    const path = join(this.dir, "script.sh");
    writeFileSync(path, script);
    const r = spawnSync("/bin/sh", [path], {
      env: { PATH: this.bin, TMPDIR: join(this.dir, "tmp"), STUB_STATE: this.state, STUB_NODE: node, HA_SITE_ROOT: join(this.dir, "roots", node), ...env },
      encoding: "utf8",
      timeout: 20_000,
    });
    return { code: r.status, out: r.stdout + r.stderr };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const script = lifecycleScript({ region: "us-west-2", drainWaitSeconds: 1, pollSeconds: 0.05, parameters: "env" });
const lifecycle = (c: Cluster, node: string, action: string, instance = "none") =>
  c.run(node, script, { HA_SITE_ACTION: action, HA_SITE_INSTANCE_ID: instance });

function withCluster(nodes: readonly NodeLine[], ec2: Record<string, string>, body: (c: Cluster) => void): () => void {
  return () => {
    const c = new Cluster(nodes, ec2);
    try {
      body(c);
    } finally {
      c.cleanup();
    }
  };
}

const host = (instance: string) => `${instance}.us-west-2.compute.internal`;
/** Three managers (n1 leader) and two workers, all up. */
const HEALTHY: NodeLine[] = [
  ["n1", host("i-0000000000000001"), "Ready", "Active", "Leader"],
  ["n2", host("i-0000000000000002"), "Ready", "Active", "Reachable"],
  ["n3", host("i-0000000000000003"), "Ready", "Active", "Reachable"],
  ["w1", host("i-00000000000000a1"), "Ready", "Active", "-"],
  ["w2", host("i-00000000000000a2"), "Ready", "Active", "-"],
];

/**
 * `shellcheck -s sh` of the files `write` puts into a fresh folder, started now, at collection time, without
 * waiting: it runs beside the tests (whose scripts run one at a time) instead of before them. The test that
 * awaits it comes last in its block, so that nothing waits for it meanwhile.
 */
function shellcheckNow(write: (dir: string) => string[]): () => Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), "ha-site-lc-"));
  const files = write(tmp);
  const output = new Promise<string>((resolve) => {
    execFile(SHELLCHECK, ["-s", "sh", ...files], { encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      rmSync(tmp, { recursive: true, force: true });
      resolve(error && typeof error.code !== "number" ? `shellcheck did not run: ${error.message}` : stdout + stderr);
    });
  });
  return () => output;
}

describe("lifecycle.sh against stubs", () => {
  const ssm = lifecycleScript({ region: "us-west-2" });
  const checked = shellcheckNow((tmp) => {
    writeFileSync(join(tmp, "ssm.sh"), ssm.replace("{{ Action }}", "cleanup").replace("{{ InstanceId }}", "none"));
    return [join(__dirname, "../../../constructs/native/lifecycle.sh"), join(tmp, "ssm.sh")];
  });

  it("terminating manager: the leader demotes it, it leaves, the leader removes it; the other managers do nothing", withCluster(HEALTHY, {}, (c) => {
    for (const n of ["n1", "n2", "n3"]) c.ready(n);
    const other = lifecycle(c, "n2", "prepare", "i-0000000000000003");
    expect(other).toEqual({ code: 0, out: expect.stringContaining("not the swarm leader: nothing to do") });
    expect(c.nodes().find((n) => n[0] === "n3")?.[4]).toBe("Reachable");
    expect(lifecycle(c, "n1", "prepare", "i-0000000000000003")).toEqual({ code: 0, out: expect.stringContaining("demoting manager n3") });
    expect(c.nodes().find((n) => n[0] === "n3")?.[4]).toBe("-");
    expect(lifecycle(c, "n3", "leave")).toEqual({ code: 0, out: expect.stringContaining("left the swarm") });
    expect(lifecycle(c, "n1", "remove", "i-0000000000000003")).toEqual({ code: 0, out: expect.stringContaining("removed node n3") });
    expect(c.nodes().map((n) => n[0])).toEqual(["n1", "n2", "w1", "w2"]);
    expect(c.log()).toEqual(expect.arrayContaining(["n1 docker node demote n3", "n3 docker swarm leave", "n1 docker node rm --force n3"]));
  }));

  it("terminating worker: drained (its tasks move) before it leaves and is removed", withCluster(HEALTHY, {}, (c) => {
    c.ready("n1");
    c.tasks("w2", ["t1", "t2"]);
    expect(lifecycle(c, "n1", "prepare", "i-00000000000000a2").out).toContain("draining worker w2");
    expect(c.nodes().find((n) => n[0] === "w2")?.[3]).toBe("Drain");
    expect(lifecycle(c, "w2", "leave").code).toBe(0);
    expect(lifecycle(c, "n1", "remove", "i-00000000000000a2").code).toBe(0);
    expect(c.nodes().map((n) => n[0])).toEqual(["n1", "n2", "n3", "w1"]);
  }));

  it("quorum guard: never demotes below a majority (3 managers, one already unreachable: the second stays)", withCluster(
    [HEALTHY[0], HEALTHY[1], ["n3", host("i-0000000000000003"), "Down", "Active", "Unreachable"], HEALTHY[3]],
    {},
    (c) => {
      c.ready("n1");
      const r = lifecycle(c, "n1", "prepare", "i-0000000000000002");
      expect(r.code).toBe(0);
      expect(r.out).toContain("quorum guard: 1 reachable manager(s) would remain of 2; a majority is 2: not demoting");
      expect(c.nodes().find((n) => n[0] === "n2")?.[4]).toBe("Reachable");
      // Still a manager: it does not leave, and the leader does not remove it.
      expect(lifecycle(c, "n2", "leave").out).toContain("still a manager (not demoted): not leaving");
      expect(lifecycle(c, "n1", "remove", "i-0000000000000002").out).toContain("is still a manager: not removing it");
      expect(c.nodes()).toHaveLength(4);
    },
  ));

  it("never demotes the only manager", withCluster([HEALTHY[0], HEALTHY[3]], {}, (c) => {
    c.ready("n1");
    expect(lifecycle(c, "n1", "prepare", "i-0000000000000001").out).toContain("it is the only manager; not demoting it");
    expect(c.nodes()[0][4]).toBe("Leader");
  }));

  it("cleanup: removes Down nodes whose instances are gone (demoting managers), leaves the others", withCluster(
    [
      HEALTHY[0],
      HEALTHY[1],
      HEALTHY[2],
      ["n4", host("i-0000000000000004"), "Down", "Active", "Unreachable"], // replaced manager, instance terminated
      ["w1", host("i-00000000000000a1"), "Down", "Active", "-"], // instance unknown to EC2 (long gone)
      ["w2", host("i-00000000000000a2"), "Down", "Active", "-"], // instance stopped, not gone
      ["w3", "build-box", "Down", "Active", "-"], // not named after an instance
    ],
    { "i-0000000000000004": "terminated", "i-00000000000000a2": "stopped" },
    (c) => {
      c.ready("n1");
      c.ready("n2");
      expect(lifecycle(c, "n2", "cleanup").out).toContain("not the swarm leader");
      expect(c.nodes()).toHaveLength(7);
      const r = lifecycle(c, "n1", "cleanup");
      expect(r.code).toBe(0);
      expect(r.out).toContain("demoting departed manager n4 (i-0000000000000004)");
      expect(r.out).toContain("removed departed node w1 (i-00000000000000a1)");
      expect(r.out).toContain("node w2 is Down but i-00000000000000a2 still exists: left alone");
      expect(r.out).toContain("node w3 (build-box) is Down but not named after an instance: left alone");
      expect(c.nodes().map((n) => n[0])).toEqual(["n1", "n2", "n3", "w2", "w3"]);
    },
  ));

  it("cleanup without quorum demotes nothing (2 of 4 managers reachable)", withCluster(
    [
      HEALTHY[0],
      HEALTHY[1],
      ["n3", host("i-0000000000000003"), "Down", "Active", "Unreachable"],
      ["n4", host("i-0000000000000004"), "Down", "Active", "Unreachable"],
    ],
    { "i-0000000000000003": "terminated" },
    (c) => {
      c.ready("n1");
      const r = lifecycle(c, "n1", "cleanup");
      expect(r.code).toBe(0);
      expect(r.out).toContain("quorum guard: only 2 of 4 managers are reachable (no majority): demoting nothing");
      expect(c.log().filter((l) => l.includes("demote") || l.includes(" rm "))).toEqual([]);
      expect(c.nodes()).toHaveLength(4);
    },
  ));

  it("does nothing before the node's bootstrap finished (no readiness marker)", withCluster(HEALTHY, {}, (c) => {
    expect(lifecycle(c, "n1", "cleanup")).toEqual({ code: 0, out: expect.stringContaining("not (yet) in the swarm") });
    expect(c.log().filter((l) => l.includes("docker node"))).toEqual([]);
  }));

  it("is shellcheck-clean, as the file and as filled in for SSM (no Terraform or SSM template syntax but its two parameters)", async () => {
    expect(await checked()).toBe("");
    expect(ssm).not.toMatch(/\$\{|%\{/);
    expect(ssm.match(/\{\{[^}]*\}\}/g)).toEqual(["{{ Action }}", "{{ InstanceId }}"]);
    expect(ssm).toContain("\nREGION='us-west-2'\n");
  });
});

describe("ssm-leader.sh (deploy, prune) against stubs", () => {
  const serviceScript = "#!/bin/sh\nset -eu\ndocker service create --name web\necho 'deployed with {{.ID}} and ${X-dollar}'\n";
  const deploy = ssmLeaderScript({ stackName: "site-swarm", action: "deploy", service: "web", serviceScript, readyWaitSeconds: 1, pollSeconds: 0.05 });

  const checked = shellcheckNow((tmp) => {
    writeFileSync(join(tmp, "deploy.sh"), deploy);
    writeFileSync(join(tmp, "prune.sh"), ssmLeaderScript({ stackName: "s", action: "prune", keep: ["a", "b"] }));
    return [join(__dirname, "../../../constructs/native/ssm-leader.sh"), join(tmp, "deploy.sh"), join(tmp, "prune.sh")];
  });

  it("the leader runs the service script and labels the service; other managers exit 0 untouched", withCluster(HEALTHY, {}, (c) => {
    c.ready("n1");
    c.ready("n2");
    const other = c.run("n2", deploy);
    expect(other).toEqual({ code: 0, out: expect.stringContaining("not the swarm leader: nothing to do") });
    expect(c.services()).toEqual({});
    const r = c.run("n1", deploy);
    expect(r.code).toBe(0);
    expect(r.out).toContain("deployed with {{.ID}} and ${X-dollar}");
    expect(c.services()).toEqual({ web: "site-swarm" });
    // A second run finds the label in place: no further update.
    c.run("n1", deploy);
    expect(c.log().filter((l) => l.includes("--label-add"))).toHaveLength(1);
  }));

  it("fails (so that apply fails) when the service script fails, or when the node's bootstrap never finished", withCluster(HEALTHY, {}, (c) => {
    c.ready("n1");
    const failing = ssmLeaderScript({ stackName: "s", action: "deploy", service: "web", serviceScript: "exit 7\n", readyWaitSeconds: 1, pollSeconds: 0.05 });
    expect(c.run("n1", failing).code).toBe(7);
    const r = c.run("n3", deploy);
    expect(r.code).toBe(1);
    expect(r.out).toContain("swarm bootstrap did not finish within 1 seconds");
  }));

  it("prune removes only this stack's labelled services that left the configuration", withCluster(HEALTHY, {}, (c) => {
    c.ready("n1");
    c.service("web", "site-swarm");
    c.service("old", "site-swarm");
    c.service("theirs", "other-swarm");
    c.service("manual");
    const prune = ssmLeaderScript({ stackName: "site-swarm", action: "prune", keep: ["web", "api"], readyWaitSeconds: 1 });
    const r = c.run("n1", prune);
    expect(r.code).toBe(0);
    expect(r.out).toContain("removing service old (no longer in the configuration)");
    expect(Object.keys(c.services()).sort()).toEqual(["manual", "theirs", "web"]);
  }));

  it("is shellcheck-clean and carries no template syntax (the service script travels base64-encoded)", async () => {
    expect(await checked()).toBe("");
    expect(deploy).not.toMatch(/\$\{|%\{|\{\{/);
    expect(deploy).toContain(`SERVICE_SCRIPT_B64=${Buffer.from(serviceScript).toString("base64")}\n`);
    expect(deploy).not.toContain("KEEP_SERVICES");
  });
});
