#!/usr/bin/env bash
# `make verify-units`: `systemd-analyze verify` on systemd/switchyard.service and switchyard.socket.
#
# Why a copy: verify checks that every Exec*= command exists and is executable, and the units name
# /usr/local/bin/switchyard, which exists only after `make install`. Rather than install first (root,
# and a release build) or weaken the check, we verify a copy of both units (same names, so the socket
# still finds its service) in a temporary directory with /usr/local/bin/switchyard rewritten to a binary
# that exists: the built one (`$1`, default .build/debug/switchyard) or, before the first build,
# /bin/true. Only that path changes; every other line, hardening included, is verified as written.
# It needs no running systemd. Fails on a non-zero exit or on any message about our units.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${1:-.build/debug/switchyard}"
if [ -x "$bin" ]; then bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"; else bin="$(command -v true)"; fi

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
for unit in switchyard.service switchyard.socket; do
	sed "s|/usr/local/bin/switchyard|$bin|g" "systemd/$unit" >"$dir/$unit"
done

status=0
out="$(systemd-analyze verify "$dir/switchyard.service" "$dir/switchyard.socket" 2>&1)" || status=$?
if [ "$status" -ne 0 ] || printf '%s\n' "$out" | grep -q 'switchyard'; then
	printf '%s\n' "$out" >&2
	echo "verify-units: systemd-analyze verify failed for systemd/switchyard.service or .socket" >&2
	exit 1
fi
echo "verify-units: systemd/switchyard.service and systemd/switchyard.socket pass systemd-analyze verify"
