#!/usr/bin/env bash
# Regenerates the golden files of the differential corpus with the real `terraform` (1.11.4).
#
# Usage: tests/corpus/record.sh [CASE_DIR...]
#   With no arguments every case under valid/, steps/ and invalid/ is recorded.
#   CASE_DIR may be e.g. tests/corpus/valid/expressions_operators.
#
# Every case is run in a fresh temporary copy, so no .terraform directory, lock file or
# state file is ever written inside the corpus. Random values that Terraform puts into
# state (the lineage and the `id` of each terraform_data instance) are rewritten to
# deterministic UUIDs right after each apply, *before* anything else is recorded, so the
# refresh lines of later plans and the recorded state files are reproducible.
set -uo pipefail

CORPUS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TERRAFORM="${TERRAFORM:-terraform}"

EMPTY_RC=/tmp/empty.tfrc
[ -f "$EMPTY_RC" ] || : > "$EMPTY_RC"
export TF_CLI_CONFIG_FILE="$EMPTY_RC"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
# Nothing from the caller's environment may leak into a recording.
for v in $(env | sed -n 's/^\(TF_VAR_[^=]*\)=.*/\1/p'); do unset "$v"; done
unset TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_apply TF_WORKSPACE TF_DATA_DIR TF_LOG TF_INPUT || true

want_version="1.11.4"
have_version="$("$TERRAFORM" version -json | jq -r .terraform_version)"
if [ "$have_version" != "$want_version" ]; then
  echo "record.sh: terraform $want_version required, found $have_version" >&2
  exit 1
fi

failures=0
fail() { echo "FAIL $1: $2" >&2; failures=$((failures + 1)); }

# read_lines FILE -> fills the array LINES with the non-empty lines of FILE (if it exists).
read_lines() {
  LINES=()
  [ -f "$1" ] || return 0
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] && LINES+=("$line")
  done < "$1"
}

# copy_config SRC DST: the root module files of a case, without recorder metadata.
copy_config() {
  (cd "$1" && tar cf - --exclude=./golden --exclude=./args --exclude=./env --exclude=./command \
      --exclude='./*.args' --exclude=./.terraform --exclude=./.terraform.lock.hcl \
      --exclude='./terraform.tfstate*' .) | (cd "$2" && tar xf -)
}

# tf ARGS...: terraform in the current directory with the case's TF_VAR_ environment.
tf() { env "${CASE_ENV[@]}" "$TERRAFORM" "$@"; }

# normalize_state SEED: rewrite lineage and terraform_data ids of ./terraform.tfstate
# (only those that are random UUIDs) to deterministic UUIDs derived from SEED and the instance address. Ids already rewritten
# by an earlier step are kept, so an instance that was not replaced keeps its id.
normalize_state() {
  [ -f terraform.tfstate ] || return 0
  python3 - "$1" <<'PY'
import json, sys, uuid, os, re
uuid_re = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
seed = sys.argv[1]
ns = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
raw = open("terraform.tfstate", encoding="utf-8").read()
state = json.loads(raw)
known_path = ".corpus-ids"
known = set(open(known_path).read().split()) if os.path.exists(known_path) else set()
lineage = state.get("lineage", "")
repl = {}
if lineage:
    repl[lineage] = str(uuid.uuid5(ns, "lineage/" + seed.split("/")[0]))
for r in state.get("resources", []):
    if r.get("type") != "terraform_data":
        continue
    addr = (r.get("module", "") + "." if r.get("module") else "") + r["type"] + "." + r["name"]
    for inst in r.get("instances", []):
        old = inst.get("attributes", {}).get("id")
        # Only Terraform's random UUIDs; imported ids are chosen by the user and kept.
        if not old or not uuid_re.match(old) or old in known or old in repl:
            continue
        key = json.dumps(inst.get("index_key"))
        new = str(uuid.uuid5(ns, "id/" + seed + "/" + addr + "/" + key + "/" + str(inst.get("deposed", ""))))
        repl[old] = new
for old, new in repl.items():
    raw = raw.replace(old, new)
open("terraform.tfstate", "w", encoding="utf-8").write(raw)
known |= {v for k, v in repl.items() if k != lineage}
open(known_path, "w").write("\n".join(sorted(known)) + "\n")
PY
}

# sort_refresh FILE: Terraform refreshes in parallel, so the leading "Refreshing state..."
# lines come in a random order; sort that leading block (byte order) to make goldens stable.
sort_refresh() {
  python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
lines = open(p, encoding="utf-8").read().split("\n")
n = 0
while n < len(lines) and (": Refreshing state... [" in lines[n] or ": Preparing import... [" in lines[n]):
    n += 1
lines[:n] = sorted(lines[:n], key=lambda l: l.encode("utf-8"))
open(p, "w", encoding="utf-8").write("\n".join(lines))
PY
}

# Terraform reports the diagnostics of one run in a nondeterministic order (parallel graph
# walk), so the reduced list is sorted by position, then summary and detail; a cycle's
# summary lists its nodes in a random order, so those names are sorted too.
cycle_def='def cycle_sorted: if startswith("Cycle: ") then "Cycle: " + (.[7:] | split(", ") | sort | join(", ")) else . end;'
reduce_validate="$cycle_def"'[.diagnostics[] | {severity, summary, detail,
  filename: (.range.filename // null), line: (.range.start.line // null),
  column: (.range.start.column // null)}] | map(.summary |= cycle_sorted) | sort_by(.filename // "", .line // 0, .column // 0, .summary, .detail)'
reduce_stream="$cycle_def"'[.[] | select(.type == "diagnostic") | .diagnostic | {severity, summary, detail,
  filename: (.range.filename // null), line: (.range.start.line // null),
  column: (.range.start.column // null)}] | map(.summary |= cycle_sorted) | sort_by(.filename // "", .line // 0, .column // 0, .summary, .detail)'

record_valid() {
  local case="$1" name work g rc
  name="valid/$(basename "$case")"
  g="$case/golden"; rm -rf "$g"; mkdir -p "$g"
  work="$(mktemp -d)"; copy_config "$case" "$work"
  read_lines "$case/env"; CASE_ENV=("${LINES[@]}")
  read_lines "$case/args"; local args=("${LINES[@]}")
  (
    cd "$work" || exit 1
    tf init -input=false -no-color > init.log 2>&1 || { cat init.log >&2; exit 1; }
    rc=0; tf plan -no-color -input=false -lock=false "${args[@]}" > "$g/plan.txt" 2> plan.err || rc=$?
    [ "$rc" = 0 ] || { cat plan.err >&2; exit 1; }
    sort_refresh "$g/plan.txt"
    rc=0; tf plan -detailed-exitcode -no-color -input=false -lock=false "${args[@]}" > /dev/null 2>&1 || rc=$?
    echo "$rc" > "$g/plan.exitcode"
    tf apply -auto-approve -no-color -input=false -lock=false "${args[@]}" > apply.log 2>&1 || { cat apply.log >&2; exit 1; }
    normalize_state "$name"
    tf output -json > "$g/outputs.json" || exit 1
    tf plan -no-color -input=false -lock=false "${args[@]}" > "$g/replan.txt" 2>&1 || exit 1
    sort_refresh "$g/replan.txt"
    rc=0; tf plan -detailed-exitcode -no-color -input=false -lock=false "${args[@]}" > /dev/null 2>&1 || rc=$?
    echo "$rc" > "$g/replan.exitcode"
    cp terraform.tfstate "$g/terraform.tfstate"
  ) || fail "$name" "terraform failed (see above)"
  rm -rf "$work"
}

record_steps() {
  local case="$1" name work g rc step
  name="steps/$(basename "$case")"
  g="$case/golden"; rm -rf "$g"; mkdir -p "$g"
  work="$(mktemp -d)"
  read_lines "$case/env"; CASE_ENV=("${LINES[@]}")
  for step in v1 v2 v3 v4; do
    [ -d "$case/$step" ] || break
    read_lines "$case/$step.args"; local args=("${LINES[@]}")
    (
      cd "$work" || exit 1
      find . -mindepth 1 -maxdepth 1 ! -name 'terraform.tfstate' ! -name '.corpus-ids' -exec rm -rf {} +
      copy_config "$case/$step" "$work"
      tf init -input=false -no-color > init.log 2>&1 || { cat init.log >&2; exit 1; }
      if [ "$step" != v1 ]; then
        rc=0; tf plan -no-color -input=false -lock=false "${args[@]}" > "$g/$step.plan.txt" 2> "$g/$step.plan.stderr.txt" || rc=$?
        [ -s "$g/$step.plan.stderr.txt" ] || rm -f "$g/$step.plan.stderr.txt"
        sort_refresh "$g/$step.plan.txt"
        rc=0; tf plan -detailed-exitcode -no-color -input=false -lock=false "${args[@]}" > /dev/null 2>&1 || rc=$?
        echo "$rc" > "$g/$step.plan.exitcode"
        if [ "$rc" = 1 ]; then
          # The plan is expected to fail (e.g. prevent_destroy): keep its diagnostics, stop here.
          tf plan -json -input=false -lock=false "${args[@]}" 2>/dev/null | jq -s "$reduce_stream" > "$g/$step.diagnostics.json"
          cp terraform.tfstate "$g/$step.tfstate.unchanged" 2>/dev/null
          exit 3
        fi
      fi
      tf apply -auto-approve -no-color -input=false -lock=false "${args[@]}" > apply.log 2>&1 || { cat apply.log >&2; exit 1; }
      normalize_state "$name/$step"
      tf output -json > "$g/$step.outputs.json" || exit 1
      cp terraform.tfstate "$g/$step.tfstate"
    )
    rc=$?
    [ "$rc" = 3 ] && break
    [ "$rc" = 0 ] || { fail "$name" "step $step failed (see above)"; break; }
  done
  rm -rf "$work"
}

record_invalid() {
  local case="$1" name work g rc cmd
  name="invalid/$(basename "$case")"
  g="$case/golden"; rm -rf "$g"; mkdir -p "$g"
  work="$(mktemp -d)"; copy_config "$case" "$work"
  read_lines "$case/env"; CASE_ENV=("${LINES[@]}")
  read_lines "$case/args"; local args=("${LINES[@]}")
  cmd=""; [ -f "$case/command" ] && cmd="$(tr -d '[:space:]' < "$case/command")"
  (
    cd "$work" || exit 1
    rc=0; tf init -input=false -json > init.json 2>/dev/null || rc=$?
    if [ "$cmd" = init ]; then
      echo "$rc" > "$g/exitcode"
      jq -s "$reduce_stream" init.json > "$g/diagnostics.json"
    else
      rc=0; tf validate -json > validate.json 2>/dev/null || rc=$?
      if [ "$rc" != 0 ] || [ "$cmd" = validate ]; then
        cmd=validate
        echo "$rc" > "$g/exitcode"
        jq "$reduce_validate" validate.json > "$g/diagnostics.json"
      else
        cmd=plan
        rc=0; tf plan -json -input=false -lock=false "${args[@]}" > plan.json 2>/dev/null || rc=$?
        echo "$rc" > "$g/exitcode"
        jq -s "$reduce_stream" plan.json > "$g/diagnostics.json"
      fi
    fi
    echo "$cmd" > "$g/command"
    [ "$(cat "$g/exitcode")" != 0 ] || { echo "expected an error, got exit 0" >&2; exit 1; }
    [ ! -e terraform.tfstate ] || { echo "state was written" >&2; exit 1; }
  ) || fail "$name" "not recorded as an error"
  rm -rf "$work"
}

cases=("$@")
if [ ${#cases[@]} = 0 ]; then
  cases=("$CORPUS"/valid/*/ "$CORPUS"/steps/*/ "$CORPUS"/invalid/*/)
fi
for c in "${cases[@]}"; do
  [ -d "$c" ] || continue
  c="$(cd "$c" && pwd)"
  case "$(basename "$(dirname "$c")")" in
    valid) record_valid "$c" ;;
    steps) record_steps "$c" ;;
    invalid) record_invalid "$c" ;;
    *) fail "$c" "not under valid/, steps/ or invalid/" ;;
  esac
  echo "recorded ${c#"$CORPUS"/}"
done
[ "$failures" = 0 ] || { echo "$failures case(s) failed" >&2; exit 1; }
