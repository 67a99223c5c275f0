// A Docker Swarm built by the Docker for AWS CloudFormation template (the seed's engine).
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { DOCKER_FOR_AWS_TEMPLATE_URL } from "./docker-for-aws-template";
import type { ManagerLookup, RegionalSwarm } from "./regional-swarm";
import { tfLiteral, tfLiteralValues } from "./tf-literal";
import { swarmReady } from "./swarm-ready";

export type CloudFormationOnFailure = "DELETE" | "ROLLBACK" | "DO_NOTHING";

export interface DockerForAwsSwarmProps {
  /** CloudFormation stack name (also the prefix of the template's resource names and instance Name tags). */
  readonly stackName: string;
  /** Existing EC2 key pair for SSH to the managers (template parameter `KeyName`). */
  readonly keyName: string;
  /**
   * Template location. Docker for AWS is abandoned (python2.7 Lambda, launch configurations): accounts that
   * cannot run it need a patched copy in their own S3 bucket.
   * @default DOCKER_FOR_AWS_TEMPLATE_URL
   */
  readonly templateUrl?: string;
  /** Swarm managers (`ManagerSize`): 1, 3 or 5. @default 3 */
  readonly managers?: number;
  /** Swarm workers (`ClusterSize`): 0 to 1000. @default 5 */
  readonly workers?: number;
  /** Manager instance type (`ManagerInstanceType`). @default "t2.micro" */
  readonly managerInstanceType?: string;
  /** Worker instance type (`InstanceType`). @default "t2.micro" */
  readonly workerInstanceType?: string;
  /** Manager root disk in GiB (`ManagerDiskSize`). @default 20 */
  readonly managerDiskSize?: number;
  /** Worker root disk in GiB (`WorkerDiskSize`). @default 20 */
  readonly workerDiskSize?: number;
  /** Manager disk type (`ManagerDiskType`). @default "standard" */
  readonly managerDiskType?: string;
  /** Worker disk type (`WorkerDiskType`). @default "standard" */
  readonly workerDiskType?: string;
  /** Daily `docker system prune` (`EnableSystemPrune`). @default false */
  readonly enableSystemPrune?: boolean;
  /** Container logs to CloudWatch (`EnableCloudWatchLogs`). @default true */
  readonly enableCloudWatchLogs?: boolean;
  /** Further template parameters (for templates that have more). @default - none */
  readonly extraParameters?: Readonly<Record<string, string>>;
  /**
   * What CloudFormation does when creation fails. DELETE lets the next apply simply retry (the failed
   * stack's events stay visible under "Deleted" in the console).
   * @default "DELETE"
   */
  readonly onFailure?: CloudFormationOnFailure;
  /** Create/update wait in minutes; at least 60. @default max(60, 30 + workers) */
  readonly timeoutMinutes?: number;
  /** Resources the stack must wait for (e.g. a key pair created in the same stack). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

const yesNo = (value: boolean) => (value ? "yes" : "no");

export class DockerForAwsSwarm extends Construct implements RegionalSwarm {
  public readonly engine = "docker-for-aws";
  /** The CloudFormation stack. */
  public readonly stack: CloudformationStack;
  public readonly loadBalancerDnsName: string;
  public readonly loadBalancerZoneId: string;
  public readonly vpcId: string;
  public readonly managersConsoleUrl: string;
  public readonly managerLookup: ManagerLookup;
  public readonly sshUser = "docker";
  /** Changes only when the stack is created or replaced (constructs/swarm-ready.ts; made on first use). */
  public get ready(): ITerraformDependable {
    return (this.readyMarker ??= swarmReady(this, "Ready", this.stack.id));
  }
  private readyMarker?: ITerraformDependable;

  constructor(scope: Construct, id: string, props: DockerForAwsSwarmProps) {
    super(scope, id);
    const workers = props.workers ?? 5;
    const timeoutMinutes = props.timeoutMinutes ?? Math.max(60, 30 + workers);
    if (timeoutMinutes < 60) {
      throw new Error(`timeoutMinutes: got ${timeoutMinutes}; expected at least 60 (a swarm takes 10 to 20 minutes, more with many workers)`);
    }
    this.stack = new CloudformationStack(this, "Resource", {
      name: tfLiteral(props.stackName),
      templateUrl: tfLiteral(props.templateUrl ?? DOCKER_FOR_AWS_TEMPLATE_URL),
      capabilities: ["CAPABILITY_IAM"],
      onFailure: props.onFailure ?? "DELETE",
      parameters: tfLiteralValues({
        KeyName: props.keyName,
        ManagerSize: String(props.managers ?? 3),
        ClusterSize: String(workers),
        ManagerInstanceType: props.managerInstanceType ?? "t2.micro",
        InstanceType: props.workerInstanceType ?? "t2.micro",
        ManagerDiskSize: String(props.managerDiskSize ?? 20),
        ManagerDiskType: props.managerDiskType ?? "standard",
        WorkerDiskSize: String(props.workerDiskSize ?? 20),
        WorkerDiskType: props.workerDiskType ?? "standard",
        EnableSystemPrune: yesNo(props.enableSystemPrune ?? false),
        EnableCloudWatchLogs: yesNo(props.enableCloudWatchLogs ?? true),
        ...props.extraParameters,
      }),
      timeouts: { create: `${timeoutMinutes}m`, update: `${timeoutMinutes}m`, delete: "60m" },
      dependsOn: props.dependsOn,
    });
    this.loadBalancerDnsName = this.stack.outputs.lookup("DefaultDNSTarget");
    this.loadBalancerZoneId = this.stack.outputs.lookup("ELBDNSZoneID");
    this.vpcId = this.stack.outputs.lookup("VPCID");
    this.managersConsoleUrl = this.stack.outputs.lookup("Managers");
    this.managerLookup = {
      instanceTags: { "swarm-node-type": "manager", "aws:cloudformation:stack-name": props.stackName },
    };

  }
}
