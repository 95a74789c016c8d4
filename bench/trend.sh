#!/usr/bin/env bash
# The trend's measurements (docs/TREND.md, "Measured"):
#
#   bench/trend.sh [LATEST_RUNS=100] [TRIALS=100]
#   bench/trend.sh 10 10          # a quick check that the script works (not a measurement)
#
# 1. A/A: a synthetic series of LATEST_RUNS+5 runs of 10 endpoints with no change (16 windows of 800 requests,
#    run-to-run sd 1 % and then 3 %); each run from the sixth on is compared with the five before it. Prints the
#    false regressions per 100 endpoint x run comparisons.
#    Then A/A over mixed endpoints: half steady (800 requests a window, run-to-run sd 0.5 %), half erratic (50
#    requests a window, run-to-run sd 5 %), the worst case for moderating the spread over endpoints.
# 2. p99 +15 %: TRIALS times, a run whose one endpoint has its p99 15 % higher (p50, p90, p95 unchanged) after
#    five ordinary runs; prints how often it is flagged in that first run, with 12,800 and with 51,200 requests
#    per endpoint and run.
# 3. Otava's patterns (step, slow drift, single outlier, noisy series) over 30 runs of one endpoint: the runs whose
#    latest-vs-baseline comparison flags something, and the change points over the series (E-divisive + t-test,
#    Otava's method).
# 4. `./loadstream trend` over an archive of 200 runs of 60 endpoints: its wall-clock time, JVM start included.
#
# The synthetic runs go through the same window bootstrap as real ones (reporter's test class SyntheticRuns).
# Works on a fresh clone (builds the distribution and the reporter's test classes; installs nothing).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
latest_runs="${1:-100}"
trials="${2:-100}"
for value in "$latest_runs" "$trials"; do
  [[ "$value" =~ ^[0-9]+$ && "$value" -ge 1 ]] || { sed -n '4,5p' "$0" >&2; exit 104; }
done
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
bench_work trend
build_distribution "$root"
(cd "$root" && ./mvnw -B -q -pl reporter -am test-compile -Dcheckstyle.skip >/dev/null)
cp="$root/reporter/target/test-classes:$root/reporter/target/classes:$root/schemas/target/test-classes:$lib/*"
bench() { java -cp "$cp" io.loadstream.reporter.trend.TrendBenchForTest "$@"; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench aa 0.01 "$latest_runs"
bench aa 0.03 "$latest_runs"
bench aa-mixed "$latest_runs"
bench p99 "$trials" 800
bench p99 "$trials" 3200
bench patterns
bench archive "$work/archive" 200 60
# The distribution's own java command with the launcher's options for trend (not ./loadstream, whose freshness
# check could rebuild first), timed with bash's `time`: wall clock and the CPU the JVM used (user + sys, JIT and GC
# threads included). Also with the default JIT, which the launcher does not use for trend.
TIMEFORMAT='%R %U %S'
time_trend() {
  local label="$1" code wall user sys
  shift
  set +e
  { time java "$@" -cp "$lib/*" io.loadstream.cli.LoadstreamCommand trend --archive "$work/archive" \
      --out "$work/trend" >"$work/trend.out" 2>&1; } 2>"$work/trend.time"
  code=$?
  set -e
  [[ $code -eq 0 || $code -eq 99 ]] || { cat "$work/trend.out" >&2; echo "trend failed with exit $code" >&2; exit 1; }
  read -r wall user sys <"$work/trend.time"
  echo "trend over 200 runs x 60 endpoints, $label: $wall s wall, $(number "$(echo "$user + $sys" | bc -l)" %.2f)" \
    "s CPU (exit $code, JVM start included)"
}
time_trend "as ./loadstream runs it (-XX:TieredStopAtLevel=1)" -XX:TieredStopAtLevel=1
time_trend "default JIT" -XX:+TieredCompilation
{ time java -XX:TieredStopAtLevel=1 -cp "$lib/*" io.loadstream.cli.LoadstreamCommand --version >/dev/null; } \
  2>"$work/version.time"
read -r wall user sys <"$work/version.time"
echo "--version alone (JVM start): $wall s wall, $(number "$(echo "$user + $sys" | bc -l)" %.2f) s CPU"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
