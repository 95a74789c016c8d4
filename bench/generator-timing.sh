#!/usr/bin/env bash
# The generator's timing, measured precisely with real processes on 127.0.0.1: the precise wall-clock checks that
# the ordinary tests leave out, because a loaded machine would fail them (docs/PERFORMANCE.md, "Generator timing").
#
#   bench/generator-timing.sh [RATE_SECONDS=12] [LATENCY_SECONDS=10] [RATE=1000]
#   bench/generator-timing.sh 6 6 200          # a quick check that the script works (not a measurement)
#
# 1. schedule: `loadstream generate` of a constant-arrival-rate plan at RATE/s for RATE_SECONDS s, then of a
#    ramping-arrival-rate plan (RATE/5 -> RATE over 6 s, RATE for 4 s), against /ok; per second of the load, the
#    sends read back from the requests topic vs the schedule, the worst deviation after the first 2 s, and how
#    late the sends were after their intended starts; and how far apart the generator's system samples were.
# 2. latency overhead: a bare Jetty loop (bench/GeneratorTiming.java "loop": 2 connections, loadstream's HTTP
#    settings), then `loadstream generate` with 2 VUs (constant-vus), LATENCY_SECONDS s each against /fixed?ms=20;
#    p50 and p99 of each after their first 2 s, and loadstream's minus the loop's.
# 3. abort reaction: a 120 s constant-arrival-rate plan at 200/s; once the load has run 4 s an ABORT of the run is
#    published on every control partition (as the reporter does, by a producer already connected); the requests
#    started after it, the last start and the generator's exit, relative to the moment just before it was sent.
#
# Before them, one unmeasured 5 s run at RATE/s warms the target and the broker.
# The target is bench/GeneratorTiming.java "server" (JDK HttpServer; /ok at once, /fixed?ms=N after N ms); the
# embedded broker runs in its own JVM; each `loadstream generate` is a fresh JVM. Works on a fresh clone (the
# launcher builds the distribution with `package`; nothing is installed into ~/.m2); needs no root. A figure that
# could not be measured is printed as "not measured: REASON", and the script then exits 1. Every generator run is
# bounded (180 s). Precise only on a quiet machine: it prints the load average before and after.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate_seconds="${1:-12}"
latency_seconds="${2:-10}"
rate="${3:-1000}"
skip=2
http_port=18083
kafka_port=19096
for value in "$rate_seconds" "$latency_seconds" "$rate"; do
  [[ "$value" =~ ^[0-9]+$ && "$value" -ge 1 ]] || { sed -n '4,5p' "$0" >&2; exit 104; }
done
[[ "$rate_seconds" -le 120 && "$latency_seconds" -le 120 ]] \
  || { echo "RATE_SECONDS and LATENCY_SECONDS are at most 120 (each run is bounded)" >&2; exit 104; }
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
bench_work timing

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
build_distribution "$root"
# GeneratorTiming is compiled once (source-file mode would compile it again at each of its seven starts, and delay
# the ABORT by that much).
javac -d "$work/classes" -cp "$lib/*" "$root/bench/GeneratorTiming.java"
# Commands, not functions: started in the background, $! is then the JVM (or its `timeout`), which the cleanup
# stops.
timing=(java -cp "$work/classes:$lib/*" GeneratorTiming)
# The distribution directly (not the launcher, whose staleness check could start a build meanwhile); every run is
# bounded: `timeout` stops a generator that is still running 3 minutes after its start (any plan here is planned
# for at most 120 s), and kills it 10 s later if it has not stopped.
# shellcheck disable=SC2206
generate=(timeout -k 10 180 java ${LOADSTREAM_JAVA_OPTS:-} -cp "$lib/*" io.loadstream.cli.LoadstreamCommand generate)

"${timing[@]}" server "$http_port" > "$work/server.out" 2>&1 &
pids+=($!)
await_line "$work/server.out" "listening on" 60 "The target" "$!"
start_broker "$root" "$kafka_port" "$work"
bootstrap="127.0.0.1:$kafka_port"
target="http://127.0.0.1:$http_port"
failed=0
# Says why a figure was not measured, and makes the script exit 1 at the end.
not_measured() { echo "not measured: $*"; failed=1; }

# Runs PLAN as run RUN_ID; the Done line goes to stdout, the whole output to $work/RUN_ID.out. Returns 1 (after
# saying why) when the generator printed no Done line.
run_plan() {
  local plan="$1" run_id="$2" status=0
  "${generate[@]}" "$plan" --bootstrap "$bootstrap" --run-id "$run_id" > "$work/$run_id.out" 2>&1 || status=$?
  if ! grep '^Done:' "$work/$run_id.out"; then
    not_measured "$run_id: the generator printed no Done line (exit code $status$([[ "$status" -ne 124 \
      && "$status" -ne 137 ]] || echo ", stopped after 180 s"); its output: $work/$run_id.out)"
    return 1
  fi
}

plan() {
  local name="$1" load="$2" path="$3"
  cat > "$work/$name.yaml" <<PLAN
name: $name
target: $target
load: $load
scenarios:
  - name: timing
    steps:
      - {method: GET, path: "$path"}
PLAN
  echo "$work/$name.yaml"
}

vus=$(( rate / 10 > 50 ? rate / 10 : 50 ))
open_vus="pre_allocated_vus: $vus, max_vus: $(( vus * 4 )), graceful_stop: 5s"
# The target and the broker are infrastructure that a real run finds warm: one unmeasured 5 s run at the rate
# first (cold, the JDK server reset connections and stalled the first seconds of the measured run). Each measured
# `loadstream generate` still starts its own JVM cold: that is what the first 2 s not counted are for.
echo "warm-up of the target and the broker (not counted):"
warm_up="{executor: constant-arrival-rate, rate: $rate, time_unit: 1s, duration: 5s, $open_vus}"
"${generate[@]}" "$(plan warm-up "$warm_up" /ok)" \
  --bootstrap "$bootstrap" --run-id "warm-up-$$" > "$work/warm-up.out" 2>&1 || true
grep '^Done:' "$work/warm-up.out" || echo "(no Done line: $work/warm-up.out)"
echo
echo "1. schedule precision: constant-arrival-rate $rate/s for $rate_seconds s (first $skip s not counted)"
constant="{executor: constant-arrival-rate, rate: $rate, time_unit: 1s, duration: ${rate_seconds}s, $open_vus}"
if run_plan "$(plan constant "$constant" /ok)" "constant-$$"; then
  "${timing[@]}" schedule "$bootstrap" "constant-$$" "$skip" "$rate" "$rate_seconds:$rate" || failed=1
  if samples_line="$("${timing[@]}" samples "$bootstrap" "constant-$$" 2> "$work/samples.err")"; then
    read -r samples shortest longest <<<"$samples_line"
    echo "system samples of the generator (one a second): $samples, $shortest to $longest ms apart"
  else
    not_measured "system sample interval: $(sed 's/^not measured: //' "$work/samples.err" | tail -n 1)"
  fi
fi
start_rate=$(( rate / 5 ))
echo
echo "   ramping-arrival-rate $start_rate/s -> $rate/s over 6 s, then $rate/s for 4 s (first $skip s not counted)"
ramping="{executor: ramping-arrival-rate, start_rate: $start_rate, time_unit: 1s, $open_vus,
  stages: [{duration: 6s, target: $rate}, {duration: 4s, target: $rate}]}"
if run_plan "$(plan ramping "$ramping" /ok)" "ramping-$$"; then
  "${timing[@]}" schedule "$bootstrap" "ramping-$$" "$skip" "$start_rate" "6:$rate" "4:$rate" || failed=1
fi

echo
echo "2. latency overhead: 2 connections / 2 VUs against /fixed?ms=20 for $latency_seconds s each (first $skip s" \
  "not counted)"
loop_line="$("${timing[@]}" loop "$target/fixed?ms=20" 2 "$latency_seconds" "$skip" 2> "$work/loop.err")" \
  || loop_line=""
ls_line=""
if run_plan "$(plan latency "{executor: constant-vus, vus: 2, duration: ${latency_seconds}s}" "/fixed?ms=20")" \
    "latency-$$"; then
  ls_line="$("${timing[@]}" latency "$bootstrap" "latency-$$" "$skip" 2> "$work/latency.err")" || ls_line=""
fi
read -r loop_n loop_p50 loop_p99 <<<"${loop_line:-- - -}"
read -r ls_n ls_p50 ls_p99 <<<"${ls_line:-- - -}"
if [[ -n "$loop_line" ]]; then
  echo "bare Jetty loop: p50 $(number "$loop_p50" %.2f) ms, p99 $(number "$loop_p99" %.2f) ms ($loop_n exchanges)"
else
  not_measured "bare Jetty loop: $(sed 's/^not measured: //' "$work/loop.err" | tail -n 1)"
fi
if [[ -n "$ls_line" ]]; then
  echo "loadstream:      p50 $(number "$ls_p50" %.2f) ms, p99 $(number "$ls_p99" %.2f) ms ($ls_n requests)"
elif [[ -s "$work/latency.err" ]]; then
  not_measured "loadstream: $(sed 's/^not measured: //' "$work/latency.err" | tail -n 1)"
fi
if [[ -n "$loop_line" && -n "$ls_line" ]]; then
  echo "loadstream - bare loop: p50 $(awk -v a="$ls_p50" -v b="$loop_p50" 'BEGIN {printf "%+.2f", a - b}') ms," \
    "p99 $(awk -v a="$ls_p99" -v b="$loop_p99" 'BEGIN {printf "%+.2f", a - b}') ms"
else
  echo "loadstream - bare loop: not measured: one side is not measured (above)"
fi

echo
echo "3. abort reaction: constant-arrival-rate 200/s planned for 120 s, ABORT published once the load has run 4 s"
run_id="abort-$$"
abort="{executor: constant-arrival-rate, rate: 200, time_unit: 1s, duration: 120s, pre_allocated_vus: 20, max_vus: 100}"
"${generate[@]}" "$(plan abort "$abort" /ok)" \
  --bootstrap "$bootstrap" --run-id "$run_id" > "$work/$run_id.out" 2>&1 &
gen_pid=$!
pids+=("$gen_pid")
# The progress lines ("  4s/120s  vus ...") say how far the load is.
abort_line=""
for ((i = 0; i < 120; i++)); do
  kill -0 "$gen_pid" 2>/dev/null || break
  if grep -qE '^ *([4-9]|[1-9][0-9]+)s/120s' "$work/$run_id.out" 2>/dev/null; then
    abort_line="$("${timing[@]}" abort "$bootstrap" "$run_id" 2> "$work/abort.err")" || abort_line=""
    break
  fi
  sleep 0.2
done
status=0
if [[ -z "$abort_line" ]]; then
  kill "$gen_pid" 2>/dev/null || true
  wait "$gen_pid" 2>/dev/null || true
  not_measured "abort reaction: no ABORT was published (the generator's progress never reached 4 s," \
    "or publishing failed: $work/$run_id.out, $work/abort.err)"
else
  read -r sent_us acked_us <<<"$abort_line"
  # Bounded: the run must end within 60 s of the ABORT (it would otherwise run to 120 s).
  for ((i = 0; i < 600; i++)); do kill -0 "$gen_pid" 2>/dev/null || break; sleep 0.1; done
  ended_us=$(( $(date +%s%N) / 1000 ))
  if kill -0 "$gen_pid" 2>/dev/null; then
    kill "$gen_pid" 2>/dev/null || true
    wait "$gen_pid" 2>/dev/null || true
    not_measured "abort reaction: the generator still ran 60 s after the ABORT (its output: $work/$run_id.out)"
  else
    wait "$gen_pid" || status=$?
    grep '^Done:' "$work/$run_id.out" || true
    if after_line="$("${timing[@]}" after "$bootstrap" "$run_id" "$sent_us" 2> "$work/after.err")"; then
      read -r total later last_ms into_ms <<<"$after_line"
      echo "ABORT sent $(number "$into_ms" %.0f) ms into the load (after the first intended start)"
      echo "ABORT acknowledged by the broker $(awk -v a="$acked_us" -v s="$sent_us" \
        'BEGIN {printf "%.1f", (a - s) / 1000}') ms after it was sent (generator exit code $status)"
      echo "requests started after the ABORT was sent: $later of $total; the last one started" \
        "$(number "$last_ms" %+.1f) ms after it was sent, $(awk -v l="$last_ms" -v a="$acked_us" -v s="$sent_us" \
        'BEGIN {printf "%+.1f", l - (a - s) / 1000}') ms after the broker acknowledged it"
      echo "generator exited $(awk -v a="$ended_us" -v s="$sent_us" 'BEGIN {printf "%.0f", (a - s) / 1000}') ms" \
        "after the ABORT was sent (at most 100 ms late: polled every 100 ms)"
    else
      not_measured "abort reaction: $(sed 's/^not measured: //' "$work/after.err" | tail -n 1)"
    fi
  fi
fi

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (logs in $work)"
if [[ "$failed" -ne 0 ]]; then
  echo "Some figures were not measured (the reasons are above)." >&2
  exit 1
fi
