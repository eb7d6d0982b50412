#!/usr/bin/env bash
# test-app.sh: d1check gating a team's own Worker on real workerd.
#   1. installs Node 22, the pinned wrangler and workerd (scripts/install-node.sh)
#      and the example app's own dependencies (npm ci in examples/guide-app);
#   2. type-checks the example (tsc --noEmit);
#   3. runs scenarios/app/ through the real d1check command over several seeds:
#      every demo invalid with the anomalies it expects, every gate valid, and
#      the guide's literal withSession({constraint: …}) stopping with the
#      Worker's TypeError (exit 255);
#   4. runs the app tests of the Go packages (they skip without workerd).
# Environment: D1CHECK_APP_SEEDS (default "1 2 3") picks the seeds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="/usr/local/go/bin:$PATH"
log() { echo "test-app: $*" >&2; }

scripts/install-node.sh
export PATH="$ROOT/.tools/bin:$PATH"
for app in examples/guide-app examples/cookie-app; do
	[ -f "$app/package.json" ] || continue # cookie-app has none: the repo's wrangler bundles it
	if [ ! -d "$app/node_modules" ]; then
		log "installing $app's dependencies (npm ci)"
		(cd "$app" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	fi
	if grep -q '"check"' "$app/package.json"; then
		(cd "$app" && npm run --silent check) || { log "$app does not type-check"; exit 1; }
		log "$app type-checks"
	fi
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# d1check's bundles and workerd configs go under $WORK, so that a workerd
# left running would show up below by its command line.
mkdir -p "$WORK/tmp"
export TMPDIR="$WORK/tmp"
go build -o "$WORK/d1check" ./cmd/d1check

# expect SUITE CODE SEED FILES…: runs FILES with --seed SEED, wants exit CODE
# and every scenario's verdict as its file expects.
expect() {
	local suite=$1 want=$2 seed=$3
	shift 3
	local rc=0 out="$WORK/$suite-$seed"
	"$WORK/d1check" run "$@" --seed "$seed" --out "$out" >"$out.log" 2>&1 || rc=$?
	grep -E '^app-|verdict:' "$out.log" | sed "s/^/test-app: seed $seed: /" >&2
	if [ "$rc" -ne "$want" ] || grep -q 'NOT as expected' "$out.log"; then
		log "$suite with seed $seed exited $rc (want $want); its output:"
		cat "$out.log" >&2
		exit 1
	fi
}

for seed in ${D1CHECK_APP_SEEDS:-1 2 3}; do
	expect demo 1 "$seed" scenarios/app/demo/*.yaml
	expect gate 0 "$seed" scenarios/app/gate/*.yaml
	if [ -d scenarios/app/other ]; then
		expect other 0 "$seed" scenarios/app/other/*.yaml
	fi
done

# The guide's literal constraint object: the real binding throws, every
# request is a 500, and d1check says so with the Worker's own error.
rc=0
"$WORK/d1check" run scenarios/app/throws/users-literal.yaml --out "$WORK/throws" >"$WORK/throws.log" 2>&1 || rc=$?
if [ "$rc" -ne 255 ] || ! grep -q 'TypeError' "$WORK/throws.log"; then
	log "the literal constraint scenario exited $rc (want 255 with the Worker's TypeError):"
	cat "$WORK/throws.log" >&2
	exit 1
fi
log "the guide's literal withSession({constraint: …}) stops the run: $(grep -m1 -o 'TypeError[^(]*' "$WORK/throws.log")"

# Nothing of ours may be left running.
if pgrep -f "$WORK" >/dev/null 2>&1; then
	log "processes of this test are still running:"; pgrep -af "$WORK" >&2
	exit 1
fi

go test -count=1 -race -run 'App|Workerd' ./targets/app/ ./harness/ ./workerd/
log "all app tests passed"
