#!/usr/bin/env bash
# loadstream generate (publishing every request to Kafka) against wrk, on the same machine in the same run.
#
#   apt-get update && apt-get install -y wrk nginx      # once
#   bench/generator-vs-wrk.sh [SECONDS] [ROUNDS]        # default 20 s, 2 rounds
#   BROKER_WARMUP=0 bench/generator-vs-wrk.sh ...        # skip the broker's unmeasured 10 s warm-up run
#
# nginx (1 worker) serves a small static file on 127.0.0.1; the embedded broker runs in its own JVM. Then wrk
# (2 threads, 50 connections), the bare Jetty loop (bench/JettyLoop.java) with Jetty's defaults and with
# loadstream's HTTP settings ("tuned"), and a constant-vus plan with 50 VUs and no think time run in alternation.
# Prints the req/s of each run, the ratios, and the CPU time per 1,000 requests of the JVM tools.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
rounds="${2:-2}"
work="$(mktemp -d /tmp/loadstream-bench.XXXXXX)"
http_port=18080
kafka_port=19092
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_nginx "$work"
}
trap cleanup EXIT
# shellcheck source=bench/nginx.sh
source "$(dirname "${BASH_SOURCE[0]}")/nginx.sh"

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install -y wrk nginx" >&2; exit 1; }
done

start_nginx "$work" "$http_port"

# The distribution (built by the launcher when missing or stale), then the broker.
"$root/loadstream" --version >/dev/null
"$root/loadstream" broker --port "$kafka_port" --dir "$work/broker" > "$work/broker.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  grep -q "listening on" "$work/broker.out" 2>/dev/null && break
  sleep 0.5
done
grep -q "listening on" "$work/broker.out" || { echo "the broker did not start:" >&2; cat "$work/broker.out" >&2; exit 1; }

cat > "$work/plan.yaml" <<PLAN
name: bench-constant-vus
target: http://127.0.0.1:$http_port
load: {executor: constant-vus, vus: 50, duration: ${seconds}s, graceful_stop: 5s}
scenarios:
  - name: index
    steps:
      - {method: GET, path: /index.html}
PLAN

version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -n 1)"
lib="$root/cli/target/loadstream-$version/lib"

# The broker is infrastructure that a real deployment keeps running: warm it (its JIT, its log files) with one
# unmeasured run before the rounds, so that round 1 does not also pay for a cold broker on the same cores. Each
# measured loadstream run still starts its own JVM cold. BROKER_WARMUP=0 skips it.
warmup="${BROKER_WARMUP:-10}"
if [[ "$warmup" -gt 0 ]]; then
  sed "s/duration: ${seconds}s/duration: ${warmup}s/" "$work/plan.yaml" > "$work/warmup.yaml"
  "$root/loadstream" generate "$work/warmup.yaml" --bootstrap "127.0.0.1:$kafka_port" --run-id "warmup-$$" \
    > "$work/warmup.out" 2>&1 || true
  echo "broker warm-up (not counted): $(grep '^Done:' "$work/warmup.out" | sed 's/^Done: \([0-9]*\) requests.*/\1 requests/')" \
    "in a ${warmup} s loadstream run"
fi

echo "wrk vs a bare Jetty loop vs loadstream: 50 connections / 50 VUs, ${seconds} s each, ${rounds} rounds,"
echo "nginx 1 worker, $(nproc) cores (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-6s %-12s %12s %14s\n' round tool req/s "cpu ms/1k req"
wrk_total=0; ls_total=0; jetty_total=0; tuned_total=0; jetty_half=0; tuned_half=0; ls_half=0
add() { awk -v a="$1" -v b="$2" 'BEGIN {print a + (b == "" || b == "n/a" ? 0 : b)}'; }
# The bare Jetty loop, with Jetty's defaults ("") or with loadstream's HTTP settings ("tuned"); prints req/s and CPU.
# Prints: req/s, CPU us/request over the whole run, then the same over its second half.
jetty_loop() {
  local out line half
  out="$(java -cp "$lib/*" "$root/bench/JettyLoop.java" "http://127.0.0.1:$http_port/index.html" 50 "$seconds" $1 \
      2>/dev/null)"
  line="$(grep '^Done:' <<<"$out")"
  half="$(grep '^Second half:' <<<"$out")"
  echo "$(sed -n 's/.*(\([0-9]*\) req\/s.*/\1/p' <<<"$line")" \
       "$(sed -n 's/.*, \([0-9.]*\) us CPU each.*/\1/p' <<<"$line")" \
       "$(sed -n 's/^Second half: \([0-9]*\) req\/s, \([0-9.]*\) us.*/\1 \2/p' <<<"$half")"
}
# The generator's JVM CPU (clock ticks) and events published when the progress line "$2" appears in "$1".
sample_at() {
  local out="$1" mark="$2" pid="$3"
  while kill -0 "$pid" 2>/dev/null && ! grep -q "$mark" "$out"; do sleep 0.05; done
  kill -0 "$pid" 2>/dev/null || return 0
  echo "$(awk '{print $14 + $15}' "/proc/$pid/stat") $(grep "$mark" "$out" | sed 's/.*published \([0-9]*\).*/\1/')" \
       "$(date +%s.%N)"
}
for round in $(seq 1 "$rounds"); do
  wrk_rps="$(wrk -t2 -c50 -d"${seconds}s" "http://127.0.0.1:$http_port/index.html" | awk '/Requests\/sec/ {print $2}')"
  printf '%-6s %-12s %12.0f %14s\n' "$round" wrk "$wrk_rps" "-"
  read -r jetty_rps jetty_cpu jetty_half_rps jetty_half_cpu <<<"$(jetty_loop "")"
  printf '%-6s %-12s %12.0f %14s   (second half: %s req/s, %s us CPU each)\n' "$round" jetty-loop "$jetty_rps" \
    "$jetty_cpu" "$jetty_half_rps" "$jetty_half_cpu"
  jetty_total="$(awk -v a="$jetty_total" -v b="$jetty_rps" 'BEGIN {print a + b}')"
  read -r tuned_rps tuned_cpu tuned_half_rps tuned_half_cpu <<<"$(jetty_loop tuned)"
  printf '%-6s %-12s %12.0f %14s   (second half: %s req/s, %s us CPU each)\n' "$round" jetty-tuned "$tuned_rps" \
    "$tuned_cpu" "$tuned_half_rps" "$tuned_half_cpu"
  tuned_total="$(awk -v a="$tuned_total" -v b="$tuned_rps" 'BEGIN {print a + b}')"
  jetty_half="$(add "$jetty_half" "$jetty_half_rps")"
  tuned_half="$(add "$tuned_half" "$tuned_half_rps")"
  out="$work/generate-$round.out"
  LOADSTREAM_JAVA_OPTS="${LOADSTREAM_JAVA_OPTS:-} ${BENCH_GENERATE_OPTS:-}" \
    "$root/loadstream" generate "$work/plan.yaml" \
      --bootstrap "127.0.0.1:$kafka_port" --run-id "bench-$round-$$" > "$out" 2>&1 &
  gen_pid=$!
  # The second half, as for the Jetty loop: from the progress line at half time to the one 2 s before the end
  # (events published, i.e. acknowledged by the broker, count the requests; /proc gives the JVM's CPU).
  half_mark=" $(( (seconds / 2 + 1) / 2 * 2 ))s/${seconds}s "
  late_mark=" $(( seconds - 2 ))s/${seconds}s "
  from="$(sample_at "$out" "$half_mark" "$gen_pid")"
  to="$(sample_at "$out" "$late_mark" "$gen_pid")"
  wait "$gen_pid"
  half="$(awk -v a="$from" -v b="$to" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(a, x, " "); split(b, y, " "); r = y[2] - x[2];
    if (r > 0) printf "%.0f req/s, %.1f us CPU each", r / (y[3] - x[3]), (y[1] - x[1]) * 1e6 / hz / r
    else print "n/a" }')"
  ls_half="$(add "$ls_half" "$(sed -n 's/^\([0-9]*\) req\/s.*/\1/p' <<<"$half")")"
  line="$(grep '^Done:' "$out")"
  ls_rps="$(sed -n 's/.*(\([0-9]*\) req\/s.*/\1/p' <<<"$line")"
  requests="$(sed -n 's/^Done: \([0-9]*\) requests.*/\1/p' <<<"$line")"
  # CPU while the load ran, as the generator measured it (start-up excluded): microseconds per request.
  cpu_us="$(sed -n 's/.*, \([0-9.]*\) us CPU each.*/\1/p' <<<"$line")"
  cpu_ms_per_k="$(awk -v u="$cpu_us" 'BEGIN {printf "%.1f", u}')"
  printf '%-6s %-12s %12.0f %14s   (second half: %s)\n' "$round" loadstream "$ls_rps" "$cpu_ms_per_k" "$half"
  printf '%-6s %-12s %s\n' "" "" "$line"
  wrk_total="$(awk -v a="$wrk_total" -v b="$wrk_rps" 'BEGIN {print a + b}')"
  ls_total="$(awk -v a="$ls_total" -v b="$ls_rps" 'BEGIN {print a + b}')"
done
awk -v w="$wrk_total" -v l="$ls_total" -v j="$jetty_total" -v t="$tuned_total" -v n="$rounds" \
  'BEGIN {printf "mean: wrk %.0f req/s, jetty-loop %.0f req/s, jetty-tuned %.0f req/s, loadstream %.0f req/s\n",
                 w/n, j/n, t/n, l/n;
          printf "ratio loadstream/wrk %.2f, jetty-loop/wrk %.2f, jetty-tuned/wrk %.2f\n", l/w, j/w, t/w;
          printf "ratio loadstream/jetty-loop %.2f, loadstream/jetty-tuned %.2f\n", l/j, l/t}'
awk -v w="$wrk_total" -v l="$ls_half" -v j="$jetty_half" -v t="$tuned_half" -v n="$rounds" \
  'BEGIN {printf "second halves: jetty-loop %.0f req/s, jetty-tuned %.0f req/s, loadstream %.0f req/s\n",
                 j/n, t/n, l/n;
          printf "ratio of second halves: loadstream/wrk %.2f, jetty-loop/wrk %.2f, jetty-tuned/wrk %.2f\n",
                 l/w, j/w, t/w}'
echo "(cpu ms/1k req: CPU of the whole JVM while the load ran, HTTP, Kafka publishing, GC and JIT included,"
echo " start-up excluded. Second half: the same from half time on, after most of the JIT's warm-up; wrk has"
echo " none, so its figure is its whole run. Logs in $work)"
