// A swarm that heals: the swarm's membership follows its Auto Scaling groups.
//
// On termination (scale-in, a replaced or unhealthy instance), the AWS-documented pattern (EC2 Auto Scaling
// user guide, "Amazon EC2 Auto Scaling lifecycle hooks" and "Use EventBridge to handle Auto Scaling events"):
//   aws_autoscaling_lifecycle_hook (autoscaling:EC2_INSTANCE_TERMINATING, the instance waits in Terminating:Wait)
//   -> EventBridge rule on "EC2 Instance-terminate Lifecycle Action" of the two groups
//   -> SSM Automation runbook (target arn:...:automation-definition/<name>:$DEFAULT, input transformer):
//      1. prepare (leader, Run Command on the managers): a manager is demoted unless that breaks the quorum
//         guard, a worker drained (its tasks move);
//      2. leave (Run Command on the terminating instance): `docker swarm leave`;
//      3. remove (leader): `docker node rm --force`;
//      4. autoscaling:CompleteLifecycleAction CONTINUE (steps 1-3 continue on failure: the instance goes anyway;
//         the heartbeat timeout's default result is CONTINUE too).
// And, for instances that vanished without the hook (hook timed out, instance lost), a State Manager
// association runs the same script's `cleanup` on the managers every 30 minutes: the leader demotes (quorum
// guard) and removes every `Down` node whose instance EC2 no longer has.
// The script is a real file, constructs/native/lifecycle.sh; tests: __tests__/constructs/native/lifecycle.e2e.test.ts
// (the script under sh against stubs) and lifecycle.test.ts (the Terraform).
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { Fn, TerraformLocal } from "cdktf";
import { AutoscalingLifecycleHook } from "@cdktf/provider-aws/lib/autoscaling-lifecycle-hook";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { nativeScriptFile, selectSections } from "./script-file";
import { escapeTemplate } from "../swarm-services";

/** Seconds a terminating instance may wait for its departure from the swarm (then it goes anyway). */
export const LIFECYCLE_HEARTBEAT_SECONDS = 600;
/** How often the leader removes departed nodes whose instances are gone. */
export const CLEANUP_SCHEDULE = "rate(30 minutes)";
/** The lifecycle hook's name on both groups. */
export const LIFECYCLE_HOOK_NAME = "ha-site-leave-swarm";
/** The actions of lifecycle.sh. */
export const LIFECYCLE_ACTIONS = ["prepare", "leave", "remove", "cleanup"] as const;
/** What the SSM document accepts as InstanceId ("none" for cleanup). */
export const INSTANCE_ID_PATTERN = "^(i-[0-9a-f]{8,17}|none)$";

export interface LifecycleScriptOptions {
  readonly region: string;
  /** Seconds the leader waits for a drained worker's tasks to move. @default 300 */
  readonly drainWaitSeconds?: number;
  /** @default 5 */
  readonly pollSeconds?: number;
  /**
   * "ssm": ACTION and INSTANCE_ID come from the SSM document's parameters (`{{ Action }}`, pattern-checked);
   * "env": from HA_SITE_ACTION / HA_SITE_INSTANCE_ID (tests). @default "ssm"
   */
  readonly parameters?: "ssm" | "env";
}

/** lifecycle.sh with its settings filled in. */
export function lifecycleScript(o: LifecycleScriptOptions): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(o.region)) throw new Error(`region: got ${JSON.stringify(o.region)}; expected an AWS region name`);
  const settings = [`REGION='${o.region}'`, `DRAIN_WAIT_SECONDS=${o.drainWaitSeconds ?? 300}`, `POLL_SECONDS=${o.pollSeconds ?? 5}`];
  const fromSsm = (o.parameters ?? "ssm") === "ssm";
  return (
    selectSections(
      nativeScriptFile("lifecycle.sh"),
      (section) => section === "parameters" && !fromSsm,
      (section) =>
        section === "settings"
          ? settings
          : // SSM substitutes the parameters textually; their allowed values/pattern keep them to [a-z0-9-].
            ["ACTION={{ Action }}", "INSTANCE_ID={{ InstanceId }}"],
    ).trimEnd() + "\n"
  );
}

export interface SwarmLifecycleProps {
  readonly stackName: string;
  readonly region: string;
  /** IAM names are account-wide: a name prefix that includes the region. */
  readonly namePrefix: string;
  readonly managersGroup: { readonly name: string; readonly arn: string };
  readonly workersGroup: { readonly name: string; readonly arn: string };
  /** Exact-match tags of the managers. */
  readonly managerTags: Readonly<Record<string, string>>;
}

export class SwarmLifecycle extends Construct {
  public readonly document: SsmDocument;
  public readonly automation: SsmDocument;
  public readonly hooks: AutoscalingLifecycleHook[];
  public readonly rule: CloudwatchEventRule;
  public readonly target: CloudwatchEventTarget;
  public readonly cleanup: SsmAssociation;
  public readonly automationRole: IamRole;
  public readonly eventsRole: IamRole;

  constructor(scope: Construct, id: string, props: SwarmLifecycleProps) {
    super(scope, id);
    const { stackName } = props;
    const managerTargets = Object.entries(props.managerTags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ Key: `tag:${key}`, Values: [value] }));

    this.document = new SsmDocument(this, "Document", {
      name: fitName(`ha-site-${stackName}-lifecycle`, 128),
      documentType: "Command",
      documentFormat: "JSON",
      // Ends with a newline, so that the HCL output shows it as a heredoc.
      content: escapeTemplate(`${JSON.stringify(
        {
          schemaVersion: "2.2",
          description: `ha-site: swarm membership of ${stackName} (prepare, leave, remove, cleanup; constructs/native/lifecycle.sh)`,
          parameters: {
            Action: { type: "String", allowedValues: [...LIFECYCLE_ACTIONS], description: "What to do" },
            InstanceId: { type: "String", allowedPattern: INSTANCE_ID_PATTERN, default: "none", description: "The departing instance" },
          },
          mainSteps: [
            {
              action: "aws:runShellScript",
              name: "run",
              precondition: { StringEquals: ["platformType", "Linux"] },
              inputs: { timeoutSeconds: "900", runCommand: lifecycleScript({ region: props.region }).trimEnd().split("\n") },
            },
          ],
        },
        null,
        2,
      )}\n`),
      tags: { "ha-site:stack": stackName },
    });

    // ARNs in this account, partition and region, from the document's own ARN (no data source needed).
    const documentArnSuffix = `:document/${fitName(`ha-site-${stackName}-lifecycle`, 128)}`;
    // Once, as a local: "arn:<partition>:ssm:<region>:<account>" (keeps the generated lines short for review).
    const accountArn = new TerraformLocal(this, "AccountArn", Fn.replace(this.document.arn, documentArnSuffix, "")).asString;
    const inAccount = (service: string, resource: string) => `${service === "ssm" ? accountArn : Fn.replace(accountArn, ":ssm:", `:${service}:`)}:${resource}`;

    const run = (name: string, action: string, where: Record<string, unknown>) => ({
      name,
      action: "aws:runCommand",
      onFailure: "Continue",
      timeoutSeconds: 900,
      inputs: {
        DocumentName: this.document.name,
        ...where,
        Parameters: { Action: [action], InstanceId: ["{{ InstanceId }}"] },
      },
    });
    const automationName = fitName(`ha-site-${stackName}-leave-swarm`, 128);
    this.automation = new SsmDocument(this, "Automation", {
      name: automationName,
      documentType: "Automation",
      documentFormat: "JSON",
      content: `${JSON.stringify(
        {
          schemaVersion: "0.3",
          description: `ha-site: an instance of ${stackName} is terminating; take it out of the swarm, then let it go`,
          assumeRole: "{{ AutomationAssumeRole }}",
          parameters: {
            InstanceId: { type: "String", allowedPattern: "^i-[0-9a-f]{8,17}$" },
            LifecycleHookName: { type: "String", allowedPattern: "^[A-Za-z0-9_.-]{1,255}$" },
            AutoScalingGroupName: { type: "String", allowedPattern: "^[A-Za-z0-9_.-]{1,255}$" },
            AutomationAssumeRole: { type: "String" },
          },
          mainSteps: [
            run("prepare", "prepare", { Targets: managerTargets }),
            run("leave", "leave", { InstanceIds: ["{{ InstanceId }}"] }),
            run("remove", "remove", { Targets: managerTargets }),
            {
              name: "complete",
              action: "aws:executeAwsApi",
              inputs: {
                Service: "autoscaling",
                Api: "CompleteLifecycleAction",
                AutoScalingGroupName: "{{ AutoScalingGroupName }}",
                LifecycleHookName: "{{ LifecycleHookName }}",
                InstanceId: "{{ InstanceId }}",
                LifecycleActionResult: "CONTINUE",
              },
              isEnd: true,
            },
          ],
        },
        null,
        2,
      )}\n`,
      tags: { "ha-site:stack": stackName },
    });

    const role = (rid: string, name: string, service: string, statements: DataAwsIamPolicyDocumentStatement[]) => {
      const trust = new DataAwsIamPolicyDocument(this, `${rid}Trust`, {
        statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: [service] }] }],
      });
      const iamRole = new IamRole(this, rid, { name, description: `ha-site swarm ${stackName}: lifecycle (${service})`, assumeRolePolicy: trust.json });
      const policy = new DataAwsIamPolicyDocument(this, `${rid}Permissions`, { statement: statements });
      new IamRolePolicy(this, `${rid}Policy`, { name: "swarm-lifecycle", role: iamRole.id, policy: policy.json });
      return iamRole;
    };
    this.automationRole = role("AutomationRole", fitIam(`${props.namePrefix}-lifecycle`), "ssm.amazonaws.com", [
      // Run the lifecycle document, only on this stack's instances.
      { sid: "RunLifecycleDocument", effect: "Allow", actions: ["ssm:SendCommand"], resources: [this.document.arn] },
      {
        sid: "OnThisSwarm",
        effect: "Allow",
        actions: ["ssm:SendCommand"],
        resources: [inAccount("ec2", "instance/*")],
        condition: [{ test: "StringEquals", variable: "ssm:resourceTag/ha-site:stack", values: [stackName] }],
      },
      // Follow the commands it sent (no resource-level permissions for these).
      {
        sid: "FollowCommands",
        effect: "Allow",
        actions: ["ssm:ListCommands", "ssm:ListCommandInvocations", "ssm:GetCommandInvocation", "ssm:DescribeInstanceInformation"],
        resources: ["*"],
      },
      { sid: "CompleteLifecycleAction", effect: "Allow", actions: ["autoscaling:CompleteLifecycleAction"], resources: [props.managersGroup.arn, props.workersGroup.arn] },
    ]);
    const automationDefinition = `${inAccount("ssm", `automation-definition/${automationName}`)}:$DEFAULT`;
    this.eventsRole = role("EventsRole", fitIam(`${props.namePrefix}-lifecycle-events`), "events.amazonaws.com", [
      { sid: "StartRunbook", effect: "Allow", actions: ["ssm:StartAutomationExecution"], resources: [`${inAccount("ssm", `automation-definition/${automationName}`)}:*`] },
      {
        sid: "PassAutomationRole",
        effect: "Allow",
        actions: ["iam:PassRole"],
        resources: [this.automationRole.arn],
        condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ssm.amazonaws.com"] }],
      },
    ]);

    this.hooks = [
      ["ManagersHook", props.managersGroup],
      ["WorkersHook", props.workersGroup],
    ].map(
      ([hid, group]) =>
        new AutoscalingLifecycleHook(this, hid as string, {
          name: LIFECYCLE_HOOK_NAME,
          autoscalingGroupName: (group as { name: string }).name,
          lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
          heartbeatTimeout: LIFECYCLE_HEARTBEAT_SECONDS,
          defaultResult: "CONTINUE",
        }),
    );

    this.rule = new CloudwatchEventRule(this, "Rule", {
      name: fitIam(`ha-site-${stackName}-leave-swarm`),
      description: `ha-site: instances of ${stackName} terminating -> SSM runbook ${automationName}`,
      // JSON text with the group names interpolated (names cannot hold quotes), one item a line: a heredoc
      // in the HCL output, readable in review. `synth --hcl` renders it from the JSON (stacks/hcl-render.ts).
      eventPattern: `${JSON.stringify(
        {
          source: ["aws.autoscaling"],
          "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
          detail: { AutoScalingGroupName: [props.managersGroup.name, props.workersGroup.name], LifecycleHookName: [LIFECYCLE_HOOK_NAME] },
        },
        null,
        2,
      )}\n`,
    });
    this.target = new CloudwatchEventTarget(this, "Target", {
      rule: this.rule.name,
      arn: automationDefinition,
      roleArn: this.eventsRole.arn,
      inputTransformer: {
        inputPaths: { instance: "$.detail.EC2InstanceId", hook: "$.detail.LifecycleHookName", group: "$.detail.AutoScalingGroupName" },
        // JSON text, not jsonencode(): Terraform's jsonencode escapes "<" and ">", and EventBridge would no
        // longer see the <placeholders>. One field a line: a heredoc in the HCL output.
        inputTemplate: `${JSON.stringify(
          {
            InstanceId: ["<instance>"],
            LifecycleHookName: ["<hook>"],
            AutoScalingGroupName: ["<group>"],
            AutomationAssumeRole: [this.automationRole.arn],
          },
          null,
          2,
        )}\n`,
      },
    });

    this.cleanup = new SsmAssociation(this, "Cleanup", {
      name: this.document.name,
      associationName: `ha-site-${stackName}-cleanup`,
      documentVersion: this.document.latestVersion,
      parameters: { Action: "cleanup", InstanceId: "none" },
      targets: managerTargets.map((t) => ({ key: t.Key, values: t.Values })),
      scheduleExpression: CLEANUP_SCHEDULE,
      maxConcurrency: "100%",
    });
  }
}

/** IAM role / EventBridge rule names: at most 64 characters. */
function fitIam(name: string): string {
  return fitName(name, 64);
}

/** `name` if it has at most `max` characters, else a prefix + "-" + 8 hex digits of its hash. */
function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  return `${name.slice(0, max - 9).replace(/[-_.]+$/, "")}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
}
