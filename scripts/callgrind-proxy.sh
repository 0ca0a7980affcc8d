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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
up1=$(free_port); up2=$(free_port); port=$(free_port); admin=$(free_port)
tmp=$(mktemp -d)
cat > "$tmp/up.conf" <<NGX
worker_processes 1; daemon off; pid $tmp/up.pid; error_log $tmp/up.err warn;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $tmp;
server { listen 127.0.0.1:$up1; keepalive_requests 1000000; location / { client_body_buffer_size 64k; default_type application/json; return 200 '{"ok":true}'; } }
server { listen 127.0.0.1:$up2; keepalive_requests 1000000; location / { client_body_buffer_size 64k; default_type application/json; return 200 '{"ok":true}'; } }
}
NGX
cat > "$tmp/sy.yaml" <<YAML
listen: "127.0.0.1:$port"
workers: 1
admin:
  listen: "127.0.0.1:$admin"
log:
  access: "off"
services:
  - name: bench
    routes: ["/"]
    instances: ["http://127.0.0.1:$up1", "http://127.0.0.1:$up2"]
YAML
cat > "$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"order":7,"user":"alice","items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}],"note":"benchmark payload","pad":"xxxxxxxxxxxxxxxx"}'
wrk.headers["Content-Type"] = "application/json"
LUA
cat > "$tmp/proxy.conf" <<NGX
master_process off; worker_processes 1; daemon off; pid $tmp/np.pid; error_log $tmp/np.err warn;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $tmp;
upstream b { server 127.0.0.1:$up1; server 127.0.0.1:$up2; keepalive 256; }
server { listen 127.0.0.1:$port; keepalive_requests 1000000; location / { proxy_pass http://b; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
NGX
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
