#!/usr/bin/env bash
# Aggregator throughput vs a plain consumer loop on the same pre-filled topic, embedded broker, one run.
# Usage: bench/aggregator-throughput.sh [EVENTS=5000000] [PARTITIONS=6]
# Figures and their context: docs/PERFORMANCE.md, section "Aggregator".
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl aggregator -am test-compile -DskipTests
CP_FILE=aggregator/target/bench-classpath.txt
./mvnw -B -q -pl aggregator dependency:build-classpath -Dmdep.outputFile="$PWD/$CP_FILE" -Dmdep.includeScope=test \
  -o 2>/dev/null || ./mvnw -B -q -pl aggregator -am dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$CP_FILE" -Dmdep.includeScope=test
CP="aggregator/target/test-classes:aggregator/target/classes:schemas/target/classes:broker/target/classes:testkit/target/classes:$(cat "$CP_FILE")"
exec java -Xms1g -Xmx2g -cp "$CP" io.loadstream.aggregator.bench.AggregatorThroughputBenchForTest "${1:-5000000}" "${2:-6}"
