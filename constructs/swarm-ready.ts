// What provisioning waits for, derived from an attribute of the swarm instead of `depends_on` on the swarm itself.
//
// `data "aws_instances"` with `depends_on = [<the swarm>]` is read only at apply time whenever the swarm has
// *any* pending change (Terraform defers a data source whose dependencies have planned changes), so an unrelated
// change (a tag, a launch template) made every manager host unknown and planned every service for re-provisioning.
// This `terraform_data` holds only the swarm's id (`input`): it changes, and so defers the lookup, only when the
// swarm is created or replaced (the id is unknown until then); an in-place update of the swarm leaves it alone.
import type { Construct } from "constructs";
import { DataResource } from "cdktf";

/** A `terraform_data` named `id` under `scope` whose input is `swarmId` (an attribute known once the swarm exists). */
export function swarmReady(scope: Construct, id: string, swarmId: string): DataResource {
  return new DataResource(scope, id, { input: { swarm_id: swarmId } });
}
