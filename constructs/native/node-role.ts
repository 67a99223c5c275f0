// The instance role of one kind of swarm node: trusted by EC2, allowed exactly what the bootstrap script
// calls (nativeBootstrapPermissions) on the stack's own SSM parameters, and what the SSM agent needs to take
// Run Command / State Manager work (the actions of the AWS managed policy AmazonSSMManagedInstanceCore).
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { nativeBootstrapPermissions, type NativeSwarmRole } from "./bootstrap-script";

/**
 * The actions of the AWS managed policy AmazonSSMManagedInstanceCore (policy version v2, AWS Managed Policy
 * Reference). All on "*" in that policy; here ssm:GetParameter and ssm:GetParameters are *not* granted on "*"
 * (that would let a worker read the manager join token): the bootstrap statement grants ssm:GetParameter on the
 * stack's own parameters, and ssm:GetParameters is scoped to the same parameters.
 */
export const SSM_MANAGED_INSTANCE_CORE_ACTIONS = [
  "ssm:DescribeAssociation",
  "ssm:GetDeployablePatchSnapshotForInstance",
  "ssm:GetDocument",
  "ssm:DescribeDocument",
  "ssm:GetManifest",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:ListAssociations",
  "ssm:ListInstanceAssociations",
  "ssm:PutInventory",
  "ssm:PutComplianceItems",
  "ssm:PutConfigurePackageResult",
  "ssm:UpdateAssociationStatus",
  "ssm:UpdateInstanceAssociationStatus",
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:GetEndpoint",
  "ec2messages:GetMessages",
  "ec2messages:SendReply",
] as const;

/** Parameter reads, granted only on the stack's own parameters (never on "*"). */
const PARAMETER_READS = ["ssm:GetParameter", "ssm:GetParameters"];
/** Document reads, granted only on the stack's own documents (`documentArns`). */
const DOCUMENT_READS = ["ssm:GetDocument", "ssm:DescribeDocument"];
/**
 * The agent's own channel and status calls (ec2messages:*, ssmmessages:*, ssm:UpdateInstanceInformation,
 * association status, inventory, ...): "*" as in AmazonSSMManagedInstanceCore; they reach no data of other stacks.
 */
export const SSM_AGENT_ACTIONS: readonly string[] = SSM_MANAGED_INSTANCE_CORE_ACTIONS.filter(
  (a) => !PARAMETER_READS.includes(a) && !DOCUMENT_READS.includes(a),
);

export interface NodeRoleProps {
  readonly role: NativeSwarmRole;
  /** Name of the role and of its instance profile (IAM names are account-wide: include the region). */
  readonly name: string;
  /** The regional stack's name (the parameters live under `/ha-site/<stackName>/`). */
  readonly stackName: string;
  /** ARN of each bootstrap parameter, by full parameter name (e.g. "/ha-site/site/lock"). */
  readonly parameterArns: ReadonlyMap<string, string>;
  /**
   * Let the SSM agent work (SSM_MANAGED_INSTANCE_CORE_ACTIONS): the ARN pattern of the SSM documents it may
   * read (the stack's own). @default - no SSM agent permissions
   */
  readonly ssmDocumentArns?: readonly string[];
  /** Further statements (e.g. the managers' lifecycle cleanup). @default - none */
  readonly extraStatements?: readonly { readonly sid: string; readonly actions: readonly string[]; readonly resources: readonly string[] }[];
}

export class NodeRole extends Construct {
  public readonly role: IamRole;
  /** The inline policy document (least privilege on the parameters). */
  public readonly policyDocument: DataAwsIamPolicyDocument;
  public readonly policy: IamRolePolicy;
  public readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: NodeRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
        },
      ],
    });
    this.role = new IamRole(this, "Role", {
      name: props.name,
      description: `ha-site swarm ${props.role} nodes of ${props.stackName}: bootstrap parameters and the SSM agent`,
      assumeRolePolicy: trust.json,
    });
    const bootstrap = nativeBootstrapPermissions(props.role, { stackName: props.stackName }).map((permission) => ({
      effect: "Allow",
      actions: [...permission.actions],
      resources: permission.parameterNames.map((name) => {
        const arn = props.parameterArns.get(name);
        if (arn === undefined) throw new Error(`NodeRole: no ARN given for bootstrap parameter ${name}`);
        return arn;
      }),
    }));
    const ssmAgent =
      props.ssmDocumentArns === undefined
        ? []
        : [
            { sid: "SsmAgent", effect: "Allow", actions: [...SSM_AGENT_ACTIONS], resources: ["*"] },
            { sid: "SsmAgentDocuments", effect: "Allow", actions: [...DOCUMENT_READS], resources: [...props.ssmDocumentArns] },
            { sid: "SsmAgentParameters", effect: "Allow", actions: ["ssm:GetParameters"], resources: bootstrap.flatMap((b) => b.resources) },
          ];
    this.policyDocument = new DataAwsIamPolicyDocument(this, "Permissions", {
      statement: [
        ...bootstrap,
        ...ssmAgent,
        ...(props.extraStatements ?? []).map((x) => ({ sid: x.sid, effect: "Allow", actions: [...x.actions], resources: [...x.resources] })),
      ],
    });
    this.policy = new IamRolePolicy(this, "Policy", {
      name: "swarm-bootstrap",
      role: this.role.id,
      policy: this.policyDocument.json,
    });
    this.instanceProfile = new IamInstanceProfile(this, "InstanceProfile", { name: props.name, role: this.role.name });
  }
}
