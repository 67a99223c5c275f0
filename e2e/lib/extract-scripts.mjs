// The scripts a synthesized stack's provisioners really run, resolved by Terraform itself.
//
//   node e2e/lib/extract-scripts.mjs STACK_DIR OUT_DIR      # writes OUT_DIR/<type>.<name>.<when>.sh + index.json
//
// Why Terraform evaluates them: a provisioner's `inline` is a list of Terraform templates, not plain text.
// Terraform undoes the escapes (`$${` -> `${`, `%%{` -> `%{`) and resolves references in them (a shared shell
// library in a `local`, `join()`, ...). Copying the JSON strings and un-escaping them by hand would test a
// script that Terraform never runs. So each provisioner's `inline` list is copied verbatim into a `locals`
// entry of a scratch copy of the stack and `terraform console` prints it (base64, so the bytes survive), with
// the stand-in providers of ../shared/tools/tf-validate (tf-env), offline. The text is then assembled the way
// Terraform's remote-exec does: the inline strings joined with "\n", plus a final "\n"
// (hashicorp/terraform internal/builtin/provisioners/remote-exec/resource_provisioner.go, generateScripts).
//
// Where the templates use nothing but locals (today: plain strings), a configuration of only the stack's locals
// is evaluated, which needs no provider (fast); otherwise a copy of the whole stack, after `terraform init`.
// `self.*` cannot be evaluated outside a resource: a template that uses it is reported, not guessed.
// extractScripts() is the one place that knows where scripts live; adapt it when they move (e.g. SSM documents).
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");

function tfEnv(work) {
  const tfEnvTool = resolve(process.env.HA_SITE_TF_VALIDATE_DIR || join(repo, "..", "shared", "tools", "tf-validate"), "tf-env");
  const out = execFileSync(tfEnvTool, [join(work, "tf")], { encoding: "utf8" });
  const env = {};
  for (const m of out.matchAll(/([A-Z_]+)=(\S+)/g)) env[m[1]] = m[2];
  return env;
}

/** Every remote-exec provisioner of every resource in the stack's cdk.tf.json, with its raw `inline`. */
function remoteExecProvisioners(config) {
  const found = [];
  for (const [type, resources] of Object.entries(config.resource ?? {})) {
    for (const [name, body] of Object.entries(resources)) {
      for (const block of [].concat(body.provisioner ?? [])) {
        for (const [kind, p] of Object.entries(block)) {
          if (kind !== "remote-exec") continue;
          if (!Array.isArray(p.inline)) throw new Error(`${type}.${name}: remote-exec without "inline" (script/scripts are not handled)`);
          found.push({
            address: `${type}.${name}`,
            body,
            // Position among the resource's remote-exec provisioners (a deployment has two: node wait, deploy).
            position: found.filter((f) => f.address === `${type}.${name}`).length,
            type,
            name,
            constructPath: body["//"]?.metadata?.path ?? "",
            when: p.when === "destroy" ? "destroy" : "create",
            // A provisioner without a connection of its own uses the resource's (the deployments' two do).
            user: (p.connection ?? body.connection)?.user,
            inline: p.inline,
          });
        }
      }
    }
  }
  return found;
}

/**
 * The scripts the stack's remote-exec provisioners run, as Terraform evaluates them: [{address, type, name,
 * constructPath, when, script}]. Throws with Terraform's own message when it cannot evaluate one.
 */
export function extractScripts(stackDir) {
  const file = join(stackDir, "cdk.tf.json");
  const config = JSON.parse(readFileSync(file, "utf8"));
  const provisioners = remoteExecProvisioners(config);
  if (provisioners.length === 0) return [];
  // Fast path: the scripts depend on locals at most (a shared shell library, say): evaluate them in a
  // configuration of only the stack's locals, which needs no provider and no init. If Terraform finds a
  // reference that this cannot satisfy, evaluate them in a copy of the whole stack (init + console).
  const texts = evaluateValues(stackDir, config, provisioners.map((p) => inlineOf({ ...p, inline: p.inline.map((t) => withSelf(t, p.body)) })));
  return provisioners.map(({ inline, body, ...p }, i) => {
    const script = texts[i] + "\n";
    // The library entry point the script calls last (deploy_service, remove_service, wait_for_node).
    const entry = /\n([a-z_]+)\n+$/.exec(script)?.[1] ?? "";
    return { ...p, entry, script };
  });
}

/**
 * `self.output.K` (terraform_data) and `self.triggers.K` (null_resource) in a template, replaced by what the
 * resource itself sets there: Terraform gives `self` exactly those values (the destroy-time removal reads the
 * shell library from its own `input`). Only values that are one interpolation (`${local.x}`) or plain text.
 */
function withSelf(template, body) {
  return template.replace(/\$\{self\.(output|triggers)\.([A-Za-z0-9_]+)\}/g, (whole, kind, key) => {
    const value = (kind === "output" ? body.input : body.triggers)?.[key];
    if (typeof value !== "string") return whole;
    const sole = /^\$\{([^{}]+)\}$/.exec(value);
    return sole ? `\${${sole[1]}}` : value;
  });
}

/** The remote-exec script: the inline strings joined with "\n" (Terraform adds a final "\n" when it uploads). */
function inlineOf(p) {
  return { value: p.inline, expr: (ref) => `join("\\n", ${ref})` };
}

/**
 * Terraform's value of each item's config value (copied verbatim into a local, so Terraform reads it exactly
 * as in the resource), through `expr`; strings only. In a configuration of the stack's locals alone, or (whole)
 * in a copy of the stack after `terraform init`.
 */
function evaluate(stackDir, config, items, dir, whole) {
  mkdirSync(dir, { recursive: true });
  let scratch;
  if (whole) {
    // A copy of the stack without its backend (so no state is read or written), plus the inline lists.
    cpSync(stackDir, dir, { recursive: true, filter: (p) => !p.includes(".terraform") });
    scratch = JSON.parse(JSON.stringify(config));
    if (scratch.terraform) delete scratch.terraform.backend;
  } else {
    scratch = {};
  }
  scratch.locals = { ...(config.locals ?? {}) };
  items.forEach((item, i) => {
    scratch.locals[`ha_site_e2e_value_${i}`] = item.value;
  });
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(scratch));
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  if (whole) {
    Object.assign(env, tfEnv(dir + "-tf"));
    // `init` installs the stand-in providers from tf-env's file mirror (offline); no backend to set up.
    try {
      execFileSync("terraform", ["init", "-no-color", "-input=false"], { cwd: dir, env, encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      throw new Error(`terraform init failed in a copy of ${stackDir}:\n${e.stderr || e.message}`);
    }
  }
  // One expression (console prints one value per line it reads, which long values make unreliable to split):
  // base64 of a JSON list of the assembled scripts.
  const list = items.map((item, i) => item.expr(`local.ha_site_e2e_value_${i}`)).join(", ");
  const input = `base64encode(jsonencode([${list}]))\n`;
  let out;
  try {
    out = execFileSync("terraform", ["console", "-no-color"], { cwd: dir, env, input, encoding: "utf8", timeout: 120_000, stdio: ["pipe", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(`terraform console could not evaluate values of ${stackDir}:\n${e.stderr || e.message}`);
  }
  const value = out.split("\n").map((l) => l.trim()).find((l) => /^"[A-Za-z0-9+/=]+"$/.test(l));
  const texts = value ? JSON.parse(Buffer.from(JSON.parse(value), "base64").toString("utf8")) : [];
  if (texts.length !== items.length) {
    throw new Error(`terraform console gave ${texts.length} values for ${items.length} expressions:\n${out}`);
  }
  return texts;
}

/** Evaluate `items` (see evaluate) the fast way, else in a copy of the whole stack. */
function evaluateValues(stackDir, config, items) {
  const work = mkdtempSync(join(tmpdir(), "ha-site-extract-"));
  try {
    try {
      return evaluate(stackDir, config, items, join(work, "locals-only"), false);
    } catch (fast) {
      try {
        return evaluate(stackDir, config, items, join(work, "stack"), true);
      } catch (full) {
        throw new Error(`${full.message}\n(first, with the locals only: ${fast.message})`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The user data of every aws_launch_template of the stack, decoded as EC2 hands it to cloud-init:
 * [{address, name, constructPath, script}] (the native engine's manager and worker bootstrap scripts).
 */
export function extractUserData(stackDir) {
  const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  const templates = Object.entries(config.resource?.aws_launch_template ?? {}).filter(([, body]) => body.user_data !== undefined);
  if (templates.length === 0) return [];
  const texts = evaluateValues(stackDir, config, templates.map(([, body]) => ({ value: body.user_data, expr: (ref) => `base64decode(${ref})` })));
  return templates.map(([name, body], i) => ({
    address: `aws_launch_template.${name}`,
    name,
    constructPath: body["//"]?.metadata?.path ?? "",
    script: texts[i],
  }));
}

/** The SSM parameters the stack creates, as Terraform would: [{address, name, type, value}]. */
export function extractSsmParameters(stackDir) {
  const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  const params = Object.entries(config.resource?.aws_ssm_parameter ?? {});
  if (params.length === 0) return [];
  const items = params.flatMap(([, body]) => [body.name, body.type, body.value ?? ""].map((value) => ({ value, expr: (ref) => ref })));
  const texts = evaluateValues(stackDir, config, items);
  return params.map(([name], i) => ({ address: `aws_ssm_parameter.${name}`, name: texts[3 * i], type: texts[3 * i + 1], value: texts[3 * i + 2] }));
}

/** `<type>.<name>.<when>.sh`, e.g. null_resource.Services_Service-hello-world_02FD4040.create.sh */
export function scriptFileName(s) {
  const n = s.position ? `-${s.position + 1}` : "";
  return `${s.type}.${s.name}.${s.when}${n}.sh`.replace(/[^A-Za-z0-9._-]/g, "_");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const mode = args[0]?.startsWith("--") ? args.shift() : "--provisioners";
  const [stackDir, outDir] = args;
  if (!stackDir || !outDir || !["--provisioners", "--user-data"].includes(mode)) {
    console.error("usage: node e2e/lib/extract-scripts.mjs [--provisioners | --user-data] STACK_DIR OUT_DIR");
    process.exit(2);
  }
  try {
    mkdirSync(outDir, { recursive: true });
    let index;
    if (mode === "--provisioners") {
      index = extractScripts(stackDir).map((s) => {
        const path = join(outDir, scriptFileName(s));
        writeFileSync(path, s.script, { mode: 0o755 });
        const { script, ...meta } = s;
        return { ...meta, file: basename(path) };
      });
    } else {
      // User data of each launch template + the SSM parameters Terraform creates (the nodes' shared state).
      index = extractUserData(stackDir).map((s) => {
        const path = join(outDir, `${s.name}.user-data.sh`.replace(/[^A-Za-z0-9._-]/g, "_"));
        writeFileSync(path, s.script, { mode: 0o755 });
        const { script, ...meta } = s;
        return { ...meta, file: basename(path) };
      });
      writeFileSync(join(outDir, "ssm-parameters.json"), JSON.stringify(extractSsmParameters(stackDir), null, 2) + "\n");
    }
    writeFileSync(join(outDir, "index.json"), JSON.stringify(index, null, 2) + "\n");
    for (const s of index) console.log(`${s.file}\t${s.constructPath}${s.when ? `\t${s.when}` : ""}`);
  } catch (e) {
    console.error(`extract-scripts: ${e.message}`);
    process.exit(1);
  }
}
