#!/bin/sh
# Differential check against the real `terraform fmt`: formats every .tf/.tfvars file under DIR
# with both and reports each file where the bytes differ or only one of them reports a syntax
# error. Nothing under DIR is modified.
#
# Usage: fmt/tests/compare.sh DIR
# Needs: terraform on PATH; builds the `fmt_file` example of this crate.
set -eu
dir=$1
here=$(cd "$(dirname "$0")/.." && pwd)
cargo build -q -p infra-fmt --example fmt_file
bin="${CARGO_TARGET_DIR:-$here/../target}/debug/examples/fmt_file"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
: > "$scratch/terraformrc"
export TF_CLI_CONFIG_FILE="$scratch/terraformrc"

find "$dir" -type f \( -name '*.tf' -o -name '*.tfvars' \) | while read -r file; do
    ext=${file##*.}
    cp "$file" "$scratch/case.$ext"
    if (cd "$scratch" && terraform fmt -no-color "case.$ext" > /dev/null 2>&1); then tf_ok=1; else tf_ok=0; fi
    if "$bin" "$file" > "$scratch/mine" 2> /dev/null; then my_ok=1; else my_ok=0; fi
    if [ "$tf_ok" != "$my_ok" ]; then
        echo "ERROR-MISMATCH $file (terraform ok=$tf_ok, infra-fmt ok=$my_ok)"
    elif [ "$tf_ok" = 1 ] && ! cmp -s "$scratch/mine" "$scratch/case.$ext"; then
        echo "DIFF $file"
    fi
done

