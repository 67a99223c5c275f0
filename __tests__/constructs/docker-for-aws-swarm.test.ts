import { TerraformOutput, Testing } from "cdktf";
import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { DockerForAwsSwarm } from "../../constructs/docker-for-aws-swarm";
import { DOCKER_FOR_AWS_TEMPLATE_URL } from "../../constructs/docker-for-aws-template";
import { onlyResource, type Json } from "../helpers";

function synthSwarm(props: Partial<ConstructorParameters<typeof DockerForAwsSwarm>[2]> = {}) {
  let swarm: DockerForAwsSwarm | undefined;
  const text = Testing.synthScope((scope) => {
    swarm = new DockerForAwsSwarm(scope, "Swarm", { stackName: "site-swarm", keyName: "swarm", ...props });
  });
  const json: Json = JSON.parse(text);
  return { swarm: swarm!, text, json, stack: onlyResource(json, "aws_cloudformation_stack") };
}

describe("DockerForAwsSwarm", () => {
  it("creates the CloudFormation stack with IAM capability, long timeouts and the template defaults", () => {
    const { text, stack } = synthSwarm();
    expect(text).toHaveResourceWithProperties(CloudformationStack, {
      name: "site-swarm",
      template_url: DOCKER_FOR_AWS_TEMPLATE_URL,
      capabilities: ["CAPABILITY_IAM"],
      on_failure: "DELETE",
    });
    expect(stack.parameters).toEqual({
      KeyName: "swarm",
      ManagerSize: "3",
      ClusterSize: "5",
      ManagerInstanceType: "t2.micro",
      InstanceType: "t2.micro",
      ManagerDiskSize: "20",
      ManagerDiskType: "standard",
      WorkerDiskSize: "20",
      WorkerDiskType: "standard",
      EnableSystemPrune: "no",
      EnableCloudWatchLogs: "yes",
    });
    expect(stack.timeouts).toEqual({ create: "60m", update: "60m", delete: "60m" });
  });

  it("maps every prop to its template parameter", () => {
    const { stack } = synthSwarm({
      templateUrl: "https://bucket.s3.amazonaws.com/Docker.tmpl",
      managers: 5,
      workers: 200,
      managerInstanceType: "m4.large",
      workerInstanceType: "c4.xlarge",
      managerDiskSize: 40,
      workerDiskSize: 80,
      managerDiskType: "gp2",
      workerDiskType: "gp2",
      enableSystemPrune: true,
      enableCloudWatchLogs: false,
      extraParameters: { EnableCloudStorEfs: "yes" },
      onFailure: "ROLLBACK",
    });
    expect(stack.template_url).toBe("https://bucket.s3.amazonaws.com/Docker.tmpl");
    expect(stack.on_failure).toBe("ROLLBACK");
    expect(stack.parameters).toMatchObject({
      ManagerSize: "5",
      ClusterSize: "200",
      ManagerInstanceType: "m4.large",
      InstanceType: "c4.xlarge",
      ManagerDiskSize: "40",
      WorkerDiskSize: "80",
      ManagerDiskType: "gp2",
      WorkerDiskType: "gp2",
      EnableSystemPrune: "yes",
      EnableCloudWatchLogs: "no",
      EnableCloudStorEfs: "yes",
    });
    // Many workers take longer than an hour: the wait grows with them.
    expect(stack.timeouts.create).toBe("230m");
  });

  it("refuses a timeout under an hour", () => {
    expect(() => synthSwarm({ timeoutMinutes: 30 })).toThrow("timeoutMinutes: got 30; expected at least 60");
  });

  it("exports the template's outputs and finds managers by the stack's tags", () => {
    const json: Json = JSON.parse(
      Testing.synthScope((scope) => {
        const swarm = new DockerForAwsSwarm(scope, "Swarm", { stackName: "site-swarm", keyName: "swarm" });
        expect(swarm.engine).toBe("docker-for-aws");
        expect(swarm.sshUser).toBe("docker");
        expect(swarm.managerLookup.instanceTags).toEqual({
          "swarm-node-type": "manager",
          "aws:cloudformation:stack-name": "site-swarm",
        });
        new TerraformOutput(scope, "dns", { value: swarm.loadBalancerDnsName });
        new TerraformOutput(scope, "zone", { value: swarm.loadBalancerZoneId });
        new TerraformOutput(scope, "vpc", { value: swarm.vpcId });
        new TerraformOutput(scope, "managers", { value: swarm.managersConsoleUrl });
      }),
    );
    const [address] = Object.keys(json.resource.aws_cloudformation_stack);
    const output = (name: string) => json.output[name].value;
    expect(output("dns")).toBe(`\${aws_cloudformation_stack.${address}.outputs["DefaultDNSTarget"]}`);
    expect(output("zone")).toBe(`\${aws_cloudformation_stack.${address}.outputs["ELBDNSZoneID"]}`);
    expect(output("vpc")).toBe(`\${aws_cloudformation_stack.${address}.outputs["VPCID"]}`);
    expect(output("managers")).toBe(`\${aws_cloudformation_stack.${address}.outputs["Managers"]}`);
  });
});
