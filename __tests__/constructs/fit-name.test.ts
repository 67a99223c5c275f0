import { fitName, loadBalancerName, shortHash } from "../../constructs/fit-name";

describe("fitName", () => {
  it("keeps a name that fits", () => {
    expect(fitName("nosqlsearch-com-swarm", 128)).toBe("nosqlsearch-com-swarm");
    expect(fitName("x".repeat(64), 64)).toBe("x".repeat(64));
  });

  it("cuts a longer name to exactly the limit: a prefix, a dash and 8 hex digits of its hash", () => {
    const name = "a".repeat(300);
    for (const max of [32, 64, 128, 255, 256]) {
      const fitted = fitName(name, max);
      expect(fitted).toHaveLength(max);
      expect(fitted).toBe(`${"a".repeat(max - 9)}-${shortHash(name)}`);
    }
  });

  it("is deterministic and keeps long names with a common prefix apart", () => {
    const a = `${"x".repeat(200)}-one`;
    const b = `${"x".repeat(200)}-two`;
    expect(fitName(a, 64)).toBe(fitName(a, 64));
    expect(fitName(a, 64)).not.toBe(fitName(b, 64));
  });

  it("does not leave a separator before the hash", () => {
    expect(fitName(`${"a".repeat(50)}-.-${"b".repeat(50)}`, 61)).toMatch(/^a{50}-[0-9a-f]{8}$/);
  });
});

describe("loadBalancerName", () => {
  it("keeps a stack name that is a valid load balancer name, else fits 32 letters, digits and hyphens", () => {
    expect(loadBalancerName("nosqlsearch-com-swarm")).toBe("nosqlsearch-com-swarm");
    for (const name of ["a".repeat(128), "internal-swarm", "my.site_swarm", "ha-site-1password-test-com-swarm"]) {
      expect(loadBalancerName(name)).toMatch(/^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])$/);
    }
  });
});
