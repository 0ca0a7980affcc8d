#!/usr/bin/env bash
# The batch endpoint's benchmark (docs/BENCHMARKS.md, "Batch endpoint"): what a batch of 10 parts
# costs against its slowest part, and what ordinary traffic keeps alongside batches.
#
# Two release switchyard-echo upstreams behind a release switchyard (1 worker, multiplex on).
# Every part and the "slowest part" request go to the same service, so all use the same pools.
#   1. slowest part alone:  wrk POSTs one request whose upstream waits 20 ms       -> p50/p99
#   2. batch of 10:         wrk POSTs a batch whose parts wait 2, 4, ..., 20 ms     -> p50/p99, batches/s
#   3. ordinary traffic:    wrk POSTs requests with no wait                          -> req/s
#   4. 3 and 2 at once:     both wrk runs together                                   -> req/s, batch p99
# Usage: scripts/bench-batch.sh [seconds] [batch-connections] [ordinary-connections]
# Loopback only; every run is bounded by `seconds`.
set -euo pipefail
seconds="${1:-5}"
bconns="${2:-8}"
oconns="${3:-32}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SWITCHYARD_BIN_DIR:-$root/.build/release}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
[ -x "$bin/switchyard" ] && [ -x "$bin/switchyard-echo" ] || { echo "build first: swift build -c release"; exit 1; }
. "$root/scripts/lib/bench-setup.sh"
up1=$(free_port); up2=$(free_port); sy=$(free_port); admin=$(free_port)
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; sleep 0.3; rm -rf "$tmp"' EXIT
cat > "$tmp/sy.yaml" <<YAML
listen: "127.0.0.1:$sy"
workers: 1
admin: {listen: "127.0.0.1:$admin"}
log: {access: off, level: warning}
multiplex: {}
services:
  - name: s
    routes: ["/"]
    instances: ["http://127.0.0.1:$up1", "http://127.0.0.1:$up2"]
YAML
parts=""
for d in 2 4 6 8 10 12 14 16 18 20; do
    parts+="${parts:+,}{\"id\":\"p$d\",\"service\":\"s\",\"path\":\"/item/$d\",\"headers\":{\"X-Echo-Delay-Ms\":\"$d\"},\"body\":{\"n\":$d}}"
done
# post_lua NAME PATH BODY [HEADER VALUE]: a wrk script POSTing BODY to PATH.
post_lua() {
    { echo 'wrk.method = "POST"'; echo "wrk.path = \"$2\""; echo 'wrk.headers["Content-Type"] = "application/json"'
      [ $# -ge 5 ] && echo "wrk.headers[\"$4\"] = \"$5\""
      echo "wrk.body = '$3'"; } > "$tmp/$1.lua"
}
post_lua batch /_multiplex "{\"timeout_ms\":5000,\"requests\":[$parts]}"
post_lua slow /item/20 '{"n":20}' X-Echo-Delay-Ms 20
post_lua plain /orders/7 '{"hello":"world"}'
"$bin/switchyard-echo" --listen "127.0.0.1:$up1" --name a > "$tmp/a.log" 2>&1 & pids+=($!)
"$bin/switchyard-echo" --listen "127.0.0.1:$up2" --name b > "$tmp/b.log" 2>&1 & pids+=($!)
"$bin/switchyard" --config "$tmp/sy.yaml" > "$tmp/sy.log" 2>&1 & pids+=($!)
for p in $up1 $up2 $sy; do
    for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done
# A check that the batch answers with 10 parts before measuring it.
n=$(curl -s "http://127.0.0.1:$sy/_multiplex" -d "{\"requests\":[$parts]}" | grep -o '"instance":' | wc -l)
[ "$n" = 10 ] || { echo "the batch did not answer its 10 parts (got $n)"; cat "$tmp/sy.log"; exit 1; }

# wrk's output -> "req/s p50_ms p99_ms non2xx"
summary() {
    awk '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      /Requests\/sec/ { rps = $2 }
      /^ +50%/ { p50 = ms($2) }
      /^ +99%/ { p99 = ms($2) }
      /Non-2xx/ { bad = $NF }
      END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad + 0 }' "$1"
}
run() { wrk -t1 -c"$2" -d"${seconds}s" --latency -s "$tmp/$1.lua" "http://127.0.0.1:$sy" > "$tmp/$3.out" 2>&1; }

run slow "$bconns" slow;   read -r _ slow50 slow99 slowbad <<< "$(summary "$tmp/slow.out")"
run batch "$bconns" batch; read -r brps b50 b99 bbad <<< "$(summary "$tmp/batch.out")"
run plain "$oconns" plain; read -r prps p50 p99 pbad <<< "$(summary "$tmp/plain.out")"
run plain "$oconns" plain2 & w1=$!
run batch "$bconns" batch2 & w2=$!
wait $w1 $w2
read -r prps2 p50b p99b pbad2 <<< "$(summary "$tmp/plain2.out")"
read -r brps2 b50b b99b bbad2 <<< "$(summary "$tmp/batch2.out")"

echo "slowest part alone (20 ms upstream wait), $bconns conns: p50 $slow50 ms, p99 $slow99 ms, non-2xx $slowbad"
echo "batch of 10 parts (2..20 ms), $bconns conns: $brps batches/s, p50 $b50 ms, p99 $b99 ms, non-2xx $bbad"
awk -v b="$b99" -v s="$slow99" 'BEGIN { printf "batch p99 / slowest part p99 = %.2f (target <= 1.5)\n", b / s }'
echo "ordinary traffic alone, $oconns conns: $prps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $pbad"
echo "ordinary traffic alongside batches: $prps2 req/s, p50 $p50b ms, p99 $p99b ms, non-2xx $pbad2;" \
     "batches meanwhile: $brps2 batches/s, p99 $b99b ms, non-2xx $bbad2"
