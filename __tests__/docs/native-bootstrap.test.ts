// docs/native-bootstrap.md talks to users: it names no tuning knob a config cannot set (nativeBootstrapScript()'s
// own parameters are not config fields).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NATIVE_BOOTSTRAP_DEFAULTS } from "../../constructs/native/bootstrap-script";
import { regionSchema, configSchema } from "../../config/schema";

const doc = readFileSync(join(__dirname, "..", "..", "docs", "native-bootstrap.md"), "utf8");

describe("docs/native-bootstrap.md", () => {
  const configFields = new Set([...Object.keys(configSchema.shape ?? {}), ...Object.keys(regionSchema.shape)]);
  const scriptOnly = [...Object.keys(NATIVE_BOOTSTRAP_DEFAULTS), "parameterPrefix"].filter((name) => !configFields.has(name));

  it("knows the script's own parameters", () => {
    expect(scriptOnly).toEqual(expect.arrayContaining(["waitSeconds", "pollSeconds", "addressRefreshSeconds", "placeholder", "parameterPrefix"]));
  });

  it.each(scriptOnly)("does not offer %s, which is no config field", (name) => {
    expect(doc).not.toContain(`\`${name}\``);
  });

  it('calls nothing an "option" that is not a config field', () => {
    const options = [...doc.matchAll(/option `([A-Za-z.]+)`/g)].map((m) => m[1].split(".").pop()!);
    expect(options.filter((name) => !configFields.has(name))).toEqual([]);
  });
});
