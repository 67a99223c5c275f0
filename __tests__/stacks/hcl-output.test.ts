import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { tidyHcl } from "../../stacks/hcl-output";
import type { Json } from "../helpers";

const root = join(__dirname, "..", "..");

describe("tidyHcl", () => {
  it("unquotes provider references in resources, but not same-named arguments elsewhere", () => {
    const text = 'resource "aws_sns_topic" "t" {\nname = "x"\nprovider = "aws.route53_metrics"\non_failure = "DELETE"\n}\n';
    expect(tidyHcl(text)).toBe('resource "aws_sns_topic" "t" {\n  name = "x"\n  provider = aws.route53_metrics\n  on_failure = "DELETE"\n}\n');
  });

  it("unquotes when/on_failure in provisioners and turns connection into a block", () => {
    const text = [
      'resource "null_resource" "r" {',
      'provisioner "remote-exec" {',
      'when = "destroy"',
      'on_failure = "continue"',
      "connection = {",
      'host = "${self.triggers.host}"',
      "}",
      "}",
      "}",
    ].join("\n");
    expect(tidyHcl(text)).toBe(
      [
        'resource "null_resource" "r" {',
        '  provisioner "remote-exec" {',
        "    when = destroy",
        "    on_failure = continue",
        "    connection {",
        '      host = "${self.triggers.host}"',
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("unquotes depends_on entries and keeps brackets inside strings out of the indentation", () => {
    const text = 'resource "a" "b" {\nx = "{[(${f("}")})"\ndepends_on = [\n"aws_key_pair.KeyPair",\n]\n}\n\n\n\noutput "o" {\nvalue = 1\n}';
    expect(tidyHcl(text)).toBe('resource "a" "b" {\n  x = "{[(${f("}")})"\n  depends_on = [\n    aws_key_pair.KeyPair,\n  ]\n}\n\noutput "o" {\n  value = 1\n}\n');
  });
});

describe("npm run synth:hcl", () => {
  // Terraform JSON and hcl2json's reading of HCL both list each block's arguments; compare their names.
  function shape(config: Json) {
    const out: Record<string, string[]> = {};
    for (const block of ["resource", "data"]) {
      for (const [type, byName] of Object.entries<Json>(config[block] ?? {})) {
        for (const [name, body] of Object.entries<Json>(byName)) {
          const value = Array.isArray(body) ? body[0] : body;
          out[`${block}.${type}.${name}`] = Object.keys(value).filter((k) => k !== "//").sort();
        }
      }
    }
    out.outputs = Object.keys(config.output ?? {}).sort();
    out.providers = Object.keys(config.provider ?? {}).sort();
    return out;
  }

  /** Every `inline` list in document order. */
  function inlineScripts(config: Json): string[][] {
    const found: string[][] = [];
    const walk = (value: Json) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        for (const [key, inner] of Object.entries<Json>(value)) {
          if (key === "inline") found.push(inner);
          else walk(inner);
        }
      }
    };
    walk(config);
    return found;
  }

  function synth(args: string[]) {
    const cwd = mkdtempSync(join(tmpdir(), "ha-site-hcl-"));
    const result = spawnSync(process.execPath, [join(root, "scripts", "synth.mjs"), ...args], {
      cwd,
      env: { ...process.env, CDKTF_OUTDIR: "", HA_SITE_CONFIG: join(root, "examples", "production.json") },
      encoding: "utf8",
      timeout: 60_000,
    });
    // Only the line saying which config was used (README, "Your own config").
    expect(result.stderr).toBe(`ha-site: config: ${join(root, "examples", "production.json")} (example.org), from HA_SITE_CONFIG\n`);
    expect(result.status).toBe(0);
    return join(cwd, "cdktf.out", "stacks");
  }

  it("writes every stack as cdk.tf only, describing the same resources as the JSON", async () => {
    const hclDir = synth(["--hcl"]);
    const jsonDir = synth([]);
    const stacks = readdirSync(jsonDir).sort();
    expect(readdirSync(hclDir).sort()).toEqual(stacks);
    expect(stacks).toEqual(["dns", "swarm-eu-central-1", "swarm-eu-west-1"]);
    let scripts = 0;
    for (const stack of stacks) {
      expect(existsSync(join(hclDir, stack, "cdk.tf.json"))).toBe(false);
      const hcl = readFileSync(join(hclDir, stack, "cdk.tf"), "utf8");
      expect(hcl).not.toMatch(/^\s*(provider|when|on_failure) = "aws\./m);
      expect(hcl).not.toMatch(/connection = \{/);
      const fromHcl = await parse(`${stack}/cdk.tf`, hcl);
      const fromJson = JSON.parse(readFileSync(join(jsonDir, stack, "cdk.tf.json"), "utf8"));
      expect(shape(fromHcl)).toEqual(shape(fromJson));
      expect(hcl).not.toMatch(/postcondition = \[/);
      // Script lines are where cdktf's own HCL rendering breaks: they must be identical, byte for byte.
      expect(inlineScripts(fromHcl)).toEqual(inlineScripts(fromJson));
      scripts += inlineScripts(fromJson).length;
    }
    // production.json: 3 services x 2 regions x (create-or-update + removal).
    expect(scripts).toBe(12);
  });

  it("rejects an unknown option", () => {
    const result = spawnSync(process.execPath, [join(root, "scripts", "synth.mjs"), "--yaml"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('ha-site: synth: unknown option "--yaml"; expected --hcl or nothing\n');
  });
});
