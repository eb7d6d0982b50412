#!/usr/bin/env bash
# demo-frequency.sh — how often each demo shows the anomaly kinds it requires,
# over a range of seeds.
#
# A demo scenario states the exact anomaly kinds it shows on its own seed
# (runs on the embedded emulator replay from their seed). On another seed the
# exact set may differ, but the kinds the demo exists to show — its
# expect.anomalies — must show on every seed, or the demo relies on luck.
# This script runs the suite once per seed (`d1check run SUITE --seed N`),
# reads each scenario's anomaly_kinds from summary.json and prints, per
# scenario, on how many seeds each required kind showed and on how many the
# whole required set did. It exits 1 when some demo missed a required kind on
# some seed, so it can gate a change to the demos.
#
# Usage: scripts/demo-frequency.sh [FIRST_SEED [LAST_SEED [SUITE_OR_FILE...]]]
#   scripts/demo-frequency.sh                 # seeds 1..50, the demo suite
#   scripts/demo-frequency.sh 1 10 scenarios/demo/users-plain.yaml
# Needs go and jq. Takes about 10 s per seed for the demo suite on 2 cores.
set -euo pipefail

first=${1:-1}
last=${2:-50}
shift $(($# < 2 ? $# : 2))
suite=("${@:-demo}")

command -v jq >/dev/null || { echo "demo-frequency.sh: jq is needed to read summary.json" >&2; exit 254; }
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/d1check" ./cmd/d1check

# One line per (seed, scenario): "name<TAB>required kinds<TAB>kinds shown".
for seed in $(seq "$first" "$last"); do
	echo "seed $seed" >&2
	code=0
	"$work/d1check" run "${suite[@]}" --seed "$seed" --json --out "$work/run" >"$work/summary.json" || code=$?
	if [ "$code" -gt 2 ]; then
		echo "demo-frequency.sh: d1check run failed on seed $seed (exit $code)" >&2
		exit "$code"
	fi
	jq -r '.scenarios[] | [.name, (.expect.anomalies | sort | join(",")), (.anomaly_kinds | sort | join(","))] | @tsv' \
		"$work/summary.json" >>"$work/rows.tsv"
	rm -rf "$work/run"
done

seeds=$((last - first + 1))
awk -F'\t' -v seeds="$seeds" '
	{
		name = $1; req[name] = $2
		if (!(name in order)) { order[name] = ++n; names[n] = name }
		split($2, want, ","); split($3, got, ",")
		delete shown
		for (i in got) if (got[i] != "") shown[got[i]] = 1
		for (i in want) if (want[i] != "") wanted[want[i]] = 1
		for (g in shown) if (!(g in wanted)) {
			if (!((name, g) in other)) others[name] = others[name] (others[name] == "" ? "" : " ") g
			other[name, g]++
		}
		delete wanted
		all = 1
		for (i in want) {
			if (want[i] == "") continue
			if (want[i] in shown) hits[name, want[i]]++
			else all = 0
		}
		if (all) full[name]++
		if ($2 == $3) exact[name]++
	}
	END {
		printf "%-34s %-28s %-9s %-9s %s\n", "scenario", "required kinds", "all req.", "exactly", "per kind; other kinds seen"
		bad = 0
		for (j = 1; j <= n; j++) {
			name = names[j]
			per = ""
			k = split(req[name], want, ",")
			for (i = 1; i <= k; i++) per = per sprintf("%s%s %d/%d", (i > 1 ? ", " : ""), want[i], hits[name, want[i]], seeds)
			k = split(others[name], extra, " ")
			for (i = 1; i <= k; i++) per = per sprintf("; %s %d/%d", extra[i], other[name, extra[i]], seeds)
			printf "%-34s %-28s %-9s %-9s %s\n", name, req[name], (full[name] + 0) "/" seeds, (exact[name] + 0) "/" seeds, per
			if (full[name] + 0 < seeds) bad = 1
		}
		exit bad
	}' "$work/rows.tsv"
