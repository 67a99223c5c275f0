// The service scripts, run for real: each generated script is executed by /bin/sh (and by `busybox sh` when
// the machine has busybox) against a stub docker (fixtures/docker-stub.sh) that keeps the swarm's services
// as files and logs every call; shellcheck on the generated scripts and their .sh sources; sh reading
// shellQuote's output back. Every script-running test has its own state directory, so they run
// concurrently; every run is bounded. The scripts' text, options and errors (no process):
// service-script.test.ts; the services and scripts both use: service-script-fixtures.ts.
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ServiceConfig } from "../../config/schema";
import {
  serviceDeployScript,
  serviceNodeWaitScript,
  serviceRemoveScript,
  type ServiceDeployScriptOptions,
} from "../../constructs/service-script";
import { shellQuote } from "../../constructs/shell";
import { SEED, scripts } from "./service-script-fixtures";

const SCRIPTS_DIR = path.join(__dirname, "..", "..", "constructs", "scripts");

/** Short waits so that the whole file stays fast; tests that need a timeout to fire shorten it further. */
const FAST: ServiceDeployScriptOptions = { swarmWaitSeconds: 3, commandTimeoutSeconds: 5, convergeWaitSeconds: 3, pollSeconds: 1 };

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

// Set up at collection time (not in beforeAll): jest starts test.concurrent bodies before beforeAll hooks.
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ha-site-service-script-"));
const bin = path.join(root, "bin");
fs.mkdirSync(bin);
fs.copyFileSync(path.join(__dirname, "fixtures", "docker-stub.sh"), path.join(bin, "docker"));
fs.chmodSync(path.join(bin, "docker"), 0o755);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Shell {
  name: string;
  argv: string[];
}
const busybox = onPath("busybox");
const SHELLS: Shell[] = [{ name: "/bin/sh", argv: ["/bin/sh"] }, ...(busybox ? [{ name: "busybox sh", argv: [busybox, "sh"] }] : [])];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The docker calls of this run, each as its argument list. */
  calls: string[][];
  seconds: number;
}

interface ServiceState {
  image: string;
  replicas: string;
  env: string[];
  ports: string[];
}

const lines = (text: string): string[] => text.split("\n").filter((l) => l !== "");

/** One fake swarm: a state directory for the stub docker. */
class Swarm {
  readonly dir = fs.mkdtempSync(path.join(root, "swarm-"));
  private runs = 0;

  constructor(private readonly shell: Shell) {}

  run(script: string, knobs: Record<string, string> = {}): Promise<Result> {
    const file = path.join(this.dir, `script-${++this.runs}.sh`);
    fs.writeFileSync(file, script);
    fs.rmSync(path.join(this.dir, "calls.log"), { force: true });
    const started = Date.now();
    return new Promise((resolve) => {
      execFile(
        this.shell.argv[0],
        [...this.shell.argv.slice(1), file],
        {
          cwd: this.dir,
          env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, HOME: this.dir, STUB_STATE: this.dir, ...knobs },
          timeout: 20000,
        },
        (error, stdout, stderr) => {
          const log = path.join(this.dir, "calls.log");
          const calls = fs.existsSync(log)
            ? lines(fs.readFileSync(log, "utf8")).map((l) => l.split("\u001f").slice(0, -1))
            : [];
          resolve({
            code: error ? (typeof error.code === "number" ? error.code : null) : 0,
            stdout,
            stderr,
            calls,
            seconds: (Date.now() - started) / 1000,
          });
        },
      );
    });
  }

  service(name: string): ServiceState | undefined {
    const dir = path.join(this.dir, "services", name);
    if (!fs.existsSync(dir)) return undefined;
    const read = (f: string): string => fs.readFileSync(path.join(dir, f), "utf8");
    return { image: read("image").trim(), replicas: read("replicas").trim(), env: lines(read("env")), ports: lines(read("ports")) };
  }

  /** Put a service there as if made by hand. */
  put(name: string, state: ServiceState & { global?: boolean }): void {
    const dir = path.join(this.dir, "services", name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "image"), `${state.image}\n`);
    fs.writeFileSync(path.join(dir, "replicas"), `${state.replicas}\n`);
    fs.writeFileSync(path.join(dir, "env"), state.env.map((l) => `${l}\n`).join(""));
    fs.writeFileSync(path.join(dir, "ports"), state.ports.map((l) => `${l}\n`).join(""));
    if (state.global) fs.writeFileSync(path.join(dir, "global"), "");
  }
}

const named = (calls: string[][], command: string, sub: string): string[][] => calls.filter((c) => c[0] === command && c[1] === sub);
const creates = (r: Result): string[][] => named(r.calls, "service", "create");
const updates = (r: Result): string[][] => named(r.calls, "service", "update");
const removes = (r: Result): string[][] => named(r.calls, "service", "rm");

/**
 * Starts `run` now, at collection time, and gives its result to the test that awaits it: the scenarios that
 * must sleep (waits, timeouts) then overlap, whereas jest runs at most 5 concurrent tests at a time.
 */
function startNow<T>(run: () => Promise<T>): () => Promise<T> {
  const started = run();
  return () => started;
}

function expectOk(r: Result): void {
  if (r.code !== 0) throw new Error(`script failed (exit ${String(r.code)}):\n${r.stdout}\n${r.stderr}`);
}

describe.each(SHELLS)("deploy script under $name", (shell) => {
  test.concurrent("first run creates the service with the configured flags and waits for the replicas", async () => {
    const swarm = new Swarm(shell);
    const r = await swarm.run(serviceDeployScript(SEED, FAST));
    expectOk(r);
    expect(creates(r)).toEqual([
      [
        "service",
        "create",
        "--detach=false",
        "--name",
        "hello-world",
        "--publish",
        "published=8080,target=80,protocol=tcp",
        "--replicas",
        "10",
        "tutum/hello-world",
      ],
    ]);
    expect(updates(r)).toEqual([]);
    expect(r.calls[0]).toEqual(["node", "ls"]);
    expect(swarm.service("hello-world")).toEqual({ image: "tutum/hello-world", replicas: "10", env: [], ports: ["8080:80/tcp/ingress"] });
    expect(r.stdout).toContain("ha-site: service hello-world: not found: creating it (10 x tutum/hello-world)");
    expect(r.stdout).toContain("ha-site: service hello-world: done: 10/10 tasks running");
    expect(r.stderr).toBe("");
  });

  test.concurrent("a second identical run creates and updates nothing (also when docker stores tag@digest)", async () => {
    const variants: Record<string, string>[] = [{}, { STUB_RESOLVE_DIGEST: "1" }];
    for (const knobs of variants) {
      const swarm = new Swarm(shell);
      expectOk(await swarm.run(serviceDeployScript(SEED, FAST), knobs));
      const again = await swarm.run(serviceDeployScript(SEED, FAST), knobs);
      expectOk(again);
      expect(creates(again)).toEqual([]);
      expect(updates(again)).toEqual([]);
      expect(removes(again)).toEqual([]);
      expect(again.calls.map((c) => `${c[0]} ${c[1]}`)).toEqual([
        "node ls",
        "service inspect",
        "service inspect",
        "service inspect",
        "service inspect",
        "service inspect",
        "service ls",
      ]);
      expect(again.stdout).toContain("the spec matches the configuration");
    }
  });

  test.concurrent("a changed spec is updated in place: image, replicas, env and ports; removed ones are removed", async () => {
    const swarm = new Swarm(shell);
    const before: ServiceConfig = {
      ...SEED,
      ports: [
        { published: 8080, target: 80, protocol: "tcp" },
        { published: 7000, target: 70, protocol: "udp" },
      ],
      env: { A: "1", B: "2" },
    };
    expectOk(await swarm.run(serviceDeployScript(before, FAST)));
    const after: ServiceConfig = {
      ...SEED,
      image: "tutum/hello-world:2",
      replicas: 3,
      ports: [
        { published: 8081, target: 80, protocol: "tcp" },
        { published: 9000, target: 90, protocol: "udp" },
      ],
      env: { A: "changed", C: "3" },
    };
    const r = await swarm.run(serviceDeployScript(after, FAST));
    expectOk(r);
    expect(creates(r)).toEqual([]);
    expect(removes(r)).toEqual([]);
    expect(updates(r)).toEqual([
      [
        "service",
        "update",
        "--detach=false",
        "--image",
        "tutum/hello-world:2",
        "--replicas",
        "3",
        "--env-add",
        "A=changed",
        "--env-add",
        "C=3",
        "--env-rm",
        "B",
        "--publish-rm",
        "published=7000,target=70,protocol=udp,mode=ingress",
        "--publish-rm",
        "published=8080,target=80,protocol=tcp,mode=ingress",
        "--publish-add",
        "published=8081,target=80,protocol=tcp",
        "--publish-add",
        "published=9000,target=90,protocol=udp",
        "hello-world",
      ],
    ]);
    const state = swarm.service("hello-world");
    expect(state).toMatchObject({ image: "tutum/hello-world:2", replicas: "3" });
    expect([...(state?.env ?? [])].sort()).toEqual(["A=changed", "C=3"]);
    expect([...(state?.ports ?? [])].sort()).toEqual(["8081:80/tcp/ingress", "9000:90/udp/ingress"]);
    expect(r.stdout).toContain(
      "updating in place: image tutum/hello-world -> tutum/hello-world:2, replicas 10 -> 3, set env A, set env C, unset env B, " +
        "unpublish 7000:70/udp/ingress, unpublish 8080:80/tcp/ingress, publish 8081:80/tcp/ingress, publish 9000:90/udp/ingress",
    );
    // Converged: a third run with the same config changes nothing.
    const third = await swarm.run(serviceDeployScript(after, FAST));
    expectOk(third);
    expect(updates(third)).toEqual([]);
  });

  test.concurrent("replicas alone: one update with --replicas only, and the replica count ends at the configured value", async () => {
    const swarm = new Swarm(shell);
    expectOk(await swarm.run(serviceDeployScript({ ...SEED, replicas: 2 }, FAST)));
    const r = await swarm.run(serviceDeployScript(SEED, FAST));
    expectOk(r);
    expect(updates(r)).toEqual([["service", "update", "--detach=false", "--replicas", "10", "hello-world"]]);
    expect(swarm.service("hello-world")?.replicas).toBe("10");
    expect(r.stdout).toContain("done: 10/10 tasks running");
  });

  test.concurrent("a removed port with the same target port as a kept one: a second update re-adds the kept one", async () => {
    const swarm = new Swarm(shell);
    const two: ServiceConfig = {
      ...SEED,
      ports: [
        { published: 8080, target: 80, protocol: "tcp" },
        { published: 8081, target: 80, protocol: "tcp" },
      ],
    };
    expectOk(await swarm.run(serviceDeployScript(two, FAST)));
    const one: ServiceConfig = { ...SEED, ports: [{ published: 8081, target: 80, protocol: "tcp" }] };
    const r = await swarm.run(serviceDeployScript(one, FAST));
    expectOk(r);
    expect(updates(r).map((u) => u.slice(3))).toEqual([
      ["--publish-rm", "published=8080,target=80,protocol=tcp,mode=ingress", "hello-world"],
      ["--publish-add", "published=8081,target=80,protocol=tcp", "hello-world"],
    ]);
    expect(swarm.service("hello-world")?.ports).toEqual(["8081:80/tcp/ingress"]);
  });

  test.concurrent("changes made by hand are undone (replicas, extra env, extra host-mode port)", async () => {
    const swarm = new Swarm(shell);
    swarm.put("hello-world", {
      image: "tutum/hello-world:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      replicas: "3",
      env: ["EXTRA=1"],
      ports: ["8080:80/tcp/ingress", "9999:99/tcp/host"],
    });
    const r = await swarm.run(serviceDeployScript(SEED, FAST));
    expectOk(r);
    expect(creates(r)).toEqual([]);
    expect(updates(r)).toEqual([
      [
        "service",
        "update",
        "--detach=false",
        "--replicas",
        "10",
        "--env-rm",
        "EXTRA",
        "--publish-rm",
        "published=9999,target=99,protocol=tcp,mode=host",
        "hello-world",
      ],
    ]);
    expect(swarm.service("hello-world")).toMatchObject({ replicas: "10", env: [], ports: ["8080:80/tcp/ingress"] });
  });

  // The scenarios that sleep, started at once.
  const lagging = startNow(() => new Swarm(shell).run(serviceDeployScript(SEED, FAST), { STUB_LS_LAG: "1" }));
  const stuck = startNow(() =>
    new Swarm(shell).run(serviceDeployScript(SEED, { ...FAST, convergeWaitSeconds: 1 }), { STUB_LS_LAG: "always" }),
  );
  const late = startNow(() =>
    new Swarm(shell).run(serviceDeployScript(SEED, { ...FAST, swarmWaitSeconds: 10 }), { STUB_NODE_LS_FAILURES: "1" }),
  );
  const never = startNow(() =>
    new Swarm(shell).run(serviceDeployScript(SEED, { ...FAST, swarmWaitSeconds: 1 }), { STUB_NODE_LS_FAILURES: "always" }),
  );
  const hungCreate = startNow(() =>
    new Swarm(shell).run(serviceDeployScript(SEED, { ...FAST, commandTimeoutSeconds: 1 }), { STUB_HANG: "service create" }),
  );
  const hungNodeLs = startNow(() =>
    new Swarm(shell).run(serviceDeployScript(SEED, { ...FAST, swarmWaitSeconds: 0, commandTimeoutSeconds: 1 }), { STUB_HANG: "node ls" }),
  );

  test.concurrent("the replica check waits for the running tasks", async () => {
    const ok = await lagging();
    expectOk(ok);
    expect(named(ok.calls, "service", "ls")).toHaveLength(2);
  });

  test.concurrent("the replica check fails with a message when the running tasks never reach the replicas", async () => {
    const r = await stuck();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'ha-site: ERROR: service hello-world, step "verify": running/desired tasks are 9/10, not 10/10, after 1 s (see docker service ps hello-world)',
    );
  });

  test.concurrent("a failing docker service create: non-zero exit, a message naming service and step, nothing after", async () => {
    const swarm = new Swarm(shell);
    const r = await swarm.run(serviceDeployScript(SEED, FAST), { STUB_FAIL: "service create" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("stub docker: service create: forced failure");
    expect(r.stderr).toContain('ha-site: ERROR: service hello-world, step "create": "docker service create" failed with exit status 1');
    expect(r.calls[r.calls.length - 1]?.slice(0, 2)).toEqual(["service", "create"]);
  });

  test.concurrent("a failing update or spec read fails the script too", async () => {
    const swarm = new Swarm(shell);
    expectOk(await swarm.run(serviceDeployScript(SEED, FAST)));
    const update = await swarm.run(serviceDeployScript({ ...SEED, replicas: 4 }, FAST), { STUB_FAIL: "service update" });
    expect(update.code).toBe(1);
    expect(update.stderr).toContain('service hello-world, step "update": "docker service update" failed with exit status 1');

    const global = new Swarm(shell);
    global.put("hello-world", { image: "tutum/hello-world", replicas: "0", env: [], ports: [], global: true });
    const read = await global.run(serviceDeployScript(SEED, FAST));
    expect(read.code).toBe(1);
    expect(read.stderr).toContain('step "read spec": the service is not in replicated mode');
    expect(updates(read)).toEqual([]);
  });

  test.concurrent("the swarm wait retries docker node ls until it answers", async () => {
    const ok = await late();
    expectOk(ok);
    expect(named(ok.calls, "node", "ls")).toHaveLength(2);
  });

  test.concurrent("the swarm wait is bounded: non-zero exit with a message when docker node ls never answers", async () => {
    const r = await never();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'ha-site: ERROR: service hello-world, step "wait for swarm": "docker node ls" did not succeed within 1 s; ' +
        "last try (exit status 1): Error response from daemon: This node is not a swarm manager.",
    );
    expect(r.calls.every((c) => c[0] === "node")).toBe(true);
    expect(r.seconds).toBeLessThan(5);
  });

  test.concurrent("a hung docker call is killed by the timeout and the script fails with a message", async () => {
    const r = await hungCreate();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ha-site: ERROR: service hello-world, step "create": "docker service create" did not finish within 1 s and was killed');
    expect(r.seconds).toBeLessThan(6);
  });

  test.concurrent("a hung docker node ls try is killed too", async () => {
    const h = await hungNodeLs();
    expect(h.code).toBe(1);
    expect(h.stderr).toContain('step "wait for swarm": "docker node ls" did not succeed within 0 s; last try (exit status 124): it did not finish within 1 s');
    expect(h.seconds).toBeLessThan(6);
  });

  test.concurrent("env values with quotes, $(...), backticks and ; reach docker byte for byte, and nothing runs", async () => {
    const swarm = new Swarm(shell);
    const env: Record<string, string> = {
      QUOTES: `it's "quoted" ''`,
      SUBST: "$(touch pwned-subst)",
      TICKS: "`touch pwned-ticks`",
      SEMI: "a; touch pwned-semi; b",
      VARS: "${HOME} $PATH $1 $@",
      BACKSLASH: "back\\slash \\n \\\\ \\",
      GLOB: "* ? [a-z]",
      SPACES: "  lead and trail  ",
      PERCENT: "%{x} %s %% ${y}",
      EQUALS: "a=b=c",
      EMPTY: "",
    };
    const service: ServiceConfig = { ...SEED, env };
    const script = serviceDeployScript(service, FAST);
    const r = await swarm.run(script);
    expectOk(r);
    const expected = Object.keys(env)
      .sort()
      .map((k) => `${k}=${env[k]}`);
    expect(creates(r)[0]?.filter((_, i, all) => all[i - 1] === "--env")).toEqual(expected);
    expect(swarm.service("hello-world")?.env).toEqual(expected);
    expect(fs.readdirSync(swarm.dir).filter((f) => f.startsWith("pwned"))).toEqual([]);

    // Compared byte for byte on the next run: no update.
    const again = await swarm.run(script);
    expectOk(again);
    expect(updates(again)).toEqual([]);

    // One value changed: exactly that one is re-set.
    const changed = await swarm.run(serviceDeployScript({ ...SEED, env: { ...env, SUBST: "$(touch pwned-2) `x`" } }, FAST));
    expectOk(changed);
    expect(updates(changed).map((u) => u.slice(3))).toEqual([["--env-add", "SUBST=$(touch pwned-2) `x`", "hello-world"]]);
    expect(fs.readdirSync(swarm.dir).filter((f) => f.startsWith("pwned"))).toEqual([]);
  });
});

describe.each(SHELLS)("remove script under $name", (shell) => {
  const FAST_RM = { swarmWaitSeconds: 1, commandTimeoutSeconds: 5, pollSeconds: 1 };
  const hanging = startNow(() => {
    const swarm = new Swarm(shell);
    swarm.put("hello-world", { image: "tutum/hello-world", replicas: "1", env: [], ports: [] });
    return swarm.run(serviceRemoveScript("hello-world", { ...FAST_RM, commandTimeoutSeconds: 1 }), { STUB_HANG: "service rm" });
  });

  test.concurrent("removes an existing service", async () => {
    const swarm = new Swarm(shell);
    swarm.put("hello-world", { image: "tutum/hello-world", replicas: "10", env: [], ports: ["8080:80/tcp/ingress"] });
    swarm.put("hello-world-2", { image: "tutum/hello-world", replicas: "1", env: [], ports: [] });
    const r = await swarm.run(serviceRemoveScript("hello-world", FAST_RM));
    expectOk(r);
    expect(removes(r)).toEqual([["service", "rm", "hello-world"]]);
    expect(swarm.service("hello-world")).toBeUndefined();
    expect(swarm.service("hello-world-2")).toBeDefined();
    expect(r.stdout).toContain("ha-site: service hello-world: removed");
  });

  test.concurrent("exits 0 when the service is missing", async () => {
    const swarm = new Swarm(shell);
    const r = await swarm.run(serviceRemoveScript("hello-world", FAST_RM));
    expectOk(r);
    expect(removes(r)).toEqual([]);
    expect(r.stdout).toContain("ha-site: service hello-world: not found: nothing to remove");
  });

  test.concurrent("fails with a message when the swarm does not answer", async () => {
    const script = serviceRemoveScript("hello-world", { ...FAST_RM, swarmWaitSeconds: 0 });
    const down = await new Swarm(shell).run(script, { STUB_NODE_LS_FAILURES: "always" });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('ha-site: ERROR: service hello-world, step "wait for swarm": "docker node ls" did not succeed within 0 s');
  });

  test.concurrent("fails with a message when docker service rm fails or hangs", async () => {
    const failing = new Swarm(shell);
    failing.put("hello-world", { image: "tutum/hello-world", replicas: "1", env: [], ports: [] });
    const r = await failing.run(serviceRemoveScript("hello-world", FAST_RM), { STUB_FAIL: "service rm" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('step "remove": "docker service rm" failed with exit status 1');

    const h = await hanging();
    expect(h.code).toBe(1);
    expect(h.stderr).toContain('step "remove": "docker service rm" did not finish within 1 s and was killed');
    expect(h.seconds).toBeLessThan(6);
  });
});

/** A PATH without cloud-init (whatever this machine has): only what the scripts use besides builtins. */
const plainBin = path.join(root, "plain-bin");
fs.mkdirSync(plainBin);
for (const tool of ["date", "sleep", "tail", "cat", "touch"]) {
  const found = onPath(tool);
  if (found) fs.symlinkSync(found, path.join(plainBin, tool));
}
/** A stub cloud-init: `status --wait` returns (status 0, or $STUB_CLOUD_INIT_STATUS) once the file $CLOUD_INIT_DONE exists. */
const cloudInitBin = path.join(root, "cloud-init-bin");
fs.mkdirSync(cloudInitBin);
fs.writeFileSync(
  path.join(cloudInitBin, "cloud-init"),
  [
    "#!/bin/sh",
    'printf \'%s\\n\' "cloud-init $*" >>"$STUB_STATE/cloud-init.log"',
    '[ "$*" = "status --wait" ] || { echo "stub cloud-init: unexpected arguments: $*" >&2; exit 2; }',
    'until [ -e "$CLOUD_INIT_DONE" ]; do printf .; sleep 0.1; done',
    'echo; echo "status: done"',
    'exit "${STUB_CLOUD_INIT_STATUS:-0}"',
    "",
  ].join("\n"),
);
fs.chmodSync(path.join(cloudInitBin, "cloud-init"), 0o755);

describe.each(SHELLS)("node wait script under $name", (shell) => {
  const FAST_WAIT = { waitSeconds: 4, pollSeconds: 1 };
  const later = (ms: number, file: string) => setTimeout(() => fs.writeFileSync(file, ""), ms);

  test.concurrent("without cloud-init and without a readiness marker (Docker for AWS) it returns at once", async () => {
    const swarm = new Swarm(shell);
    const r = await swarm.run(serviceNodeWaitScript("hello-world", FAST_WAIT), { PATH: plainBin });
    expectOk(r);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.seconds).toBeLessThan(2);
  });

  // The scenarios that wait (for a marker written later, or for a limit), started at once like the deploy
  // script's: they then sleep side by side instead of holding the concurrent-test slots one after another.
  const readyLater = startNow(async () => {
    const swarm = new Swarm(shell);
    const marker = path.join(swarm.dir, "var", "node-ready");
    setTimeout(() => {
      fs.mkdirSync(path.dirname(marker), { recursive: true });
      fs.writeFileSync(marker, "");
    }, 1500);
    return { marker, r: await swarm.run(serviceNodeWaitScript("hello-world", { ...FAST_WAIT, readinessMarker: marker }), { PATH: plainBin }) };
  });
  const markerNever = startNow(async () => {
    const swarm = new Swarm(shell);
    const marker = path.join(swarm.dir, "never");
    return { marker, r: await swarm.run(serviceNodeWaitScript("hello-world", { waitSeconds: 2, pollSeconds: 1, readinessMarker: marker }), { PATH: plainBin }) };
  });
  const cloudInitLater = startNow(async () => {
    const swarm = new Swarm(shell);
    const marker = path.join(swarm.dir, "node-ready");
    const done = path.join(swarm.dir, "cloud-init-done");
    fs.writeFileSync(marker, "");
    later(1500, done);
    const r = await swarm.run(serviceNodeWaitScript("hello-world", { ...FAST_WAIT, readinessMarker: marker }), {
      PATH: `${cloudInitBin}${path.delimiter}${plainBin}`,
      CLOUD_INIT_DONE: done,
      STUB_CLOUD_INIT_STATUS: "2",
    });
    return { swarm, r };
  });
  const cloudInitNever = startNow(() => {
    const swarm = new Swarm(shell);
    return swarm.run(serviceNodeWaitScript("hello-world", { waitSeconds: 1, pollSeconds: 1 }), {
      PATH: `${cloudInitBin}${path.delimiter}${plainBin}`,
      CLOUD_INIT_DONE: path.join(swarm.dir, "never"),
    });
  });

  test.concurrent("waits for the readiness marker, then says the node is ready", async () => {
    const { marker, r } = await readyLater();
    expectOk(r);
    expect(r.seconds).toBeGreaterThanOrEqual(1);
    expect(r.stdout).toBe(`ha-site: service hello-world: the node is ready (${marker} exists)\n`);
  });

  test.concurrent("fails, bounded and with a message, when the marker never appears", async () => {
    const { marker, r } = await markerNever();
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `ha-site: ERROR: service hello-world, step "wait for node": the bootstrap did not write ${marker} within 2 s (see /var/log/cloud-init-output.log)\n`,
    );
    expect(r.seconds).toBeLessThan(5);
  });

  test.concurrent("where cloud-init exists, waits for `cloud-init status --wait` first (an error status leaves it to the marker)", async () => {
    const { swarm, r } = await cloudInitLater();
    expectOk(r);
    expect(r.seconds).toBeGreaterThanOrEqual(1);
    expect(fs.readFileSync(path.join(swarm.dir, "cloud-init.log"), "utf8")).toBe("cloud-init status --wait\n");
    expect(r.stdout).toContain("waiting for cloud-init (user data) to finish (at most 4 s)");
    expect(r.stdout).toContain("cloud-init finished with status 2");
    expect(r.stdout).toContain("the node is ready");
  });

  test.concurrent("cloud-init done but no marker: the bootstrap failed, so it fails at once, not at the limit", async () => {
    const swarm = new Swarm(shell);
    const done = path.join(swarm.dir, "cloud-init-done");
    fs.writeFileSync(done, "");
    const marker = path.join(swarm.dir, "node-ready");
    const r = await swarm.run(serviceNodeWaitScript("hello-world", { waitSeconds: 30, pollSeconds: 1, readinessMarker: marker }), {
      PATH: `${cloudInitBin}${path.delimiter}${plainBin}`,
      CLOUD_INIT_DONE: done,
      STUB_CLOUD_INIT_STATUS: "1",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `ha-site: ERROR: service hello-world, step "wait for node": user data finished but the bootstrap did not write ${marker}: it failed (see /var/log/cloud-init-output.log)\n`,
    );
    expect(r.seconds).toBeLessThan(5);
  });

  test.concurrent("a cloud-init that never finishes is cut off at the limit", async () => {
    const r = await cloudInitNever();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('step "wait for node": cloud-init did not finish within 1 s');
    expect(r.seconds).toBeLessThan(6);
  });
});

if (!busybox) {
  test.skip("busybox sh: not installed on this machine, so its cases are skipped (install the busybox package to run them)", () => undefined);
}

describe("generated text", () => {
  const shellcheck = onPath("shellcheck");
  if (shellcheck) {
    // Every shellcheck run starts now, at collection time (startNow): they then overlap with the scenarios
    // above that sleep, instead of running after them.
    const check = (args: string[], stdin?: string) =>
      startNow(
        () =>
          new Promise<{ code: number | null; text: string }>((resolve) => {
            const child = execFile(shellcheck, args, { timeout: 30000 }, (error, stdout, stderr) =>
              resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, text: stdout + stderr }),
            );
            child.stdin?.end(stdin);
          }),
      );
    const checked = scripts.map(([name, script]) => [name, check(["-s", "sh", "-"], script)] as const);
    test.concurrent.each(checked)("shellcheck -s sh passes on the %s script", async (_, output) => {
      expect(await output()).toEqual({ code: 0, text: "" });
    });
    const sources = fs.readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith(".sh"));
    const sourcesChecked = check(["-s", "sh", "-x", "-P", "SCRIPTDIR", ...sources.map((f) => path.join(SCRIPTS_DIR, f))]);
    test("the .sh sources are what the scripts are made of, and shellcheck -x passes on each of them directly", async () => {
      expect(sources.sort()).toEqual(["service-deploy.sh", "service-lib.sh", "service-node-wait.sh", "service-remove.sh"]);
      expect(await sourcesChecked()).toEqual({ code: 0, text: "" });
    });
  } else {
    test.skip("shellcheck: not installed on this machine, so the shellcheck cases are skipped (CI installs it)", () => undefined);
  }
});

describe("shellQuote", () => {
  test("sh reads every quoted value back unchanged", () => {
    const values = ["", "'", "''", `"`, "$(id)", "`id`", "${HOME}", "a;b|c&d", "\\", "\\'", "*", "~", "a\nb", " x ", "%{y}", "é ✓"];
    const r = spawnSync("/bin/sh", ["-c", `for v in ${values.map(shellQuote).join(" ")}; do printf '%s\\0' "$v"; done`], {
      encoding: "utf8",
      timeout: 10000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout.split("\u0000").slice(0, -1)).toEqual(values);
  });
});
