// The Terraform that wires the swarm's membership scripts (lifecycle hooks on both groups, the EventBridge rule
// and target, the SSM runbook, the cleanup association, host names after instances), synthesized in the jest
// process. The scripts themselves (lifecycle.sh, ssm-leader.sh) under sh against stubs, and shellcheck:
// lifecycle.e2e.test.ts (the end-to-end suite's jest part).
import { Testing } from "cdktf";
import { LIFECYCLE_HOOK_NAME, lifecycleScript } from "../../../constructs/native/lifecycle";
import { NativeSwarm } from "../../../constructs/native/native-swarm";
import { addressAt, type Json } from "../../helpers";

describe("SwarmLifecycle (Terraform)", () => {
  const json: Json = JSON.parse(
    Testing.synthScope((scope) => {
      new NativeSwarm(scope, "Swarm", { stackName: "site-swarm", region: "us-west-2", keyName: "k", managers: 3, workers: 2, ports: [{ published: 80, protocol: "tcp" }], healthCheckPort: 80 });
    }),
  );
  const ref = (type: string, path: string) => `${type}.${addressAt(json, type, path)}`;

  it("hooks both groups' terminations, with a timeout whose default lets the instance go", () => {
    const hooks = Object.values<Json>(json.resource.aws_autoscaling_lifecycle_hook);
    expect(hooks.map((h) => h.autoscaling_group_name).sort()).toEqual(
      [`\${${ref("aws_autoscaling_group", "Swarm/Managers")}.name}`, `\${${ref("aws_autoscaling_group", "Swarm/Workers")}.name}`].sort(),
    );
    for (const hook of hooks) {
      expect(hook).toMatchObject({ name: LIFECYCLE_HOOK_NAME, lifecycle_transition: "autoscaling:EC2_INSTANCE_TERMINATING", default_result: "CONTINUE", heartbeat_timeout: 600 });
    }
  });

  it("sends the termination events to the SSM runbook, which demotes/drains, leaves, removes and completes the action", () => {
    const rule = Object.values<Json>(json.resource.aws_cloudwatch_event_rule)[0];
    // JSON text with the group names interpolated, one item a line (a heredoc in the HCL output).
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
      detail: {
        AutoScalingGroupName: [`\${${ref("aws_autoscaling_group", "Swarm/Managers")}.name}`, `\${${ref("aws_autoscaling_group", "Swarm/Workers")}.name}`],
        LifecycleHookName: [LIFECYCLE_HOOK_NAME],
      },
    });
    expect(rule.event_pattern.endsWith("}\n")).toBe(true);
    const target = Object.values<Json>(json.resource.aws_cloudwatch_event_target)[0];
    // "arn:<partition>:ssm:<region>:<account>" once, as a local read from the lifecycle document's ARN.
    const local = Object.entries<string>(json.locals).find(([name]) => name.startsWith("Swarm_Lifecycle_AccountArn_"))!;
    expect(local[1]).toMatch(/^\$\{replace\(aws_ssm_document\.Swarm_Lifecycle_Document_[0-9A-F]{8}\.arn, ":document\/ha-site-site-swarm-lifecycle", ""\)\}$/);
    expect(target.arn).toBe(`\${local.${local[0]}}:automation-definition/ha-site-site-swarm-leave-swarm:$DEFAULT`);
    expect(target.input_transformer.input_paths).toEqual({ instance: "$.detail.EC2InstanceId", hook: "$.detail.LifecycleHookName", group: "$.detail.AutoScalingGroupName" });
    const template = JSON.parse(target.input_transformer.input_template);
    expect(template).toMatchObject({ InstanceId: ["<instance>"], LifecycleHookName: ["<hook>"], AutoScalingGroupName: ["<group>"] });
    expect(template.AutomationAssumeRole[0]).toMatch(/^\$\{aws_iam_role\..*AutomationRole.*\.arn\}$/);
    const automation = Object.values<Json>(json.resource.aws_ssm_document).find((d) => d.document_type === "Automation");
    const steps = JSON.parse(automation.content).mainSteps;
    expect(steps.map((s: Json) => [s.name, s.action, s.inputs.Parameters?.Action?.[0] ?? s.inputs.Api])).toEqual([
      ["prepare", "aws:runCommand", "prepare"],
      ["leave", "aws:runCommand", "leave"],
      ["remove", "aws:runCommand", "remove"],
      ["complete", "aws:executeAwsApi", "CompleteLifecycleAction"],
    ]);
    expect(steps[1].inputs.InstanceIds).toEqual(["{{ InstanceId }}"]);
    expect(steps[0].inputs.Targets).toEqual([
      { Key: "tag:ha-site:stack", Values: ["site-swarm"] },
      { Key: "tag:swarm-node-type", Values: ["manager"] },
    ]);
  });

  it("cleans up departed nodes on the managers every 30 minutes", () => {
    const cleanup = json.resource.aws_ssm_association[addressAt(json, "aws_ssm_association", "Swarm/Lifecycle/Cleanup")];
    expect(cleanup).toMatchObject({ schedule_expression: "rate(30 minutes)", parameters: { Action: "cleanup", InstanceId: "none" } });
    const document = json.resource.aws_ssm_document[addressAt(json, "aws_ssm_document", "Swarm/Lifecycle/Document")];
    const content = JSON.parse(document.content);
    expect(content.parameters.InstanceId.allowedPattern).toBe("^(i-[0-9a-f]{8,17}|none)$");
    expect(content.mainSteps[0].inputs.runCommand.join("\n") + "\n").toBe(lifecycleScript({ region: "us-west-2" }));
  });

  it("names nodes after their instances (resource-based host names)", () => {
    for (const lt of Object.values<Json>(json.resource.aws_launch_template)) {
      expect(lt.private_dns_name_options).toEqual({ hostname_type: "resource-name" });
    }
  });
});
