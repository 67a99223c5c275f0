// The fail-open warning: a CloudWatch composite alarm that is in ALARM only while every region's health-check
// alarm is. Route 53 then answers as if all records were healthy (docs.aws.amazon.com/Route53/latest/
// DeveloperGuide/health-checks-how-route-53-chooses-records.html: "If no record is healthy, all records are
// healthy"), and Global Accelerator sends traffic to all endpoints: visitors get a dead region, and DNS alone
// will not fix it. A composite alarm costs one alarm and needs no extra health check (a Route 53 CALCULATED
// check would cost one more health check and only repeat the per-region checks).
import { Construct } from "constructs";
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";

export interface AllRegionsAlarmProps {
  /**
   * Names of the per-region alarms (all of them must be in ALARM), as plain strings: cdktf's HCL output
   * cannot write a reference inside a string that also holds quotes.
   */
  readonly alarmNames: readonly string[];
  /** The region alarms, so that they exist before the rule names them. @default - none */
  readonly dependsOn?: ITerraformDependable[];
  /** Alarm name. */
  readonly name: string;
  /** The provider of the region alarms (us-east-1): a composite alarm watches alarms of its own region. */
  readonly provider: TerraformProvider;
  /** Topic to notify. */
  readonly topicArn: string;
}

export class AllRegionsAlarm extends Construct {
  public readonly alarm: CloudwatchCompositeAlarm;
  /** The rule, e.g. `ALARM("a") AND ALARM("b")`. */
  public readonly rule: string;

  constructor(scope: Construct, id: string, props: AllRegionsAlarmProps) {
    super(scope, id);
    if (props.alarmNames.length === 0) throw new Error("alarmNames: got none; expected at least one region alarm");
    for (const name of props.alarmNames) {
      if (/["()]/.test(name)) throw new Error(`alarmNames: got ${JSON.stringify(name)}; expected a name without quotes or parentheses`);
    }
    this.rule = props.alarmNames.map((name) => `ALARM("${name}")`).join(" AND ");
    this.alarm = new CloudwatchCompositeAlarm(this, "Resource", {
      provider: props.provider,
      alarmName: props.name,
      alarmDescription:
        "Every region fails its health check: Route 53 (or Global Accelerator) fails open and sends visitors to all regions, healthy or not",
      alarmRule: this.rule,
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
      dependsOn: props.dependsOn,
    });
  }
}
