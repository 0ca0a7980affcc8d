#!/usr/bin/env bash
# Instructions per operation of each micro benchmark, counted by callgrind (stable on a shared,
# noisy machine, unlike timings). Each benchmark runs twice under callgrind, N1 and N2 times; the
# difference of the two totals divided by N2 - N1 cancels start-up and set-up costs.
# Usage: scripts/callgrind-bench.sh [filter] (default: every benchmark). Needs a release build:
#   swift build -c release --scratch-path .build-bench --product switchyard-bench
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SWITCHYARD_BENCH_BIN:-$root/.build-bench/release/switchyard-bench}"
filter="${1:-}"
n1="${N1:-200}"
n2="${N2:-2200}"
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)"; exit 1; }
[ -x "$bin" ] || { echo "build first: swift build -c release --scratch-path .build-bench --product switchyard-bench"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
collected() {   # total instructions of one run
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bin" --only "$1" --iterations "$2" 2>&1 >/dev/null \
        | awk '/Collected :/ {print $NF}'
}
printf '| %-24s | %12s |\n' benchmark instr/op
printf '|%s|%s:|\n' "--------------------------" "-------------"
for name in $("$bin" --list); do
    [ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
    a=$(collected "$name" "$n1")
    b=$(collected "$name" "$n2")
    printf '| %-24s | %12s |\n' "$name" "$(( (b - a) / (n2 - n1) ))"
done
