#!/usr/bin/env bash
# SIGKILL cairn-convert at random moments while it converts a 25 MB safetensors or npz file to .cairn, or a
# .cairn back to safetensors or npz, half the time over an existing destination with --force. After each
# kill: the source is untouched; the destination is absent, the old file, or complete (cairn-diff finds it
# identical to the source, cairn-inspect --verify passes for .cairn); the only temporary file left is the
# killed process's own (`.NAME.tmp-PID-...`); and converting again succeeds and removes it. At the end every complete
# destination (left by a kill or converted again) is read back with the peers (safetensors, numpy,
# Formats/reference_reader.py) and compared with the source byte for byte.
#
# Usage: Tests/EndToEnd/kill-convert.sh [BIN_DIR] [TRIALS]
#   BIN_DIR  folder with cairn-convert, cairn-diff and cairn-inspect (default .build/release)
#   TRIALS   number of kill trials (default 24)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build/release}
trials=${2:-24}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The sources: six 1024x1024 f32 weights and an f16 bias (safetensors and npz), and a small "old" file.
python3 - "$work" <<'PY'
import sys
import numpy as np
from safetensors.numpy import save_file
work = sys.argv[1]
rng = np.random.default_rng(7)
tensors = {f"layer{i}.weight": (rng.standard_normal((1024, 1024)) * 0.02).astype(np.float32) for i in range(6)}
tensors["layer0.bias"] = rng.standard_normal(1024).astype(np.float16)
save_file(tensors, f"{work}/source.safetensors")
np.savez(f"{work}/source.npz", **tensors)
old = {"old.weight": np.arange(12, dtype=np.float32).reshape(3, 4)}
save_file(old, f"{work}/old.safetensors")
np.savez(f"{work}/old.npz", **old)
PY
"$bin/cairn-convert" "$work/source.safetensors" "$work/source.cairn" --quiet 2>/dev/null
"$bin/cairn-convert" "$work/old.safetensors" "$work/old.cairn" --quiet 2>/dev/null
sums() { sha256sum "$work"/source.* "$work"/old.*; }
before=$(sums)

# Directions: source, destination extension. Time each once, uninterrupted, for the kill window.
sources=(source.safetensors source.npz source.cairn source.cairn)
extensions=(cairn cairn safetensors npz)
declare -a elapsed
for d in 0 1 2 3; do
    start=$(date +%s.%N)
    "$bin/cairn-convert" "$work/${sources[$d]}" "$work/timing-$d.${extensions[$d]}" --quiet 2>/dev/null
    elapsed[$d]=$(echo "$(date +%s.%N) - $start" | bc)
    echo "uninterrupted ${sources[$d]} -> .${extensions[$d]}: ${elapsed[$d]}s"
done

failures=0
fail() { echo "trial $trial: $*"; failures=$((failures + 1)); }
for trial in $(seq 1 "$trials"); do
    d=$((trial % 4))
    source="$work/${sources[$d]}"
    dir="$work/trial-$trial"
    mkdir "$dir"
    dest="$dir/out.${extensions[$d]}"
    old=""
    flags=(--quiet)
    if [ $((trial % 8)) -ge 4 ]; then  # half the trials replace an existing file
        old="$work/old.${extensions[$d]}"
        cp "$old" "$dest"
        flags+=(--force)
    fi
    delay=$(python3 -c "import random; print(round(random.uniform(0, ${elapsed[$d]} * 1.1), 3))")
    "$bin/cairn-convert" "$source" "$dest" "${flags[@]}" 2>/dev/null & pid=$!
    sleep "$delay"; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true

    # The destination: absent, the old file, or the complete conversion.
    state=absent
    if [ -e "$dest" ]; then
        if [ -n "$old" ] && cmp -s "$old" "$dest"; then
            state=old
        elif "$bin/cairn-diff" "$source" "$dest" >/dev/null 2>&1; then
            state=complete
            ln "$dest" "$dir/killed.${extensions[$d]}"  # kept for the peers' read-back at the end
            if [ "${extensions[$d]}" = cairn ] && ! "$bin/cairn-inspect" "$dest" --verify >/dev/null 2>&1; then
                fail "$dest does not verify"
            fi
        else
            fail "$dest is neither absent, the old file, nor the complete conversion"
        fi
    elif [ -n "$old" ]; then
        fail "the old $dest was removed without a replacement"
    fi
    # Temporary files: only the killed process's own may be left.
    leftovers=$(find "$dir" -name '.*tmp*' | wc -l)
    strangers=$(find "$dir" -name '.*tmp*' ! -name "*.tmp-$pid-*" | wc -l)
    [ "$strangers" -eq 0 ] || fail "temporary files not from the killed process $pid: $(ls -A "$dir")"
    # Converting again works over whatever the kill left, removes the killed process's temporary file and
    # leaves none of its own.
    if "$bin/cairn-convert" "$source" "$dest" --force --quiet 2>/dev/null; then
        "$bin/cairn-diff" "$source" "$dest" >/dev/null 2>&1 || fail "the second conversion differs from the source"
        [ "$(find "$dir" -name '.*tmp*' | wc -l)" -eq 0 ] || fail "temporary files after the second conversion: $(ls -A "$dir")"
    else
        fail "converting again after the kill failed"
    fi
    echo "trial $trial: ${sources[$d]} -> .${extensions[$d]}${old:+ over an old file}, killed after ${delay}s: $state; temporary files left: $leftovers"
done

# The sources are untouched, and the peers read every destination back bit for bit.
[ "$(sums)" = "$before" ] || { echo "a source file changed"; failures=$((failures + 1)); }
python3 - "$work" <<'PY' || failures=$((failures + 1))
import glob, os, sys
import numpy as np
from safetensors.numpy import load_file
sys.path.insert(0, "Formats")
from reference_reader import read_file  # noqa: E402
work = sys.argv[1]
source = load_file(f"{work}/source.safetensors")
def tensors(path):
    if path.endswith(".safetensors"):
        return load_file(path)
    if path.endswith(".npz"):
        with np.load(path) as archive:
            return {name: archive[name] for name in archive.files}
    return read_file(path)[1]
bad = 0
paths = sorted(glob.glob(f"{work}/trial-*/out.*") + glob.glob(f"{work}/trial-*/killed.*"))
for path in paths:
    found = tensors(path)
    same = found.keys() == source.keys() and all(
        found[n].dtype == source[n].dtype and found[n].shape == source[n].shape and found[n].tobytes() == source[n].tobytes()
        for n in source)
    if not same:
        bad += 1
        print(f"peer read-back differs: {os.path.relpath(path, work)}")
print(f"peers read {len(paths)} destinations: {len(paths) - bad} identical to the source")
sys.exit(1 if bad else 0)
PY
echo "$((trials - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
