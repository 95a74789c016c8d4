#!/usr/bin/env bash
# A scheduled load test: runs one plan with `loadstream run`, keeps the reports in results/weekly-<date>/, points
# results/latest at them, and exits with loadstream's exit code (0 passed, 99 a threshold failed, 104 invalid
# plan or configuration, 1 anything else), so that cron mails or your monitoring sees a failure.
#
#   examples/weekly.sh PLAN [run options...]
#   examples/weekly.sh examples/softfactory.yaml --demo-target
#   API_TOKEN=... examples/weekly.sh loadtests/staging.yaml --webhook https://alerts.example.com/hook
#
# Every Monday at 03:00, from crontab -e (cron has a bare PATH: give it Java 17's):
#   0 3 * * 1  JAVA_HOME=/usr/lib/jvm/java-17 /srv/loadstream/examples/weekly.sh examples/softfactory.yaml --demo-target >> /srv/loadstream/results/weekly.log 2>&1
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
if [[ $# -lt 1 ]]; then
  echo "usage: $0 PLAN [loadstream run options...]" >&2
  exit 104
fi
plan="$1"
shift
run_id="weekly-$(date -u +%Y%m%d-%H%M)"
out="results/$run_id"

echo "$(date -u +%FT%TZ) $run_id: $plan"
./loadstream run "$plan" --run-id "$run_id" --out "$out" "$@"
code=$?
case "$code" in
  0)   verdict="passed" ;;
  99)  verdict="a threshold failed" ;;
  104) verdict="invalid plan or configuration; nothing was run" ;;
  *)   verdict="failed" ;;
esac
if [[ -d "$out" ]]; then
  ln -sfn "$run_id" results/latest
fi
echo "$(date -u +%FT%TZ) $run_id: exit $code, $verdict; reports in $out"
exit "$code"
