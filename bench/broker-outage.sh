#!/usr/bin/env bash
# A generator rides out a broker outage: the embedded broker is killed (SIGKILL) during the load and started again
# on the same port and data directory OUTAGE_S seconds of load later. Runs GeneratorBrokerOutageTest, the test of
# the ordinary suite (25 s at 250 requests/s), with a longer outage and a higher rate, and prints its figures:
# requests sent, on the topic, dropped; the outage's length, events buffered, journaled and lost; the request
# rate while the broker was down against the plan's.
#
#   bench/broker-outage.sh [OUTAGE_S] [RATE]      # default 180 s at 1000 requests/s
#
# Works on a fresh clone (Maven builds what the test needs; nothing is installed into ~/.m2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
outage_s="${1:-180}"
rate="${2:-1000}"
for value in "$outage_s" "$rate"; do
  [[ "$value" =~ ^[0-9]+$ && "$value" -ge 1 ]] || { sed -n '7p' "$0" >&2; exit 104; }
done
[[ "$outage_s" -le 1800 ]] || { echo "OUTAGE_S is at most 1800 (the run is bounded)" >&2; exit 104; }

cd "$root"
status=0
./mvnw -B -q -pl generator -am test -Dtest=GeneratorBrokerOutageTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dloadstream.outage.seconds="$outage_s" -Dloadstream.outage.rate="$rate" || status=$?
grep -h "figures:" generator/target/test.log | tail -n 1 | sed "s/.*figures: /broker outage: /"
exit "$status"
