// The stack, parameters and generated scripts that both halves of the bootstrap script tests use:
// bootstrap-script.test.ts (text and options, in the jest process) and bootstrap-script.e2e.test.ts (shellcheck,
// and the scripts run under sh against the stubs).
import { nativeBootstrapScript } from "../../../constructs/native/bootstrap-script";

const PREFIX = "/ha-site/site-a/";
export const PARAMS = {
  lock: `${PREFIX}lock`,
  managerToken: `${PREFIX}manager-token`,
  workerToken: `${PREFIX}worker-token`,
  managerAddress: `${PREFIX}manager-address`,
} as const;

export const base = { stackName: "site-a", region: "eu-west-1", waitSeconds: 20, pollSeconds: 0.02 } as const;
export const managerScript = nativeBootstrapScript({ role: "manager", ...base });
export const workerScript = nativeBootstrapScript({ role: "worker", ...base });
