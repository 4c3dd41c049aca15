#!/usr/bin/env bash
# cairn-audit end to end: the issue's four cases, the repair proof, and numpy's np.unique as the reference for
# the groups of a planted file.
#
# Usage: Tests/EndToEnd/audit.sh [BIN_DIR]   (default .build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$root/.build/release}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
failed=0
fail() { echo "audit.sh: FAILED: $*"; failed=1; }

# audit FILE EXPECTED_STATUS [FLAGS...]: runs cairn-audit --json into $work/last.json, checks the exit status.
audit() {
    local file=$1 expected=$2; shift 2
    local status=0
    "$bin/cairn-audit" "$file" --json "$@" > "$work/last.json" || status=$?
    [ "$status" -eq "$expected" ] || { fail "cairn-audit $file $*: exit $status, expected $expected"; return 1; }
}
# field PYTHON_EXPRESSION: evaluates an expression over the last report (`r`) and prints it.
field() { python3 -c "import json,sys; r=json.load(open('$work/last.json')); print($1)"; }

# 1. --init constant:0.5: exit 1 and one distinct unit in every hidden layer, before and after training.
"$bin/cairn-train" --init constant:0.5 --hidden 32,16 --lr 0.01 --epochs 3 --out "$work/constant" --quiet 2>/dev/null >/dev/null
audit "$work/constant/init.cairn" 1
[ "$(field "[l['distinct_units'] for l in r['layers'][:-1]]")" = "[1, 1]" ] || fail "constant init: hidden layers not one unit each"
[ "$(field "[g['kind'] for l in r['layers'][:-1] for g in l['groups']]")" = "['locked', 'locked']" ] || fail "constant init: not locked"
# After training, blocked matrix products may round row blocks differently (differences of a few ulps, which
# the audit notes); a tolerance far below any real difference joins them.
audit "$work/constant/latest.cairn" 1 --tolerance 1e-5
[ "$(field "[l['distinct_units'] for l in r['layers'][:-1]]")" = "[1, 1]" ] || fail "constant, trained: hidden layers not one unit each"
echo "audit.sh: constant:0.5 audits with exit 1, one distinct unit per hidden layer, before and after training"

# 2. --init he audits clean.
"$bin/cairn-train" --init he --hidden 32,16 --epochs 1 --out "$work/he" --quiet >/dev/null
audit "$work/he/init.cairn" 0
[ "$(field "r['symmetric_units']")" = "0" ] || fail "he: symmetric units found"
echo "audit.sh: --init he audits clean"

# 3. Two planted identical units: exactly that pair. 4. numpy's np.unique finds the same groups on a file with
# many planted copies (and -0.0 against +0.0).
python3 - "$work" <<'PY'
import sys
import numpy as np
from safetensors.numpy import save_file
work = sys.argv[1]
rng = np.random.default_rng(0)
def he(o, i): return (rng.standard_normal((o, i)) * np.sqrt(2 / i)).astype(np.float32)
t = {"fc1.weight": he(32, 16), "fc1.bias": np.zeros(32, np.float32), "fc2.weight": he(24, 32),
     "fc2.bias": np.zeros(24, np.float32), "fc3.weight": he(10, 24), "fc3.bias": np.zeros(10, np.float32)}
t["fc2.weight"][17] = t["fc2.weight"][5]
save_file(t, f"{work}/pair.safetensors")
w = rng.standard_normal((5000, 40)).astype(np.float32)
b = rng.standard_normal(5000).astype(np.float32)
for _ in range(600):
    s, d = rng.integers(0, 5000, 2)
    w[d], b[d] = w[s], b[s]
w[7] = 0.0; w[8] = -0.0; b[7] = b[8] = 0.0
w[9] = w[10]; b[9] = b[10]; b[10] = np.float32(-0.0) if b[9] == 0 else b[10]
save_file({"big.weight": w, "big.bias": b}, f"{work}/planted.safetensors")
_, inverse = np.unique(np.concatenate([w, b[:, None]], axis=1), axis=0, return_inverse=True)
groups = {}
for row, label in enumerate(np.asarray(inverse).ravel()):
    groups.setdefault(int(label), []).append(row)
reference = sorted(g for g in groups.values() if len(g) > 1)
import json
json.dump(reference, open(f"{work}/numpy-groups.json", "w"))
PY
audit "$work/pair.safetensors" 1
[ "$(field "[(l['name'], [g['units'] for g in l['groups']]) for l in r['layers'] if l['groups']]")" = "[('fc2', [[5, 17]])]" ] \
    || fail "planted pair: $(field "[(l['name'], l['groups']) for l in r['layers'] if l['groups']]")"
[ "$(field "r['symmetric_units']")" = "2" ] || fail "planted pair: symmetric_units is not 2"
echo "audit.sh: the planted pair is found, and nothing else"
audit "$work/planted.safetensors" 1 --no-signal
python3 - "$work" <<'PY' || fail "groups differ from np.unique's"
import json, sys
work = sys.argv[1]
report = json.load(open(f"{work}/last.json"))
ours = sorted(g["units"] for l in report["layers"] for g in l["groups"])
numpy_groups = json.load(open(f"{work}/numpy-groups.json"))
print(f"audit.sh: {len(ours)} groups over {sum(map(len, ours))} units; np.unique: {len(numpy_groups)} groups;",
      "identical" if ours == numpy_groups else "DIFFERENT")
sys.exit(0 if ours == numpy_groups else 1)
PY

# 4. --init normal:0.001 on a deep net: the activation std falls layer by layer.
"$bin/cairn-train" --init normal:0.001 --hidden 64,64,64,64,64 --epochs 1 --out "$work/tiny" --quiet 2>/dev/null >/dev/null
audit "$work/tiny/init.cairn" 1
python3 - "$work/last.json" <<'PY' || fail "normal:0.001: activation std does not fall layer by layer"
import json, sys
r = json.load(open(sys.argv[1]))
stds = [l["activation_std"] for l in r["layers"][:-1]]
print("audit.sh: normal:0.001, activation std by hidden layer:", " -> ".join(f"{s:.3g}" for s in stds))
sys.exit(0 if all(b < a for a, b in zip(stds, stds[1:])) else 1)
PY

# 5. Repair: the repaired file audits clean, verifies, resumes, and the units train apart.
audit "$work/constant/latest.cairn" 1 --tolerance 1e-5 --repair "$work/repaired.cairn" --seed 1
audit "$work/repaired.cairn" 0
"$bin/cairn-inspect" "$work/repaired.cairn" --verify >/dev/null || fail "repaired file does not verify"
# cairn-eval's outputs of the original and the repaired file agree to float rounding.
"$bin/cairn-eval" "$work/constant/latest.cairn" --data Fixtures/datasets/digits.csv --predictions "$work/original.csv" >/dev/null \
    || fail "cairn-eval of the original"
"$bin/cairn-eval" "$work/repaired.cairn" --data Fixtures/datasets/digits.csv --predictions "$work/repaired.csv" >/dev/null \
    || fail "cairn-eval of the repaired file"
python3 - "$work/original.csv" "$work/repaired.csv" <<'PY' || fail "the repaired file's predictions differ from the original's"
import sys
import numpy as np
a = np.genfromtxt(sys.argv[1], delimiter=",", names=True)
b = np.genfromtxt(sys.argv[2], delimiter=",", names=True)
columns = [n for n in a.dtype.names if n.startswith("p_")]
largest = max(float(np.max(np.abs(a[c] - b[c]))) for c in columns)
same = bool(np.array_equal(a["predicted"], b["predicted"]))
print(f"audit.sh: cairn-eval, original vs repaired: {len(a)} samples, largest probability difference {largest:.2e}, "
      f"same predictions: {same}")
sys.exit(0 if largest < 1e-5 and same else 1)
PY
"$bin/cairn-resume" "$work/repaired.cairn" --epochs 8 --out "$work/resumed" --quiet >/dev/null || fail "resume from the repaired file"
audit "$work/resumed/latest.cairn" 0
[ "$(field "r['symmetric_units']")" = "0" ] || fail "resumed: symmetric units found"
echo "audit.sh: repaired file audits clean, verifies, and a resume from it trains the units apart"

# 6. Convolutions: filters are units. A conv net trained from constant:0.1 has one locked group of filters in
# each convolution; planted filters in a graph-less safetensors file (rank-4 weights) give np.unique's groups of
# the weight flattened after the first axis, with the bias.
cat > "$work/conv.json" <<'JSON'
{"nodes": [
  {"name": "input", "kind": "input", "shape": [1, 8, 8]},
  {"name": "conv1", "kind": "conv2d", "inputs": ["input"], "channels": 4, "kernel": 3},
  {"name": "act1", "kind": "relu", "inputs": ["conv1"]},
  {"name": "pool1", "kind": "max-pool", "inputs": ["act1"], "kernel": 2},
  {"name": "conv2", "kind": "conv2d", "inputs": ["pool1"], "channels": 6, "kernel": 3},
  {"name": "act2", "kind": "relu", "inputs": ["conv2"]},
  {"name": "flat", "kind": "flatten", "inputs": ["act2"]},
  {"name": "dense", "kind": "dense", "inputs": ["flat"], "units": 10},
  {"name": "softmax", "kind": "softmax", "inputs": ["dense"]}
]}
JSON
"$bin/cairn-train" --model "$work/conv.json" --data Fixtures/datasets/digits.csv --init constant:0.1 --epochs 1 \
    --out "$work/conv" --quiet 2>/dev/null >/dev/null
audit "$work/conv/init.cairn" 1
[ "$(field "[(l['name'], [g['kind'] for g in l['groups']], l['distinct_units']) for l in r['layers'][:2]]")" \
    = "[('conv1', ['locked'], 1), ('conv2', ['locked'], 1)]" ] || fail "constant conv net: filters not locked"
echo "audit.sh: a conv net from constant:0.1 has one locked group of filters per convolution"
# Its repair computes the same function (cairn-eval's probabilities) and has no symmetric filters left.
audit "$work/conv/latest.cairn" 1 --tolerance 1e-5 --repair "$work/conv-repaired.cairn" --no-signal
audit "$work/conv-repaired.cairn" 0 --no-signal
[ "$(field "[len(l['groups']) for l in r['layers'][:2]]")" = "[0, 0]" ] || fail "repaired conv net: filters still grouped"
"$bin/cairn-eval" "$work/conv/latest.cairn" --data Fixtures/datasets/digits.csv --predictions "$work/conv-original.csv" \
    >/dev/null || fail "cairn-eval of the conv net"
"$bin/cairn-eval" "$work/conv-repaired.cairn" --data Fixtures/datasets/digits.csv --predictions "$work/conv-repaired.csv" \
    >/dev/null || fail "cairn-eval of the repaired conv net"
python3 - "$work/conv-original.csv" "$work/conv-repaired.csv" <<'PY' || fail "the repaired conv net's predictions differ"
import sys
import numpy as np
a = np.genfromtxt(sys.argv[1], delimiter=",", names=True)
b = np.genfromtxt(sys.argv[2], delimiter=",", names=True)
largest = max(float(np.max(np.abs(a[c] - b[c]))) for c in a.dtype.names if c.startswith("p_"))
print(f"audit.sh: conv net, original vs repaired: largest probability difference {largest:.2e}")
sys.exit(0 if largest < 1e-5 and np.array_equal(a["predicted"], b["predicted"]) else 1)
PY
python3 - "$work" <<'PY'
import json, sys
import numpy as np
from safetensors.numpy import save_file
work = sys.argv[1]
rng = np.random.default_rng(1)
w = (rng.standard_normal((64, 8, 3, 3)) * np.sqrt(2 / 72)).astype(np.float32)
b = rng.standard_normal(64).astype(np.float32)
for _ in range(20):
    s, d = rng.integers(0, 64, 2)
    w[d], b[d] = w[s], b[s]
save_file({"features.0.weight": w, "features.0.bias": b}, f"{work}/filters.safetensors")
_, inverse = np.unique(np.concatenate([w.reshape(64, -1), b[:, None]], axis=1), axis=0, return_inverse=True)
groups = {}
for row, label in enumerate(np.asarray(inverse).ravel()):
    groups.setdefault(int(label), []).append(row)
json.dump(sorted(g for g in groups.values() if len(g) > 1), open(f"{work}/numpy-filters.json", "w"))
PY
audit "$work/filters.safetensors" 1 --no-signal
python3 - "$work" <<'PY' || fail "filter groups differ from np.unique's"
import json, sys
work = sys.argv[1]
report = json.load(open(f"{work}/last.json"))
ours = sorted(g["units"] for l in report["layers"] for g in l["groups"])
numpy_groups = json.load(open(f"{work}/numpy-filters.json"))
he = report["layers"][0]["he_std"]
print(f"audit.sh: conv filters: {len(ours)} groups over {sum(map(len, ours))} filters; np.unique: {len(numpy_groups)} groups;",
      "identical" if ours == numpy_groups else "DIFFERENT", f"; He std {he:.6g} (fan-in 72)")
sys.exit(0 if ours == numpy_groups and abs(he - 72 ** -0.5) < 1e-9 else 1)
PY

[ "$failed" -eq 0 ] && echo "audit.sh: all passed"
exit "$failed"
