#!/usr/bin/env bash
# shrink-demos.sh — shrink every built-in demo and pin each smallest run as a
# regression.
#
# For each scenarios/demo/*.yaml it runs `d1check shrink demo/NAME.yaml`,
# writes the testscript to testdata/script/min-NAME.txtar (where `go test
# ./cmd/d1check` runs it) and prints a table: how small each demo got, what
# it still shows, how many runs the search made and how long it took. Run it
# again after a change to the emulator, the workloads or the checker moves
# the pinned counts, and read the diff of testdata/script/min-*.txtar before
# committing it: every changed count is a changed behaviour.
#
# Usage: scripts/shrink-demos.sh [NAME...]    (default: every demo)
set -euo pipefail

cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/d1check" ./cmd/d1check

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in scenarios/demo/*.yaml; do names+=("$(basename "$f" .yaml)"); done
fi

printf '%-34s %-22s %-20s %-44s %6s %8s\n' scenario "from clients/ops/keys" "to clients/ops/keys" "smallest run shows" runs wall
for n in "${names[@]}"; do
	from=$(awk '/^clients:/ {c=$2} /^ops:/ {o=$2} /^keys:/ {gsub(/[{},]/, " "); for (i = 1; i <= NF; i++) if ($i == "count:") k=$(i+1)} END {print c "/" o "/" k}' "scenarios/demo/$n.yaml")
	start=$(date +%s.%N)
	if ! "$work/d1check" shrink "demo/$n.yaml" --out "$work/$n" --script "testdata/script/min-$n.txtar" >"$work/$n.out" 2>"$work/$n.err"; then
		echo "shrink-demos.sh: d1check shrink demo/$n.yaml failed:" >&2
		tail -5 "$work/$n.err" >&2
		exit 1
	fi
	wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
	# "smallest run: 2 clients, 2 ops, 1 keys: invalid, duplicate-create ×2 (2 anomalies)"
	to=$(sed -n 's/^smallest run: \([0-9]*\) clients, \([0-9]*\) ops, \([0-9]*\) keys: .*/\1\/\2\/\3/p' "$work/$n.out")
	shows=$(sed -n 's/^smallest run: [^:]*: invalid, \(.*\)$/\1/p' "$work/$n.out")
	runs=$(sed -n 's/^searched: \([0-9]*\) runs.*/\1/p' "$work/$n.out")
	if grep -q 'stopped early' "$work/$n.out"; then runs="$runs*"; fi
	printf '%-34s %-22s %-20s %-44s %6s %7.1fs\n' "$n" "$from" "$to" "$shows" "$runs" "$wall"
done
echo "(* the search stopped at its budget; smaller runs may exist)"
