#!/usr/bin/env bash
# Where the CPU of a run's first requests goes: the tuned bare Jetty loop (bench/JettyLoop.java ... tuned) against
# `loadstream generate` (every request published to Kafka), by thread group, from the load's start until each tool
# had done N requests. Counting to a number of requests, not seconds, keeps the comparison fair when the machine is
# loaded and the tools' rates differ: both have done the same work at each column.
#
#   bench/warmup-cpu.sh [SECONDS] [ROUNDS] [COUNTS]      # default 30 s, 2 rounds, 20000,40000,80000,160000
#   BENCH_GENERATE_OPTS="-XX:+UseSerialGC" bench/...     # JVM options for the loadstream runs only (to try one)
#
# nginx (1 worker) answers `return 200` on 127.0.0.1 (bench/nginx.sh), 50 connections / 50 VUs, the embedded broker in
# its own JVM, warmed by one unmeasured 10 s loadstream run. While each tool runs, a shell loop reads the utime + stime
# of every thread of its JVM from /proc/PID/task/*/stat about every 0.5 s. After each round, bench/WarmupCpu.java
# prints the CPU seconds of each thread group at each count, for each tool, then loadstream minus the loop: JIT C1 and
# C2 (compiler threads), GC, the HTTP threads (Jetty's selector, which runs the request loop in both tools), the Kafka
# producer's network thread, each of loadstream's own threads, and the rest of the JVM. Start-up (before the load) is
# excluded, as in bench/generator-vs-wrk.sh. Needs nginx (installed with apt-get when missing and run as root;
# BENCH_INSTALL=0 forbids it) and Linux's /proc. Works on a fresh clone (the launcher builds the distribution with
# `package`).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-30}"
rounds="${2:-2}"
counts="${3:-20000,40000,80000,160000}"
http_port=18085
return_port=18086
kafka_port=19097
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
# shellcheck source=bench/nginx.sh
source "$root/bench/nginx.sh"
bench_work warmup

require_tools nginx
[[ -d /proc/self/task ]] || { echo "This bench reads /proc/PID/task (Linux)." >&2; exit 1; }
start_nginx "$work" "$http_port" "$return_port"
url="http://127.0.0.1:$return_port/"
build_distribution "$root"
start_broker "$root" "$kafka_port" "$work"

cat > "$work/plan.yaml" <<PLAN
name: bench-warmup
target: http://127.0.0.1:$return_port
load: {executor: constant-vus, vus: 50, duration: ${seconds}s, graceful_stop: 5s}
scenarios:
  - name: index
    steps:
      - {method: GET, path: /}
PLAN
sed "s/duration: ${seconds}s/duration: 10s/" "$work/plan.yaml" > "$work/warmup.yaml"
"$root/loadstream" generate "$work/warmup.yaml" --bootstrap "127.0.0.1:$kafka_port" --run-id "warmup-$$" \
  > "$work/warmup.out" 2>&1 || true

# Appends "EPOCH_S TID TICKS COMM" for every thread of PID to FILE about every 0.5 s, until PID ends.
sample_threads() {
  local pid="$1" file="$2" now
  while kill -0 "$pid" 2>/dev/null; do
    now="$(date +%s.%N)"
    cat /proc/"$pid"/task/*/stat 2>/dev/null | awk -v t="$now" '{
      lp = index($0, "("); rp = 0
      for (i = length($0); i > 0; i--) if (substr($0, i, 1) == ")") { rp = i; break }
      comm = substr($0, lp + 1, rp - lp - 1); n = split(substr($0, rp + 2), f, " ")
      print t, $1, f[12] + f[13], comm }' >> "$file" || true
    sleep 0.5
  done
}

# Prefixes every line of standard input with the epoch seconds at which it was read.
stamp() {
  local line
  while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done
}

# Runs TOOL (jetty-tuned or loadstream) in ROUND, sampling its threads; prints its Done line.
run_one() {
  local tool="$1" round="$2" out="$work/$1-$2.out" threads="$work/$1-$2.threads" pid
  : > "$threads"
  if [[ "$tool" == jetty-tuned ]]; then
    java -cp "$lib/*" "$root/bench/JettyLoop.java" "$url" 50 "$seconds" tuned progress > >(stamp > "$out") 2>&1 &
  else
    # shellcheck disable=SC2086
    java ${LOADSTREAM_JAVA_OPTS:-} ${BENCH_GENERATE_OPTS:-} -cp "$lib/*" io.loadstream.cli.LoadstreamCommand \
      generate "$work/plan.yaml" --bootstrap "127.0.0.1:$kafka_port" --run-id "warmup-$tool-$round-$$" \
      > >(stamp > "$out") 2>&1 &
  fi
  pid=$!
  sample_threads "$pid" "$threads"
  wait "$pid" || true
  sleep 1
  echo "round $round, $tool: $(sed -n 's/^[0-9.]* \(Done: .*\)/\1/p' "$out" | head -n 1)"
}

echo "CPU from the load's start to N requests done, by thread group: ${seconds} s runs, 50 connections / VUs, nginx"
echo "\`return 200\`, $(nproc) cores (load average at the start: $(cut -d' ' -f1-3 /proc/loadavg))"
for round in $(seq 1 "$rounds"); do
  run_one jetty-tuned "$round"
  run_one loadstream "$round"
  # The loop's table, loadstream's, then loadstream minus the loop.
  TICK_HZ="$(getconf CLK_TCK)" java "$root/bench/WarmupCpu.java" "$work/jetty-tuned-$round.threads" \
    "$work/jetty-tuned-$round.out" "$counts" "$work/loadstream-$round.threads" "$work/loadstream-$round.out"
done
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); logs in $work)"
