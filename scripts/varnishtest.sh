#!/usr/bin/env bash
# Runs Tests/varnishtest/*.vtc with Debian's varnishtest as an independent HTTP client and server:
# for each file, starts switchyard on free ports with one static instance at 127.0.0.1:${s1_port},
# where the file's `server s1 -listen` plays the upstream, then runs the file with
# -Dproxy_port/-Ds1_port and stops switchyard. Exit status 1 if any file failed.
#
#   scripts/varnishtest.sh [file.vtc...]      (default: every file; SWITCHYARD=path to the binary)
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${SWITCHYARD:-.build/debug/switchyard}
command -v varnishtest >/dev/null || { echo "varnishtest not installed (apt-get install varnish)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "no $BIN: build first" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() { # port
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

files=("$@")
[ ${#files[@]} -eq 0 ] && files=(Tests/varnishtest/*.vtc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
for vtc in "${files[@]}"; do
    proxy_port=$(free_port); admin_port=$(free_port); s1_port=$(free_port)
    cat > "$work/config.yaml" <<YAML
listen: "127.0.0.1:$proxy_port"
workers: 1
admin:
  listen: "127.0.0.1:$admin_port"
log:
  access: off
  level: warn
services:
  - name: vtc
    routes: ["/"]
    supplier: static
    instances: ["http://127.0.0.1:$s1_port"]
    retries:
      attempts: 1
    circuit_breaker:
      consecutive_failures: 0
      min_requests: 1000000
YAML
    "$BIN" --config "$work/config.yaml" >"$work/switchyard.log" 2>&1 &
    pid=$!
    if ! wait_port "$proxy_port"; then
        echo "FAIL $vtc: switchyard did not start"; cat "$work/switchyard.log"; kill "$pid" 2>/dev/null; failed=1; continue
    fi
    if varnishtest -t 20 -Dproxy_port="$proxy_port" -Ds1_port="$s1_port" "$vtc" >"$work/vtc.log" 2>&1; then
        echo "ok   $vtc"
    else
        echo "FAIL $vtc"; grep -v "^\*\*\*\*" "$work/vtc.log" | tail -40; failed=1
    fi
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done
exit "$failed"
