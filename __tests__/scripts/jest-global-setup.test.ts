// scripts/jest-global-setup.mjs: the test files' `cdktf` is the single-file build (jest.config.js maps it), made
// with the synth bundle's options: no token creation stacks unless HA_SITE_TOKEN_TRACES=1, as in synth.
import { join } from "node:path";
import { Lazy, Token } from "cdktf";

const root = join(__dirname, "..", "..");
const bundle = join(root, ".cache", "jest", "cdktf.cjs");

/** Frames in the creation stack of a new token (IResolvable.creationStack). */
const frames = () => Token.asAny({ a: 1 }).creationStack.length;

describe("cdktf under jest", () => {
  const saved = process.env.HA_SITE_TOKEN_TRACES;
  afterEach(() => {
    if (saved === undefined) delete process.env.HA_SITE_TOKEN_TRACES;
    else process.env.HA_SITE_TOKEN_TRACES = saved;
  });

  it("is the single-file build", () => {
    expect(require.resolve("cdktf")).toBe(bundle);
    expect(Token.isUnresolved(Lazy.stringValue({ produce: () => "x" }))).toBe(true);
  });

  it("takes no token creation stacks, and takes them with HA_SITE_TOKEN_TRACES=1 (read when cdktf loads)", () => {
    if (saved !== "1") expect(frames()).toBe(0);
    process.env.HA_SITE_TOKEN_TRACES = "1";
    jest.isolateModules(() => {
      const fresh: typeof import("cdktf") = require("cdktf");
      expect(fresh.Token.asAny({ a: 1 }).creationStack.length).toBeGreaterThan(2);
    });
  });
});
