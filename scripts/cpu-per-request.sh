#!/usr/bin/env bash
# Where the CPU of one proxied request goes: user and system time of the proxy, of the upstream
# nginx and of wrk, per request, for direct (no proxy), switchyard, nginx and HAProxy in front of
# the same upstream, with compare.py's set-up (one nginx upstream process on two ports answering
# {"ok":true}, wrk -t1 posting its JSON body, keep-alive on both sides, 1 worker per proxy).
# Reads utime/stime from /proc/PID/stat around each wrk run; wrk's own from `time`.
# Usage: scripts/cpu-per-request.sh [seconds] [connections]   (release build first)
# Prints one line per target: req/s, then microseconds of CPU per request for each process.
# On a machine with N cores all of them busy, req/s is about N / (sum of the three) seconds.
set -euo pipefail
seconds="${1:-10}"
conns="${2:-64}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SWITCHYARD_BIN:-$root/.build/release/switchyard}"
for tool in wrk nginx haproxy; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "needs $tool (apt-get install wrk nginx haproxy)"; exit 1; }
done
[ -x "$bin" ] || { echo "build first: swift build -c release"; exit 1; }
haproxy_bin=$(command -v haproxy || echo /usr/sbin/haproxy)
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
. "$root/scripts/lib/bench-setup.sh"
up1=$(free_port); up2=$(free_port); sy=$(free_port); ng=$(free_port); ha=$(free_port); admin=$(free_port)
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; sleep 0.5; rm -rf "$tmp"' EXIT
write_upstream_conf "$tmp" "$up1" "$up2"
write_post_lua "$tmp"
write_nginx_proxy_conf "$tmp" "$ng" "$up1" "$up2"
cat > "$tmp/ha.cfg" <<HA
global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:$ha
  default_backend be
backend be
  balance roundrobin
  http-reuse always
  server s1 127.0.0.1:$up1
  server s2 127.0.0.1:$up2
HA
write_switchyard_yaml "$tmp" "$sy" "$admin" "$up1" "$up2"
"$nginx_bin" -c "$tmp/up.conf" > "$tmp/up.log" 2>&1 & pids+=($!)
sleep 0.5
up_worker=$(pgrep -P "${pids[0]}" | head -1)
"$bin" --config "$tmp/sy.yaml" > "$tmp/sy.log" 2>&1 & pids+=($!); sy_pid=$!
"$nginx_bin" -c "$tmp/proxy.conf" > "$tmp/ng.log" 2>&1 & pids+=($!); ng_pid=$!
"$haproxy_bin" -f "$tmp/ha.cfg" > "$tmp/ha.log" 2>&1 & pids+=($!); ha_pid=$!
for p in $up1 $sy $ng $ha; do
    for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done
ticks=$(getconf CLK_TCK)
# utime and stime (clock ticks) of every thread of a process: fields 14 and 15 of /proc/PID/stat.
cpu() { awk '{print $14, $15}' "/proc/$1/stat"; }
measure() {   # name port pid(or "-")
    local name=$1 port=$2 pid=$3
    wrk -t1 -c"$conns" -d2s -s "$tmp/post.lua" "http://127.0.0.1:$port/" > /dev/null   # warm-up
    local p0="0 0" u0
    [ "$pid" != "-" ] && p0=$(cpu "$pid")
    u0=$(cpu "$up_worker")
    local out
    out=$( { /usr/bin/time -f "WRKCPU %U %S" wrk -t1 -c"$conns" -d"${seconds}s" -s "$tmp/post.lua" "http://127.0.0.1:$port/"; } 2>&1 )
    local p1="0 0" u1
    [ "$pid" != "-" ] && p1=$(cpu "$pid")
    u1=$(cpu "$up_worker")
    local reqs non2xx
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $4}')
    echo "$out" | awk -v name="$name" -v reqs="$reqs" -v secs="$seconds" -v t="$ticks" -v non="${non2xx:-0}" \
        -v p="$p0 $p1" -v u="$u0 $u1" '
        /WRKCPU/ { wu = $2; ws = $3 }
        END {
            split(p, a, " "); split(u, b, " ")
            us = 1e6 / reqs
            printf "%-10s %8.0f req/s  proxy user %5.2f sys %5.2f  upstream user %5.2f sys %5.2f  wrk user %5.2f sys %5.2f  total %5.2f us/request  non-2xx %d\n",
                name, reqs / secs,
                (a[3] - a[1]) / t * us, (a[4] - a[2]) / t * us,
                (b[3] - b[1]) / t * us, (b[4] - b[2]) / t * us,
                wu * us, ws * us,
                ((a[3] - a[1] + a[4] - a[2] + b[3] - b[1] + b[4] - b[2]) / t + wu + ws) * us, non
        }'
}
measure direct "$up1" -
measure switchyard "$sy" "$sy_pid"
measure nginx "$ng" "$ng_pid"
measure haproxy "$ha" "$ha_pid"
