import { modeledFailoverTime } from "../../config/failover-time";
import { loadConfig } from "../../config/load";

describe("modeledFailoverTime", () => {
  const defaults = loadConfig({}, __dirname).healthCheck; // __dirname: no ha-site.json there

  it("is interval x threshold + 60 s propagation + 60 s alias TTL: 210 s by default", () => {
    expect(modeledFailoverTime(defaults)).toMatchObject({ detectionSeconds: 90, propagationSeconds: 60, cacheSeconds: 60, totalSeconds: 210 });
  });

  it("follows the health check settings", () => {
    expect(modeledFailoverTime({ ...defaults, requestInterval: 10, failureThreshold: 1 }).totalSeconds).toBe(130);
  });

  it("falls back to the ELB's own check (10 s x 4) without health checks, and says what it misses", () => {
    const time = modeledFailoverTime({ ...defaults, enabled: false });
    expect(time.detectionSeconds).toBe(40);
    expect(time.totalSeconds).toBe(160);
    expect(time.covers).toContain("an app failure never fails over");
  });

  it("is engine-aware without health checks: native target groups check the app every 10 s x 3", () => {
    const off = { ...defaults, enabled: false };
    const native = modeledFailoverTime(off, ["native", "native"]);
    expect(native).toMatchObject({ detectionSeconds: 30, totalSeconds: 150 });
    expect(native.covers).toContain("target-group checks");
    // Mixed: the Docker for AWS region is the worst case, and its ELB never sees the app.
    const mixed = modeledFailoverTime(off, ["native", "docker-for-aws"]);
    expect(mixed).toMatchObject({ detectionSeconds: 40, totalSeconds: 160 });
    expect(mixed.covers).toContain("an app failure never fails over");
    // With Route 53 health checks, the engine does not matter.
    expect(modeledFailoverTime(defaults, ["native", "native"]).totalSeconds).toBe(210);
  });
});
