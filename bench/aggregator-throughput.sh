#!/usr/bin/env bash
# Aggregator throughput vs a plain consumer loop on the same pre-filled topic, embedded broker, one run.
# Usage: bench/aggregator-throughput.sh [EVENTS=5000000] [PARTITIONS=6]
# BENCH_JAVA_OPTS adds JVM options to the bench JVM, e.g. a JFR recording:
#   BENCH_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/agg.jfr,settings=profile bench/aggregator-throughput.sh 1000000
# Figures and their context: docs/PERFORMANCE.md, section "Aggregator".
#
# Works on a fresh clone: nothing is installed into ~/.m2. The bench class is in the aggregator's test sources.
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-5000000}"
partitions="${2:-6}"

# One reactor build compiles the aggregator's tests and the modules they need, and writes the aggregator's test
# class path. Inside the reactor (-am) our own modules resolve to their target/classes and target/test-classes
# directories, so nothing comes from a local repository that only an earlier `install` would have filled.
# Checkstyle is for the verify build; the bench does not need it.
cp_file=target/bench-classpath.txt
./mvnw -B -q -pl aggregator -am test-compile dependency:build-classpath -Dcheckstyle.skip \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
[[ -s "aggregator/$cp_file" ]] || { echo "the build wrote no class path (aggregator/$cp_file)" >&2; exit 1; }
cp="aggregator/target/test-classes:aggregator/target/classes:$(cat "aggregator/$cp_file")"
# The schemas test-jar brings a second logback-test.xml: name the aggregator's, or Logback warns about both.
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several options
exec java -Xms1g -Xmx2g ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=aggregator/target/test-classes/logback-test.xml -cp "$cp" \
  io.loadstream.aggregator.bench.AggregatorThroughputBenchForTest \
  "$events" "$partitions"
