#!/usr/bin/env bash
# loadstream generate (publishing every request to Kafka) against its peers, on the same machine in the same run.
#
#   bench/generator-vs-wrk.sh [SECONDS] [ROUNDS]        # default 20 s, 2 rounds
#   BENCH_TARGET=file bench/generator-vs-wrk.sh ...      # nginx serving a 13-byte file instead of `return 200`
#   BENCH_TOOLS="wrk-t1 loadstream" bench/...            # only these tools (default: all of them, see below)
#   BENCH_BASELINE_DIST=/path/to/loadstream-VERSION ...  # also run that (older) distribution as "loadstream-before"
#   BROKER_WARMUP=0 bench/generator-vs-wrk.sh ...        # skip the broker's unmeasured 10 s warm-up run
#
# Tools, run in this order in every round (rounds alternate the tools, so that a noisy minute hits them all):
#   wrk-t1, wrk-t2     wrk with 1 and 2 threads, 50 connections
#   hey                hey (Go), 50 workers (Debian package hey)
#   jetty-loop         bench/JettyLoop.java, a bare Jetty HttpClient loop with Jetty's defaults
#   jetty-tuned        the same loop with loadstream's HTTP settings: the "bare client" peer of the publishing cost
#   loadstream         ./loadstream generate, a constant-vus plan with 50 VUs, every request published to Kafka
#   loadstream-before  the same with BENCH_BASELINE_DIST's distribution (only when that is set)
#   gatling            Gatling (Java DSL, from Maven Central, logging at WARN), 50 users looping for the duration
#
# Needs wrk, hey and nginx: installed with apt-get when missing and run as root on Debian/Ubuntu (BENCH_INSTALL=0 to
# forbid that); a peer that cannot be installed or run is printed as "not measured" with the reason, no ratio is
# computed from it, and the script then exits 1. Works on a fresh clone (the launcher builds the distribution with
# `package`; Gatling is resolved by Maven into ~/.m2, nothing of loadstream is installed there).
#
# nginx (1 worker) answers on 127.0.0.1 with `return 200` and 13 bytes from its configuration (BENCH_TARGET=file:
# a 13-byte static file); the embedded broker runs in its own JVM. Prints the req/s of each run, the CPU time per
# request (JVM tools: the JVM's, measured by the tool from the load's start, start-up excluded; wrk and hey: the
# process's user + system time), then one table with the means, ranges and ratios to wrk -t1 and to jetty-tuned.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
rounds="${2:-2}"
http_port=18080
return_port=18081
kafka_port=19092
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
# shellcheck source=bench/nginx.sh
source "$root/bench/nginx.sh"
bench_work bench

tools=(${BENCH_TOOLS:-wrk-t1 wrk-t2 hey jetty-tuned loadstream loadstream-before gatling})
if [[ -z "${BENCH_BASELINE_DIST:-}" ]]; then
  kept=(); for tool in "${tools[@]}"; do [[ "$tool" == loadstream-before ]] || kept+=("$tool"); done; tools=("${kept[@]}")
fi
has_tool() { local t; for t in "${tools[@]}"; do [[ "$t" == "$1" ]] && return 0; done; return 1; }

require_tools wrk nginx
# hey is a peer, not a requirement: without it the table says why it was not measured.
hey_missing=""
if has_tool hey && ! command -v hey >/dev/null 2>&1; then
  (require_tools hey) >/dev/null 2>"$work/hey-install.err" || hey_missing="hey is not installed and could not be \
installed (apt-get install -y hey; see $work/hey-install.err)"
fi
start_nginx "$work" "$http_port" "$return_port"
case "${BENCH_TARGET:-return200}" in
  return200) url="http://127.0.0.1:$return_port/"; target_port=$return_port; target_path=/
    target_text="nginx \`return 200\` (13 bytes from its configuration)" ;;
  file) url="http://127.0.0.1:$http_port/index.html"; target_port=$http_port; target_path=/index.html
    target_text="nginx serving a 13-byte file" ;;
  *) echo "BENCH_TARGET must be return200 or file, not ${BENCH_TARGET}" >&2; exit 1 ;;
esac

# The distribution (built by the launcher when missing or stale), then the broker.
build_distribution "$root"
start_broker "$root" "$kafka_port" "$work"

cat > "$work/plan.yaml" <<PLAN
name: bench-constant-vus
target: http://127.0.0.1:$target_port
load: {executor: constant-vus, vus: 50, duration: ${seconds}s, graceful_stop: 5s}
scenarios:
  - name: index
    steps:
      - {method: GET, path: $target_path}
PLAN

gatling_cp=""
gatling_why=""
if has_tool gatling; then
  # shellcheck source=bench/gatling.sh
  source "$root/bench/gatling.sh"
  prepare_gatling "$root" "$work" || true
fi

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
declare -A rps half_rps cpu half_cpu why extra

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

# Runs COMMAND... with its output in LOG; prints the CPU seconds (user + system) that it and its children used.
cpu_seconds_of() {
  local log="$1"; shift
  ( "$@" > "$log" 2>&1 || true; times ) | awk 'NR == 2 {
    split($1, u, "m"); split($2, s, "m"); sub("s", "", u[2]); sub("s", "", s[2]);
    printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}

# CPU microseconds per request from CPU SECONDS over REQUESTS, or nothing.
per_request_us() {
  awk -v c="$1" -v n="$2" 'BEGIN { if (c != "" && n > 0) printf "%.1f", c * 1e6 / n }'
}

run_wrk() {
  local tool="$1" round="$2" threads="$3" log="$work/$1-$2.out" seconds_cpu requests
  seconds_cpu="$(cpu_seconds_of "$log" wrk "-t$threads" -c50 -d"${seconds}s" "$url")"
  rps[$tool,$round]="$(awk '/Requests\/sec/ {print $2}' "$log")"
  requests="$(awk '/requests in/ {print $1}' "$log")"
  cpu[$tool,$round]="$(per_request_us "$seconds_cpu" "${requests:-0}")"
  [[ -n "${rps[$tool,$round]}" ]] || why[$tool,$round]="wrk printed no Requests/sec (its output: $log)"
  # wrk has no warm-up: its whole run is its steady state.
  half_rps[$tool,$round]="${rps[$tool,$round]}"
}

run_hey() {
  local round="$1" log="$work/hey-$1.out" seconds_cpu requests
  if [[ -n "$hey_missing" ]]; then why[hey,$round]="$hey_missing"; rps[hey,$round]=""; return; fi
  seconds_cpu="$(cpu_seconds_of "$log" hey -z "${seconds}s" -c 50 "$url")"
  rps[hey,$round]="$(awk '/Requests\/sec:/ {print $2}' "$log")"
  requests="$(awk '/^  \[[0-9]+\]/ {n += $2} END {print n + 0}' "$log")"
  cpu[hey,$round]="$(per_request_us "$seconds_cpu" "$requests")"
  errors="$(awk '/^Error distribution:/ {e = 1; next} e && /\[/ {n += substr($1, 2)} END {print n + 0}' "$log")"
  [[ "$errors" == 0 ]] || extra[hey,$round]="$errors errors"
  [[ -n "${rps[hey,$round]}" ]] || why[hey,$round]="hey printed no Requests/sec (its output: $log)"
}

# The bare Jetty loop, with Jetty's defaults ("") or with loadstream's HTTP settings ("tuned").
run_jetty() {
  local tool="$1" round="$2" mode="$3" log="$work/$1-$2.out"
  java -cp "$lib/*" "$root/bench/JettyLoop.java" "$url" 50 "$seconds" $mode > "$log" 2>&1 || true
  read_done "$tool" "$round" "$log"
}

run_gatling() {
  local round="$1" log="$work/gatling-$1.out"
  if [[ -z "$gatling_cp" ]]; then why[gatling,$round]="${gatling_why:-Gatling was not prepared}"; rps[gatling,$round]=""; return; fi
  gatling_command "$url" 50 "$seconds" "$work/gatling-results" > "$log" 2>&1 || true
  read_done gatling "$round" "$log"
  # Gatling's last summary: "> Global   |   total |   OK |   KO".
  local ko; ko="$(awk -F'|' '/^> Global/ {gsub(/ /, "", $4); k = $4} END {print k}' "$log")"
  [[ -z "$ko" || "$ko" == 0 ]] || extra[gatling,$round]="$ko failed"
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

# `loadstream generate` of DIST's lib directory (the launcher's build for "loadstream").
run_loadstream() {
  local tool="$1" round="$2" dist_lib="$3" out="$work/$1-$2.out" gen_pid from to half_target late_target
  # shellcheck disable=SC2086
  java ${LOADSTREAM_JAVA_OPTS:-} ${BENCH_GENERATE_OPTS:-} -cp "$dist_lib/*" io.loadstream.cli.LoadstreamCommand \
    generate "$work/plan.yaml" --bootstrap "127.0.0.1:$kafka_port" --run-id "bench-$tool-$round-$$" > "$out" 2>&1 &
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
  read_done "$tool" "$round" "$out"
  local done_line dropped
  done_line="$(grep '^Done:' "$out" | tail -n 1 || true)"
  dropped="$(sed -n 's/.*, \([0-9]*\) events dropped.*/\1/p' <<<"$done_line")"
  extra[$tool,$round]="events dropped ${dropped:-unknown}"
  half_rps[$tool,$round]=""; half_cpu[$tool,$round]=""
  if [[ "$late_target" -gt "$half_target" && -n "$from" && -n "$to" ]]; then
    read -r half_rps[$tool,$round] half_cpu[$tool,$round] <<<"$(awk \
      -v a="$from" -v b="$to" -v hz="$(getconf CLK_TCK)" 'BEGIN {
        split(a, x, " "); split(b, y, " "); r = y[2] - x[2];
        if (r > 0 && y[3] > x[3]) printf "%.0f %.1f\n", r / (y[3] - x[3]), (y[1] - x[1]) * 1e6 / hz / r
        else print "- -" }')"
    [[ "${half_rps[$tool,$round]}" != "-" ]] || half_rps[$tool,$round]=""
    [[ "${half_cpu[$tool,$round]}" != "-" ]] || half_cpu[$tool,$round]=""
  fi
}

run_tool() {
  local tool="$1" round="$2"
  case "$tool" in
    wrk-t1) run_wrk wrk-t1 "$round" 1 ;;
    wrk-t2) run_wrk wrk-t2 "$round" 2 ;;
    hey) run_hey "$round" ;;
    jetty-loop) run_jetty jetty-loop "$round" "" ;;
    jetty-tuned) run_jetty jetty-tuned "$round" tuned ;;
    loadstream) run_loadstream loadstream "$round" "$lib" ;;
    loadstream-before) run_loadstream loadstream-before "$round" "$BENCH_BASELINE_DIST/lib" ;;
    gatling) run_gatling "$round" ;;
    *) echo "unknown tool $tool (BENCH_TOOLS)" >&2; exit 1 ;;
  esac
}

# One row of the table: TOOL ROUND.
row() {
  local tool="$1" round="$2" note=""
  if [[ -z "${rps[$tool,$round]}" ]]; then
    note="   (${why[$tool,$round]:-not measured})"
  else
    [[ -z "${half_cpu[$tool,$round]:-}" ]] || note="   (second half: $(number "${half_rps[$tool,$round]}") req/s,\
 $(number "${half_cpu[$tool,$round]}" %.1f) us CPU each)"
    [[ -z "${extra[$tool,$round]:-}" ]] || note="$note   ${extra[$tool,$round]}"
  fi
  printf '%-6s %-18s %12s %14s%s\n' "$round" "$tool" "$(number "${rps[$tool,$round]}")" \
    "$(number "${cpu[$tool,$round]:-}" %.1f)" "$note"
}

# "mean min max n" of TABLE (rps or cpu) for TOOL over the rounds that measured it; "- - - 0" when none did.
stats_of() {
  local -n table="$1"
  local tool="$2" round values=()
  for round in $(seq 1 "$rounds"); do
    [[ -n "${table[$tool,$round]:-}" ]] && values+=("${table[$tool,$round]}")
  done
  awk -v n="${#values[@]}" -v list="${values[*]:-}" 'BEGIN {
    if (n == 0) { print "- - - 0"; exit } split(list, v, " "); s = 0; lo = v[1]; hi = v[1];
    for (i = 1; i <= n; i++) { s += v[i]; if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
    printf "%.1f %s %s %d\n", s / n, lo, hi, n }'
}

ratio() {
  local a="$1" b="$2"
  if [[ "$a" != - && "$b" != - && -n "$a" && -n "$b" ]] && awk -v b="$b" 'BEGIN {exit !(b > 0)}'; then
    awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}'
  else
    printf 'n/a'
  fi
}

echo "loadstream and its peers against $target_text: 50 connections / 50 VUs, ${seconds} s each, ${rounds} rounds,"
echo "nginx 1 worker, $(nproc) cores (load average at the start: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-6s %-18s %12s %14s\n' round tool req/s "CPU us/req"
for round in $(seq 1 "$rounds"); do
  for tool in "${tools[@]}"; do
    run_tool "$tool" "$round"
    row "$tool" "$round"
  done
done
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"

# The summary: means over the rounds that measured a figure, ranges, and ratios only between measured means.
read -r wrk_mean _ _ _ <<<"$(stats_of rps wrk-t1)"
read -r _ loop_cpu_lo loop_cpu_hi _ <<<"$(stats_of cpu jetty-tuned)"
read -r loop_cpu _ _ _ <<<"$(stats_of cpu jetty-tuned)"
echo
echo "| tool | req/s, mean (range) | x wrk -t1 | CPU us/req, mean (range) | CPU x jetty-tuned |"
echo "|---|---|---|---|---|"
for tool in "${tools[@]}"; do
  read -r m lo hi n <<<"$(stats_of rps "$tool")"
  read -r c clo chi cn <<<"$(stats_of cpu "$tool")"
  if [[ "$n" -eq 0 ]]; then
    reason="${why[$tool,1]:-no round measured it}"
    echo "| $tool | not measured: $reason | | | |"
    continue
  fi
  over=""; [[ "$n" -eq "$rounds" ]] || over=" ($n of $rounds rounds)"
  cpu_text="-"; [[ "$cn" -eq 0 ]] || cpu_text="$(number "$c" %.1f) ($(number "$clo" %.1f)-$(number "$chi" %.1f))"
  echo "| $tool | $(number "$m") ($(number "$lo")-$(number "$hi"))$over | $(ratio "$m" "$wrk_mean") | $cpu_text |" \
    "$( [[ "$cn" -eq 0 ]] && echo n/a || ratio "$c" "$loop_cpu") |"
done
echo
echo "(CPU us/req: JVM tools, the CPU of the whole JVM from the load's start to its end, HTTP, Kafka publishing, GC"
echo " and JIT included, start-up excluded; wrk and hey, the user + system time of the whole process. Whole runs,"
echo " warm-up included; the rows above give loadstream's and the loop's second halves too. Logs in $work)"
# A run that could not measure everything says so in its exit code too.
for key in "${!why[@]}"; do
  if [[ -n "${why[$key]}" ]]; then
    echo "Some figures were not measured (the reasons are above)." >&2
    exit 1
  fi
done
