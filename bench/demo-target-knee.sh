#!/usr/bin/env bash
# The demo target's capacity knee: it starts `loadstream demo-target` (default 20 workers, fixed seed) and
# replays the flows of examples/softfactory.yaml at several VU levels with bench/DemoTargetKnee.java (closed
# model, 1 s think time). Prints requests per second, error rate and latency percentiles per level.
#
#   bench/demo-target-knee.sh [SECONDS_PER_LEVEL=40] [LEVELS=10,50,100,150] [WORKERS=20]
# Figures and their context: docs/DEMO_TARGET.md, section "The worker pool and the knee".
# Works on a fresh clone (the launcher builds the distribution with `package`; nothing is installed into ~/.m2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-40}"
levels="${2:-10,50,100,150}"
workers="${3:-20}"
port=18088
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
bench_work knee

build_distribution "$root"
# The distribution directly: the launcher's staleness check would rebuild while the wait below runs.
java -cp "$lib/*" io.loadstream.cli.LoadstreamCommand demo-target --port "$port" --workers "$workers" --seed 1 \
  > "$work/demo.out" 2>&1 &
pids+=($!)
await_line "$work/demo.out" "listening on" 30 "The demo target" "$!"
echo "demo target: $workers workers; $seconds s per level; $(nproc) cores"
java -cp "$lib/*" "$root/bench/DemoTargetKnee.java" "http://127.0.0.1:$port" loadstream-demo "$seconds" "$levels"
