// HTTPS for one native region: an ACM certificate for the site's name in that region (ACM is regional: "you must
// request or import a certificate for each region", ACM user guide, Supported Regions), validated by DNS records
// in the site's hosted zone, and the load balancer's HTTPS (ALB) or TLS (NLB) listener that uses it and forwards
// to the site port's target group.
//
// Where it lives: in the DNS stack, with a provider for the region. The hosted zone is created there (or named
// by hostedZone.zoneId), and the DNS stack is applied after the regional stacks, so the regional stacks cannot
// hold validation records; and a listener cannot be created with a certificate that is not issued yet. The
// regional stack exports its load balancer's ARN and the site port's target group (plain outputs); the
// redirect of the plain listener (ALB) and the security group rule for the TLS port stay regional.
//
// Both regions request a certificate for the same name, and ACM gives both the same validation CNAME
// (terraform-provider-aws#13653: "the CNAME record used for the validation already exists"): each region's
// record is written with allow_overwrite, so the second write is an idempotent UPSERT of the same value.
import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface RegionalTlsProps {
  /** The AWS provider of the region (certificate, listener); the validation record uses the stack's default provider. */
  readonly provider: TerraformProvider;
  /** The name visitors use, e.g. "www.example.com" (the certificate's domain name). */
  readonly domainName: string;
  /** The site's hosted zone. */
  readonly zoneId: string;
  readonly loadBalancerArn: string;
  /** The site port's target group. */
  readonly targetGroupArn: string;
  readonly kind: "alb" | "nlb";
  /** Listener port. @default 443 */
  readonly port?: number;
  /** ELB security policy of the listener. */
  readonly securityPolicy: string;
  /** Name tag. */
  readonly name: string;
}

export class RegionalTls extends Construct {
  public readonly certificate: AcmCertificate;
  public readonly validationRecord: Route53Record;
  public readonly validation: AcmCertificateValidation;
  public readonly listener: LbListener;

  constructor(scope: Construct, id: string, props: RegionalTlsProps) {
    super(scope, id);
    this.certificate = new AcmCertificate(this, "Certificate", {
      provider: props.provider,
      domainName: props.domainName,
      validationMethod: "DNS",
      tags: { Name: props.name },
      // A replaced certificate is issued before the listener lets go of the old one.
      lifecycle: { createBeforeDestroy: true },
    });
    // One name, so one validation option (a set: index it through tolist(), which cdktf adds).
    const option = this.certificate.domainValidationOptions.get(0);
    this.validationRecord = new Route53Record(this, "ValidationRecord", {
      zoneId: props.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    this.validation = new AcmCertificateValidation(this, "Validation", {
      provider: props.provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: [this.validationRecord.fqdn],
    });
    this.listener = new LbListener(this, "Listener", {
      provider: props.provider,
      loadBalancerArn: props.loadBalancerArn,
      port: props.port ?? 443,
      protocol: props.kind === "alb" ? "HTTPS" : "TLS",
      sslPolicy: props.securityPolicy,
      // The validated ARN: the listener waits until the certificate is issued.
      certificateArn: this.validation.certificateArn,
      defaultAction: [{ type: "forward", targetGroupArn: props.targetGroupArn }],
      tags: { Name: props.name },
    });
  }
}
