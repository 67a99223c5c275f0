// scripts/jest-token-traces.cjs (a jest setup file): cdktf's token creation stacks are off in the test files'
// own module registry, and HA_SITE_TOKEN_TRACES=1 keeps them.
import { Lazy, Token } from "cdktf";

/** The creation stack of a new token, made by the cdktf instance of the current module registry. */
function creationFrames(): number {
  const cdktf: typeof import("cdktf") = require("cdktf");
  const { TokenMap } = require("cdktf/lib/tokens/private/token-map");
  const token = cdktf.Token.asAny({ a: 1 });
  return TokenMap.instance().lookupString(cdktf.Token.asString(token)).creationStack.length;
}

describe("jest-token-traces setup file", () => {
  const saved = process.env.HA_SITE_TOKEN_TRACES;
  afterEach(() => {
    if (saved === undefined) delete process.env.HA_SITE_TOKEN_TRACES;
    else process.env.HA_SITE_TOKEN_TRACES = saved;
  });

  (saved === "1" ? it.skip : it)("the tokens of this test file capture no creation stack (not under HA_SITE_TOKEN_TRACES=1)", () => {
    expect(Token.isUnresolved(Lazy.stringValue({ produce: () => "x" }))).toBe(true);
    expect(creationFrames()).toBe(0);
  });

  it("with HA_SITE_TOKEN_TRACES=1 they capture one, as cdktf does", () => {
    process.env.HA_SITE_TOKEN_TRACES = "1";
    jest.isolateModules(() => {
      require("../../scripts/jest-token-traces.cjs");
      expect(creationFrames()).toBeGreaterThan(2);
    });
  });

  it("without it a fresh registry gets the patch too", () => {
    delete process.env.HA_SITE_TOKEN_TRACES;
    jest.isolateModules(() => {
      require("../../scripts/jest-token-traces.cjs");
      expect(creationFrames()).toBe(0);
    });
  });
});
