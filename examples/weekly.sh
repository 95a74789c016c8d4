#!/usr/bin/env bash
# A scheduled load test: runs one plan with `loadstream run`, keeps the reports in results/weekly-<date>/, points
# results/latest at them, files the run into the trend archive (loadstream-archive/, or $ARCHIVE) and compares it
# with the runs before it (`loadstream trend`, reports in results/trend/). It exits with loadstream's exit code
# (0 passed, 99 a threshold failed or the trend found a regression, 104 invalid plan or configuration, 1 anything
# else), so that cron mails or your monitoring sees a failure. RELEASE=1.4 tags the run (release=1.4).
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
archive="${ARCHIVE:-loadstream-archive}"
tags=()
[[ -n "${RELEASE:-}" ]] && tags=(--tag "release=$RELEASE")
./loadstream run "$plan" --run-id "$run_id" --out "$out" --archive "$archive" "${tags[@]}" "$@"
code=$?
if [[ "$code" -eq 0 || "$code" -eq 99 ]]; then
  # Exit 1 from trend only says there is nothing to compare yet (the first run): not a failure of this job.
  ./loadstream trend --archive "$archive" --out results/trend
  trend_code=$?
  if [[ "$trend_code" -eq 99 ]]; then
    echo "$(date -u +%FT%TZ) $run_id: the trend found a regression; see results/trend/trend.html"
    code=99
  elif [[ "$trend_code" -ne 0 && "$trend_code" -ne 1 ]]; then
    code="$trend_code"
  fi
fi
case "$code" in
  0)   verdict="passed" ;;
  99)  verdict="a threshold failed or the trend regressed" ;;
  104) verdict="invalid plan or configuration; nothing was run" ;;
  *)   verdict="failed" ;;
esac
if [[ -d "$out" ]]; then
  ln -sfn "$run_id" results/latest
fi
echo "$(date -u +%FT%TZ) $run_id: exit $code, $verdict; reports in $out"
exit "$code"
