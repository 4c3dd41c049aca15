#!/usr/bin/env bash
# Runs the README's example block exactly as printed (no command is rewritten and no input file is
# prepared), with the built tools first on PATH, in a scratch folder that sees the repository's files
# as the repository root does (Fixtures/ and Formats/ linked in), so the examples write their runs
# there and not into the checkout. A README example that stops working fails CI.
#
# Usage: Tests/EndToEnd/readme-examples.sh [BIN_DIR]   (default .build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$root/.build/release}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
ln -s "$root/Fixtures" Fixtures
ln -s "$root/Formats" Formats
# The block after the marker line, without its fences.
awk '/readme-examples.sh runs this block/ {found = 1; next}
     found && /^```sh/ {inside = 1; next}
     inside && /^```/ {exit}
     inside {print}' "$root/README.md" > examples.sh
lines=$(grep -c . examples.sh)
[ "$lines" -gt 10 ] || { echo "readme-examples: the example block was not found"; exit 1; }
PATH="$bin:$PATH" bash -euo pipefail -x examples.sh > examples.log 2>&1 || { tail -n 30 examples.log; echo "readme-examples: FAILED"; exit 1; }
for file in runs/mine/latest.cairn runs/diabetes/latest.cairn runs/transfer/latest.cairn runs/from-imported/latest.cairn \
            dense1.npy graph.svg model.safetensors imported.cairn; do
    [ -s "$file" ] || { echo "readme-examples: $file was not written"; exit 1; }
done
# The regression example reports R^2 on its validation split.
grep -q "validation R^2 " examples.log || { echo "readme-examples: the regression example printed no R^2"; exit 1; }
echo "readme-examples: $(grep -c '^+ cairn-' examples.log) commands ran"
