#!/usr/bin/env bash
# SIGKILL at random moments (during steps and during saves), resume from latest.cairn until the run
# completes, and check the result is bit-identical to a run that was never interrupted.
#
# Usage: Tests/EndToEnd/kill-resume.sh [BIN_DIR] [KILLS] [KIND]
#   BIN_DIR  folder with cairn-train and cairn-resume (default .build/release)
#   KILLS    number of kill-and-resume trials (default 12)
#   KIND     mlp (default) or cnn
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build/release}
kills=${2:-12}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Small batches and frequent mid-epoch saves: many kill points land inside a save.
flags=(--hidden 128,128 --batch-size 4 --epochs 4 --dropout 0.1 --optimizer adam --lr 0.001
       --save-every-steps 40 --keep 2 --quiet --seed 7)
# KIND cnn: the digits CNN (convolutions, pools, batch-norm running statistics) on two threads.
if [ "${3:-}" = cnn ]; then
    flags=(--model Fixtures/models/digits-cnn.json --batch-size 8 --epochs 2 --optimizer adam --lr 0.001
           --save-every-steps 40 --keep 2 --quiet --seed 7 --threads 2)
fi

start=$(date +%s.%N)
"$bin/cairn-train" "${flags[@]}" --out "$work/straight" >/dev/null
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
echo "uninterrupted run: ${elapsed}s"

failures=0
for trial in $(seq 1 "$kills"); do
    run="$work/killed-$trial"
    # The first process is killed at a random moment within the run's length; every resume after it
    # is killed too, at a random moment, until one finishes or five kills have landed.
    delay=$(python3 -c "import random; print(round(random.uniform(0.05, $elapsed), 3))")
    "$bin/cairn-train" "${flags[@]}" --out "$run" >/dev/null & pid=$!
    sleep "$delay"; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    landed=1
    while true; do
        if [ ! -e "$run/latest.cairn" ]; then
            # Killed before init.cairn was complete: nothing was saved, start again.
            rm -rf "$run"
            "$bin/cairn-train" "${flags[@]}" --out "$run" >/dev/null & pid=$!
        else
            "$bin/cairn-resume" "$run/latest.cairn" --quiet >/dev/null 2>>"$run.log" & pid=$!
        fi
        if [ "$landed" -lt 3 ]; then
            sleep "$(python3 -c "import random; print(round(random.uniform(0.01, $elapsed / 2), 3))")"
            if kill -9 "$pid" 2>/dev/null; then landed=$((landed + 1)); wait "$pid" 2>/dev/null || true; continue; fi
        fi
        if wait "$pid"; then break; else
            echo "trial $trial: a resume failed"; tail -n 3 "$run.log" | sed 's/^/    /'; failures=$((failures + 1)); break
        fi
    done
    leftovers=$(find "$run" -name '.*tmp*' | wc -l)
    if python3 Tests/EndToEnd/same_state.py "$work/straight/latest.cairn" "$run/latest.cairn" >/dev/null; then
        echo "trial $trial: killed $landed time(s) (first after ${delay}s), resumed, bit-identical; temporary files left: $leftovers"
    else
        echo "trial $trial: DIFFERS after $landed kill(s)"
        python3 Tests/EndToEnd/same_state.py "$work/straight/latest.cairn" "$run/latest.cairn" || true
        # What the folder and the resumes said, for the log.
        ls -l "$run" | sed 's/^/    /'; sed 's/^/    resume: /' "$run.log" 2>/dev/null || true
        failures=$((failures + 1))
    fi
done
echo "$((kills - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
