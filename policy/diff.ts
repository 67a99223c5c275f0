// Rename safety: compares the synthesized app at a base ref with the working tree's and finds every resource
// whose address disappears while a resource of the same type appears (a construct id or stack rename).
// Terraform plans such a change as destroy + create; for stateful types that replaces a live zone, record,
// health check, swarm... unless a `moved` block (same state) or an `import` block covers it.
import { blocks, resources, type Resource } from "./tf";
import type { SynthApp } from "./types";
import { editDistance } from "../config/edit-distance";

/** Types whose re-creation loses something live: DNS answers, health history, instances, IPs, parameters. */
export const STATEFUL_TYPES: readonly string[] = [
  "aws_route53_zone",
  "aws_route53_record",
  "aws_route53_health_check",
  "aws_key_pair",
  "aws_cloudformation_stack",
  "aws_autoscaling_group",
  "aws_lb",
  "aws_alb",
  "aws_elb",
  "aws_ssm_parameter",
  "aws_globalaccelerator_accelerator",
  "aws_eip",
  "aws_acm_certificate",
  "aws_kms_key",
];

export type MoveStatus = "moved" | "imported" | "unresolved";

export interface Move {
  readonly type: string;
  readonly stateful: boolean;
  readonly from: { readonly stack: string; readonly address: string; readonly path?: string };
  /** The likeliest new address of the same type (same stack first). */
  readonly to: { readonly stack: string; readonly address: string; readonly path?: string };
  readonly crossStack: boolean;
  readonly status: MoveStatus;
  /** What would cover an unresolved move (HCL and the cdktf call), or how it is covered. */
  readonly advice: string;
}

export interface StackRename {
  readonly from: string;
  readonly to: string;
}

export interface DiffReport {
  readonly moves: readonly Move[];
  /** Stacks gone from the base with a new stack in the working tree: maybe a renamed stack. */
  readonly stackRenames: readonly StackRename[];
  /** Unresolved moves of stateful types: the change would destroy and re-create them. */
  readonly failures: number;
}

const key = (stack: string, address: string) => `${stack}\u0000${address}`;


function label(r: Resource): string {
  return (r.path ?? r.address).replace(/^[^/]*\//, "");
}

interface MovedBlock {
  readonly stack: string;
  readonly from: string;
  readonly to: string;
}

function movedBlocks(app: SynthApp): MovedBlock[] {
  return app.stacks.flatMap((s) => blocks(s.json?.moved).map((m) => ({ stack: s.name, from: String(m.from ?? ""), to: String(m.to ?? "") })));
}

function importTargets(app: SynthApp): Set<string> {
  return new Set(app.stacks.flatMap((s) => blocks(s.json?.import).map((i) => key(s.name, String(i.to ?? "")))));
}

function adviceFor(from: Resource, to: Resource, crossStack: boolean): string {
  if (!crossStack) {
    return [
      `moved {\n  from = ${from.address}\n  to   = ${to.address}\n}`,
      `# cdktf: call .moveFromId("${from.address}") on the new construct ${to.path ?? to.address}`,
    ].join("\n");
  }
  return [
    `# cross-stack move (${from.stack.name} -> ${to.stack.name}): a moved block works only inside one state. Either move the state:`,
    `#   terraform state mv -state=<${from.stack.name} state> -state-out=<${to.stack.name} state> ${from.address} ${to.address}`,
    `# or forget it in ${from.stack.name} (terraform state rm ${from.address}) and import it in ${to.stack.name}:`,
    `import {\n  to = ${to.address}\n  id = "<the ${from.type} id from the ${from.stack.name} state>"\n}`,
    `# cdktf: call .importFrom("<id>") on the new construct ${to.path ?? to.address}`,
  ].join("\n");
}

export function diffApps(base: SynthApp, head: SynthApp): DiffReport {
  const before = resources(base);
  const after = resources(head);
  const afterKeys = new Set(after.map((r) => key(r.stack.name, r.address)));
  const beforeKeys = new Set(before.map((r) => key(r.stack.name, r.address)));
  const gone = before.filter((r) => !afterKeys.has(key(r.stack.name, r.address)));
  const added = after.filter((r) => !beforeKeys.has(key(r.stack.name, r.address)));
  const moved = movedBlocks(head);
  const imported = importTargets(head);
  const taken = new Set<string>();

  const moves: Move[] = [];
  for (const r of gone) {
    const sameType = added.filter((a) => a.type === r.type);
    if (sameType.length === 0) continue; // a plain removal: the plan shows it
    // A moved block may name one instance ("aws_x.y[0]"); it still covers the resource.
    const block = moved.find((m) => m.stack === r.stack.name && m.from.replace(/\[[^\]]*\]$/, "") === r.address);
    const pool = sameType.filter((a) => !taken.has(key(a.stack.name, a.address)));
    const candidates = (pool.length > 0 ? pool : sameType).slice().sort((a, b) => {
      const stackOrder = Number(a.stack.name !== r.stack.name) - Number(b.stack.name !== r.stack.name);
      return stackOrder || editDistance(label(r), label(a)) - editDistance(label(r), label(b)) || a.address.localeCompare(b.address);
    });
    const target = (block && sameType.find((a) => a.stack.name === r.stack.name && a.address === block.to.replace(/\[[^\]]*\]$/, ""))) ?? candidates[0];
    taken.add(key(target.stack.name, target.address));
    const crossStack = target.stack.name !== r.stack.name;
    let status: MoveStatus = "unresolved";
    let advice = adviceFor(r, target, crossStack);
    if (block) {
      status = "moved";
      advice = `moved { from = ${block.from}, to = ${block.to} } in stack ${block.stack}`;
    } else if (imported.has(key(target.stack.name, target.address))) {
      status = "imported";
      advice = `import { to = ${target.address} } in stack ${target.stack.name} (remove ${r.address} from the ${r.stack.name} state: terraform state rm)`;
    }
    moves.push({
      type: r.type,
      stateful: STATEFUL_TYPES.includes(r.type),
      from: { stack: r.stack.name, address: r.address, path: r.path },
      to: { stack: target.stack.name, address: target.address, path: target.path },
      crossStack,
      status,
      advice,
    });
  }

  const baseStacks = base.stacks.map((s) => s.name);
  const headStacks = head.stacks.map((s) => s.name);
  const goneStacks = baseStacks.filter((s) => !headStacks.includes(s));
  const newStacks = headStacks.filter((s) => !baseStacks.includes(s));
  const stackRenames = goneStacks.flatMap((from) => {
    const to = newStacks.find((n) => moves.some((m) => m.from.stack === from && m.to.stack === n));
    return to ? [{ from, to }] : [];
  });
  return { moves, stackRenames, failures: moves.filter((m) => m.stateful && m.status === "unresolved").length };
}
