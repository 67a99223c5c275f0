// The service scripts' text, in the jest process: how a script is made (parameters, the shared library, one
// call), its first lines, determinism, options and defaults, the errors for invalid input, that the stub
// docker answers the scripts' templates; shellQuote and imageSpecForms. The scripts run under real shells
// against that stub, and shellcheck: service-script.e2e.test.ts (the end-to-end suite's jest part); the
// services and scripts both use: service-script-fixtures.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ServiceConfig } from "../../config/schema";
import {
  DOCKER_FORMATS,
  imageSpecForms,
  serviceDeployParts,
  serviceDeployScript,
  serviceNodeWaitParts,
  serviceRemoveParts,
  serviceRemoveScript,
  serviceScriptLibrary,
} from "../../constructs/service-script";
import { shellQuote } from "../../constructs/shell";
import { SEED, multi, scripts } from "./service-script-fixtures";

describe("generated text", () => {
  test("starts with #!/bin/sh, then set -eu before any other command; every docker call is bounded", () => {
    for (const [, script] of scripts) {
      const [shebang, ...rest] = script.split("\n");
      expect(shebang).toBe("#!/bin/sh");
      expect(rest.find((l) => l.trim() !== "" && !l.startsWith("#"))).toBe("set -eu");
      const direct = script.split("\n").filter((l) => /^\s*(?:[a-z_]+=\$\()?docker\s/.test(l));
      expect(direct).toEqual([]);
      expect(script).not.toMatch(/\btimeout\s+(?:-t\s+)?[0-9]/);
    }
  });

  test("deterministic: same input, same bytes; the order of env keys and ports does not matter", () => {
    expect(serviceDeployScript(multi)).toBe(serviceDeployScript(structuredClone(multi)));
    const reordered: ServiceConfig = { ...multi, ports: [...multi.ports].reverse(), env: { A: multi.env.A ?? "", Z: "last" } };
    expect(serviceDeployScript(reordered)).toBe(serviceDeployScript(multi));
    expect(serviceRemoveScript("api_v2")).toBe(serviceRemoveScript("api_v2"));
  });

  test("options land in the script; defaults are 300 s swarm wait and 600 s per command", () => {
    expect(serviceDeployScript(SEED)).toMatch(/^SWARM_WAIT=300\n[^]*^COMMAND_TIMEOUT=600\n/m);
    const custom = serviceDeployScript(SEED, { swarmWaitSeconds: 7, commandTimeoutSeconds: 9, convergeWaitSeconds: 11, pollSeconds: 2 });
    expect(custom).toContain("SWARM_WAIT=7\nTRY_TIMEOUT=9\nCOMMAND_TIMEOUT=9\nCONVERGE_WAIT=11\nPOLL=2\n");
    expect(serviceRemoveScript("x", { commandTimeoutSeconds: 45 })).toContain("TRY_TIMEOUT=30\nCOMMAND_TIMEOUT=45\n");
  });

  test("rejects invalid services, names and options with a clear error", () => {
    expect(() => serviceDeployScript({ ...SEED, name: "x; rm -rf /" })).toThrow(/invalid service "x; rm -rf \/": name: a docker service name/);
    expect(() => serviceDeployScript({ ...SEED, image: "$(evil)" })).toThrow(/image: a docker image reference/);
    expect(() => serviceDeployScript({ ...SEED, env: { A: "line\nbreak" } })).toThrow(/env\.A: a single-line value/);
    expect(() => serviceRemoveScript("a b")).toThrow(/invalid service name "a b"/);
    expect(() => serviceDeployScript(SEED, { commandTimeoutSeconds: 0 })).toThrow(/commandTimeoutSeconds: expected an integer from 1/);
    expect(() => serviceDeployScript(SEED, { pollSeconds: 1.5 })).toThrow(/pollSeconds/);
    expect(() => serviceRemoveScript("x", { swarmWaitSeconds: -1 })).toThrow(/swarmWaitSeconds/);
  });

  test("the stub answers exactly the templates the scripts use", () => {
    const stub = fs.readFileSync(path.join(__dirname, "fixtures", "docker-stub.sh"), "utf8");
    const library = serviceScriptLibrary();
    for (const format of Object.values(DOCKER_FORMATS)) {
      expect(stub).toContain(`'${format}'`);
      expect(library).toContain(`'${format}'`);
    }
  });

  test("a script is its parameters, the shared library, and one call: only the parameters depend on the service", () => {
    const parts = serviceDeployParts(multi);
    expect(parts.head + serviceScriptLibrary() + parts.tail).toBe(serviceDeployScript(multi));
    expect(parts.tail).toBe("\ndeploy_service\n");
    expect(serviceRemoveParts("api_v2").tail).toBe("\nremove_service\n");
    expect(serviceNodeWaitParts("api_v2").tail).toBe("\nwait_for_node\n");
    // The head only sets values: comments, blank lines, "set -eu" and NAME=value (values may span lines).
    const head = parts.head.replace(/'[^']*'|\\'/g, "''");
    for (const line of head.split("\n")) expect(line).toMatch(/^(#.*|set -eu|[A-Z_]+=\S*|)$/);
    expect(parts.head).toContain("DESIRED_ENV='A=it'\\''s $(x) `y`; z\nZ=last'\n");
    // The same library for every service: no service-specific text in it.
    expect(serviceScriptLibrary()).not.toMatch(/api_v2|hello-world|@[A-Z_]+@/);
  });
});

describe("shellQuote", () => {
  test("leaves plain words bare and single-quotes the rest", () => {
    expect(shellQuote("hello-world")).toBe("hello-world");
    expect(shellQuote("published=8080,target=80,protocol=tcp")).toBe("published=8080,target=80,protocol=tcp");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("~root")).toBe("'~root'");
    expect(() => shellQuote("a\u0000b")).toThrow(/NUL/);
  });
});

describe("imageSpecForms", () => {
  test.each([
    ["tutum/hello-world", false, ["tutum/hello-world", "tutum/hello-world:latest"]],
    ["tutum/hello-world:1.0", false, ["tutum/hello-world:1.0"]],
    ["nginx", false, ["nginx", "nginx:latest"]],
    ["library/nginx", false, ["library/nginx", "nginx", "nginx:latest"]],
    ["docker.io/library/nginx:1.25", false, ["docker.io/library/nginx:1.25", "nginx:1.25"]],
    ["index.docker.io/team/app", false, ["index.docker.io/team/app", "team/app", "team/app:latest"]],
    ["registry.example.com:5000/team/app", false, ["registry.example.com:5000/team/app", "registry.example.com:5000/team/app:latest"]],
    ["localhost/app:2", false, ["localhost/app:2"]],
    [`docker.io/library/nginx@sha256:${"b".repeat(64)}`, true, [`docker.io/library/nginx@sha256:${"b".repeat(64)}`, `nginx@sha256:${"b".repeat(64)}`]],
  ])("%s", (image, withDigest, forms) => {
    expect(imageSpecForms(image)).toEqual({ withDigest, forms });
  });
});
