#!/bin/sh
# install-chromium.sh installs Debian's chromium for reports/browser_test.go,
# which opens a generated index.html in headless Chromium. It is idempotent:
# when /usr/bin/chromium already exists it does nothing. CI runs it before
# `go test ./...`; on a developer machine without root it says what to run.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
	echo "install-chromium: $CHROMIUM already present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')); nothing to do"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "install-chromium: $CHROMIUM is missing and this is not root; run as root: apt-get update && apt-get install -y chromium" >&2
		exit 1
	fi
else
	SUDO=
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-chromium: no apt-get on this system; install Chromium so that $CHROMIUM exists" >&2
	exit 1
fi

echo "install-chromium: running apt-get update"
$SUDO apt-get update
echo "install-chromium: running apt-get install -y chromium"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium

if [ ! -x "$CHROMIUM" ]; then
	echo "install-chromium: apt-get finished but $CHROMIUM is still missing" >&2
	exit 1
fi
echo "install-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
