#!/usr/bin/env bash
# `make tsan`: runs the end-to-end suites from the ThreadSanitizer build (.build-tsan) with the proxy
# itself built with -sanitize=thread (SWITCHYARD_BIN_DIR) and 2 workers (SWITCHYARD_TEST_WORKERS).
# Every process writes its reports to $out/tsan.<pid> (TSAN_OPTIONS log_path); halt_on_error stays off
# so one run collects every race. Fails if a test fails or any report was written. scripts/tsan.supp
# silences the Synchronization.Mutex false positives (explained there).
# Usage: scripts/tsan.sh ['Suite1|Suite2|...']
set -uo pipefail
suites="${1:-ProxyHTTPTests|ProxyErrorTests|ProxyBalancingTests|ObservabilityTests|OperationsTests|FaultInjectionTests}"
out="${TSAN_OUT:-$(mktemp -d /tmp/switchyard-tsan.XXXXXX)}"
mkdir -p "$out/tmp"
export SWITCHYARD_BIN_DIR="$PWD/.build-tsan/debug"
export SWITCHYARD_TEST_WORKERS=2
export SWITCHYARD_TSAN=1 # FaultInjectionTests skips the RLIMIT_NOFILE 64 cases (TSan needs fds itself)
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 history_size=4 log_path=$out/tsan suppressions=$PWD/scripts/tsan.supp"
export TMPDIR="$out/tmp" # the tests' temporary dirs (configs, process logs) stay with the reports

swift test --skip-build --scratch-path .build-tsan --sanitize=thread --filter "$suites" >"$out/test.log" 2>&1
status=$?
grep -E "^(✔|✘) (Suite|Test run)|recorded an issue" "$out/test.log" | grep -v "^✔ Suite" | head -40
grep -E "^✔ Test run|^✘ Test run" "$out/test.log"

reports=$(ls "$out"/tsan.* 2>/dev/null | wc -l)
if [ "$reports" -gt 0 ]; then
    echo "tsan: $reports process(es) reported; distinct summaries:"
    cat "$out"/tsan.* | grep -h "^SUMMARY: ThreadSanitizer" | sort | uniq -c | sort -rn
fi
echo "tsan: test log, reports and process logs in $out"
[ "$status" = 0 ] && [ "$reports" = 0 ] && { echo "tsan: PASS"; exit 0; }
echo "tsan: FAIL (tests exit $status, $reports report file(s))"
exit 1
