// Configs that existed before routing policies (two-region failover) must synthesize byte for byte what they did
// then: a changed record, alarm or output would show up in every existing site's plan. The expected files were
// synthesized from these configs (fixtures/unchanged-output/cases.json: the examples and a few variants) before
// routing policies existed; dns stacks are kept whole (a failure shows the diff), every file as a SHA-256.
// After an intended change to the output of these configs, regenerate with:
//   UPDATE_UNCHANGED_OUTPUT=1 npx jest __tests__/stacks/unchanged-output.test.ts
import { App } from "cdktf";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import { synthesize } from "../../stacks/hcl-output";
import { buildSite } from "../../stacks/site";

const FIXTURES = join(__dirname, "fixtures", "unchanged-output");
const update = process.env.UPDATE_UNCHANGED_OUTPUT === "1";
const cases: Record<string, unknown> = JSON.parse(readFileSync(join(FIXTURES, "cases.json"), "utf8"));
const hashes: Record<string, string> = JSON.parse(readFileSync(join(FIXTURES, "sha256.json"), "utf8"));
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Synthesizes `raw` like `npm run synth` (JSON) or `npm run synth:hcl`; returns file name -> text. */
function synth(raw: unknown, hcl: boolean): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-unchanged-"));
  try {
    // cdktf reads SYNTH_HCL_OUTPUT when each stack is constructed.
    const before = process.env.SYNTH_HCL_OUTPUT;
    if (hcl) process.env.SYNTH_HCL_OUTPUT = "true";
    else delete process.env.SYNTH_HCL_OUTPUT;
    try {
      const app = new App({ outdir: dir, skipValidation: true });
      buildSite(app, parseConfig(raw));
      synthesize(app, hcl ? { SYNTH_HCL_OUTPUT: "true" } : {});
    } finally {
      if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = before;
    }
    const files: Record<string, string> = {};
    for (const stack of readdirSync(join(dir, "stacks"))) {
      const name = hcl ? "cdk.tf" : "cdk.tf.json";
      files[`${stack}.${hcl ? "tf" : "json"}`] = readFileSync(join(dir, "stacks", stack, name), "utf8");
    }
    if (!hcl) files["manifest.json"] = readFileSync(join(dir, "manifest.json"), "utf8");
    return files;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs: [string, unknown, boolean][] = [
  ...Object.entries(cases).map(([name, raw]): [string, unknown, boolean] => [name, raw, false]),
  ["seed-hcl", cases.seed, true],
];

describe.each(runs)("%s", (name, raw, hcl) => {
  const files = synth(raw, hcl);
  if (update) {
    afterAll(() => {
      for (const [file, text] of Object.entries(files)) {
        hashes[`${name}/${file}`] = sha256(text);
        if (file.startsWith("dns.")) {
          mkdirSync(join(FIXTURES, name), { recursive: true });
          writeFileSync(join(FIXTURES, name, file), text);
        }
      }
      writeFileSync(join(FIXTURES, "sha256.json"), `${JSON.stringify(hashes, null, 2)}\n`);
    });
  }

  it("writes the same stacks as before", () => {
    const expected = Object.keys(hashes).filter((k) => k.startsWith(`${name}/`)).map((k) => k.slice(name.length + 1)).sort();
    expect(Object.keys(files).sort()).toEqual(update ? Object.keys(files).sort() : expected);
  });

  it("writes the dns stack byte for byte as before", () => {
    const file = hcl ? "dns.tf" : "dns.json";
    if (!update) expect(files[file]).toBe(readFileSync(join(FIXTURES, name, file), "utf8"));
  });

  it("writes every other file byte for byte as before (SHA-256)", () => {
    for (const [file, text] of Object.entries(files)) {
      if (!update) expect(`${file} ${sha256(text)}`).toBe(`${file} ${hashes[`${name}/${file}`]}`);
    }
  });
});
