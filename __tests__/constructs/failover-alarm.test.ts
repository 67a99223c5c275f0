import { Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { FailoverAlarm, type FailoverAlarmProps } from "../../constructs/failover-alarm";
import { addressAt, onlyResource, type Json } from "../helpers";

function synthAlarm(props: Partial<FailoverAlarmProps> = {}): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new AwsProvider(scope, "aws", { region: "eu-west-1" });
      const provider = new AwsProvider(scope, "metrics", { region: "us-east-1", alias: "route53_metrics" });
      new FailoverAlarm(scope, "Alarm", { healthCheckId: "hc-123", name: "site-primary-unhealthy", provider, ...props });
    }),
  );
}

describe("FailoverAlarm", () => {
  it("alarms on the health check's Route 53 status in us-east-1 and notifies a new topic", () => {
    const json = synthAlarm();
    const topic = addressAt(json, "aws_sns_topic", "Alarm/Topic");
    expect(json.resource.aws_sns_topic[topic]).toEqual({ name: "site-primary-unhealthy", provider: "aws.route53_metrics" });
    expect(onlyResource(json, "aws_cloudwatch_metric_alarm")).toMatchObject({
      provider: "aws.route53_metrics",
      alarm_name: "site-primary-unhealthy",
      namespace: "AWS/Route53",
      metric_name: "HealthCheckStatus",
      dimensions: { HealthCheckId: "hc-123" },
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      alarm_actions: [`\${aws_sns_topic.${topic}.arn}`],
      ok_actions: [`\${aws_sns_topic.${topic}.arn}`],
    });
    expect(json.resource.aws_sns_topic_subscription).toBeUndefined();
  });

  it("subscribes an e-mail address", () => {
    const json = synthAlarm({ email: "oncall@example.org" });
    const topic = addressAt(json, "aws_sns_topic", "Alarm/Topic");
    expect(onlyResource(json, "aws_sns_topic_subscription")).toEqual({
      topic_arn: `\${aws_sns_topic.${topic}.arn}`,
      protocol: "email",
      endpoint: "oncall@example.org",
      provider: "aws.route53_metrics",
    });
  });

  it("notifies an existing topic without creating one", () => {
    const arn = "arn:aws:sns:us-east-1:123456789012:pager";
    const json = synthAlarm({ topicArn: arn, email: "oncall@example.org" });
    expect(json.resource.aws_sns_topic).toBeUndefined();
    expect(onlyResource(json, "aws_cloudwatch_metric_alarm").alarm_actions).toEqual([arn]);
    expect(onlyResource(json, "aws_sns_topic_subscription").topic_arn).toBe(arn);
  });
});
