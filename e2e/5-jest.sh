#!/usr/bin/env bash
# Part 5: the jest suites that run real processes by the dozen (__tests__/**/*.e2e.test.ts, jest.e2e.config.js):
# synth.mjs killed or failing at every file-system step and under every kind of bad input, the generated
# scripts under sh and busybox sh against stub docker/aws commands and shellcheck, the synthesized Terraform
# through the real terraform (plan, fmt) and hcl2json, check:diff's git worktrees. No daemons and no root.
# jest prints its own report (failures in full). A suite whose tool is missing here (shellcheck, busybox,
# terraform, python3) skips those tests and lists them; HA_SITE_NO_SKIPS=1 (.ci/run) makes that a failure.
# shellcheck source=e2e/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
e2e_init 5-jest
need node "Node.js 20.9 or newer"

start=$(now)
status=0
(cd "$REPO" && node node_modules/jest/bin/jest.js -c jest.e2e.config.js) || status=$?
if [ "$status" -eq 0 ]; then
  printf 'PASS  %s.1 the *.e2e.test.ts suites  (%s s)\n' "$E2E_PART" "$(elapsed "$start")"
else
  printf 'FAIL  %s.1 the *.e2e.test.ts suites  (%s s, exit status %d; the report above)\n' "$E2E_PART" "$(elapsed "$start")" "$status"
  exit 1
fi
