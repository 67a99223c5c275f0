// Which config is used: HA_SITE_CONFIG, else ./ha-site.json in the project folder, else the built-in one.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, configSource, describeConfigSource, loadConfig, userFolder } from "../../config/load";

const root = join(__dirname, "..", "..");
const production = readFileSync(join(root, "examples", "production.json"), "utf8"); // example.org

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-source-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe("config source", () => {
  it("is the built-in config without HA_SITE_CONFIG and ha-site.json", () => {
    const dir = folder();
    expect(configSource({}, dir)).toEqual({ origin: "built-in", label: "built-in config" });
    expect(loadConfig({}, dir).domain).toBe("nosqlsearch.com");
  });

  it("is ./ha-site.json when the project folder has one", () => {
    const dir = folder({ "ha-site.json": production });
    expect(configSource({}, dir)).toEqual({ origin: "ha-site.json", file: join(dir, "ha-site.json"), label: "ha-site.json" });
    expect(loadConfig({}, dir).domain).toBe("example.org");
    // An empty HA_SITE_CONFIG (a workflow's unset repository variable) is "not set".
    expect(loadConfig({ HA_SITE_CONFIG: "" }, dir).domain).toBe("example.org");
  });

  it("is HA_SITE_CONFIG when set, even with a ha-site.json", () => {
    const dir = folder({ "ha-site.json": production, "other.json": readFileSync(join(root, "examples", "seed.json"), "utf8") });
    const source = configSource({ HA_SITE_CONFIG: "other.json" }, dir);
    expect(source).toEqual({ origin: "HA_SITE_CONFIG", file: join(dir, "other.json"), label: "other.json", overrides: true });
    expect(loadConfig({ HA_SITE_CONFIG: "other.json" }, dir).domain).toBe("nosqlsearch.com");
  });

  it("resolves a relative HA_SITE_CONFIG from the folder npm was called in (INIT_CWD)", () => {
    const dir = folder({ "package.json": "{}", "sub/site.json": production });
    const npm = { INIT_CWD: join(dir, "sub"), npm_package_json: join(dir, "package.json") };
    expect(userFolder(npm, dir)).toBe(join(dir, "sub"));
    expect(configSource({ ...npm, HA_SITE_CONFIG: "site.json" }, dir).file).toBe(join(dir, "sub", "site.json"));
    expect(loadConfig({ ...npm, HA_SITE_CONFIG: "site.json" }, dir).domain).toBe("example.org");
    // An absolute path is used as it is.
    expect(configSource({ ...npm, HA_SITE_CONFIG: "/etc/site.json" }, dir).file).toBe("/etc/site.json");
  });

  it("ignores an INIT_CWD inherited by a process npm did not start in the project folder", () => {
    const dir = folder({ "elsewhere/package.json": "{}" });
    expect(userFolder({ INIT_CWD: "/somewhere", npm_package_json: join(dir, "elsewhere", "package.json") }, dir)).toBe(dir);
    expect(userFolder({ INIT_CWD: "/somewhere" }, dir)).toBe(dir);
    expect(userFolder({ INIT_CWD: "relative", npm_package_json: join(dir, "package.json") }, dir)).toBe(dir);
  });

  it("reports a ha-site.json that cannot be read instead of falling back to the built-in config", () => {
    const dir = folder();
    mkdirSync(join(dir, "ha-site.json"));
    expect(() => loadConfig({}, dir)).toThrow(new ConfigError("ha-site.json: cannot read the file (EISDIR); expected a JSON config file"));
    const dangling = folder();
    symlinkSync("gone.json", join(dangling, "ha-site.json"));
    expect(() => loadConfig({}, dangling)).toThrow(new ConfigError("ha-site.json: cannot read the file (ENOENT); expected a JSON config file"));
  });

  it("refuses a file that is not a regular file, or too large to be a config, without reading it", () => {
    expect(() => loadConfig({ HA_SITE_CONFIG: "/dev/zero" }, folder())).toThrow(
      new ConfigError("HA_SITE_CONFIG=/dev/zero: not a regular file; expected a JSON config file"),
    );
    const dir = folder();
    writeFileSync(join(dir, "huge.json"), Buffer.alloc(10 * 1024 * 1024 + 1, 0x20));
    expect(() => loadConfig({ HA_SITE_CONFIG: "huge.json" }, dir)).toThrow(
      new ConfigError("HA_SITE_CONFIG=huge.json: 10485761 bytes; expected a JSON config file of at most 10485760 bytes"),
    );
  });

  it.each([
    ["built-in", {}, {}, "config: the built-in example (nosqlsearch.com): no ./ha-site.json and HA_SITE_CONFIG is not set"],
    ["ha-site.json", { "ha-site.json": production }, {}, "config: ./ha-site.json (example.org)"],
    ["HA_SITE_CONFIG", { "x.json": production }, { HA_SITE_CONFIG: "x.json" }, "config: x.json (example.org), from HA_SITE_CONFIG"],
    ["HA_SITE_CONFIG over ha-site.json", { "x.json": production, "ha-site.json": "{}" }, { HA_SITE_CONFIG: "x.json" }, "config: x.json (example.org), from HA_SITE_CONFIG (instead of ./ha-site.json)"],
  ] as const)("is described in one line: %s", (_name, files, env, line) => {
    const dir = folder(files);
    const source = configSource(env, dir);
    expect(describeConfigSource(source, loadConfig(env, dir))).toBe(line);
  });
});
