// The native swarm bootstrap script's text and options, in the jest process: first lines, determinism, no
// Terraform template syntax, defaults, what each role gets, custom values, the errors for bad options, the
// permissions per role. shellcheck and the runs under sh against stubs of docker, aws, curl, dnf and systemctl:
// bootstrap-script.e2e.test.ts (the end-to-end suite's jest part); the stack and scripts both use:
// bootstrap-script-fixtures.ts.
import {
  NativeBootstrapOptions,
  nativeBootstrapPermissions,
  nativeBootstrapScript,
  nativeParameterPrefix,
} from "../../../constructs/native/bootstrap-script";
import { PARAMS, base, managerScript, workerScript } from "./bootstrap-script-fixtures";


describe("nativeBootstrapScript: text and options", () => {
  it("starts with #!/bin/sh and set -eu, and is deterministic", () => {
    expect(managerScript.split("\n").slice(0, 2)).toEqual(["#!/bin/sh", "set -eu"]);
    expect(workerScript.split("\n").slice(0, 2)).toEqual(["#!/bin/sh", "set -eu"]);
    expect(nativeBootstrapScript({ role: "manager", ...base })).toBe(managerScript);
  });

  it("holds no Terraform template syntax (no dollar-brace or percent-brace), so user_data needs no escaping", () => {
    for (const s of [managerScript, workerScript]) {
      expect(s).not.toContain("${");
      expect(s).not.toContain("%{");
    }
  });

  it("uses the defaults: prefix /ha-site/<stack>/, placeholder unset, 900 s bound, 5 s polls, 60 s refresh timer", () => {
    const s = nativeBootstrapScript({ role: "manager", stackName: "site-b", region: "us-east-1" });
    expect(s).toContain("LOCK_PARAM='/ha-site/site-b/lock'\n");
    expect(s).toContain("MANAGER_TOKEN_PARAM='/ha-site/site-b/manager-token'\n");
    expect(s).toContain("WORKER_TOKEN_PARAM='/ha-site/site-b/worker-token'\n");
    expect(s).toContain("ADDRESS_PARAM='/ha-site/site-b/manager-address'\n");
    expect(s).toContain("REGION='us-east-1'\n");
    expect(s).toContain("PLACEHOLDER='unset'\n");
    expect(s).toContain("WAIT_SECONDS=900\n");
    expect(s).toContain("POLL_SECONDS=5\n");
    expect(s).toContain("ADDRESS_REFRESH_SECONDS=60\n");
    expect(nativeParameterPrefix("site-b")).toBe("/ha-site/site-b/");
  });

  it("gives workers neither the lock nor the manager token, nor the refresh timer", () => {
    expect(workerScript).not.toContain("lock");
    expect(workerScript).not.toContain("manager-token");
    expect(workerScript).not.toContain("put-parameter");
    expect(workerScript).not.toContain("systemd");
  });

  it("honours a custom prefix and placeholder, single-quoting them", () => {
    const s = nativeBootstrapScript({ role: "worker", ...base, parameterPrefix: "/x/y.z/", placeholder: `it's $unset` });
    expect(s).toContain("WORKER_TOKEN_PARAM='/x/y.z/worker-token'\n");
    expect(s).toContain(`PLACEHOLDER='it'\\''s $unset'\n`);
  });

  it("can leave out the address refresh timer", () => {
    const s = nativeBootstrapScript({ role: "manager", ...base, addressRefreshSeconds: 0 });
    expect(s).not.toContain("systemctl enable --now ha-site-manager-address.timer");
    expect(s).toContain("install_address_refresher() { :; }");
  });

  it.each<[string, Partial<NativeBootstrapOptions>, RegExp]>([
    ["role", { role: "leader" as "manager" }, /^role: got "leader"/],
    ["stackName", { stackName: "a b" }, /^stackName: got "a b"/],
    ["stackName quote", { stackName: "a'b" }, /^stackName/],
    ["region", { region: "Europe" }, /^region: got "Europe"/],
    ["prefix without slashes", { parameterPrefix: "ha-site/x" }, /^parameterPrefix: got "ha-site\/x"/],
    ["prefix under /aws", { parameterPrefix: "/aws/x/" }, /^parameterPrefix/],
    ["prefix with //", { parameterPrefix: "/a//b/" }, /^parameterPrefix/],
    ["prefix too deep", { parameterPrefix: "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/" }, /^parameterPrefix/],
    ["placeholder empty", { placeholder: "" }, /^placeholder: got ""/],
    ["placeholder newline", { placeholder: "a\nb" }, /^placeholder/],
    ["placeholder with template syntax", { placeholder: "${x}" }, /^placeholder/],
    ["waitSeconds fraction", { waitSeconds: 1.5 }, /^waitSeconds: got 1.5/],
    ["waitSeconds zero", { waitSeconds: 0 }, /^waitSeconds/],
    ["pollSeconds zero", { pollSeconds: 0 }, /^pollSeconds: got 0/],
    ["pollSeconds tiny", { pollSeconds: 1e-7 }, /^pollSeconds/],
    ["refresh too short", { addressRefreshSeconds: 5 }, /^addressRefreshSeconds: got 5/],
    ["refresh on a worker", { role: "worker", addressRefreshSeconds: 60 }, /^addressRefreshSeconds: got 60 for a worker/],
  ])("rejects a bad %s", (_name, bad, message) => {
    expect(() => nativeBootstrapScript({ role: "manager", ...base, ...bad })).toThrow(message);
  });

  it("lists the least-privilege permissions per role", () => {
    expect(nativeBootstrapPermissions("manager", { stackName: "site-a" })).toEqual([
      { actions: ["ssm:GetParameter", "ssm:PutParameter"], parameterNames: Object.values(PARAMS) },
    ]);
    expect(nativeBootstrapPermissions("worker", { stackName: "site-a", parameterPrefix: "/p/" })).toEqual([
      { actions: ["ssm:GetParameter"], parameterNames: ["/p/worker-token", "/p/manager-address"] },
    ]);
  });
});
