// The README's Deploy block, beyond the cdktf command lines (cdktf-commands.test.ts): the variables it exports
// are the ones the stacks declare, and the output it reads exists.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { loadConfig } from "../../config/load";
import { buildSite } from "../../stacks/site";
import { synthJson } from "../helpers";
import { codeSnippets, ROOT } from "./doc-commands";

/** The code of the README's "## Deploy" section (up to the next "## " heading). */
const readmeLines = readFileSync(join(ROOT, "README.md"), "utf8").split("\n");
const start = readmeLines.indexOf("## Deploy") + 1;
const end = readmeLines.findIndex((l, i) => i >= start && l.startsWith("## "));
const deploy = codeSnippets("README.md").filter((s) => {
  const line = Number(s.where.split(":")[1]);
  return line > start && line <= end;
});

describe("README Deploy", () => {
  const lines = deploy.map((s) => s.text);
  const exported = lines.flatMap((l) => [...l.matchAll(/^export TF_VAR_([a-z0-9_]+)=/g)].map((m) => m[1]));

  it("is found", () => {
    expect(start).toBeGreaterThan(0);
    expect(exported.length).toBeGreaterThan(0);
  });

  it.each([
    ["the built-in config (Docker for AWS: services over SSH)", undefined, true],
    ["examples/native.json (services through SSM: no SSH key)", "examples/native.json", false],
  ])("exports exactly the sensitive SSH key variables the regional stacks of %s declare", (_, file, ssh) => {
    const site = buildSite(Testing.app(), loadConfig(file ? { HA_SITE_CONFIG: join(ROOT, file) } : {}));
    const declared = site.regions.flatMap((stack) =>
      Object.entries<{ sensitive?: boolean }>(synthJson(stack).variable ?? {}).map(([name, v]) => {
        expect(v.sensitive).toBe(true);
        return name;
      }),
    );
    if (ssh) expect(exported.sort()).toEqual(declared.sort());
    else expect(declared).toEqual([]);
  });

  it("reads name_servers from the dns stack's outputs (`npx cdktf output dns`)", () => {
    expect(lines.some((l) => l.startsWith("npx cdktf output dns"))).toBe(true);
    const site = buildSite(Testing.app(), loadConfig({ HA_SITE_CONFIG: join(ROOT, "examples/native.json") }));
    expect(Object.keys(synthJson(site.dns).output)).toContain("name_servers");
  });
});
