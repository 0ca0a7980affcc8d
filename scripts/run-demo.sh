#!/usr/bin/env bash
# `make run`: two demo upstreams (switchyard-echo a and b on 127.0.0.1:9001 and :9002) and the proxy
# on the given config in front of them. Ctrl-C stops all three.
set -euo pipefail
config="${1:-config.yaml}"
bin=.build/release
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$bin/switchyard-echo" --listen 127.0.0.1:9001 --name a & pids+=($!)
"$bin/switchyard-echo" --listen 127.0.0.1:9002 --name b & pids+=($!)
"$bin/switchyard" check --config "$config"
"$bin/switchyard" --config "$config" & pids+=($!)

sleep 1
cat <<TXT

Switchyard is listening on 127.0.0.1:8080 in front of demo upstreams a (:9001) and b (:9002).
Try (the answers alternate between a and b):

  for i in 1 2 3 4; do curl -s -X POST -H 'Content-Type: application/json' -d '{"hello":"world"}' http://127.0.0.1:8080/orders/7; echo; done

A batch (three calls in parallel under one 500 ms deadline; the third waits longer and times out):

  curl -s http://127.0.0.1:8080/_multiplex -d '{"timeout_ms":500,"requests":[{"id":"a","service":"demo","path":"/orders/7","body":{"n":1}},{"id":"b","service":"demo","method":"GET","path":"/users/3"},{"id":"slow","service":"demo","headers":{"X-Echo-Delay-Ms":"2000"}}]}'

Admin API:  curl -s http://127.0.0.1:9901/stats   (health: /health, metrics: /metrics)
Ctrl-C stops everything.
TXT
wait "${pids[2]}"
