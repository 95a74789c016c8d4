#!/usr/bin/env bash
# loadstream generate (publishing every request to Kafka) against wrk, on the same machine in the same run.
#
#   bench/generator-vs-wrk.sh [SECONDS] [ROUNDS]        # default 20 s, 2 rounds
#   BROKER_WARMUP=0 bench/generator-vs-wrk.sh ...        # skip the broker's unmeasured 10 s warm-up run
#
# Needs wrk and nginx: installed with apt-get when missing and run as root on Debian/Ubuntu (BENCH_INSTALL=0 to
# forbid that), else the script says what to install and exits 1. Works on a fresh clone (the launcher builds the
# distribution with `package`; nothing is installed into ~/.m2).
#
# nginx (1 worker) serves a small static file on 127.0.0.1; the embedded broker runs in its own JVM. Then wrk
# (2 threads, 50 connections), the bare Jetty loop (bench/JettyLoop.java) with Jetty's defaults and with
# loadstream's HTTP settings ("tuned"), and a constant-vus plan with 50 VUs and no think time run in alternation.
# Prints the req/s of each run, the ratios, and the CPU time per 1,000 requests of the JVM tools. A figure that
# could not be measured is printed as "not measured" with the reason, no ratio is computed from it, and the
# script then exits 1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
rounds="${2:-2}"
http_port=18080
kafka_port=19092
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
# shellcheck source=bench/nginx.sh
source "$root/bench/nginx.sh"
bench_work bench

require_tools wrk nginx
start_nginx "$work" "$http_port"

# The distribution (built by the launcher when missing or stale), then the broker.
build_distribution "$root"
start_broker "$root" "$kafka_port" "$work"

cat > "$work/plan.yaml" <<PLAN
name: bench-constant-vus
target: http://127.0.0.1:$http_port
load: {executor: constant-vus, vus: 50, duration: ${seconds}s, graceful_stop: 5s}
scenarios:
  - name: index
    steps:
      - {method: GET, path: /index.html}
PLAN

# The broker is infrastructure that a real deployment keeps running: warm it (its JIT, its log files) with one
# unmeasured run before the rounds, so that round 1 does not also pay for a cold broker on the same cores. Each
# measured loadstream run still starts its own JVM cold. BROKER_WARMUP=0 skips it.
warmup="${BROKER_WARMUP:-10}"
if [[ "$warmup" -gt 0 ]]; then
  sed "s/duration: ${seconds}s/duration: ${warmup}s/" "$work/plan.yaml" > "$work/warmup.yaml"
  "$root/loadstream" generate "$work/warmup.yaml" --bootstrap "127.0.0.1:$kafka_port" --run-id "warmup-$$" \
    > "$work/warmup.out" 2>&1 || true
  warmup_requests="$(sed -n 's/^Done: \([0-9]*\) requests.*/\1 requests/p' "$work/warmup.out")"
  echo "broker warm-up (not counted): ${warmup_requests:-no Done line, see $work/warmup.out} in a ${warmup} s" \
    "loadstream run"
fi

# Every figure of a round is kept as measured or empty; `why` keeps the reason for each empty one.
declare -A rps half_rps cpu half_cpu why
tools=(wrk jetty-loop jetty-tuned loadstream)

# Records TOOL ROUND's figures from a "Done: ... (N req/s, X us CPU each)" line and a "Second half: N req/s, X us
# CPU each" line of LOG (as JettyLoop.java and `loadstream generate` print them), or the reason they are missing.
read_done() {
  local tool="$1" round="$2" log="$3" line half
  line="$(grep '^Done:' "$log" | tail -n 1 || true)"
  half="$(grep '^Second half:' "$log" | tail -n 1 || true)"
  rps[$tool,$round]="$(sed -n 's/.*(\([0-9.]*\) req\/s.*/\1/p' <<<"$line")"
  cpu[$tool,$round]="$(sed -n 's/.*, \([0-9.]*\) us CPU each.*/\1/p' <<<"$line")"
  half_rps[$tool,$round]="$(sed -n 's/^Second half: \([0-9.]*\) req\/s.*/\1/p' <<<"$half")"
  half_cpu[$tool,$round]="$(sed -n 's/^Second half: .*, \([0-9.]*\) us CPU each.*/\1/p' <<<"$half")"
  [[ -n "$line" ]] || why[$tool,$round]="$tool printed no Done line (its output: $log)"
}

# Prints "CPU-ticks events-published epoch-seconds elapsed-s" of generator PID as soon as the first progress line
# at or after TARGET s of the load appears in OUT ("  10s/20s  vus 50 ... events published 1234 dropped 0"), or
# nothing when the generator ends before printing one.
sample_at() {
  local out="$1" target="$2" pid="$3" line elapsed ticks
  while kill -0 "$pid" 2>/dev/null; do
    line="$(grep -E '^ *[0-9]+s/[0-9]+s .*events published [0-9]+' "$out" | tail -n 1 || true)"
    elapsed="$(sed -n 's/^ *\([0-9]*\)s\/.*/\1/p' <<<"$line")"
    if [[ -n "$elapsed" && "$elapsed" -ge "$target" ]]; then
      ticks="$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null)" || return 0
      echo "$ticks $(sed -n 's/.*events published \([0-9]*\).*/\1/p' <<<"$line") $(date +%s.%N) $elapsed"
      return 0
    fi
    sleep 0.05
  done
}

run_wrk() {
  local round="$1" log="$work/wrk-$1.out"
  wrk -t2 -c50 -d"${seconds}s" "http://127.0.0.1:$http_port/index.html" > "$log" 2>&1 || true
  rps[wrk,$round]="$(awk '/Requests\/sec/ {print $2}' "$log")"
  [[ -n "${rps[wrk,$round]}" ]] || why[wrk,$round]="wrk printed no Requests/sec (its output: $log)"
  # wrk has no warm-up: its whole run is its steady state.
  half_rps[wrk,$round]="${rps[wrk,$round]}"
}

# The bare Jetty loop, with Jetty's defaults ("") or with loadstream's HTTP settings ("tuned").
run_jetty() {
  local tool="$1" round="$2" mode="$3" log="$work/$1-$2.out"
  java -cp "$lib/*" "$root/bench/JettyLoop.java" "http://127.0.0.1:$http_port/index.html" 50 "$seconds" $mode \
    > "$log" 2>&1 || true
  read_done "$tool" "$round" "$log"
}

run_loadstream() {
  local round="$1" out="$work/generate-$1.out" gen_pid from to half_target late_target
  LOADSTREAM_JAVA_OPTS="${LOADSTREAM_JAVA_OPTS:-} ${BENCH_GENERATE_OPTS:-}" \
    "$root/loadstream" generate "$work/plan.yaml" \
      --bootstrap "127.0.0.1:$kafka_port" --run-id "bench-$round-$$" > "$out" 2>&1 &
  gen_pid=$!
  # The second half, as for the Jetty loop: from the progress line at half time to the one 2 s before the end
  # (events published, i.e. acknowledged by the broker, count the requests; /proc gives the JVM's CPU).
  half_target=$(( (seconds / 2 + 1) / 2 * 2 ))
  late_target=$(( seconds - 2 ))
  from=""; to=""
  if [[ "$late_target" -gt "$half_target" ]]; then
    from="$(sample_at "$out" "$half_target" "$gen_pid")"
    to="$(sample_at "$out" "$late_target" "$gen_pid")"
  fi
  wait "$gen_pid" || true
  read_done loadstream "$round" "$out"
  half_rps[loadstream,$round]=""; half_cpu[loadstream,$round]=""
  if [[ "$late_target" -le "$half_target" ]]; then
    why[loadstream-half,$round]="a ${seconds} s run has no progress lines at half time and 2 s before the end"
  elif [[ -z "$from" || -z "$to" ]]; then
    why[loadstream-half,$round]="the generator printed no progress line at or after $([[ -z "$from" ]] \
      && echo "$half_target" || echo "$late_target") s (its output: $out)"
  else
    read -r half_rps[loadstream,$round] half_cpu[loadstream,$round] why[loadstream-half,$round] <<<"$(awk \
      -v a="$from" -v b="$to" -v hz="$(getconf CLK_TCK)" 'BEGIN {
        split(a, x, " "); split(b, y, " "); r = y[2] - x[2];
        if (r > 0 && y[3] > x[3]) printf "%.0f %.1f -\n", r / (y[3] - x[3]), (y[1] - x[1]) * 1e6 / hz / r
        else print "- - no_events_acknowledged_between_the_two_progress_lines" }')"
    [[ "${half_rps[loadstream,$round]}" != "-" ]] || half_rps[loadstream,$round]=""
    [[ "${half_cpu[loadstream,$round]}" != "-" ]] || half_cpu[loadstream,$round]=""
    why[loadstream-half,$round]="${why[loadstream-half,$round]//_/ }"
  fi
}

# One row of the table: TOOL ROUND.
row() {
  local tool="$1" round="$2" note=""
  if [[ -z "${rps[$tool,$round]}" ]]; then
    note="   (${why[$tool,$round]})"
  elif [[ "$tool" == jetty-* ]]; then
    note="   (second half: $(number "${half_rps[$tool,$round]}") req/s, $(number "${half_cpu[$tool,$round]}" %.1f) us CPU each)"
  elif [[ "$tool" == loadstream ]]; then
    if [[ -n "${half_rps[$tool,$round]}" ]]; then
      note="   (second half: $(number "${half_rps[$tool,$round]}") req/s, $(number "${half_cpu[$tool,$round]}" %.1f) us CPU each)"
    else
      note="   (second half: not measured: ${why[loadstream-half,$round]})"
    fi
  fi
  local cpu_text="-"
  [[ "$tool" == wrk ]] || cpu_text="$(number "${cpu[$tool,$round]}" %.1f)"
  printf '%-6s %-12s %12s %14s%s\n' "$round" "$tool" "$(number "${rps[$tool,$round]}")" "$cpu_text" "$note"
}

# The mean of TABLE (rps or half_rps) for TOOL over the rounds that measured it, then how many rounds those were;
# "- 0" when none did.
mean() {
  local -n table="$1"
  local tool="$2" round values=()
  for round in $(seq 1 "$rounds"); do
    [[ -n "${table[$tool,$round]:-}" ]] && values+=("${table[$tool,$round]}")
  done
  awk -v n="${#values[@]}" -v list="${values[*]:-}" 'BEGIN {
    if (n == 0) { print "- 0"; exit } split(list, v, " "); s = 0; for (i = 1; i <= n; i++) s += v[i];
    printf "%.1f %d\n", s / n, n }'
}

echo "wrk vs a bare Jetty loop vs loadstream: 50 connections / 50 VUs, ${seconds} s each, ${rounds} rounds,"
echo "nginx 1 worker, $(nproc) cores (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-6s %-12s %12s %14s\n' round tool req/s "cpu ms/1k req"
for round in $(seq 1 "$rounds"); do
  run_wrk "$round"; row wrk "$round"
  run_jetty jetty-loop "$round" ""; row jetty-loop "$round"
  run_jetty jetty-tuned "$round" tuned; row jetty-tuned "$round"
  run_loadstream "$round"; row loadstream "$round"
  done_line="$(grep '^Done:' "$work/generate-$round.out" | tail -n 1 || true)"
  [[ -z "$done_line" ]] || printf '%-6s %-12s %s\n' "" "" "$done_line"
done

# Means over the rounds that measured a figure, and ratios only between two measured means.
declare -A whole half
summary() {
  local -n means="$2"
  local tool m n
  for tool in "${tools[@]}"; do
    read -r m n <<<"$(mean "$1" "$tool")"
    if [[ "$n" -eq 0 ]]; then
      means[$tool]=""
      means[$tool,note]=" (no round measured it)"
    else
      means[$tool]="$m"
      [[ "$n" -eq "$rounds" ]] || means[$tool,note]=" (over $n of $rounds rounds)"
    fi
  done
}
ratio() {
  local a="$1" b="$2"
  if [[ -n "$a" && -n "$b" ]] && awk -v b="$b" 'BEGIN {exit !(b > 0)}'; then
    awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}'
  else
    printf 'n/a (not measured)'
  fi
}
summary rps whole
summary half_rps half
means_line() {
  local -n m="$1"
  local tool parts=()
  for tool in "${tools[@]}"; do
    [[ "$1" == half && "$tool" == wrk ]] && continue
    parts+=("$tool $(number "${m[$tool]}")$([[ -n "${m[$tool]}" ]] && echo " req/s")${m[$tool,note]:-}")
  done
  local IFS=,
  echo "${parts[*]}" | sed 's/,/, /g'
}
echo "mean: $(means_line whole)"
echo "ratio loadstream/wrk $(ratio "${whole[loadstream]}" "${whole[wrk]}"), jetty-loop/wrk" \
  "$(ratio "${whole[jetty-loop]}" "${whole[wrk]}"), jetty-tuned/wrk $(ratio "${whole[jetty-tuned]}" "${whole[wrk]}")"
echo "ratio loadstream/jetty-loop $(ratio "${whole[loadstream]}" "${whole[jetty-loop]}"), loadstream/jetty-tuned" \
  "$(ratio "${whole[loadstream]}" "${whole[jetty-tuned]}")"
echo "second halves: $(means_line half)"
echo "ratio of second halves: loadstream/wrk $(ratio "${half[loadstream]}" "${whole[wrk]}"), jetty-loop/wrk" \
  "$(ratio "${half[jetty-loop]}" "${whole[wrk]}"), jetty-tuned/wrk $(ratio "${half[jetty-tuned]}" "${whole[wrk]}")"
echo "(cpu ms/1k req: CPU of the whole JVM while the load ran, HTTP, Kafka publishing, GC and JIT included,"
echo " start-up excluded. Second half: the same from half time on, after most of the JIT's warm-up; wrk has"
echo " none, so its figure is its whole run. Logs in $work)"
# A run that could not measure everything says so in its exit code too.
for key in "${!why[@]}"; do
  if [[ "${why[$key]}" != "-" ]]; then
    echo "Some figures were not measured (the reasons are above)." >&2
    exit 1
  fi
done
