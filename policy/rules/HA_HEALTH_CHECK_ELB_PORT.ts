import { hit, num, resources } from "../tf";
import type { Rule } from "../types";

/** The Docker for AWS ELB's own health check: HTTP:44554/, a host diagnostic server (17.05 template). */
export const DOCKER_FOR_AWS_DIAGNOSTIC_PORT = 44554;

export const rule: Rule = {
  id: "HA_HEALTH_CHECK_ELB_PORT",
  description: "Route 53 health checks probe the app's port, not the Docker for AWS ELB's diagnostic port 44554",
  severity: "error",
  rationale:
    "Port 44554 answers as long as the instances live, whatever the app does: a health check there never fails over a dead app. Check the site's published port (`healthCheck.port`, default the first service's first published port).",
  check: (app) =>
    resources(app, ["aws_route53_health_check"])
      .filter((r) => num(r.body.port) === DOCKER_FOR_AWS_DIAGNOSTIC_PORT)
      .map((r) => hit(r, `the health check probes port ${DOCKER_FOR_AWS_DIAGNOSTIC_PORT} (the Docker for AWS ELB's host diagnostic), not the app`)),
};
