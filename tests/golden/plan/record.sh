#!/bin/sh
# Re-records the Terraform side of the plan golden tests (tests/plan_files.rs) with terraform
# 1.11.4, offline (terraform_data needs no provider download). For each case directory
# (step1/ applied, then step2/ planned against its state) it writes into <case>/terraform/:
#   plan.json      `terraform show -json PLANFILE`
#   plan.txt       `terraform show -no-color PLANFILE`
#   plan-ui.jsonl  `terraform plan -json` (the machine-readable UI stream)
# infra's own reviewed renderings (markdown, and JSON where it deviates) are written by the
# test itself when INFRA_GOLDEN_UPDATE=1 is set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rc=$(mktemp)
export TF_CLI_CONFIG_FILE="$rc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
for case in "$here"/*/; do
  [ -d "$case/step1" ] || continue
  work=$(mktemp -d)
  cp -r "$case/step1/." "$work/"
  (cd "$work" && terraform init -input=false >/dev/null && terraform apply -auto-approve -input=false >/dev/null)
  find "$work" -name '*.tf' -delete
  cp -r "$case/step2/." "$work/"
  mkdir -p "$case/terraform"
  (cd "$work" && terraform init -input=false >/dev/null \
    && terraform plan -input=false -out=plan.bin >/dev/null \
    && terraform show -json plan.bin | python3 -m json.tool --indent 2 >"$case/terraform/plan.json" \
    && terraform show -no-color plan.bin >"$case/terraform/plan.txt" \
    && terraform plan -input=false -json >"$case/terraform/plan-ui.jsonl" || true)
  rm -rf "$work"
done
rm -f "$rc"
