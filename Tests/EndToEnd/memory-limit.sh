#!/usr/bin/env bash
# Reading hostile files under a tight address-space limit (ulimit -v) fails cleanly: `cairn-inspect --verify`
# on every file of the corrupt corpus reports the damage (exit 1, or 2 when the file cannot be opened) and
# names the file, never a crash or a hang from an allocation the file asked for.
#
# The limit is what `cairn-inspect --verify` needs to read a valid golden file (found by bisection: the
# runtime's own mappings) plus twice the largest corrupt file, so no file may make the reader reserve
# memory in proportion to sizes it merely declares.
#
# Usage: Tests/EndToEnd/memory-limit.sh [BIN_DIR]   (default .build/release)
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build/release}
golden=Fixtures/checkpoints/golden-multichunk.cairn
runs_within() { (ulimit -v "$1"; timeout 20 "$bin/cairn-inspect" --verify "$golden" >/dev/null 2>&1); }
low=16384; high=1048576
runs_within "$high" || { echo "cairn-inspect does not run even under ${high} KiB"; exit 1; }
while [ $((high - low)) -gt 4096 ]; do
    middle=$(((low + high) / 2))
    if runs_within "$middle"; then high=$middle; else low=$middle; fi
done
largest=$(ls -l Fixtures/corrupt/*.cairn | awk '{ if ($5 > m) m = $5 } END { print m }')
limit=$((high + 2 * largest / 1024 + 8))
echo "address-space limit: ${limit} KiB (runtime needs ${high} KiB; largest corrupt file ${largest} bytes)"
failures=0; count=0
for file in Fixtures/corrupt/*.cairn; do
    count=$((count + 1))
    output=$( (ulimit -v "$limit"; timeout 20 "$bin/cairn-inspect" --verify "$file") 2>&1 )
    status=$?
    if { [ "$status" -ne 1 ] && [ "$status" -ne 2 ]; } || [[ "$output" != *"$file"* ]]; then
        echo "FAILED: $file: exit $status: $(printf '%s' "$output" | head -c 300)"
        failures=$((failures + 1))
    fi
done
echo "$((count - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
