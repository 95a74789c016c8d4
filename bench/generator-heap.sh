#!/usr/bin/env bash
# Does the generator's memory grow with the length of a run? Runs a constant-arrival-rate plan against nginx
# for MINUTES (default 5) with the embedded broker, then prints per minute the lowest heap in use (the level
# after a collection) and the highest, from the generator's own SystemSamples on loadstream.system.
#
#   bench/generator-heap.sh [MINUTES] [RATE_PER_SECOND]    # default 5 minutes, 2000/s
#   bench/generator-heap.sh 30s 200                        # a plan duration with its unit, for a quick check
#
# Needs nginx: installed with apt-get when missing and run as root on Debian/Ubuntu (BENCH_INSTALL=0 to forbid
# that), else the script says what to install and exits 1. Works on a fresh clone (the launcher builds the
# distribution with `package`; nothing is installed into ~/.m2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-5}"
[[ "$duration" =~ ^[0-9]+$ ]] && duration="${duration}m"
rate="${2:-2000}"
http_port=18081
kafka_port=19094
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
# shellcheck source=bench/nginx.sh
source "$root/bench/nginx.sh"
bench_work heap

require_tools nginx
start_nginx "$work" "$http_port"

build_distribution "$root"
start_broker "$root" "$kafka_port" "$work"

cat > "$work/plan.yaml" <<PLAN
name: bench-heap
target: http://127.0.0.1:$http_port
load: {executor: constant-arrival-rate, rate: $rate, time_unit: 1s, duration: $duration, pre_allocated_vus: 50, max_vus: 200}
scenarios:
  - name: index
    steps:
      - {method: GET, path: /index.html}
PLAN
run_id="heap-$$"
status=0
LOADSTREAM_JAVA_OPTS="${LOADSTREAM_JAVA_OPTS:--Xmx512m}" "$root/loadstream" generate "$work/plan.yaml" \
    --bootstrap "127.0.0.1:$kafka_port" --run-id "$run_id" > "$work/generate.out" 2>&1 || status=$?
if ! grep '^Done:' "$work/generate.out"; then
  echo "not measured: the generator printed no Done line (exit code $status). Its output ($work/generate.out):" >&2
  tail -n 30 "$work/generate.out" >&2
  exit 1
fi
# HeapReport exits non-zero, saying why, when the topic holds no sample of the run.
java -cp "$lib/*" "$root/bench/HeapReport.java" "127.0.0.1:$kafka_port" "$run_id" 2> "$work/heap-report.err" || {
  cat "$work/heap-report.err" >&2
  exit 1
}
