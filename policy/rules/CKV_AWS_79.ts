import { blocks, hit, resources, show } from "../tf";
import type { Rule } from "../types";

// Checkov CKV_AWS_79 ("Ensure Instance Metadata Service Version 1 is not enabled"; aws_instance,
// aws_launch_template, aws_launch_configuration): metadata_options.http_tokens = "required", or the
// endpoint disabled.
export const rule: Rule = {
  id: "CKV_AWS_79",
  description: "Instances, launch templates and launch configurations require IMDSv2 (http_tokens = \"required\")",
  severity: "error",
  rationale:
    "IMDSv1 answers any request from the instance, so one SSRF bug in a container hands out the node role's credentials. Set `metadata_options { http_tokens = \"required\" }` (or disable the endpoint).",
  check: (app) =>
    resources(app, ["aws_instance", "aws_launch_template", "aws_launch_configuration"]).flatMap((r) => {
      const options = blocks(r.body.metadata_options)[0];
      if (options?.http_endpoint === "disabled" || options?.http_tokens === "required") return [];
      return [hit(r, `metadata_options.http_tokens is ${show(options?.http_tokens)}, not "required": IMDSv1 is enabled`)];
    }),
};
