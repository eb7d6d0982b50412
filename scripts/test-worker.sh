#!/usr/bin/env bash
# test-worker.sh: d1check against the real Workers runtime.
#   1. installs Node 22 and the pinned wrangler (scripts/install-node.sh);
#   2. starts the driver Worker (worker/) with `wrangler dev --local` on
#      127.0.0.1, a free port, a fresh local D1 database and a random shared
#      secret — no login, no telemetry, nothing but loopback;
#   3. runs targets/worker's workerd tests (bookmark format and order, D1's
#      error strings, meta, the users and magic-codes workloads checked);
#   4. measures the users workload on workerd and on the embedded emulator
#      in the same run and prints the ratio;
#   5. stops the server it started, whatever happens.
# Environment: D1CHECK_WORKER_BENCHTIME (default 3x) sets the benchmark's length.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="/usr/local/go/bin:$PATH"

log() { echo "test-worker: $*" >&2; }

scripts/install-node.sh
export PATH="$ROOT/.tools/bin:$PATH"

WORK="$(mktemp -d)"
SERVER_PID=
stop() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		# wrangler runs workerd as a child: end the whole process group.
		kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap stop EXIT
trap 'exit 130' INT TERM

PORT="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
SECRET="$(node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))')"
URL="http://127.0.0.1:$PORT"

log "starting wrangler dev --local on $URL"
(
	cd worker
	export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false \
		XDG_CONFIG_HOME="$WORK/config" WRANGLER_LOG_PATH="$WORK/logs" CI=true
	# setsid: a process group of its own, so stop() ends workerd too.
	exec setsid node node_modules/wrangler/bin/wrangler.js dev --local \
		--ip 127.0.0.1 --port "$PORT" --persist-to "$WORK/state" \
		--var "D1CHECK_SECRET:$SECRET" --show-interactive-dev-session=false
) >"$WORK/wrangler.log" 2>&1 </dev/null &
SERVER_PID=$!

# Wait (bounded) until the driver answers GET /status with the secret.
ready=
for _ in $(seq 120); do
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then
		break
	fi
	if node -e 'fetch(process.argv[1] + "/status", {headers: {"x-d1check-secret": process.argv[2]}})
		.then(r => r.json()).then(b => process.exit(b.driver === "d1check" ? 0 : 1)).catch(() => process.exit(1))' "$URL" "$SECRET"; then
		ready=1
		break
	fi
	sleep 0.5
done
if [ -z "$ready" ]; then
	log "the driver Worker did not answer on $URL within 60s; the end of wrangler's log:"
	tail -n 40 "$WORK/wrangler.log" >&2
	exit 1
fi
log "driver ready: $(node -e 'fetch(process.argv[1] + "/status", {headers: {"x-d1check-secret": process.argv[2]}}).then(r => r.text()).then(console.log)' "$URL" "$SECRET")"

export D1CHECK_WORKER_URL="$URL" D1CHECK_WORKER_SECRET="$SECRET"
status=0
go test -count=1 -race -v -run 'Workerd' ./targets/worker/ >"$WORK/test.log" 2>&1 || status=$?
grep -E '^(=== RUN|--- |\s+workloads_workerd_test|ok|FAIL|PASS)|workerd_test.go' "$WORK/test.log" || true
if [ "$status" -ne 0 ]; then
	log "workerd tests failed; full output:"
	cat "$WORK/test.log" >&2
	log "the end of wrangler's log:"
	tail -n 40 "$WORK/wrangler.log" >&2
	exit "$status"
fi

log "throughput: users workload (200 ops, 10 clients, every variant) on the embedded emulator and on workerd"
go test -count=1 -run '^$' -bench 'BenchmarkUsers' -benchtime "${D1CHECK_WORKER_BENCHTIME:-3x}" ./targets/worker/ >"$WORK/bench.log" 2>&1 || {
	cat "$WORK/bench.log" >&2
	exit 1
}
grep '^Benchmark' "$WORK/bench.log"
awk '/^BenchmarkUsers\/target=emulator/ { for (i = 1; i < NF; i++) if ($(i+1) == "ops/s") e = $i }
     /^BenchmarkUsers\/target=workerd/  { for (i = 1; i < NF; i++) if ($(i+1) == "ops/s") w = $i }
     END { if (e && w) printf "test-worker: embedded emulator %.0f ops/s, workerd %.0f ops/s: the emulator is %.1fx faster\n", e, w, e / w;
           else { print "test-worker: benchmark output has no ops/s figures" > "/dev/stderr"; exit 1 } }' "$WORK/bench.log"
# The same scenario files the gate runs on the emulator, unchanged but for
# their target section, through the real d1check command on workerd.
# --ops keeps them short: workerd through wrangler dev serves tens of ops/s.
go build -o "$WORK/d1check" ./cmd/d1check
for f in scenarios/gate/users-atomic.yaml scenarios/gate/magic-codes-atomic.yaml scenarios/demo/users-first-primary.yaml; do
	name="$(basename "$f" .yaml)"
	awk '/^target:/ { skip = 1; next } skip && /^  / { next } { skip = 0; print }' "$f" >"$WORK/$name.yaml"
	printf 'target: {kind: worker, url: "%s"}\n' "$URL" >>"$WORK/$name.yaml"
	rc=0
	D1CHECK_SECRET="$SECRET" "$WORK/d1check" run "$WORK/$name.yaml" --ops 240 --out "$WORK/out-$name" >"$WORK/$name.log" 2>&1 || rc=$?
	grep -E '^(users|magic)|verdict:' "$WORK/$name.log" | sed "s/^/test-worker: $name on workerd: /" >&2
	case "$f:$rc" in
	scenarios/gate/*:0) ;;          # correct code must be valid on the real runtime
	scenarios/demo/*:0 | scenarios/demo/*:1) ;; # local D1 has no replicas: the race may or may not show
	*)
		log "$name on workerd exited $rc"
		cat "$WORK/$name.log" >&2
		exit 1
		;;
	esac
done

log "all workerd tests passed"
