#!/usr/bin/env bash
# bench-check.sh — `d1check check` against porcupine alone on one
# linearizable history (issue 14): wall time, their ratio and peak RSS.
#
#   scripts/bench-check.sh [EVENTS] [KEYS] [FILE]
#   scripts/bench-check.sh 1000000 10000 /tmp/bench-1m.jsonl
#
# The history is generated once (checker/internal/benchgen) and reused
# while FILE exists. "Porcupine alone" (checker/internal/benchtool, never
# shipped) decodes every line with encoding/json into porcupine.Operation
# and makes one porcupine.CheckOperations call. Both run under
# /usr/bin/time -v, one after the other; on a shared machine the figures
# are noisy, so compare runs of one script invocation only.
set -euo pipefail

events=${1:-1000000}
keys=${2:-10000}
file=${3:-/tmp/d1check-bench-${events}-${keys}.jsonl}

cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/d1check" ./cmd/d1check
go build -o "$bin/benchtool" ./checker/internal/benchtool
if [[ ! -s $file ]]; then
	echo "generating $events events over $keys keys into $file"
	"$bin/benchtool" gen "$events" "$keys" "$file"
fi

# measure NAME CMD...: runs CMD under time -v, prints its figures and
# leaves the wall seconds in $wall and the peak RSS (KiB) in $rss.
measure() {
	local name=$1
	shift
	local log="$bin/$name.time"
	local status=0
	/usr/bin/time -v "$@" >"$bin/$name.out" 2>"$log" || status=$?
	if (( status != 0 )); then
		echo "$name failed (exit $status):" >&2
		cat "$bin/$name.out" "$log" >&2
		exit 1
	fi
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$log")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
	local user sys
	user=$(awk -F': ' '/User time/ {print $2}' "$log")
	sys=$(awk -F': ' '/System time/ {print $2}' "$log")
	printf '%-16s wall %6.2f s  user %6.2f s  sys %5.2f s  peak RSS %4d MB\n' "$name" "$wall" "$user" "$sys" $(( rss / 1024 ))
}

echo "file: $file ($(( $(stat -c %s "$file") / 1024 / 1024 )) MB), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
measure porcupine-alone "$bin/benchtool" porcupine "$file"
pwall=$wall
measure d1check-check "$bin/d1check" check "$file"
dwall=$wall drss=$rss
grep -q '^verdict: valid' "$bin/d1check-check.out" || { echo "d1check did not say valid:" >&2; cat "$bin/d1check-check.out" >&2; exit 1; }
awk -v d="$dwall" -v p="$pwall" -v r="$drss" 'BEGIN {
	printf "ratio d1check/porcupine: %.2fx (target <= 1.0x)\n", d / p
	printf "d1check peak RSS: %d MB (target <= 500 MB)\n", r / 1024
}'
