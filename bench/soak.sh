#!/usr/bin/env bash
# Soak health of loadstream itself: does any of its processes grow over a long run? Runs the separate processes
# (broker, aggregate, report, generate) at a steady arrival rate against nginx for DURATION, and every
# SOAK_INTERVAL_S seconds (default 60) records for each process its RSS, its live heap after a full GC (the total
# of jcmd GC.class_histogram, which collects first), the aggregator's Streams state directory size (its stores are
# in memory, so this stays empty: their size is in its heap; the changelogs are in the broker's data, the state_mb
# of the `kafka` row, the broker's child JVM) and the aggregator's consumer lag.
#
#   bench/soak.sh [DURATION] [RATE]      # default 20m at 200 requests/s; DURATION with its unit (90s, 20m, 1h)
#   SOAK_WINDOW=1s bench/soak.sh 30m 1000  # 1 s report windows: the reporter's bounds fill in about 15 minutes
#   SOAK_WARMUP_S=1200 SOAK_WINDOW=1s bench/soak.sh 60m 1000  # leave the first 20 minutes out of the slopes
#
# Writes WORK/soak.csv (elapsed_s,process,pid,rss_mb,heap_after_gc_mb,state_mb,lag_events) and WORK/summary.txt:
# per process and metric the Theil-Sen slope per hour after the warm-up (SOAK_WARMUP_S seconds, default the first
# 20% of the run, at least 2 samples; the reporter grows until its bounds are full, so a warm-up that ends before
# then counts that filling as a slope) with its 95% interval, the change over the measured period, and the value extrapolated to 72 h; then
# whether any event was lost (the report's total against the generator's Done line, events dropped, late events).
# The heap after GC is what a leak grows; RSS also holds the JIT, metaspace and a heap the JVM has not given back.
#
# Needs nginx (installed with apt-get when missing and run as root on Debian/Ubuntu; BENCH_INSTALL=0 forbids it)
# and the JDK's jcmd. Works on a fresh clone (the launcher builds the distribution with `package`).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-20m}"
rate="${2:-200}"
interval="${SOAK_INTERVAL_S:-60}"
# The report window: a short one (e.g. 1s) fills the reporter's bounded structures (500 timeline steps and 360
# archived windows per endpoint) within minutes, so that what follows shows whether memory stays flat at its bound.
window="${SOAK_WINDOW:-10s}"
http_port="${SOAK_HTTP_PORT:-18082}"
kafka_port="${SOAK_KAFKA_PORT:-19095}"
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
# shellcheck source=bench/nginx.sh
source "$root/bench/nginx.sh"
bench_work soak
command -v jcmd >/dev/null || { echo "This bench needs the JDK's jcmd (a JDK, not a JRE)." >&2; exit 1; }

require_tools nginx
start_nginx "$work" "$http_port"
build_distribution "$root"
# As common.sh's start_broker, with more time: a soak often shares a busy machine.
"$root/loadstream" broker --port "$kafka_port" --dir "$work/broker" --start-timeout 300 > "$work/broker.out" 2>&1 &
pids+=($!)
broker_pid=$!
await_line "$work/broker.out" "listening on" 320 "The broker" "$broker_pid"
bootstrap="127.0.0.1:$kafka_port"
heap="${SOAK_XMX:--Xmx512m}"

LOADSTREAM_JAVA_OPTS="$heap" "$root/loadstream" aggregate --bootstrap "$bootstrap" \
    --application-id soak-aggregator --state-dir "$work/state" > "$work/aggregate.out" 2>&1 &
pids+=($!)
aggregate_pid=$!
await_line "$work/aggregate.out" "Aggregator running" 180 "The aggregator" "$aggregate_pid"

cat > "$work/plan.yaml" <<PLAN
name: soak-bench
target: http://127.0.0.1:$http_port
load: {executor: constant-arrival-rate, rate: $rate, time_unit: 1s, duration: $duration, pre_allocated_vus: 50, max_vus: 400}
scenarios:
  - name: index
    steps:
      - {method: GET, path: /index.html}
      - {method: GET, path: /index.html, name: "GET /again"}
report: {window: $window}
PLAN
run_id="soak-$$"
LOADSTREAM_JAVA_OPTS="$heap" "$root/loadstream" report --bootstrap "$bootstrap" --run-id "$run_id" \
    --out "$work/report" > "$work/report.out" 2>&1 &
pids+=($!)
report_pid=$!
LOADSTREAM_JAVA_OPTS="$heap" "$root/loadstream" generate "$work/plan.yaml" --bootstrap "$bootstrap" \
    --run-id "$run_id" > "$work/generate.out" 2>&1 &
pids+=($!)
generate_pid=$!

# The JVM's pid: the launcher execs java, so the pid is the JVM's own.
# The bytes of live objects: GC.class_histogram runs a full GC and counts only what survives it. (Reading
# GC.heap_info's "used" after GC.run, as this bench did before, also counted what the process allocated between the
# two commands: at 2,000 req/s the samples of one process ranged 26 to 76 MiB over an hour, too noisy for a +-10 %
# bound; the live set of the same reporter read 8.5 MiB where heap_info said 24.)
heap_after_gc_mb() {
  (jcmd "$1" GC.class_histogram 2>/dev/null || true) | awk '$1 == "Total" { printf "%.1f", $3 / 1048576 }'
}
rss_mb() {
  awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || true
}
csv="$work/soak.csv"
echo "elapsed_s,process,pid,rss_mb,heap_after_gc_mb,state_mb,lag_events" > "$csv"
start_s=$(date +%s)
echo "soak: $duration at $rate/s; samples every $interval s in $csv (work directory $work)"
while kill -0 "$generate_pid" 2>/dev/null; do
  elapsed=$(( $(date +%s) - start_s ))
  state_mb="$( (du -sk "$work/state" 2>/dev/null || true) | awk '{ printf "%.1f", $1 / 1024 }')"
  lag="$(java -cp "$lib/*" "$root/bench/SoakProbe.java" lag "$bootstrap" soak-aggregator 2>/dev/null || echo -1)"
  # `loadstream broker` runs Kafka in a child JVM: sample both; the child's state is its data directory.
  kafka_pid="$(pgrep -P "$broker_pid" java | head -n 1 || true)"
  kafka_mb="$( (du -sk "$work/broker" 2>/dev/null || true) | awk '{ printf "%.1f", $1 / 1024 }')"
  for entry in "generate:$generate_pid" "aggregate:$aggregate_pid" "report:$report_pid" "broker:$broker_pid" \
      "kafka:${kafka_pid:-0}"; do
    name="${entry%%:*}" pid="${entry##*:}"
    [[ "$pid" != 0 ]] && kill -0 "$pid" 2>/dev/null || continue
    case "$name" in
      aggregate) s="$state_mb" l="$lag" ;;
      kafka) s="$kafka_mb" l="" ;;
      *) s="" l="" ;;
    esac
    echo "$elapsed,$name,$pid,$(rss_mb "$pid"),$(heap_after_gc_mb "$pid"),$s,$l" >> "$csv"
  done
  tail -n 4 "$csv" | sed 's/^/  /'
  # Sleep in short steps so that the end of the run is seen within a few seconds.
  for ((i = 0; i < interval; i += 2)); do kill -0 "$generate_pid" 2>/dev/null || break; sleep 2; done
done
wait "$generate_pid" || true
# The reporter ends once the final totals and windows are in.
for ((i = 0; i < 300; i++)); do kill -0 "$report_pid" 2>/dev/null || break; sleep 1; done
wait "$report_pid" || true

elapsed=$(( $(date +%s) - start_s ))
warmup="${SOAK_WARMUP_S:-$(( elapsed / 5 ))}"
{
  echo "soak: $duration at $rate requests/s, $(grep -c ',generate,' "$csv") samples per process, warm-up ${warmup} s left out"
  java -cp "$lib/*" "$root/bench/SoakProbe.java" summary "$csv" "$warmup" 72 || echo "summary: failed"
  done_line="$(grep '^Done:' "$work/generate.out" || true)"
  sent="$(sed -n 's/^Done: \([0-9]*\) requests.*/\1/p' <<< "$done_line")"
  json="$work/report/performance_report.json"
  reported="$(sed -n 's/.*"total_requests" : \([0-9]*\).*/\1/p' "$json" 2>/dev/null | head -n 1)"
  dropped="$(sed -n 's/.*"events_dropped" : \([0-9]*\).*/\1/p' "$json" 2>/dev/null | head -n 1)"
  late="$(sed -n 's/.*"late_events" : \([0-9]*\).*/\1/p' "$json" 2>/dev/null | head -n 1)"
  echo "generator: ${done_line:-no Done line}"
  echo "report: total_requests=${reported:-none} events_dropped=${dropped:-?} late_events=${late:-?}"
  if [[ -n "$sent" && "$sent" == "$reported" && "${dropped:-1}" == 0 ]]; then
    echo "lost: none ($sent sent, $reported reported)"
  else
    echo "lost: CHECK ($sent sent, ${reported:-none} reported, ${dropped:-?} dropped)"
  fi
} | tee "$work/summary.txt"
cp "$csv" "$work/summary.txt" "${SOAK_OUT:-$work}/" 2>/dev/null || true
