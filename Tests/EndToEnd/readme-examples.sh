#!/usr/bin/env bash
# Runs the README's example block exactly as written, in a scratch folder, with the built tools first
# on PATH and the files it names prepared: a README example that stops working fails CI.
#
# Usage: Tests/EndToEnd/readme-examples.sh [BIN_DIR]   (default .build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$root/.build/release}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
ln -s "$root/Fixtures" Fixtures
cp "$root/Fixtures/datasets/digits.csv" train.csv
cp "$root/Fixtures/datasets/digits.csv" other.csv
cp "$root/Fixtures/datasets/digits-images.idx" images.idx
cp "$root/Fixtures/datasets/digits-labels.idx" labels.idx
python3 - <<'PY'
import random
random.seed(0)
with open("houses.csv", "w") as f:
    f.write("rooms,area,age,price\n")
    for _ in range(400):
        rooms, area, age = random.randint(1, 6), random.uniform(30, 200), random.uniform(0, 80)
        f.write(f"{rooms},{area:.1f},{age:.1f},{0.5 * rooms + 0.02 * area - 0.01 * age + random.gauss(0, 0.1):.4f}\n")
PY
# The block after the marker line, without its fences.
awk '/readme-examples.sh runs this block/ {found = 1; next}
     found && /^```sh/ {inside = 1; next}
     inside && /^```/ {exit}
     inside {print}' "$root/README.md" > examples.sh
lines=$(grep -c . examples.sh)
[ "$lines" -gt 10 ] || { echo "readme-examples: the example block was not found"; exit 1; }
PATH="$bin:$PATH" bash -euo pipefail -x examples.sh > examples.log 2>&1 || { tail -n 30 examples.log; echo "readme-examples: FAILED"; exit 1; }
for file in runs/mine/latest.cairn dense1.npy graph.svg model.safetensors imported.cairn; do
    [ -s "$file" ] || { echo "readme-examples: $file was not written"; exit 1; }
done
echo "readme-examples: $(grep -c '^+ cairn-' examples.log) commands ran"
