#!/usr/bin/env bash
# Instructions per proxied request, counted by callgrind (stable on noisy machines, unlike timings).
# Starts two nginx upstreams answering {"ok":true}, switchyard (release build) under callgrind in front
# of them, warms up, zeroes the counters, drives a fixed wrk run (JSON POSTs like compare.py), dumps the
# counters and prints instructions per request. Usage: scripts/callgrind-proxy.sh [seconds] [connections]
# PROXY=nginx profiles nginx as the proxy instead (same upstreams, keepalive pool), for a user-space
# instructions/request ratio (perf counters are not available on every VM).
# Output: .build/callgrind/callgrind.out (open with callgrind_annotate).
set -euo pipefail
proxy="${PROXY:-switchyard}"
seconds="${1:-10}"
conns="${2:-8}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SWITCHYARD_BIN:-$root/.build/release/switchyard}"   # SWITCHYARD_BIN: e.g. .build-bench/release/switchyard
out="$root/.build/callgrind"
mkdir -p "$out"
rm -f "$out"/callgrind.out*
for tool in valgrind callgrind_control wrk nginx; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install valgrind wrk nginx)"; exit 1; }
done
[ -x "$bin" ] || { echo "build first: swift build -c release"; exit 1; }
. "$root/scripts/lib/bench-setup.sh"
up1=$(free_port); up2=$(free_port); port=$(free_port); admin=$(free_port)
tmp=$(mktemp -d)
write_upstream_conf "$tmp" "$up1" "$up2"
write_switchyard_yaml "$tmp" "$port" "$admin" "$up1" "$up2"
write_post_lua "$tmp"
write_nginx_proxy_conf "$tmp" "$port" "$up1" "$up2"
nginx -c "$tmp/up.conf" & ngx=$!
if [ "$proxy" = nginx ]; then
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/callgrind.out" "$(command -v nginx)" -c "$tmp/proxy.conf" > "$tmp/sy.log" 2>&1 & vg=$!
else
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/callgrind.out" "$bin" --config "$tmp/sy.yaml" > "$tmp/sy.log" 2>&1 & vg=$!
fi
trap 'kill $vg $ngx 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
wrk -t1 -c"$conns" -d2s -s "$tmp/post.lua" "http://127.0.0.1:$port/" > /dev/null
callgrind_control -i on "$vg" > /dev/null 2>&1
result=$(wrk -t1 -c"$conns" -d"${seconds}s" -s "$tmp/post.lua" "http://127.0.0.1:$port/")
callgrind_control -i off "$vg" > /dev/null 2>&1
kill -TERM "$vg"; [ "$proxy" = nginx ] && { sleep 1; kill -QUIT "$vg" 2>/dev/null || true; }
wait "$vg" || true
requests=$(echo "$result" | awk '/requests in/ {print $1}')
non2xx=$(echo "$result" | awk '/Non-2xx/ {print $4}')
dump="$out/callgrind.out"
instr=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}')
echo "$proxy requests: $requests  non-2xx: ${non2xx:-0}  instructions: $instr  per request: $((instr / requests))"
echo "profile: $dump"
