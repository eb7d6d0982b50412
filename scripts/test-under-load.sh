#!/usr/bin/env bash
# The race suite while every core is kept busy by another process: no test
# may depend on the machine being idle (a verdict that changes under load
# is a flaky test). One busy loop per core runs beside `go test -race`.
#   ./scripts/test-under-load.sh                 every package
#   ./scripts/test-under-load.sh ./emulator/...  some packages
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

burners=()
stop() {
	for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop EXIT
for _ in $(seq "$(nproc)"); do
	sh -c 'while :; do :; done' &
	burners+=("$!")
done
echo "== ${#burners[@]} CPU burners running (pids ${burners[*]}); go test -race"
go test -race -count=1 -timeout 45m "${@:-./...}"
