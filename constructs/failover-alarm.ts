// Tells someone when the primary's health check fails: a CloudWatch alarm on the Route 53 HealthCheckStatus
// metric (published only in us-east-1) notifying an SNS topic.
import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { terraformLiteral } from "./terraform-literal";

export interface FailoverAlarmProps {
  /** The health check to watch. */
  readonly healthCheckId: string;
  /** Alarm name (and topic name when one is created). */
  readonly name: string;
  /** A provider for us-east-1, where Route 53 metrics live. */
  readonly provider: TerraformProvider;
  /** Existing SNS topic to notify. @default - a topic named `name` is created */
  readonly topicArn?: string;
  /** Address to subscribe to the topic (AWS asks it to confirm). @default - no subscription */
  readonly email?: string;
}

export class FailoverAlarm extends Construct {
  public readonly alarm: CloudwatchMetricAlarm;
  /** The notified topic. */
  public readonly topicArn: string;

  constructor(scope: Construct, id: string, props: FailoverAlarmProps) {
    super(scope, id);
    this.topicArn = props.topicArn ?? new SnsTopic(this, "Topic", { name: props.name, provider: props.provider }).arn;
    if (props.email !== undefined) {
      new SnsTopicSubscription(this, "Email", {
        topicArn: this.topicArn,
        protocol: "email",
        endpoint: terraformLiteral(props.email),
        provider: props.provider,
      });
    }
    this.alarm = new CloudwatchMetricAlarm(this, "Resource", {
      provider: props.provider,
      alarmName: props.name,
      alarmDescription: "The primary region's site fails its Route 53 health check: visitors are being sent to the secondary",
      namespace: "AWS/Route53",
      metricName: "HealthCheckStatus",
      dimensions: { HealthCheckId: props.healthCheckId },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: 1,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      alarmActions: [this.topicArn],
      okActions: [this.topicArn],
    });
  }
}
