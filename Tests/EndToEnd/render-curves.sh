#!/usr/bin/env bash
# Renders a run's curves.svg to PNG in headless Chromium (Debian: apt-get install chromium), the way a
# browser shows it, so the chart can be looked at. Not run in CI.
#
# Usage: Tests/EndToEnd/render-curves.sh RUN_FOLDER_OR_SVG [OUT.png]
#   e.g. cairn-train --out runs/look && Tests/EndToEnd/render-curves.sh runs/look
set -euo pipefail
input=${1:?usage: render-curves.sh RUN_FOLDER_OR_SVG [OUT.png]}
[ -d "$input" ] && input="$input/curves.svg"
[ -f "$input" ] || { echo "render-curves: $input: no such file" >&2; exit 2; }
svg=$(cd "$(dirname "$input")" && pwd)/$(basename "$input")
out=${2:-${svg%.svg}.png}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "render-curves: no Chromium found (apt-get install chromium)" >&2; exit 2; }
# The chart is 720 x 420 CSS pixels.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=720,420 \
    --screenshot="$out" "file://$svg" >/dev/null 2>&1
[ -s "$out" ] || { echo "render-curves: Chromium wrote no image" >&2; exit 2; }
echo "$out"
