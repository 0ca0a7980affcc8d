#!/usr/bin/env bash
# Builds and runs one libFuzzer target (Fuzz/Targets/Fuzz<target>.swift) for a number of seconds.
#
#   scripts/fuzz.sh <target> <seconds> [libFuzzer options...]   build if stale, then fuzz
#   scripts/fuzz.sh all <seconds>                                every target in turn
#   scripts/fuzz.sh smoke [seconds]                              every target ~3 s from the seeds only
#   scripts/fuzz.sh build <target>                               build only
#   scripts/fuzz.sh tool json-verdict                            build the JSON verdict helper (no sanitizer)
#   scripts/fuzz.sh list                                         the target names
#
# A target is compiled with `swiftc -sanitize=fuzzer,address -O` against the instrumented core (and, for
# ConfigLoader, with the libyaml reader and loader of the server module) into .build/fuzz/<target>; it
# is rebuilt when any of those sources is newer than the binary. Seeds are read from
# Fuzz/Corpus/<target> (committed, never written); new inputs go to .build/fuzz/corpus/<target>, crashes
# to .build/fuzz/artifacts/<target>/. The last lines of the run (execs, corpus, crashes) go to stdout and
# the whole log to .build/fuzz/<target>.log. Exit status: 0 when no crash was found.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=.build/fuzz
TARGETS="RequestHead ResponseHead ChunkedDecoder JSONValidator ConfigLoader DNSMessage BatchRequest"
mkdir -p "$OUT"

# The core is compiled once, instrumented, into a static library and module in $OUT/lib; each target
# is then one small file linked against it (seconds instead of ~40 s per target).
core_sources() { find Sources/SwitchyardCore -name '*.swift' | sort; }

# The server files the ConfigLoader target compiles with it (they import SwitchyardCore).
extra_sources() {
    case "$1" in
        ConfigLoader) echo Sources/SwitchyardServer/Config/YAMLReader.swift; echo Sources/SwitchyardServer/Config/ConfigLoader.swift ;;
    esac
}

is_stale() { # binary, sources...
    local bin=$1; shift
    [ -e "$bin" ] || return 0
    for s in "$@"; do [ "$s" -nt "$bin" ] && return 0; done
    [ "$0" -nt "$bin" ] && return 0
    return 1
}

# build_core <kind>: `fuzz` (sanitizer and coverage) or `plain` (optimised only, for tools).
build_core() {
    local kind=$1 dir="$OUT/lib-$1"
    mapfile -t srcs < <(core_sources)
    if is_stale "$dir/libSwitchyardCore.a" "${srcs[@]}"; then
        local flags=()
        [ "$kind" = fuzz ] && flags=(-sanitize=fuzzer,address)
        echo "compiling $dir/libSwitchyardCore.a" >&2
        mkdir -p "$dir"
        swiftc "${flags[@]}" -parse-as-library -O -module-name SwitchyardCore -emit-library -static \
            -emit-module -emit-module-path "$dir/SwitchyardCore.swiftmodule" "${srcs[@]}" -o "$dir/libSwitchyardCore.a"
    fi
}

build() {
    local target=$1
    local file="Fuzz/Targets/Fuzz$target.swift"
    [ -f "$file" ] || { echo "no such fuzz target: $target (have: $TARGETS)" >&2; exit 2; }
    build_core fuzz
    mapfile -t extra < <(extra_sources "$target")
    local bin="$OUT/$target" flags=()
    [ "$target" = ConfigLoader ] && flags=(-I Sources/CYAML -lyaml)
    if is_stale "$bin" "$file" "${extra[@]}" "$OUT/lib-fuzz/libSwitchyardCore.a"; then
        echo "compiling $bin" >&2
        swiftc -sanitize=fuzzer,address -parse-as-library -O -use-ld=lld -module-name "Fuzz$target" \
            -I "$OUT/lib-fuzz" -L "$OUT/lib-fuzz" -lSwitchyardCore "${flags[@]}" "$file" "${extra[@]}" -o "$bin"
    fi
}

build_tool() {
    local name=$1
    local file="Fuzz/Tools/$name.swift"
    [ -f "$file" ] || { echo "no such tool: $name" >&2; exit 2; }
    build_core plain
    local bin="$OUT/$name"
    if is_stale "$bin" "$file" "$OUT/lib-plain/libSwitchyardCore.a"; then
        echo "compiling $bin" >&2
        swiftc -O -parse-as-library -use-ld=lld -I "$OUT/lib-plain" -L "$OUT/lib-plain" -lSwitchyardCore "$file" -o "$bin"
    fi
}

run() {
    local target=$1 seconds=$2; shift 2
    build "$target"
    local corpus="${FUZZ_CORPUS_DIR:-$OUT/corpus}/$target" artifacts="$OUT/artifacts/$target/"
    local log="${FUZZ_CORPUS_DIR:-$OUT}/$target.log"
    mkdir -p "$corpus" "$artifacts"
    local dict=()
    case "$target" in
        RequestHead|ResponseHead|ChunkedDecoder) dict=(-dict=Fuzz/Dict/http.dict) ;;
        JSONValidator) dict=(-dict=Fuzz/Dict/json.dict) ;;
        BatchRequest) dict=(-dict=Fuzz/Dict/batch.dict) ;;
        ConfigLoader) dict=(-dict=Fuzz/Dict/config.dict) ;;
    esac
    local status=0
    "$OUT/$target" "$corpus" "Fuzz/Corpus/$target" "${dict[@]}" -max_total_time="$seconds" \
        -artifact_prefix="$artifacts" -print_final_stats=1 -max_len=4096 -timeout=10 -rss_limit_mb=2048 "$@" \
        >"$log" 2>&1 || status=$?
    local execs corpus_size
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    corpus_size=$(ls "$corpus" | wc -l)
    echo "$target: ${seconds}s, execs ${execs:-?}, corpus $corpus_size, exit $status"
    if [ "$status" -ne 0 ]; then
        grep -E 'ERROR|Fatal error|precondition|SUMMARY|artifact' "$log" | head -20
        ls "$artifacts"
    fi
    return "$status"
}

case "${1:-}" in
    list) echo "$TARGETS" ;;
    all) # every target for <seconds> each, one after the other; exit 1 if any crashed
        failed=0
        for t in $TARGETS; do run "$t" "${2:-10}" "${@:3}" || failed=1; done
        exit "$failed" ;;
    smoke) # every target for <seconds> (default 3) from the committed seeds only, in a throwaway corpus
        failed=0
        rm -rf "$OUT/smoke"
        for t in $TARGETS; do FUZZ_CORPUS_DIR="$OUT/smoke" run "$t" "${2:-3}" || failed=1; done
        exit "$failed" ;;
    build) build "$2" ;;
    tool) build_tool "$2" ;;
    ""|-h|--help) sed -n 2,16p "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    *) run "$1" "${2:-10}" "${@:3}" ;;
esac
