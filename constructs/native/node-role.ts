// The instance role of one kind of swarm node: trusted by EC2, allowed exactly what the bootstrap script
// calls (nativeBootstrapPermissions) on the stack's own SSM parameters, nothing account-wide.
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { nativeBootstrapPermissions, type NativeSwarmRole } from "./bootstrap-script";

export interface NodeRoleProps {
  readonly role: NativeSwarmRole;
  /** Name of the role and of its instance profile (IAM names are account-wide: include the region). */
  readonly name: string;
  /** The regional stack's name (the parameters live under `/ha-site/<stackName>/`). */
  readonly stackName: string;
  /** ARN of each bootstrap parameter, by full parameter name (e.g. "/ha-site/site/lock"). */
  readonly parameterArns: ReadonlyMap<string, string>;
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
      description: `ha-site swarm ${props.role} nodes of ${props.stackName}: bootstrap parameters only`,
      assumeRolePolicy: trust.json,
    });
    this.policyDocument = new DataAwsIamPolicyDocument(this, "Permissions", {
      statement: nativeBootstrapPermissions(props.role, { stackName: props.stackName }).map((permission) => ({
        effect: "Allow",
        actions: [...permission.actions],
        resources: permission.parameterNames.map((name) => {
          const arn = props.parameterArns.get(name);
          if (arn === undefined) throw new Error(`NodeRole: no ARN given for bootstrap parameter ${name}`);
          return arn;
        }),
      })),
    });
    this.policy = new IamRolePolicy(this, "Policy", {
      name: "swarm-bootstrap",
      role: this.role.id,
      policy: this.policyDocument.json,
    });
    this.instanceProfile = new IamInstanceProfile(this, "InstanceProfile", { name: props.name, role: this.role.name });
  }
}
