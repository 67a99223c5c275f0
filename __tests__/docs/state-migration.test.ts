// The README's state migration command (state moved from terraform.<stack>.tfstate to state/<domain>/): run as
// shown, it puts the old files exactly where the synthesized backends now look.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildTestSite, synthJson } from "../helpers";
import { codeSnippets } from "./doc-commands";

const migration = codeSnippets("README.md").filter((s) => s.text.includes("mkdir -p state/"));

describe("README: moving local state into the site's folder", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "state-migration-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is shown once", () => {
    expect(migration).toHaveLength(1);
  });

  it("moves every old state file (and its backup) to the paths the stacks' backends and readers use", () => {
    const site = buildTestSite();
    const stacks = [...site.regions, site.dns].map((s) => ({ name: s.node.id, json: synthJson(s) }));
    for (const { name } of stacks) {
      writeFileSync(join(dir, `terraform.${name}.tfstate`), `{"stack":"${name}"}`);
      writeFileSync(join(dir, `terraform.${name}.tfstate.backup`), "backup");
    }
    const result = spawnSync("sh", ["-ec", migration[0].text], { cwd: dir, encoding: "utf8", timeout: 10_000 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    for (const { name, json } of stacks) {
      // Terraform runs in cdktf.out/stacks/<stack>/; the backend path is relative to it.
      const stackDir = join(dir, "cdktf.out", "stacks", name);
      mkdirSync(stackDir, { recursive: true });
      const state = resolve(stackDir, json.terraform.backend.local.path);
      expect(readFileSync(state, "utf8")).toBe(`{"stack":"${name}"}`);
      expect(existsSync(`${state}.backup`)).toBe(true);
      expect(existsSync(join(dir, `terraform.${name}.tfstate`))).toBe(false);
    }
    const dns = stacks.find((s) => s.name === "dns")!.json;
    for (const reader of Object.values<{ config: { path: string } }>(dns.data.terraform_remote_state)) {
      expect(existsSync(resolve(join(dir, "cdktf.out", "stacks", "dns"), reader.config.path))).toBe(true);
    }
  });
});
