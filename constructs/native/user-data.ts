// User data that a reviewer can read: the script goes into a Terraform local (a heredoc in the HCL output,
// plain text in the JSON) and the launch template gets `base64encode(local.<name>)`, instead of a base64
// blob that no diff can show. Terraform computes the same base64 string at plan time.
import { Fn, TerraformLocal } from "cdktf";
import type { Construct } from "constructs";
import { escapeTemplate } from "../terraform-literal";

/**
 * `base64encode(local.<id>)`, where the local holds `script` (escaped for Terraform's template syntax, so
 * the instance gets it byte for byte). `base64` is the user data as computed (and size-checked) by the
 * engine; the local holds its decoded text.
 */
export function readableUserData(scope: Construct, id: string, base64: string): string {
  const script = Buffer.from(base64, "base64").toString("utf8");
  const local = new TerraformLocal(scope, id, escapeTemplate(script));
  return Fn.base64encode(local.asString);
}
