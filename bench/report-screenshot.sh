#!/usr/bin/env bash
# Takes a screenshot of an HTML report in headless Chromium, to look at its charts: labels inside the charts,
# round ticks, readable p95 small multiples. Without an argument it renders the sample report of HtmlReportTest.
#   bench/report-screenshot.sh [REPORT.html] [OUT.png]     (HEIGHT=4000 by default; needs: apt-get install chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
html="${1:-}"
out="${2:-target/report-screenshot.png}"
if [[ -z "$html" ]]; then
  ./mvnw -B -q -pl reporter -am test -Dtest=HtmlReportTest -Dsurefire.failIfNoSpecifiedTests=false
  html=reporter/target/sample-report/report.html
fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "Chromium is not installed: apt-get install -y chromium" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$(realpath -m "$out")" \
  --window-size=1400,"${HEIGHT:-4000}" "file://$(realpath "$html")" 2>/dev/null
echo "$out"
