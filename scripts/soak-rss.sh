#!/usr/bin/env bash
# soak-rss.sh — run `d1check soak` and sample its resident memory, to show a
# long soak runs at constant memory (issue 7). Prints every sample, then the
# RSS at the start, middle and end of the run.
#
#   scripts/soak-rss.sh [DURATION] [INTERVAL_SECONDS] [OUT_DIR] [-- extra soak args]
#   scripts/soak-rss.sh 30m 10 out/soak-30m
#
# The first sample is taken once the soak has run for one INTERVAL (after
# start-up), the last just before it ends. Exit status is the soak's.
set -euo pipefail

duration=${1:-30m}
interval=${2:-10}
out=${3:-out/soak-rss}
shift $(( $# < 3 ? $# : 3 ))
[[ ${1:-} == -- ]] && shift

cd "$(dirname "$0")/.."
bin=$(mktemp -d)/d1check
go build -o "$bin" ./cmd/d1check

mkdir -p "$out"
"$bin" soak --duration "$duration" --out "$out" "$@" >"$out/soak.stdout" 2>"$out/soak.stderr" &
pid=$!
trap 'kill -INT "$pid" 2>/dev/null || true' INT TERM

samples=()
while kill -0 "$pid" 2>/dev/null; do
	sleep "$interval"
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
	[[ -n $rss ]] || break
	samples+=("$rss")
	printf '%6ds  RSS %8d KiB\n' $(( ${#samples[@]} * interval )) "$rss"
done

status=0
wait "$pid" || status=$?
n=${#samples[@]}
if (( n == 0 )); then
	echo "no RSS sample: the soak ended within ${interval}s (exit $status); see $out/soak.stderr" >&2
	exit "$status"
fi
echo
echo "RSS start  ${samples[0]} KiB"
echo "RSS middle ${samples[$(( n / 2 ))]} KiB"
echo "RSS end    ${samples[$(( n - 1 ))]} KiB"
echo "soak exit $status; summary:"
grep -E '^(interrupted|[0-9]+ windows|verdict|history|report)' "$out/soak.stdout" || true
exit "$status"
