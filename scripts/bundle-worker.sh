#!/usr/bin/env bash
# bundle-worker.sh: bundles the driver Worker (worker/src/index.ts) with the
# pinned wrangler (`wrangler deploy --dry-run --outdir`, no login, nothing
# sent anywhere) into targets/workerd/driver/index.js, which the d1check
# binary embeds for its workerd target. Run it after changing
# worker/src/index.ts and commit the result; `bundle-worker.sh --check`
# fails when the committed bundle is not what the source gives
# (scripts/test-workerd.sh runs it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/targets/workerd/driver/index.js"
scripts_dir="$ROOT/scripts"
"$scripts_dir/install-node.sh"
export PATH="$ROOT/.tools/bin:$PATH"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(
	cd "$ROOT/worker"
	WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false XDG_CONFIG_HOME="$WORK/config" \
		WRANGLER_LOG_PATH="$WORK/logs" CI=true \
		node node_modules/wrangler/bin/wrangler.js deploy --dry-run --outdir "$WORK/out" >"$WORK/log" 2>&1
) || {
	cat "$WORK/log" >&2
	echo "bundle-worker: wrangler deploy --dry-run failed" >&2
	exit 1
}
if [ "${1:-}" = "--check" ]; then
	if ! cmp -s "$WORK/out/index.js" "$OUT"; then
		diff -u "$OUT" "$WORK/out/index.js" >&2 || true
		echo "bundle-worker: ${OUT#$ROOT/} is stale: run scripts/bundle-worker.sh and commit it" >&2
		exit 1
	fi
	exit 0
fi
mkdir -p "$(dirname "$OUT")"
cp "$WORK/out/index.js" "$OUT"
