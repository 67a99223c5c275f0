// The native swarm bootstrap script, run for real: shellcheck on bootstrap.sh and on the generated scripts,
// and runs under sh against stubs of docker, aws (SSM), curl (IMDSv2), dnf and systemctl that share a
// simulated SSM and swarm through files. Its text and options (no process): bootstrap-script.test.ts; the
// stack and scripts both use: bootstrap-script-fixtures.ts.
import { execFile, spawn, spawnSync } from "child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  NATIVE_BOOTSTRAP_INSTALLED_PATH,
  NATIVE_BOOTSTRAP_READY_MARKER,
  nativeBootstrapScript,
} from "../../../constructs/native/bootstrap-script";
import { spawnResult } from "../../process-helpers";
import { PARAMS, base, managerScript, workerScript } from "./bootstrap-script-fixtures";

const STUBS = join(__dirname, "fixtures", "stubs");
const SHELLCHECK = "/usr/bin/shellcheck";
const IMDS = "http://imds.test";

// Everything the script and the stubs run besides the stubs; PATH holds only these, so real tools never run.
const TOOLS = ["cat", "cp", "mv", "rm", "mkdir", "rmdir", "chmod", "date", "sleep", "mktemp", "grep", "tr", "touch", "dirname", "printenv"];

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface NodeSetup {
  readonly ip: string;
  readonly dockerInstalled?: boolean;
  readonly swarmState?: string;
}

/** One simulated AWS account + region: SSM parameters, a swarm, and EC2 instances ("nodes"). */
class World {
  readonly dir = mkdtempSync(join(tmpdir(), "ha-site-bootstrap-"));
  readonly state = join(this.dir, "state");
  readonly tmp = join(this.dir, "tmp");
  private readonly sysbin = join(this.dir, "sysbin");

  constructor() {
    for (const d of [this.state, this.tmp, this.sysbin, join(this.state, "ssm"), join(this.state, "nodes"), join(this.state, "faults")]) {
      mkdirSync(d, { recursive: true });
    }
    writeFileSync(join(this.state, "log"), "");
    for (const tool of TOOLS) {
      const found = ["/usr/bin", "/bin"].map((d) => join(d, tool)).find((p) => existsSync(p));
      if (found === undefined) throw new Error(`test setup: ${tool} not found`);
      symlinkSync(found, join(this.sysbin, tool));
    }
  }

  script(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** What Terraform does: create the four parameters (version 1) with the placeholder. */
  terraformApply(placeholder = "unset"): void {
    this.setParam(PARAMS.lock, "String", [placeholder]);
    this.setParam(PARAMS.managerToken, "SecureString", [placeholder]);
    this.setParam(PARAMS.workerToken, "SecureString", [placeholder]);
    this.setParam(PARAMS.managerAddress, "String", [placeholder]);
  }

  /** Write a parameter's whole history directly (values of versions 1..n); it appears all at once. */
  setParam(name: string, type: string, history: readonly string[]): void {
    const d = this.paramDir(name);
    const tmp = `${d}.tmp`;
    mkdirSync(tmp);
    history.forEach((value, i) => writeFileSync(join(tmp, `value.${i + 1}`), value));
    writeFileSync(join(tmp, "type"), type);
    writeFileSync(join(tmp, "version"), String(history.length));
    rmSync(d, { recursive: true, force: true });
    renameSync(tmp, d);
  }

  param(name: string, version?: number): { value: string; version: number; type: string } | undefined {
    const d = this.paramDir(name);
    if (!existsSync(d)) return undefined;
    const latest = Number(readFileSync(join(d, "version"), "utf8"));
    const v = version ?? latest;
    return { value: readFileSync(join(d, `value.${v}`), "utf8"), version: latest, type: readFileSync(join(d, "type"), "utf8") };
  }

  addNode(name: string, setup: NodeSetup): void {
    const nd = this.nodeDir(name);
    mkdirSync(join(nd, "bin"), { recursive: true });
    mkdirSync(join(nd, "root"), { recursive: true });
    writeFileSync(join(nd, "instance-id"), `i-${name}`);
    writeFileSync(join(nd, "local-ipv4"), setup.ip);
    for (const stub of ["aws", "curl", "dnf", "systemctl", ...(setup.dockerInstalled ? ["docker"] : [])]) {
      copyFileSync(join(STUBS, stub), join(nd, "bin", stub));
      chmodSync(join(nd, "bin", stub), 0o755);
    }
    if (setup.dockerInstalled) writeFileSync(join(nd, "docker-running"), "");
    if (setup.swarmState !== undefined) writeFileSync(join(nd, "swarm-state"), `${setup.swarmState}\n`);
  }

  nodeDir(name: string): string {
    return join(this.state, "nodes", name);
  }

  env(node: string): NodeJS.ProcessEnv {
    return {
      PATH: `${join(this.nodeDir(node), "bin")}:${this.sysbin}`,
      HOME: this.dir,
      TMPDIR: this.tmp,
      HA_SITE_IMDS: IMDS,
      HA_SITE_ROOT: join(this.nodeDir(node), "root"),
      STUB_STATE: this.state,
      STUB_NODE: node,
      STUB_LIB: STUBS,
    };
  }

  /** Run a script as `node` (under dash as /bin/sh, or bash started as "sh", i.e. in POSIX mode). */
  run(node: string, scriptPath: string, args: readonly string[] = [], shell: "sh" | "bash" = "sh", unset: readonly string[] = []): Promise<RunResult> {
    const env = this.env(node);
    for (const name of unset) delete env[name];
    const child = spawn(shell === "sh" ? "/bin/sh" : "/bin/bash", [scriptPath, ...args], { env, argv0: "sh", stdio: ["ignore", "pipe", "pipe"] });
    return spawnResult(child, 10_000).then(({ status, stdout, stderr }) => ({ code: status, stdout, stderr }));
  }

  /** Run a stub directly as `node` (to play the part of another instance). */
  stub(node: string, tool: string, args: readonly string[]): string {
    const r = spawnSync("/bin/sh", [join(STUBS, tool), ...args], { env: this.env(node), encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  }

  log(node?: string): string[] {
    const lines = readFileSync(join(this.state, "log"), "utf8").split("\n").filter((l) => l !== "");
    return node === undefined ? lines : lines.filter((l) => l.startsWith(`${node} `)).map((l) => l.slice(node.length + 1));
  }

  inits(): string[] {
    const f = join(this.state, "inits");
    return existsSync(f) ? readFileSync(f, "utf8").split("\n").filter((l) => l !== "") : [];
  }

  swarmState(node: string): string {
    const f = join(this.nodeDir(node), "swarm-state");
    return existsSync(f) ? readFileSync(f, "utf8").trim() : "inactive";
  }

  swarmRole(node: string): string {
    const f = join(this.nodeDir(node), "swarm-role");
    return existsSync(f) ? readFileSync(f, "utf8").trim() : "none";
  }

  async waitForLog(predicate: (line: string) => boolean, what: string): Promise<void> {
    const until = Date.now() + 5000;
    while (!this.log().some(predicate)) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; log:\n${this.log().join("\n")}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private paramDir(name: string): string {
    return join(this.state, "ssm", name.replace(/\//g, "%"));
  }
}

/** A test body with a fresh world, removed afterwards (tests run concurrently, so no shared afterEach). */
function inWorld(body: (w: World) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const w = new World();
    try {
      await body(w);
    } finally {
      w.cleanup();
    }
  };
}

function expectOk(r: RunResult): void {
  if (r.code !== 0) throw new Error(`exit ${String(r.code)}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  expect(r.stdout + r.stderr).not.toMatch(/SWMTKN/); // join tokens never reach cloud-init's log / the console
}

/** Give `w` a swarm with a first manager m1 (10.0.1.11) already bootstrapped by the script. */
async function withFirstManager(w: World): Promise<{ manager: string; worker: string }> {
  w.terraformApply();
  const manager = w.script("manager.sh", managerScript);
  const worker = w.script("worker.sh", workerScript);
  w.addNode("m1", { ip: "10.0.1.11" });
  expectOk(await w.run("m1", manager));
  return { manager, worker };
}

/**
 * `shellcheck -s sh FILE...`, started now, at collection time, without blocking: jest starts the concurrent
 * runs below before the tests of this block, and a spawnSync here would hold them up (their output unread).
 */
function shellcheckNow(files: readonly string[]): () => Promise<{ code: number | null; text: string }> {
  const result = new Promise<{ code: number | null; text: string }>((resolve) => {
    execFile(SHELLCHECK, ["-s", "sh", ...files], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, text: stdout + stderr }),
    );
  });
  return () => result;
}

const BOOTSTRAP_FILE = join(__dirname, "../../../constructs/native/bootstrap.sh");
const generatedDir = mkdtempSync(join(tmpdir(), "ha-site-bootstrap-shellcheck-"));
afterAll(() => rmSync(generatedDir, { recursive: true, force: true }));
const generated: [string, string][] = [
  ["manager.sh", managerScript],
  ["worker.sh", workerScript],
  ["manager-defaults.sh", nativeBootstrapScript({ role: "manager", stackName: "s", region: "eu-west-1" })],
  ["manager-no-timer.sh", nativeBootstrapScript({ role: "manager", ...base, addressRefreshSeconds: 0, placeholder: "x'y" })],
];
for (const [name, text] of generated) writeFileSync(join(generatedDir, name), text);
const fileChecked = existsSync(SHELLCHECK) ? shellcheckNow([BOOTSTRAP_FILE]) : undefined;
const generatedChecked = existsSync(SHELLCHECK) ? shellcheckNow(generated.map(([name]) => join(generatedDir, name))) : undefined;

describe("nativeBootstrapScript: text and options", () => {
  it("comes from the real file bootstrap.sh, which is shellcheck-clean on its own", async () => {
    const r = await fileChecked!();
    expect(r.text).toBe("");
    // Everything after the settings is the file's text, minus the other role's sections.
    const body = readFileSync(BOOTSTRAP_FILE, "utf8").split("# @settings-end\n")[1];
    expect(managerScript).toContain(body.split("# @refresher-begin")[0].replace("# @manager-begin\n", ""));
  });

  (existsSync(SHELLCHECK) ? it : it.skip)(existsSync(SHELLCHECK) ? "passes shellcheck -s sh (manager, worker, variants)" : `shellcheck -s sh (manager, worker, variants): skipped, ${SHELLCHECK} is not installed (CI installs it)`, async () => {
    const r = await generatedChecked!();
    expect(r.text).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("nativeBootstrapScript run under sh against stubs", () => {
  it.concurrent("first manager: installs docker, wins the lock (version 2), inits, stores tokens and address", inWorld(async (w) => {
    await withFirstManager(w);
    const log = w.log("m1");
    expect(log).toEqual(expect.arrayContaining(["dnf install -y docker", "systemctl enable --now docker"]));
    // IMDSv2 through the override: a token first, then the metadata with it.
    expect(log.filter((l) => l.startsWith("curl"))).toEqual([
      `curl PUT ${IMDS}/latest/api/token`,
      `curl GET ${IMDS}/latest/meta-data/instance-id`,
      `curl PUT ${IMDS}/latest/api/token`,
      `curl GET ${IMDS}/latest/meta-data/local-ipv4`,
    ]);
    expect(log).toContain("docker swarm init --advertise-addr 10.0.1.11");
    expect(readFileSync(join(w.nodeDir("m1"), "root", NATIVE_BOOTSTRAP_READY_MARKER), "utf8")).toBe("manager\n");
    expect(w.inits()).toEqual(["m1"]);
    expect(w.param(PARAMS.lock)).toEqual({ value: "i-m1", version: 2, type: "String" });
    expect(w.param(PARAMS.managerToken)).toEqual({ value: "SWMTKN-1-manager-of-m1", version: 2, type: "SecureString" });
    expect(w.param(PARAMS.workerToken)).toEqual({ value: "SWMTKN-1-worker-of-m1", version: 2, type: "SecureString" });
    expect(w.param(PARAMS.managerAddress)).toEqual({ value: "10.0.1.11", version: 2, type: "String" });
    // Tokens are written before the address, which is what waiting nodes key on.
    const puts = log.filter((l) => l.startsWith("aws put-parameter")).map((l) => l.split(" ")[2]);
    expect(puts).toEqual([PARAMS.lock, PARAMS.managerToken, PARAMS.workerToken, PARAMS.managerAddress]);
    expect(log.filter((l) => l.startsWith("aws ")).every((l) => l.includes("region=eu-west-1"))).toBe(true);
    // The address refresh timer is installed with a copy of the script.
    const root = join(w.nodeDir("m1"), "root");
    expect(readFileSync(join(root, NATIVE_BOOTSTRAP_INSTALLED_PATH), "utf8")).toBe(managerScript);
    expect(readFileSync(join(root, "etc/systemd/system/ha-site-manager-address.service"), "utf8")).toContain(
      `ExecStart=/bin/sh ${NATIVE_BOOTSTRAP_INSTALLED_PATH} refresh-manager-address`,
    );
    expect(existsSync(join(root, "etc/systemd/system/ha-site-manager-address.timer"))).toBe(true);
    expect(log).toContain("systemctl enable --now ha-site-manager-address.timer");
    expect(readdirSync(w.tmp)).toEqual([]); // its temp dir is gone
  }));

  it.concurrent("second manager: gets version 3, joins with the manager token, then advertises its own address", inWorld(async (w) => {
    const { manager } = await withFirstManager(w);
    w.addNode("m2", { ip: "10.0.2.12" });
    expectOk(await w.run("m2", manager));
    const log = w.log("m2");
    expect(log).toContain("aws get-parameter /ha-site/site-a/lock:2 region=eu-west-1");
    expect(log).toContain("docker swarm join --token SWMTKN-1-manager-of-m1 --advertise-addr 10.0.2.12 10.0.1.11:2377");
    expect(log.some((l) => l.startsWith("docker swarm init"))).toBe(false);
    expect(w.inits()).toEqual(["m1"]);
    expect(w.swarmRole("m2")).toBe("manager");
    expect(w.param(PARAMS.lock)).toMatchObject({ value: "i-m2", version: 3 });
    expect(w.param(PARAMS.managerAddress)).toMatchObject({ value: "10.0.2.12", version: 3 });
    expect(w.param(PARAMS.managerToken)?.version).toBe(2);
  }));

  it.concurrent("worker: joins with the worker token via the stored address, writes nothing, never reads the manager token", inWorld(async (w) => {
    const { worker } = await withFirstManager(w);
    w.addNode("w1", { ip: "10.0.3.21" });
    expectOk(await w.run("w1", worker));
    const log = w.log("w1");
    expect(log).toContain("docker swarm join --token SWMTKN-1-worker-of-m1 --advertise-addr 10.0.3.21 10.0.1.11:2377");
    expect(w.swarmRole("w1")).toBe("worker");
    expect(log.filter((l) => l.startsWith("aws")).map((l) => l.split(" ").slice(0, 3).join(" "))).toEqual([
      `aws get-parameter ${PARAMS.workerToken}`,
      `aws get-parameter ${PARAMS.managerAddress}`,
    ]);
    expect(log.some((l) => l.includes("instance-id"))).toBe(false);
    expect(existsSync(join(w.nodeDir("w1"), "root", "etc"))).toBe(false);
  }));

  it.concurrent("lost lock race: another instance already wrote version 2, so this manager (version 3) waits and joins", inWorld(async (w) => {
    const placeholder = `it's $unset`; // also checks that an awkward placeholder is quoted right
    w.terraformApply(placeholder);
    w.setParam(PARAMS.lock, "String", [placeholder, "i-winner"]);
    const manager = w.script("manager.sh", nativeBootstrapScript({ role: "manager", ...base, placeholder }));
    w.addNode("m2", { ip: "10.0.2.12" });
    const loser = w.run("m2", manager);
    await w.waitForLog((l) => l === `m2 aws get-parameter ${PARAMS.managerToken} region=eu-west-1`, "m2 to wait for the token");
    expect(w.log("m2").some((l) => l.startsWith("docker swarm join"))).toBe(false);
    // The winner (not running the script here) inits and publishes meanwhile.
    w.addNode("winner", { ip: "10.0.1.99", dockerInstalled: true });
    w.stub("winner", "docker", ["swarm", "init", "--advertise-addr", "10.0.1.99"]);
    for (const [name, type, value] of [
      [PARAMS.managerToken, "SecureString", "SWMTKN-1-manager-of-winner"],
      [PARAMS.workerToken, "SecureString", "SWMTKN-1-worker-of-winner"],
      [PARAMS.managerAddress, "String", "10.0.1.99"],
    ] as const) {
      w.stub("winner", "aws", ["--region", "eu-west-1", "ssm", "put-parameter", "--name", name, "--type", type, "--value", value, "--overwrite"]);
    }
    const r = await loser;
    expectOk(r);
    expect(r.stdout).toContain(`waiting for ${PARAMS.managerToken} and ${PARAMS.managerAddress} to be set`);
    expect(w.inits()).toEqual(["winner"]);
    expect(w.log("m2")).toContain("docker swarm join --token SWMTKN-1-manager-of-winner --advertise-addr 10.0.2.12 10.0.1.99:2377");
    expect(w.param(PARAMS.lock)).toMatchObject({ version: 3, value: "i-m2" });
    expect(w.swarmRole("m2")).toBe("manager");
  }));

  it.concurrent("concurrent managers and workers on one fresh stack: exactly one swarm init, everybody joins", inWorld(async (w) => {
    w.terraformApply();
    const manager = w.script("manager.sh", managerScript);
    const worker = w.script("worker.sh", workerScript);
    const managers = ["m1", "m2", "m3"];
    const workers = ["w1", "w2"];
    managers.forEach((m, i) => w.addNode(m, { ip: `10.0.${i + 1}.1${i + 1}` }));
    workers.forEach((n, i) => w.addNode(n, { ip: `10.0.${i + 1}.2${i + 1}` }));
    const results = await Promise.all([
      ...workers.map((n) => w.run(n, worker)),
      ...managers.map((m) => w.run(m, manager)),
    ]);
    results.forEach(expectOk);
    const inits = w.inits();
    expect(inits).toHaveLength(1);
    expect(w.param(PARAMS.lock)).toMatchObject({ version: 4 });
    expect(w.param(PARAMS.lock, 2)?.value).toBe(`i-${inits[0]}`);
    for (const m of managers) expect([w.swarmState(m), w.swarmRole(m)]).toEqual(["active", "manager"]);
    for (const n of workers) expect([w.swarmState(n), w.swarmRole(n)]).toEqual(["active", "worker"]);
  }));

  it.concurrent("a lock write whose response was lost still makes its writer the first manager (version 2 holds its id)", inWorld(async (w) => {
    w.terraformApply();
    writeFileSync(join(w.state, "faults", "m1.put.lock"), "lost-response");
    w.addNode("m1", { ip: "10.0.1.11" });
    expectOk(await w.run("m1", w.script("manager.sh", managerScript)));
    expect(w.param(PARAMS.lock)).toMatchObject({ version: 3, value: "i-m1" });
    expect(w.inits()).toEqual(["m1"]);
    expect(w.param(PARAMS.managerAddress)?.value).toBe("10.0.1.11");
  }));

  it.concurrent("retries a lock write refused with TooManyUpdates", inWorld(async (w) => {
    w.terraformApply();
    writeFileSync(join(w.state, "faults", "m1.put.lock"), "too-many-updates");
    w.addNode("m1", { ip: "10.0.1.11" });
    expectOk(await w.run("m1", w.script("manager.sh", managerScript)));
    expect(w.log("m1").filter((l) => l.startsWith(`aws put-parameter ${PARAMS.lock}`))).toEqual([
      `aws put-parameter ${PARAMS.lock} FAILED TooManyUpdates`,
      `aws put-parameter ${PARAMS.lock} type=String version=2 region=eu-west-1 value=i-m1`,
    ]);
    expect(w.inits()).toEqual(["m1"]);
  }));

  it.concurrent("replacement manager launched later (lock version 7) joins the existing swarm", inWorld(async (w) => {
    const { manager } = await withFirstManager(w);
    w.addNode("m2", { ip: "10.0.2.12" });
    expectOk(await w.run("m2", manager));
    // Earlier replacements moved the lock on to version 6.
    w.setParam(PARAMS.lock, "String", ["unset", "i-m1", "i-m2", "i-old4", "i-old5", "i-old6"]);
    w.addNode("r1", { ip: "10.0.3.13" });
    expectOk(await w.run("r1", manager));
    expect(w.param(PARAMS.lock)).toMatchObject({ version: 7, value: "i-r1" });
    expect(w.log("r1")).toContain("docker swarm join --token SWMTKN-1-manager-of-m1 --advertise-addr 10.0.3.13 10.0.2.12:2377");
    expect(w.inits()).toEqual(["m1"]);
    expect(w.param(PARAMS.managerAddress)?.value).toBe("10.0.3.13");
  }));

  it.concurrent("a stored address of a terminated manager: the joiner retries; the leader's refresh timer repoints it", inWorld(async (w) => {
    const { manager } = await withFirstManager(w);
    w.addNode("m2", { ip: "10.0.2.12" });
    expectOk(await w.run("m2", manager));
    // m2, whose address is stored, is terminated.
    const managersFile = join(w.state, "swarm", "managers");
    writeFileSync(managersFile, readFileSync(managersFile, "utf8").replace(/^10\.0\.2\.12 .*\n/m, ""));
    w.addNode("r1", { ip: "10.0.3.13" });
    const replacement = w.run("r1", manager);
    await w.waitForLog((l) => l.startsWith("r1 docker swarm leave --force"), "r1's failed join");
    // What ha-site-manager-address.timer runs, on the leader m1 (and on a non-leader: no-op).
    const installed = join(w.nodeDir("m1"), "root", NATIVE_BOOTSTRAP_INSTALLED_PATH);
    expectOk(await w.run("m1", installed, ["refresh-manager-address"]));
    // (r1 may already have joined through it and advertised itself: look at the write, not the current value.)
    expect(w.log("m1")).toContainEqual(expect.stringMatching(new RegExp(`^aws put-parameter ${PARAMS.managerAddress} type=String .*value=10\\.0\\.1\\.11$`)));
    const r = await replacement;
    expectOk(r);
    expect(r.stdout).toContain("could not join via 10.0.2.12:2377");
    expect(w.log("r1")).toContain("docker swarm join --token SWMTKN-1-manager-of-m1 --advertise-addr 10.0.3.13 10.0.1.11:2377");
    expect(w.swarmRole("r1")).toBe("manager");
    const putsBefore = w.log().filter((l) => l.includes("aws put-parameter")).length;
    expectOk(await w.run("r1", join(w.nodeDir("r1"), "root", NATIVE_BOOTSTRAP_INSTALLED_PATH), ["refresh-manager-address"]));
    w.stub("m1", "aws", ["ssm", "put-parameter", "--name", PARAMS.managerAddress, "--type", "String", "--value", "10.0.3.13", "--overwrite"]);
    expectOk(await w.run("m1", installed, ["refresh-manager-address"]));
    expectOk(await w.run("m1", installed, ["refresh-manager-address"]));
    // r1 (not the leader) wrote nothing; m1 repointed once, then found it right.
    expect(w.log().filter((l) => l.includes("aws put-parameter")).length).toBe(putsBefore + 2);
    expect(w.param(PARAMS.managerAddress)?.value).toBe("10.0.1.11");
  }));

  it.concurrent("times out with a message and exit 1 when the tokens never appear (manager that lost to a dead instance)", inWorld(async (w) => {
    w.terraformApply();
    w.setParam(PARAMS.lock, "String", ["unset", "i-dead"]);
    w.addNode("m2", { ip: "10.0.2.12" });
    const started = Date.now();
    const r = await w.run("m2", w.script("m.sh", nativeBootstrapScript({ role: "manager", ...base, waitSeconds: 1 })));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `ha-site bootstrap [manager]: ERROR: timed out after 1 seconds waiting to join the swarm as a manager: ${PARAMS.managerToken} and ${PARAMS.managerAddress} must hold a value other than the placeholder 'unset'`,
    );
    expect(w.log("m2").some((l) => l.startsWith("docker swarm join") || l.startsWith("docker swarm init"))).toBe(false);
  }));

  it.concurrent("times out showing the last error when the parameters do not exist (worker)", inWorld(async (w) => {
    w.addNode("w1", { ip: "10.0.3.21" });
    const r = await w.run("w1", w.script("w.sh", nativeBootstrapScript({ role: "worker", ...base, waitSeconds: 1 })));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/last error:\nAn error occurred \(ParameterNotFound\)/);
    expect(r.stderr).toMatch(/ERROR: timed out after 1 seconds waiting to join the swarm as a worker: .*worker-token/);
  }));

  it.concurrent("never creates the lock itself: waits for Terraform's, and times out if it never comes", inWorld(async (w) => {
    w.addNode("m1", { ip: "10.0.1.11" });
    const r = await w.run("m1", w.script("manager.sh", nativeBootstrapScript({ role: "manager", ...base, waitSeconds: 1 })));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR: timed out after 1 seconds waiting for ${PARAMS.lock} to exist (Terraform creates it before the instances)`);
    expect(r.stderr).toContain("(ParameterNotFound)");
    expect(w.param(PARAMS.lock)).toBeUndefined();
    expect(w.inits()).toEqual([]);
  }));

  it.concurrent("a manager started before Terraform created the parameters goes ahead once they exist", inWorld(async (w) => {
    w.addNode("m1", { ip: "10.0.1.11" });
    const early = w.run("m1", w.script("manager.sh", managerScript));
    await w.waitForLog((l) => l.startsWith(`m1 aws get-parameter ${PARAMS.lock} `), "m1 to look for the lock");
    w.terraformApply();
    expectOk(await early);
    expect(w.param(PARAMS.lock)).toMatchObject({ version: 2, value: "i-m1" });
    expect(w.inits()).toEqual(["m1"]);
  }));

  it.concurrent("does nothing on a node that is already an active swarm member (e.g. a re-run after reboot)", inWorld(async (w) => {
    w.terraformApply();
    w.addNode("m1", { ip: "10.0.1.11", dockerInstalled: true, swarmState: "active" });
    w.addNode("w1", { ip: "10.0.3.21", dockerInstalled: true, swarmState: "active" });
    for (const [node, text] of [["m1", managerScript], ["w1", workerScript]] as const) {
      const r = await w.run(node, w.script(`${node}.sh`, text));
      expectOk(r);
      expect(r.stdout).toContain("already part of a swarm: nothing to do");
      expect(w.log(node)).toEqual(["systemctl enable --now docker", "docker info", "docker info --format {{.Swarm.LocalNodeState}}"]);
    }
    expect(w.param(PARAMS.lock)?.version).toBe(1);
  }));

  it.concurrent("runs the same under bash in POSIX mode (Amazon Linux's /bin/sh); without the override, IMDS is 169.254.169.254", inWorld(async (w) => {
    w.terraformApply();
    w.addNode("m1", { ip: "10.0.1.11" });
    w.addNode("w1", { ip: "10.0.3.21" });
    expectOk(await w.run("m1", w.script("manager.sh", managerScript), [], "bash"));
    expectOk(await w.run("w1", w.script("worker.sh", workerScript), [], "bash", ["HA_SITE_IMDS"]));
    expect(w.log("w1")).toContain("curl GET http://169.254.169.254/latest/meta-data/local-ipv4");
    expect(w.inits()).toEqual(["m1"]);
    expect(w.swarmRole("w1")).toBe("worker");
  }));
});
