// Starts and keeps the site's services running on a native swarm without inbound SSH: SSM State Manager runs
// the same generated service script (serviceDeployScript) on the region's managers, found by tag.
//
// Per service:
// - `Document-<name>` (aws_ssm_document, Command, aws:runShellScript): the leader-only wrapper
//   (constructs/native/ssm-leader.sh) around the service script. A spec change updates the document in place
//   (a new document version) and the script updates the service in place: nothing is removed first.
// - `Service-<name>` (aws_ssm_association): targets `tag:ha-site:stack=<stack>` + `tag:swarm-node-type=manager`,
//   so a replacement manager gets it too. `wait_for_success_timeout_seconds` makes `apply` fail when the
//   script fails. The provider waits only on create (terraform-provider-aws internal/service/ssm/association.go:
//   waitAssociationSuccess in resourceAssociationCreate, not in Update), so a document change *replaces* the
//   association (replace_triggered_by, create_before_destroy): the new one runs the new version and is waited
//   for. Replacing an association touches nothing on the instances.
// And once per swarm:
// - `Prune` (document + association): removes the services that carry the stack's label (set by the wrapper
//   after each deploy) but are no longer configured, i.e. a service removed from the config while the swarm
//   stays. It runs after every deploy association and again whenever the list of services changes. On a
//   `destroy` of the whole region nothing needs removing: the instances, and the swarm with them, are deleted.
//
// Why the service script travels base64-encoded inside the document: SSM documents treat `{{ name }}` as their
// parameter syntax, and the service script is full of Go templates (`docker service inspect --format '{{.ID}}'`).
// The wrapper itself contains none (it spells them with a variable), so it stays readable in the plan.
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import type { ITerraformDependable } from "cdktf";
import { SsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import type { ServiceConfig } from "../config/schema";
import { NATIVE_BOOTSTRAP_DEFAULTS } from "./native/bootstrap-script";
import { nativeScriptFile, selectSections } from "./native/script-file";
import { serviceDeployScript, type ServiceDeployScriptOptions } from "./service-script";
import { escapeTemplate, serviceSummary } from "./swarm-services";
import { shellQuote } from "./shell";

/** The label the wrapper puts on every service it deploys (value: the stack name). */
export const SSM_SERVICE_LABEL = "ha-site.stack";

export interface SsmServicesProps {
  /** The regional stack's swarm name (tag `ha-site:stack` of its instances); names the documents. */
  readonly stackName: string;
  /** Exact-match tags of the managers (e.g. swarm-node-type=manager, ha-site:stack=<stack>). */
  readonly managerTags: Readonly<Record<string, string>>;
  /** The services to run. */
  readonly services: readonly ServiceConfig[];
  /** Timeouts of the generated service script. @default - the script's defaults */
  readonly scriptOptions?: ServiceDeployScriptOptions;
  /** Seconds a manager waits for its own bootstrap to finish before failing. @default 900 (the bootstrap's bound) */
  readonly readyWaitSeconds?: number;
  /** Seconds `apply` waits for each association to succeed. @default 1800 */
  readonly waitForSuccessTimeoutSeconds?: number;
  /** What the associations wait for (the managers' Auto Scaling group). */
  readonly dependsOn?: ITerraformDependable[];
}

export interface SsmLeaderScriptOptions {
  readonly stackName: string;
  readonly action: "deploy" | "prune";
  /** deploy: the service's name and its script. */
  readonly service?: string;
  readonly serviceScript?: string;
  /** prune: the configured services (kept). */
  readonly keep?: readonly string[];
  /** @default 900 */
  readonly readyWaitSeconds?: number;
  /** @default 5 */
  readonly pollSeconds?: number;
}

/** The leader-only script of one action: ssm-leader.sh with its settings filled in. */
export function ssmLeaderScript(o: SsmLeaderScriptOptions): string {
  const settings = [
    `STACK=${shellQuote(o.stackName)}`,
    `ACTION=${o.action}`,
    ...(o.action === "deploy"
      ? [
          `SERVICE=${shellQuote(o.service ?? "")}`,
          `SERVICE_SCRIPT_B64=${Buffer.from(o.serviceScript ?? "", "utf8").toString("base64")}`,
        ]
      : [`KEEP_SERVICES=${shellQuote((o.keep ?? []).join(" "))}`]),
    `READY_WAIT_SECONDS=${o.readyWaitSeconds ?? NATIVE_BOOTSTRAP_DEFAULTS.waitSeconds}`,
    `POLL_SECONDS=${o.pollSeconds ?? 5}`,
  ];
  return (
    selectSections(
      nativeScriptFile("ssm-leader.sh"),
      (section) => section === o.action,
      (section) => (section === "settings" ? settings : []),
    ).trimEnd() + "\n"
  );
}

/** An SSM Command document (schema 2.2) running `script` with aws:runShellScript. */
export function shellDocument(description: string, script: string, timeoutSeconds: number): string {
  // Ends with a newline, so that the HCL output shows it as a heredoc.
  return `${JSON.stringify(
    {
      schemaVersion: "2.2",
      description,
      mainSteps: [
        {
          action: "aws:runShellScript",
          name: "run",
          precondition: { StringEquals: ["platformType", "Linux"] },
          inputs: { timeoutSeconds: String(timeoutSeconds), runCommand: script.trimEnd().split("\n") },
        },
      ],
    },
    null,
    2,
  )}\n`;
}

/** An SSM document name: letters, digits, "_", "-", "." (3-128), unique per account and region. */
function documentName(stackName: string, suffix: string): string {
  const name = `ha-site-${stackName}-${suffix}`;
  if (name.length <= 128) return name;
  return `${name.slice(0, 119)}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
}

export class SsmServices extends Construct {
  /** Document of each service, by name. */
  public readonly documents: Record<string, SsmDocument> = {};
  /** Association of each service, by name. */
  public readonly associations: Record<string, SsmAssociation> = {};
  public readonly pruneDocument: SsmDocument;
  public readonly pruneAssociation: SsmAssociation;

  constructor(scope: Construct, id: string, props: SsmServicesProps) {
    super(scope, id);
    const wait = props.waitForSuccessTimeoutSeconds ?? 1800;
    const targets = Object.entries(props.managerTags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ key: `tag:${key}`, values: [value] }));
    const associate = (cid: string, document: SsmDocument, name: string, dependsOn: ITerraformDependable[]) =>
      new SsmAssociation(this, cid, {
        name: document.name,
        associationName: name,
        documentVersion: document.latestVersion,
        targets,
        // Every manager at once: the non-leaders return at once, so this is the leader's run time.
        maxConcurrency: "100%",
        maxErrors: "0",
        complianceSeverity: "HIGH",
        waitForSuccessTimeoutSeconds: wait,
        dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
        // A plain address: Terraform reads replace_triggered_by entries as references, not templates.
        lifecycle: { createBeforeDestroy: true, replaceTriggeredBy: [`${document.terraformResourceType}.${document.friendlyUniqueId}`] },
      });

    for (const service of props.services) {
      const script = serviceDeployScript(service, props.scriptOptions);
      const wrapper = ssmLeaderScript({
        stackName: props.stackName,
        action: "deploy",
        service: service.name,
        serviceScript: script,
        readyWaitSeconds: props.readyWaitSeconds,
      });
      const sha = createHash("sha256").update(script).digest("hex");
      // Keyed by the service name only: a spec change updates the document in place.
      const document = new SsmDocument(this, `Document-${service.name}`, {
        name: documentName(props.stackName, `service-${service.name}`),
        documentType: "Command",
        documentFormat: "JSON",
        content: escapeTemplate(
          shellDocument(`ha-site: service ${service.name} on swarm ${props.stackName} (${serviceSummary(service)}; script sha256 ${sha})`, wrapper, wait),
        ),
        tags: { "ha-site:stack": props.stackName, "ha-site:service": service.name },
      });
      this.documents[service.name] = document;
      this.associations[service.name] = associate(`Service-${service.name}`, document, `ha-site-${props.stackName}-${service.name}`, [
        ...(props.dependsOn ?? []),
      ]);
    }

    const keep = props.services.map((s) => s.name);
    this.pruneDocument = new SsmDocument(this, "PruneDocument", {
      name: documentName(props.stackName, "prune"),
      documentType: "Command",
      documentFormat: "JSON",
      content: escapeTemplate(
        shellDocument(
          `ha-site: remove the services of swarm ${props.stackName} that left the configuration (kept: ${keep.join(", ")})`,
          ssmLeaderScript({ stackName: props.stackName, action: "prune", keep, readyWaitSeconds: props.readyWaitSeconds }),
          wait,
        ),
      ),
      tags: { "ha-site:stack": props.stackName },
    });
    this.pruneAssociation = associate("Prune", this.pruneDocument, `ha-site-${props.stackName}-prune`, [
      ...(props.dependsOn ?? []),
      ...Object.values(this.associations),
    ]);
  }
}
