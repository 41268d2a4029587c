#!/bin/sh
# Records the expected output of every case in cases/ with the real `terraform fmt` (1.11.4).
#
# Each cases/<name>.in.tf is copied into a scratch directory and formatted in place with
# `terraform fmt FILE`, and the result saved as cases/<name>.out.tf: that is the file-mode output,
# which is what `format_source` promises. `terraform fmt -` (stdin) prints the same bytes plus a
# final newline when the file lacks one; this script checks that too, so the two modes cannot
# drift apart unnoticed.
#
# Usage: fmt/tests/record.sh [name...]   (default: every case)
set -eu
cd "$(dirname "$0")/cases"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
: > "$scratch/terraformrc"
export TF_CLI_CONFIG_FILE="$scratch/terraformrc"

if [ "$#" -eq 0 ]; then
    set -- $(ls *.in.tf | sed 's/\.in\.tf$//')
fi
for name in "$@"; do
    cp "$name.in.tf" "$scratch/main.tf"
    (cd "$scratch" && terraform fmt main.tf > /dev/null)
    cp "$scratch/main.tf" "$name.out.tf"
    terraform fmt - < "$name.in.tf" > "$scratch/stdout"
    printf '\n' > "$scratch/nl"
    if ! cmp -s "$scratch/stdout" "$name.out.tf"; then
        cat "$name.out.tf" "$scratch/nl" | cmp -s - "$scratch/stdout" \
            || { echo "$name: stdin and file output differ" >&2; exit 1; }
    fi
    echo "recorded $name"
done
