#!/usr/bin/env bash
# Fuzz every reader of untrusted bytes with libFuzzer, from seed corpora built from the fixtures.
#
# Usage: Tests/Fuzz/run.sh SECONDS_PER_TARGET [TARGET...]
#   targets: cairn safetensors npz npy csv idx npy-data graph (default: all)
# Builds `cairn-fuzz` with -sanitize=fuzzer,address into .build-fuzz, runs each target for the given
# time (corpora kept in .build-fuzz/corpus/TARGET, so later runs continue), and prints executions per
# second and coverage per target. Any crash, leak, timeout or out-of-memory input is saved as
# .build-fuzz/findings/TARGET-* and makes the script exit 1: turn it into a named file in Fixtures/fuzz/
# (replayed by `swift test`, FuzzRegressionTests) and fix it.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: Tests/Fuzz/run.sh SECONDS_PER_TARGET [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(cairn safetensors npz npy csv idx npy-data graph)
scratch=.build-fuzz
swift build --product cairn-fuzz -c release --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DCAIRN_FUZZING 2>&1 | tail -n 1
fuzzer="$scratch/release/cairn-fuzz"

seed() {  # seed TARGET: fill the target's corpus with the fixtures that fit it (once)
    local target=$1 corpus="$scratch/corpus/$1"
    mkdir -p "$corpus"
    [ -z "$(ls -A "$corpus")" ] || return 0
    case $target in
        cairn) cp Fixtures/checkpoints/*.cairn Fixtures/compat/*.cairn Fixtures/corrupt/*.cairn "$corpus/" ;;
        safetensors) cp Fixtures/interop/*.safetensors "$corpus/" ;;
        npz) cp Fixtures/interop/*.npz "$corpus/" ;;
        csv) head -n 12 Fixtures/datasets/digits.csv > "$corpus/digits-head.csv"
             printf 'a,b,label\r\n1,"2",0\r\n3,4,1\r\n' > "$corpus/crlf-quoted.csv" ;;
        graph) cp Fixtures/models/*.json "$corpus/" ;;
        npy|npy-data|idx) python3 - "$target" "$corpus" <<'PY'
import io, struct, sys
import numpy as np
target, corpus = sys.argv[1], sys.argv[2]
arrays = {"f32": np.arange(12, dtype="<f4").reshape(3, 4), "u8": np.arange(6, dtype="u1"),
          "f64": np.ones((2, 2)), "i64": np.arange(3, dtype="<i8")}
for name, a in arrays.items():
    if target == "idx":
        codes = {"u1": 0x08, "<f4": 0x0D, "<f8": 0x0E, "<i8": None}
        code = codes[a.dtype.str if a.dtype.itemsize > 1 else "u1"]
        if code is None:
            continue
        data = a.astype(a.dtype.newbyteorder(">")).tobytes()
        open(f"{corpus}/{name}.idx", "wb").write(bytes([0, 0, code, a.ndim]) + b"".join(struct.pack(">I", d) for d in a.shape) + data)
    else:
        buffer = io.BytesIO(); np.save(buffer, a); open(f"{corpus}/{name}.npy", "wb").write(buffer.getvalue())
PY
        ;;
    esac
}

mkdir -p "$scratch/findings"
found=0
for target in "${targets[@]}"; do
    seed "$target"
    log="$scratch/fuzz-$target.log"
    status=0
    CAIRN_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 LSAN_OPTIONS=suppressions=Tests/Fuzz/lsan.supp "$fuzzer" "$scratch/corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$scratch/findings/$target-" >"$log" 2>&1 || status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true); runs=${runs:-0}
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
    echo "$target: $runs runs in ${seconds} s ($((runs / seconds))/s), ${cov:-no coverage line}, corpus $(ls "$scratch/corpus/$target" | wc -l) inputs, exit $status"
    if [ "$status" -ne 0 ]; then
        found=1
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5
    fi
done
exit $found
