#!/bin/sh
# tf-validate-tool.sh SHARED_TOOL_DIR WORK_DIR: prints the folder of the tf-validate tool to use.
#
# The shared tool's stand-in providers (../shared/tools/tf-validate) copy write-only attributes (such as
# aws_ssm_parameter.value_wo, which the native engine uses so that join tokens never reach the state) into the
# planned state. Terraform (1.11+) then stops the plan: "Provider produced invalid plan ... returned a value
# for the write-only attribute ... This is a bug in the provider". The real hashicorp/aws provider returns
# null there, as the plugin protocol requires (write-only values are never in a plan or state:
# developer.hashicorp.com/terraform/language/resources/ephemeral/write-only). Until the shared tool does the
# same, this makes a copy in WORK_DIR whose PlanResourceChange nulls write-only attributes, and prints its
# folder; a tool that already handles them is used as it is. Nothing else in the tool changes.
set -eu
tool=$1
work=$2
server=$tool/lib/server.js
anchor='const planned = markComputedUnknown(s.block, proposed);'
if ! grep -qF "$anchor" "$server" || grep -q 'write_only && planned' "$server"; then
  printf '%s\n' "$tool"
  exit 0
fi
mkdir -p "$work"
cp -R "$tool/." "$work/"
fix='for (const [n, a] of Object.entries(s.block.attributes ?? {})) if (a.write_only \&\& planned \&\& typeof planned === "object") planned[n] = null;'
sed -i "s#$anchor#$anchor $fix#" "$work/lib/server.js"
grep -q 'write_only && planned' "$work/lib/server.js" || { echo "tf-validate-tool.sh: could not patch $work/lib/server.js" >&2; exit 1; }
chmod -R u+w "$work"
printf '%s\n' "$work"
