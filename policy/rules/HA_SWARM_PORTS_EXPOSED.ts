import { SWARM_PORTS } from "../../constructs/native/swarm-ports";
import { ingressRules, isWorld, reaches, whereText } from "../ingress";
import { hit, num, resources } from "../tf";
import type { Rule } from "../types";

export const rule: Rule = {
  id: "HA_SWARM_PORTS_EXPOSED",
  description: "Swarm ports (2377/tcp, 7946/tcp+udp, 4789/udp) are reachable only from the swarm's own security groups",
  severity: "error",
  rationale:
    "2377 hands out cluster control (a joined node can run any container), 7946 is gossip and 4789 carries unencrypted overlay traffic. Allow them from the nodes' security group only (`referenced_security_group_id`, `self`), never from a CIDR or prefix list, and never put them behind a load balancer listener.",
  check: (app) => {
    const fromIngress = ingressRules(app).flatMap((i) =>
      SWARM_PORTS.filter((p) => reaches(i, p.port, p.protocol)).flatMap((p) =>
        [...i.cidrs, ...i.prefixLists].map((source) =>
          hit(i.resource, `${whereText(i)}swarm port ${p.port}/${p.protocol} (${p.purpose}) is open to ${source}${isWorld(source) ? " (the internet)" : ", outside the swarm"}`),
        ),
      ),
    );
    const fromListeners = resources(app, ["aws_lb_listener", "aws_alb_listener"]).flatMap((r) => {
      const port = num(r.body.port);
      const p = SWARM_PORTS.find((s) => s.port === port);
      return p ? [hit(r, `a load balancer listens on swarm port ${p.port} (${p.purpose})`)] : [];
    });
    return [...fromIngress, ...fromListeners];
  },
};
