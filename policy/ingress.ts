// Security group ingress, whichever way it is written: inline `ingress` blocks of aws_security_group,
// aws_security_group_rule (type "ingress") and aws_vpc_security_group_ingress_rule (the provider's
// recommended form since 5.x). One shape for rules that ask "who may reach port P?".
import { blocks, list, num, resources, type Resource } from "./tf";
import type { Json, SynthApp } from "./types";

export interface Ingress {
  readonly resource: Resource;
  /** Where in the resource ("ingress[1]"), for messages; "" for a rule resource. */
  readonly where: string;
  /** "tcp", "udp", "-1" (all), "icmp", a number as text, or an expression. */
  readonly protocol: string;
  /** Port range; undefined bounds mean "not known until plan". All ports when protocol is "-1". */
  readonly from?: number;
  readonly to?: number;
  /** Literal or expression CIDRs (IPv4 and IPv6) and prefix lists the traffic may come from. */
  readonly cidrs: readonly string[];
  readonly prefixLists: readonly string[];
  /** Sources that are security groups (or the group itself): traffic from inside. */
  readonly groups: readonly string[];
}

const WORLD = new Set(["0.0.0.0/0", "::/0"]);

export function isWorld(cidr: string): boolean {
  return WORLD.has(cidr.trim());
}

function strings(value: Json): string[] {
  return list(value).filter((v): v is string => typeof v === "string");
}

function protocolOf(value: Json): string {
  const text = String(value ?? "").trim().toLowerCase();
  if (text === "all" || text === "-1") return "-1";
  if (text === "6") return "tcp";
  if (text === "17") return "udp";
  return text;
}

/** Every ingress permission of the app. */
export function ingressRules(app: SynthApp): Ingress[] {
  const out: Ingress[] = [];
  for (const r of resources(app, ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"])) {
    const b = r.body;
    if (r.type === "aws_security_group") {
      blocks(b.ingress).forEach((i, n) =>
        out.push({
          resource: r,
          where: `ingress[${n}]`,
          protocol: protocolOf(i.protocol),
          from: num(i.from_port),
          to: num(i.to_port),
          cidrs: [...strings(i.cidr_blocks), ...strings(i.ipv6_cidr_blocks)],
          prefixLists: strings(i.prefix_list_ids),
          groups: [...strings(i.security_groups), ...(i.self === true || i.self === "true" ? ["self"] : [])],
        }),
      );
    } else if (r.type === "aws_security_group_rule") {
      if (String(b.type) !== "ingress") continue;
      out.push({
        resource: r,
        where: "",
        protocol: protocolOf(b.protocol),
        from: num(b.from_port),
        to: num(b.to_port),
        cidrs: [...strings(b.cidr_blocks), ...strings(b.ipv6_cidr_blocks)],
        prefixLists: strings(b.prefix_list_ids),
        groups: [...strings(b.source_security_group_id), ...(b.self === true || b.self === "true" ? ["self"] : [])],
      });
    } else {
      out.push({
        resource: r,
        where: "",
        protocol: protocolOf(b.ip_protocol),
        from: num(b.from_port),
        to: num(b.to_port),
        cidrs: [...strings(b.cidr_ipv4), ...strings(b.cidr_ipv6)],
        prefixLists: strings(b.prefix_list_id),
        groups: strings(b.referenced_security_group_id),
      });
    }
  }
  return out;
}

/** Whether the permission lets `protocol` traffic reach `port` (unknown bounds: no). */
export function reaches(rule: Ingress, port: number, protocol: "tcp" | "udp"): boolean {
  if (rule.protocol === "-1") return true;
  if (rule.protocol !== protocol) return false;
  return rule.from !== undefined && rule.to !== undefined && rule.from <= port && port <= rule.to;
}

/** "ingress[1] of " or "" for messages. */
export function whereText(rule: Ingress): string {
  return rule.where ? `${rule.where}: ` : "";
}
