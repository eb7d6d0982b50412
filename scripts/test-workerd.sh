#!/usr/bin/env bash
# test-workerd.sh: d1check's workerd target, short, from a fresh clone.
#   1. installs Node 22, the pinned wrangler and workerd (scripts/install-node.sh);
#   2. checks that the embedded driver bundle is what worker/src/index.ts
#      gives (scripts/bundle-worker.sh --check);
#   3. runs the tests that need workerd, failing rather than skipping
#      (D1CHECK_REQUIRE_WORKERD): the binding protocol through the real
#      binding, fidelity of the d1 mirror, the stale read, bad input;
#   4. runs the gate suite and the demos through the real binding
#      (`d1check gate … --target workerd`) over D1CHECK_WORKERD_SEEDS
#      (default "1 2"), each scenario cut to D1CHECK_WORKERD_OPS ops
#      (default 400): every expectation must be met;
#   5. prints the benchmarks (session ops/s with 32 clients, added latency).
# Every workerd it starts is stopped by d1check itself, whatever happens.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="/usr/local/go/bin:$PATH"
log() { echo "test-workerd: $*" >&2; }

scripts/install-node.sh
scripts/bundle-worker.sh --check
export D1CHECK_WORKERD="$ROOT/.tools/bin/workerd" D1CHECK_REQUIRE_WORKERD=1
log "workerd $("$D1CHECK_WORKERD" --version)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# d1check writes each workerd config under $TMPDIR: a process left behind
# would name this directory on its command line.
mkdir -p "$WORK/tmp"

go test -count=1 ./workerd/ ./targets/workerd/ ./harness/ -run 'Workerd|Binding|Fidelity|Stale|Start|Stop|Find|Target' >"$WORK/test.log" 2>&1 || {
	cat "$WORK/test.log" >&2
	log "workerd tests failed"
	exit 1
}
grep -E '^(ok|FAIL|---)' "$WORK/test.log" >&2 || true

go build -o "$WORK/d1check" ./cmd/d1check
for seed in ${D1CHECK_WORKERD_SEEDS:-1 2}; do
	for suite in gate demo; do
		rc=0
		TMPDIR="$WORK/tmp" "$WORK/d1check" gate "$suite" --target workerd --seed "$seed" --ops "${D1CHECK_WORKERD_OPS:-400}" \
			--out "$WORK/out-$suite-$seed" >"$WORK/$suite-$seed.log" 2>&1 || rc=$?
		if [ "$rc" -ne 0 ]; then
			cat "$WORK/$suite-$seed.log" >&2
			log "$suite suite on workerd, seed $seed: exit $rc"
			exit 1
		fi
		log "$suite suite on workerd, seed $seed: $(tail -n 1 "$WORK/$suite-$seed.log")"
	done
done
if pgrep -f "$WORK/tmp/d1check-workerd-" >/dev/null; then
	log "a workerd process was left behind"
	exit 1
fi

go test -count=1 -run '^$' -bench . -benchtime "${D1CHECK_WORKERD_BENCHTIME:-2000x}" ./targets/workerd/ >"$WORK/bench.log" 2>&1 || {
	cat "$WORK/bench.log" >&2
	exit 1
}
grep '^Benchmark' "$WORK/bench.log" | sed 's/^/test-workerd: /' >&2
log "all workerd target tests passed"
