import { posix } from "node:path";
import type { Hit, Rule } from "../types";

export const rule: Rule = {
  id: "HA_LOCAL_STATE_IN_OUTDIR",
  description: "Local state lives outside the output directory (cdktf.out), at a relative path",
  severity: "error",
  rationale:
    "cdktf.out is rebuilt by every synth and deleted by `rm -rf cdktf.out`: state kept there (cdktf's default, or a stack without a backend) is one clean build away from losing a live site, after which Terraform plans to create everything again. An absolute path works on one machine only. X, or use S3 / Terraform Cloud.",
  check: (app) =>
    app.stacks.flatMap((stack): Hit[] => {
      const backend = stack.json?.terraform?.backend ?? {};
      const local = backend.local;
      const address = "terraform.backend";
      if (Object.keys(backend).length === 0 && stack.json?.terraform?.cloud === undefined) {
        return [{ stack: stack.name, address, message: `no backend: Terraform keeps terraform.tfstate in ${stack.dir}/, inside the output directory` }];
      }
      if (local === undefined) return [];
      const path = typeof local.path === "string" ? local.path : "terraform.tfstate";
      if (path.includes("${")) return [{ stack: stack.name, address, message: `local state path ${JSON.stringify(path)} is an expression; use a literal relative path` }];
      if (posix.isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path)) {
        return [{ stack: stack.name, address, message: `local state path ${JSON.stringify(path)} is absolute (cdktf's default): it works on one machine only; use a path relative to the stack directory` }];
      }
      const resolved = posix.normalize(posix.join(stack.dir, path.replace(/\\/g, "/")));
      if (!resolved.startsWith("../")) {
        return [{ stack: stack.name, address, message: `local state path ${JSON.stringify(path)} resolves to ${resolved} inside the output directory, which every synth replaces` }];
      }
      return [];
    }),
};
