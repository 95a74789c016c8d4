#!/usr/bin/env bash
# The capacity goal of docs/CAPACITY.md: fitted only on the plateaus up to 60% of the measured peak's concurrency,
# does the Universal Scalability Law predict the measured peak within ±15%? Runs a stepped plan (ramping-vus, one
# GET, no think time, a 2 s ramp and a hold at each level, 2 s report windows) with `loadstream run` against
#   demo:  `loadstream demo-target --workers DEMO_WORKERS --seed 1`, one endpoint (GET /api/review/campaigns,
#          service time median 150 ms): its worker pool is its ceiling, DEMO_WORKERS / mean service time;
#   fixed: bench/FixedWorkers.java, the JDK's HTTP server with FIXED_WORKERS threads that each hold a request for
#          FIXED_SERVICE_MS: ceiling FIXED_WORKERS x 1000 / FIXED_SERVICE_MS req/s (4 x 100 ms: 40 req/s),
# and prints, from each performance_report.json, the plateaus, the fitted capacity, and its `validation`: the law
# refitted on the plateaus up to 60% of the measured peak's concurrency, its predicted peak against the measured
# one, and their ratio.
#
#   bench/capacity.sh [HOLD_SECONDS=20] [TARGETS="demo fixed"]
#   DEMO_WORKERS=8 DEMO_LEVELS="1 2 3 4 6 8 12 16 20 24 32 40" FIXED_WORKERS=4 FIXED_SERVICE_MS=100
#   FIXED_LEVELS="1 2 3 4 6 8 10 12 16 20 24" bench/capacity.sh      (the defaults)
# Figures: docs/CAPACITY.md ("The goal") and docs/PERFORMANCE.md ("Capacity"). Works on a fresh clone (the
# launcher builds the distribution with `package`; nothing is installed into ~/.m2). Needs jq (installed with
# apt-get when missing and run as root on Debian/Ubuntu; BENCH_INSTALL=0 forbids it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hold="${1:-20}"
targets="${2:-demo fixed}"
[[ "$hold" =~ ^[0-9]+$ && "$hold" -ge 6 ]] || { sed -n '13,15p' "$0" >&2; echo "HOLD_SECONDS must be 6 or more" >&2; exit 104; }
demo_workers="${DEMO_WORKERS:-8}"
demo_levels="${DEMO_LEVELS:-1 2 3 4 6 8 12 16 20 24 32 40}"
fixed_workers="${FIXED_WORKERS:-4}"
fixed_service_ms="${FIXED_SERVICE_MS:-100}"
fixed_levels="${FIXED_LEVELS:-1 2 3 4 6 8 10 12 16 20 24}"
demo_port=18091
fixed_port=18092
kafka_port=19391
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
bench_work capacity
require_tools jq
build_distribution "$root"
# `java` itself, not a shell function, goes to the background: the exit trap stops the ids in `pids`, which must
# be the JVMs' (a function in the background is a subshell, and stopping it would leave its JVM running).
cli=(java -cp "$lib/*" io.loadstream.cli.LoadstreamCommand)
# One broker for both runs (each run gets its own topics), so that neither waits for an embedded one to start.
# As common.sh's start_broker, with more time (as bench/soak.sh): this bench often shares a busy machine.
"${cli[@]}" broker --port "$kafka_port" --dir "$work/broker" --start-timeout 300 > "$work/broker.out" 2>&1 &
pids+=($!)
await_line "$work/broker.out" "listening on" 320 "The broker" "$!"

# The plan: a 2 s ramp to each level, then a hold; 2 s windows, so that each hold gives (HOLD/2 - 2) steady ones.
plan() {
  local name="$1" url="$2" path="$3" levels="$4" headers="$5" stages="" v
  for v in $levels; do stages+="{duration: 2s, target: $v}, {duration: ${hold}s, target: $v}, "; done
  cat > "$work/$name.yaml" <<PLAN
name: capacity-$name
target: $url
defaults: {timeout: 30s$headers}
load: {executor: ramping-vus, start_vus: 1, stages: [${stages%, }]}
scenarios:
  - name: step
    steps: [{method: GET, path: $path}]
report: {window: 2s, grace: 2s}
PLAN
}

measure() {
  local name="$1" ceiling="$2" json="$work/$1/performance_report.json" code=0
  echo
  echo "== $name: $(cut -d' ' -f1-3 /proc/loadavg) load average at the start"
  "${cli[@]}" run "$work/$name.yaml" --bootstrap "127.0.0.1:$kafka_port" --out "$work/$name" > "$work/$name.out" 2>&1 || code=$?
  if [[ ! -f "$json" ]]; then
    cat "$work/$name.out" >&2
    echo "$name: the run wrote no report (exit $code)" >&2
    return 1
  fi
  echo "run exit $code; plateaus (vus, concurrency N = X x R, req/s, p95 ms, error rate):"
  jq -r '.capacity.points[] | "  \(.vus)\t\(.concurrency)\t\(.rps)\t\(.p95_ms)\t\(.error_rate)"' "$json"
  jq -r --arg ceiling "$ceiling" '.capacity |
    if .model == null then "no estimate: \(.reason)" else
    "fit on all plateaus: peak \(.max_throughput_rps) req/s (95% CI \(.max_throughput_ci95[0])-\(.max_throughput_ci95[1])) at N=\(.at_concurrency), knee \(.knee_concurrency), R2 \(.r2); known ceiling \($ceiling) req/s" end' "$json"
  jq -r '.capacity.validation // empty |
    "fit on the \(.plateaus_used) plateaus up to N=\(.fit_up_to_concurrency) (60% of the measured peak'"'"'s N=\(.measured_peak_concurrency)): predicted \(.predicted_peak_rps) req/s, measured \(.measured_peak_rps) req/s, ratio \(((.predicted_peak_rps / .measured_peak_rps) * 1000 | round) / 1000) (error \(.error_percent)%): " +
    (if (.error_percent | fabs) <= 15 then "WITHIN ±15%" else "OUTSIDE ±15%" end)' "$json"
  jq -e '.capacity.validation' "$json" >/dev/null || echo "validation: none (fewer than 3 plateaus below 60% of the peak's concurrency, or no peak in their fit)"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "capacity bench: ${hold} s holds, 2 s windows; $(nproc) cores; targets: $targets"
for target in $targets; do
  case "$target" in
    demo)
      "${cli[@]}" demo-target --port "$demo_port" --workers "$demo_workers" --seed 1 > "$work/demo-target.out" 2>&1 &
      pids+=($!)
      await_line "$work/demo-target.out" "listening on" 60 "The demo target" "$!"
      plan demo "http://127.0.0.1:$demo_port" /api/review/campaigns "$demo_levels" \
        ', headers: {Authorization: "Bearer loadstream-demo"}'
      # Its ceiling: workers / mean service time (the profile REVIEW_CAMPAIGNS of docs/DEMO_TARGET.md).
      measure demo "$demo_workers workers / mean service time of GET /api/review/campaigns"
      ;;
    fixed)
      java "$root/bench/FixedWorkers.java" "$fixed_port" "$fixed_workers" "$fixed_service_ms" \
        > "$work/fixed-server.out" 2>&1 &
      pids+=($!)
      await_line "$work/fixed-server.out" "listening on" 60 "The fixed-worker server" "$!"
      plan fixed "http://127.0.0.1:$fixed_port" /work "$fixed_levels" ""
      measure fixed "$(echo "$fixed_workers * 1000 / $fixed_service_ms" | bc -l | xargs printf '%.1f')"
      ;;
    *) echo "unknown target '$target': use demo and/or fixed" >&2; exit 104 ;;
  esac
done
