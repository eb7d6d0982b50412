#!/usr/bin/env bash
# The README's test command: every test d1check has, from a fresh clone.
#   ./scripts/test.sh            format, vet, unit and integration tests (race detector on)
#   D1CHECK_SKIP_WORKER=1 ...    skip the workerd integration (needs Node 22 + wrangler, installed by it)
#   D1CHECK_SKIP_WORKERD=1 ...   skip the workerd target (the real binding over the emulator; installs workerd)
#   D1CHECK_SKIP_BROWSER=1 ...   skip the headless-Chromium report test
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

if [ -x scripts/install-chromium.sh ] && [ -z "${D1CHECK_SKIP_BROWSER:-}" ]; then
	echo "== chromium (for the report rendering test)"
	scripts/install-chromium.sh || echo "chromium could not be installed: the browser test will skip and say so"
fi

if [ -z "${D1CHECK_SKIP_WORKERD:-}" ]; then
	echo "== node, wrangler and workerd (the tests that need workerd run, never skip)"
	scripts/install-node.sh
	export D1CHECK_WORKERD="$PWD/.tools/bin/workerd" D1CHECK_REQUIRE_WORKERD=1
fi

echo "== go test -race"
go test -race -count=1 -timeout 30m ./...

if [ -x scripts/test-worker.sh ] && [ -z "${D1CHECK_SKIP_WORKER:-}" ]; then
	echo "== workerd integration"
	scripts/test-worker.sh
fi
if [ -x scripts/test-workerd.sh ] && [ -z "${D1CHECK_SKIP_WORKERD:-}" ]; then
	echo "== workerd target (the real binding over the emulator)"
	scripts/test-workerd.sh
fi
echo "== all tests passed"
