#!/usr/bin/env bash
# `make soak [SOAK_MINUTES=10]`: switchyard (2 workers) in front of three switchyard-echo upstreams for
# MINUTES of mixed wrk load (bounded: 1 thread, 16 connections), while
#   - upstream c flaps: SIGKILLed for 15 s, then restarted, every 30 s;
#   - upstream b's health endpoint turns 503 / 200 every 20 s (active health checks every 1 s);
#   - the config is rewritten (instance weights alternate) and reloaded with SIGHUP every 10 s.
# Every 10 s it samples the proxy's VmRSS and open descriptors into samples.csv.
# Pass: RSS at the end of the load is less than 5% above RSS after the first minute (warm-up), and
# once the load stops the open descriptors return to the count before the load.
# Usage: scripts/soak.sh [minutes]   (binaries from $SWITCHYARD_BIN_DIR, default .build-bench/release)
set -euo pipefail
minutes="${1:-10}"
bin="${SWITCHYARD_BIN_DIR:-.build-bench/release}"
out="${SOAK_OUT:-$(mktemp -d /tmp/switchyard-soak.XXXXXX)}"
mkdir -p "$out"
for tool in wrk curl python3; do command -v "$tool" >/dev/null || { echo "soak: $tool is missing"; exit 2; }; done
[ -x "$bin/switchyard" ] && [ -x "$bin/switchyard-echo" ] || { echo "soak: no binaries in $bin"; exit 2; }

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(freeport); admin=$(freeport); pa=$(freeport); pb=$(freeport); pc=$(freeport)
pids=()
cpid=""
cleanup() {
    for p in "${pids[@]}" $cpid; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$bin/switchyard-echo" --listen "127.0.0.1:$pa" --name a >"$out/echo-a.log" 2>&1 & pids+=($!)
"$bin/switchyard-echo" --listen "127.0.0.1:$pb" --name b >"$out/echo-b.log" 2>&1 & pids+=($!)
start_c() { "$bin/switchyard-echo" --listen "127.0.0.1:$pc" --name c >>"$out/echo-c.log" 2>&1 & cpid=$!; }
start_c

# The config; $1 is a's weight (alternates between reloads so each reload changes something).
write_config() {
    cat >"$out/config.yaml.tmp" <<YAML
listen: "127.0.0.1:$port"
workers: 2
admin:
  listen: "127.0.0.1:$admin"
log:
  access: off
  level: info
timeouts:
  response: 2s
  client_idle: 5s
  upstream_idle: 5s
services:
  - name: api
    routes: ["/api"]
    balancer: round_robin
    supplier: cooldown
    instances:
      - { url: "http://127.0.0.1:$pa", weight: $1 }
      - "http://127.0.0.1:$pb"
      - "http://127.0.0.1:$pc"
    health_check:
      type: http
      path: /health
      interval: 1s
      timeout: 500ms
      retries: 0
      healthy_after: 2
      unhealthy_after: 2
    circuit_breaker:
      consecutive_failures: 3
      cooldown: 2s
      max_cooldown: 10s
    retries:
      attempts: 2
      on: [connect_failure]
  - name: other
    routes: ["/other"]
    balancer: least_requests
    instances: ["http://127.0.0.1:$pa", "http://127.0.0.1:$pb"]
YAML
    mv "$out/config.yaml.tmp" "$out/config.yaml"
}
write_config 1
"$bin/switchyard" --config "$out/config.yaml" >"$out/switchyard.log" 2>&1 & sy=$!; pids+=($sy)
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$admin/health" && break; sleep 0.1; done

# Mixed requests: JSON POSTs of several kinds, some closing, delayed, large, chunked, plus 400/404/405.
cat >"$out/mixed.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  local k = counter % 12
  local h = { ["Content-Type"] = "application/json" }
  if k == 0 then return wrk.format("POST", "/api/bad", h, '{"a":tru}') end
  if k == 1 then return wrk.format("POST", "/nowhere", h, '{}') end
  if k == 2 then return wrk.format("GET", "/api/x", h) end
  if k == 3 then h["X-Echo-Delay-Ms"] = "20" end
  if k == 4 then h["X-Echo-Bytes"] = "32768" end
  if k == 5 then h["X-Echo-Chunked"] = "1" end
  if k == 6 then h["Connection"] = "close" end
  if k == 7 then return wrk.format("POST", "/other/7?q=1", h, '{"items":[1,2,3],"note":"soak"}') end
  return wrk.format("POST", "/api/orders/" .. k, h, '{"n":' .. counter .. '}')
end
LUA

sample() { # elapsed seconds, rss KiB, open fds
    local rss fds
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$sy/status")
    fds=$(ls "/proc/$sy/fd" | wc -l)
    echo "$1,$rss,$fds"
}
sleep 3
fd_start=$(ls "/proc/$sy/fd" | wc -l)
echo "elapsed_s,rss_kib,fds" >"$out/samples.csv"
sample 0 >>"$out/samples.csv"

duration=$((minutes * 60))
wrk -t1 -c16 -d"${duration}s" --timeout 5s -s "$out/mixed.lua" "http://127.0.0.1:$port" >"$out/wrk.txt" 2>&1 &
wrkpid=$!; pids+=($wrkpid)
begin=$(date +%s)
reloads=0
while kill -0 "$wrkpid" 2>/dev/null; do
    sleep 10
    t=$(( $(date +%s) - begin ))
    [ "$t" -ge "$duration" ] && break
    reloads=$((reloads + 1)); write_config $((reloads % 2 + 1)); kill -HUP "$sy"
    if [ $((t % 30)) -lt 10 ]; then kill -9 "$cpid" 2>/dev/null || true; wait "$cpid" 2>/dev/null || true; cpid=""; fi
    if [ $((t % 30)) -ge 10 ] && [ $((t % 30)) -lt 20 ] && [ -z "$cpid" ]; then start_c; fi
    if [ $((t % 40)) -lt 20 ]; then status=503; else status=200; fi
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d "{\"status\":$status}" "http://127.0.0.1:$pb/_echo/health" || true
    sample "$t" >>"$out/samples.csv"
done
wait "$wrkpid" 2>/dev/null || true
[ -z "$cpid" ] && start_c
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"status":200}' "http://127.0.0.1:$pb/_echo/health" || true
kill -0 "$sy" || { echo "soak: switchyard died"; tail -20 "$out/switchyard.log"; exit 1; }

# After the load: descriptors back to the start count (idle timeouts are 5 s; wait up to 30 s).
fd_end=0
for _ in $(seq 30); do
    fd_end=$(ls "/proc/$sy/fd" | wc -l)
    [ "$fd_end" -le "$fd_start" ] && break
    sleep 1
done
sample end >>"$out/samples.csv"

# Warm-up RSS: the first sample at or after 60 s (half the run if shorter); end RSS: the last sample under load.
warm=$(( duration / 2 < 60 ? duration / 2 : 60 ))
read -r rss_warm rss_end rss_max < <(awk -F, -v warm="$warm" 'NR>1 && $1!="end" && $1>=warm { if (w=="") w=$2; e=$2; if ($2>m) m=$2 } END { print w, e, m }' "$out/samples.csv")
growth=$(awk -v w="$rss_warm" -v e="$rss_end" 'BEGIN { printf "%.2f", (e - w) * 100 / w }')
requests=$(awk '/requests in/ {print $1}' "$out/wrk.txt")
rate=$(awk '/Requests\/sec/ {print $2}' "$out/wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$out/wrk.txt"); non2xx=${non2xx:-0}
sockerr=$(grep -o 'Socket errors:.*' "$out/wrk.txt" || echo "Socket errors: none")
reload_ok=$(grep -c "reloaded" "$out/switchyard.log" || true)

cat <<TXT | tee "$out/summary.txt"
soak: $minutes min, $requests requests ($rate/s), non-2xx $non2xx (by design: 400/404/405 plus flapping), $sockerr
soak: $reloads reloads sent, $reload_ok logged as applied
soak: RSS warm-up (${warm} s) $rss_warm KiB, end $rss_end KiB, max $rss_max KiB: growth $growth% (limit 5%)
soak: fds $fd_start before the load, $fd_end after it
soak: samples in $out/samples.csv
TXT
pass=1
awk -v g="$growth" 'BEGIN { exit !(g < 5) }' || { echo "soak: FAIL: RSS grew $growth%"; pass=0; }
[ "$fd_end" -le "$fd_start" ] || { echo "soak: FAIL: fds $fd_start -> $fd_end"; pass=0; }
[ "$pass" = 1 ] && echo "soak: PASS" || exit 1
