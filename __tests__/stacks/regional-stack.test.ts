import { buildTestSite, seedWith, synthJson, type Json } from "../helpers";

function regionalStacks(overrides = {}): Json[] {
  return buildTestSite(seedWith(overrides)).regions.map(synthJson);
}

describe("regional stack service provisioning", () => {
  it("declares one sensitive, non-nullable SSH key variable per region and uses it only in create-time connections", () => {
    const [west, east] = regionalStacks();
    expect(Object.keys(west.variable)).toEqual(["ssh_private_key_us_west_2"]);
    expect(Object.keys(east.variable)).toEqual(["ssh_private_key_us_east_2"]);
    expect(west.variable.ssh_private_key_us_west_2).toMatchObject({ type: "string", sensitive: true, nullable: false });
    expect(west.variable.ssh_private_key_us_west_2.default).toBeUndefined();
    expect(west.variable.ssh_private_key_us_west_2.description).toContain("TF_VAR_ssh_private_key_us_west_2");
    const text = JSON.stringify(west);
    // Used only by the service's create-time connection, which its two provisioners share (node wait, then
    // deploy: two SSH sessions); not by the destroy-time removal.
    expect(text.match(/var\.ssh_private_key_us_west_2/g)).toHaveLength(1);
    const deployment = Object.values<Json>(west.resource.null_resource)[0];
    expect(deployment.connection.private_key).toBe("${var.ssh_private_key_us_west_2}");
    expect(deployment.provisioner).toHaveLength(2);
    for (const p of deployment.provisioner) expect(p["remote-exec"].connection).toBeUndefined();
    expect(west.provider.null).toEqual([{}]);
    expect(west.terraform.required_providers.null).toEqual({ source: "null", version: "3.2.4" });
  });

  it("uses the ssh-agent and declares no key variable when provisioning.sshAgent is set", () => {
    const [west] = regionalStacks({ provisioning: { sshAgent: true } });
    expect(west.variable).toBeUndefined();
    expect(JSON.stringify(west)).not.toContain("private_key");
  });

  it("passes the connect timeout and script timeouts through", () => {
    const [west] = regionalStacks({ provisioning: { connectTimeout: "90s", swarmWaitSeconds: 42, commandTimeoutSeconds: 77 } });
    // provisioner[0] waits for the node; provisioner[1] deploys.
    const deployment = Object.values<Json>(west.resource.null_resource)[0];
    const exec = deployment.provisioner[1]["remote-exec"];
    expect(deployment.connection.timeout).toBe("90s");
    expect(exec.inline[0]).toContain("\nSWARM_WAIT=42\n");
    expect(exec.inline[0]).toContain("\nCOMMAND_TIMEOUT=77\n");
  });

  it("starts nothing over SSH when provisioning is disabled", () => {
    const [west] = regionalStacks({ provisioning: { enabled: false } });
    expect(west.resource.null_resource).toBeUndefined();
    expect(west.resource.terraform_data).toBeUndefined();
    expect(west.data).toBeUndefined();
    expect(west.variable).toBeUndefined();
    expect(west.provider.null).toBeUndefined();
  });

  it("provisions every service in every region", () => {
    const two = [
      { name: "web", image: "nginx", replicas: 2, ports: [{ published: 80, target: 80 }] },
      { name: "worker", image: "busybox", replicas: 1 },
    ];
    for (const stack of regionalStacks({ services: two })) {
      expect(Object.keys(stack.resource.null_resource).map((k) => k.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual(["Services_Service-web", "Services_Service-worker"]);
      // Two removals and the swarm's readiness marker (constructs/swarm-ready.ts).
      expect(Object.keys(stack.resource.terraform_data).map((k) => k.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual(["Services_Removal-web", "Services_Removal-worker", "Swarm_Ready"]);
    }
  });
});
