#!/bin/sh
# crmscan on a pull / merge request: scan the base revision and the change, gate the change, and write
# the Markdown diff for the review comment. Used as is by github-actions.yml and gitlab-ci.yml (copy it
# to ci/crmscan-pr.sh in your repository); tests/test_ci_end_to_end.py runs it the same way.
#
#   sh ci/crmscan-pr.sh BASE_REF
#
# Environment (all optional):
#   CRMSCAN_SOURCES   what to scan, from the repository root (default: migrations; several are
#                     separated by spaces)
#   CRMSCAN_BASELINE  baseline of accepted findings (default: .crmscan/baseline.json; used if present)
#   CRMSCAN_FAIL_ON   findings at or above this level fail the build (default: high)
#   CRMSCAN_ARGS      more options for both scans, e.g. "--policy .crmscan/policies.yaml"
#   CRMSCAN_OUT       output folder (default: crmscan-report)
#   CRMSCAN           the crmscan command (default: crmscan)
#
# Writes $CRMSCAN_OUT/report.{json,sarif,junit.xml,md} for the change, $CRMSCAN_OUT/base/report.json for
# the base revision and $CRMSCAN_OUT/diff.md, and exits with crmscan's exit code for the change:
# 0 pass, 1 new findings at or above CRMSCAN_FAIL_ON, 2 configuration error (e.g. a migration that does
# not parse), 3 scan incomplete.
set -u

base_ref=${1:?usage: crmscan-pr.sh BASE_REF}
sources=${CRMSCAN_SOURCES:-migrations}
baseline=${CRMSCAN_BASELINE:-.crmscan/baseline.json}
fail_on=${CRMSCAN_FAIL_ON:-high}
extra=${CRMSCAN_ARGS:-}
out=${CRMSCAN_OUT:-crmscan-report}
crmscan=${CRMSCAN:-crmscan}

mkdir -p "$out"
out=$(cd "$out" && pwd)
scratch=$(mktemp -d)
base="$scratch/base"
cleanup() {
    git worktree remove --force "$base" >/dev/null 2>&1
    rm -rf "$scratch"
}
trap cleanup EXIT

# 1. The base revision, scanned from its own checkout so that source labels - and with them the
#    findings' fingerprints - are the same as in the change's scan.
base_ok=0
if git worktree add --detach "$base" "$base_ref" >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # sources and extra are lists on purpose
    (cd "$base" && $crmscan scan $sources $extra --format json --out "$out/base" --quiet) && base_ok=1
else
    echo "crmscan-pr: cannot check out $base_ref; no diff against the base" >&2
fi

# 2. The change, gated: only findings the baseline does not list can fail the build.
baseline_opt=""
if [ -f "$baseline" ]; then
    baseline_opt="--baseline $baseline"
fi
# shellcheck disable=SC2086
$crmscan scan $sources $extra $baseline_opt --fail-on "$fail_on" \
    --format json,sarif,junit,md --out "$out" --quiet
code=$?

# 3. The review comment: what changed against the base revision, then the verdict.
header='<!-- crmscan-diff -->\n### crmscan: privacy changes\n\n'
if [ "$code" = 2 ] || [ ! -f "$out/report.json" ]; then
    printf "${header}The change could not be scanned.\n" >"$out/diff.md"
elif [ "$base_ok" = 1 ]; then
    $crmscan diff "$out/base/report.json" "$out/report.json" --format md --out "$out/diff.md" || code=2
else
    printf "${header}The base revision could not be scanned, so there is no diff; see the job log.\n" >"$out/diff.md"
fi
case $code in
    0) verdict="**crmscan passed**: no new finding at or above \`$fail_on\`." ;;
    1) verdict="**crmscan failed**: new findings at or above \`$fail_on\` (listed in the job log and as code-scanning alerts). Fix them, or record a decision with \`crmscan baseline triage $baseline FINGERPRINT --reason ...\`." ;;
    2) verdict="**crmscan could not run**: a configuration or migration file is invalid; the job log names file and line." ;;
    *) verdict="**crmscan scan incomplete** (exit $code); see the job log." ;;
esac
printf '\n%s\n' "$verdict" >>"$out/diff.md"
exit "$code"
