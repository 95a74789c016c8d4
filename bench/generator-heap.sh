#!/usr/bin/env bash
# Does the generator's memory grow with the length of a run? Runs a constant-arrival-rate plan against nginx
# for MINUTES (default 5) with the embedded broker, then prints per minute the lowest heap in use (the level
# after a collection) and the highest, from the generator's own SystemSamples on loadstream.system.
#
#   apt-get install -y nginx      # once
#   bench/generator-heap.sh [MINUTES] [RATE_PER_SECOND]    # default 5 minutes, 2000/s
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-5}"
rate="${2:-2000}"
work="$(mktemp -d /tmp/loadstream-heap.XXXXXX)"
http_port=18081
kafka_port=19094
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_nginx "$work"
}
trap cleanup EXIT
# shellcheck source=bench/nginx.sh
source "$(dirname "${BASH_SOURCE[0]}")/nginx.sh"

start_nginx "$work" "$http_port"

"$root/loadstream" --version >/dev/null
"$root/loadstream" broker --port "$kafka_port" --dir "$work/broker" > "$work/broker.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do grep -q "listening on" "$work/broker.out" 2>/dev/null && break; sleep 0.5; done

cat > "$work/plan.yaml" <<PLAN
name: bench-heap
target: http://127.0.0.1:$http_port
load: {executor: constant-arrival-rate, rate: $rate, time_unit: 1s, duration: ${minutes}m, pre_allocated_vus: 50, max_vus: 200}
scenarios:
  - name: index
    steps:
      - {method: GET, path: /index.html}
PLAN
run_id="heap-$$"
LOADSTREAM_JAVA_OPTS="${LOADSTREAM_JAVA_OPTS:--Xmx512m}" "$root/loadstream" generate "$work/plan.yaml" \
    --bootstrap "127.0.0.1:$kafka_port" --run-id "$run_id" > "$work/generate.out" 2>&1
grep '^Done:' "$work/generate.out"
version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -n 1)"
java -cp "$root/cli/target/loadstream-$version/lib/*" "$root/bench/HeapReport.java" "127.0.0.1:$kafka_port" "$run_id" \
    2>/dev/null
