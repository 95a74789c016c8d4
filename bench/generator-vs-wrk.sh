#!/usr/bin/env bash
# loadstream generate (publishing every request to Kafka) against wrk, on the same machine in the same run.
#
#   apt-get update && apt-get install -y wrk nginx      # once
#   bench/generator-vs-wrk.sh [SECONDS] [ROUNDS]        # default 20 s, 2 rounds
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
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
# BENCH_KEEP=1 leaves nginx and the broker running (and prints their ports) for profiling by hand.

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install -y wrk nginx" >&2; exit 1; }
done

# nginx: one worker, loopback only, no access log, a 13-byte static file.
mkdir -p "$work/html" "$work/nginx-tmp"
printf 'hello, bench\n' > "$work/html/index.html"
# nginx's workers run as another user: let them read the file.
chmod 755 "$work" "$work/html"
chmod 644 "$work/html/index.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$http_port;
    root $work/html;
  }
}
CONF
nginx -c "$work/nginx.conf"

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

echo "wrk vs a bare Jetty loop vs loadstream: 50 connections / 50 VUs, ${seconds} s each, ${rounds} rounds,"
echo "nginx 1 worker, $(nproc) cores (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-6s %-12s %12s %14s\n' round tool req/s "cpu ms/1k req"
wrk_total=0; ls_total=0; jetty_total=0; tuned_total=0
# The bare Jetty loop, with Jetty's defaults ("") or with loadstream's HTTP settings ("tuned"); prints req/s and CPU.
jetty_loop() {
  local line
  line="$(java -cp "$lib/*" "$root/bench/JettyLoop.java" "http://127.0.0.1:$http_port/index.html" 50 "$seconds" $1 \
      2>/dev/null | grep '^Done:')"
  echo "$(sed -n 's/.*(\([0-9]*\) req\/s.*/\1/p' <<<"$line") $(sed -n 's/.*, \([0-9.]*\) us CPU each.*/\1/p' <<<"$line")"
}
for round in $(seq 1 "$rounds"); do
  wrk_rps="$(wrk -t2 -c50 -d"${seconds}s" "http://127.0.0.1:$http_port/index.html" | awk '/Requests\/sec/ {print $2}')"
  printf '%-6s %-12s %12.0f %14s\n' "$round" wrk "$wrk_rps" "-"
  read -r jetty_rps jetty_cpu <<<"$(jetty_loop "")"
  printf '%-6s %-12s %12.0f %14s\n' "$round" jetty-loop "$jetty_rps" "$jetty_cpu"
  jetty_total="$(awk -v a="$jetty_total" -v b="$jetty_rps" 'BEGIN {print a + b}')"
  read -r tuned_rps tuned_cpu <<<"$(jetty_loop tuned)"
  printf '%-6s %-12s %12.0f %14s\n' "$round" jetty-tuned "$tuned_rps" "$tuned_cpu"
  tuned_total="$(awk -v a="$tuned_total" -v b="$tuned_rps" 'BEGIN {print a + b}')"
  LOADSTREAM_JAVA_OPTS="${LOADSTREAM_JAVA_OPTS:-} ${BENCH_GENERATE_OPTS:-}" \
    "$root/loadstream" generate "$work/plan.yaml" \
      --bootstrap "127.0.0.1:$kafka_port" --run-id "bench-$round-$$" > "$work/generate-$round.out" 2>&1
  line="$(grep '^Done:' "$work/generate-$round.out")"
  ls_rps="$(sed -n 's/.*(\([0-9]*\) req\/s.*/\1/p' <<<"$line")"
  requests="$(sed -n 's/^Done: \([0-9]*\) requests.*/\1/p' <<<"$line")"
  # CPU while the load ran, as the generator measured it (start-up excluded): microseconds per request.
  cpu_us="$(sed -n 's/.*, \([0-9.]*\) us CPU each.*/\1/p' <<<"$line")"
  cpu_ms_per_k="$(awk -v u="$cpu_us" 'BEGIN {printf "%.1f", u}')"
  printf '%-6s %-12s %12.0f %14s   (%s)\n' "$round" loadstream "$ls_rps" "$cpu_ms_per_k" "$line"
  wrk_total="$(awk -v a="$wrk_total" -v b="$wrk_rps" 'BEGIN {print a + b}')"
  ls_total="$(awk -v a="$ls_total" -v b="$ls_rps" 'BEGIN {print a + b}')"
done
awk -v w="$wrk_total" -v l="$ls_total" -v j="$jetty_total" -v t="$tuned_total" -v n="$rounds" \
  'BEGIN {printf "mean: wrk %.0f req/s, jetty-loop %.0f req/s, jetty-tuned %.0f req/s, loadstream %.0f req/s\n",
                 w/n, j/n, t/n, l/n;
          printf "ratio loadstream/wrk %.2f, jetty-loop/wrk %.2f, jetty-tuned/wrk %.2f\n", l/w, j/w, t/w;
          printf "ratio loadstream/jetty-loop %.2f, loadstream/jetty-tuned %.2f\n", l/j, l/t}'
echo "(cpu ms/1k req: CPU of the whole generator JVM while the load ran, HTTP, Kafka publishing, GC and JIT"
echo " included, start-up excluded; logs in $work)"
