#!/usr/bin/env bash
# Builds the libFuzzer targets under fuzz/ and runs each for a bounded time.
#
#   fuzz/run.sh [seconds-per-target]        (default 60)
#
# Environment: FUZZ_TARGETS="http-request log-record" runs a subset; FUZZ_BUILD_ONLY=1 only
# builds; SWIFTC picks the compiler; FUZZ_ARGS adds libFuzzer flags.
#
# Each module a target needs is compiled once (whole module, -O, instrumented with
# -sanitize=fuzzer,address) into .build-fuzz/modules, and each target's main.swift is linked
# against those into .build-fuzz/bin/<target>. A run starts from fuzz/<target>/corpus (read
# only) plus the inputs earlier runs found (.build-fuzz/corpus/<target>). Crash, timeout and
# out-of-memory inputs are copied to fuzz/<target>/crashes/, and the script exits 1 if any
# target produced one. Targets run one after another: the fuzzer uses one core.
set -uo pipefail

SECONDS_PER_TARGET="${1:-60}"
case "$SECONDS_PER_TARGET" in ''|*[!0-9]*) echo "usage: fuzz/run.sh [seconds-per-target]" >&2; exit 2 ;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.build-fuzz"
MODULES="$OUT/modules"
SWIFTC="${SWIFTC:-swiftc}"
TARGETS=(${FUZZ_TARGETS:-http-request signature-headers route-template log-record})

FLAGS=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6
       -I "$ROOT/Sources/COpenSSL" -I "$ROOT/Sources/CLinux" -I "$ROOT/Sources/CCPU" -I "$MODULES")

mkdir -p "$MODULES" "$OUT/bin" "$OUT/logs"

# quietly LOG COMMAND...: runs a build step into LOG; prints LOG (minus gold's harmless
# "Cannot export local symbol" noise about ASan helpers) only if the step fails.
quietly() {
    local log="$1"; shift
    if "$@" >"$log" 2>&1; then return 0; fi
    grep -v 'Cannot export local symbol' "$log" >&2
    return 1
}

# build_module NAME SOURCE-DIR...: a static library and its .swiftmodule, rebuilt when any
# of its sources (or this script) is newer than the library.
build_module() {
    local name="$1"; shift
    local sources=()
    local dir
    for dir in "$@"; do sources+=("$ROOT/$dir"/*.swift); done
    local lib="$MODULES/lib$name.a"
    if [ -f "$lib" ] && [ -z "$(find "${sources[@]}" "$ROOT/fuzz/run.sh" -newer "$lib" 2>/dev/null)" ]; then
        return 0
    fi
    echo "== building module $name"
    quietly "$OUT/logs/build-$name.log" "$SWIFTC" "${FLAGS[@]}" -wmo -module-name "$name" -emit-library -static \
        -o "$lib" -emit-module -emit-module-path "$MODULES/$name.swiftmodule" "${sources[@]}"
}

# The modules a target links, lowest layer last (static link order).
modules_of() {
    case "$1" in
        http-request) echo "HTTP1 Sockets Threads" ;;
        signature-headers) echo "Signing" ;;
        route-template) echo "Routing" ;;
        log-record) echo "GatewayLog Notify Wire Signing EventLog Routing Threads" ;;
        *) echo "unknown target $1" >&2; return 1 ;;
    esac
}

# Extra libFuzzer flags per target: its dictionary (fuzz/<target>/*.dict) if it has one, and
# for the HTTP decoder long inputs from the start (its interesting limits, a 1 KiB chunk-size
# line and 64 KiB buffer compaction, are past where len_control would slowly get to).
flags_of() {
    local dict
    for dict in "$ROOT/fuzz/$1"/*.dict; do [ -f "$dict" ] && echo "-dict=$dict"; done
    case "$1" in
        http-request) echo "-max_len=4096 -len_control=0" ;;
    esac
}

build_modules_for() {
    local module
    for module in $(modules_of "$1" | tr ' ' '\n' | tac); do
        case "$module" in
            Sockets) build_module Sockets Sources/Sockets ;;
            # Names threads for the kernel; HTTP1, EventLog and Notify import it.
            Threads) build_module Threads Sources/Threads ;;
            HTTP1) build_module HTTP1 Sources/HTTP1 ;;
            Signing) build_module Signing Sources/Signing ;;
            Routing) build_module Routing Sources/Routing ;;
            EventLog) build_module EventLog Sources/EventLog ;;
            Wire) build_module Wire Sources/Wire ;;
            # The gateway's log events embed Notify's delivery events.
            Notify) build_module Notify Sources/Notify ;;
            # Only the log-record codec of the gateway, not all of Gateway.
            GatewayLog) build_module GatewayLog Sources/Gateway/Log ;;
        esac || return 1
    done
}

build_target() {
    local target="$1"
    build_modules_for "$target" || return 1
    local bin="$OUT/bin/$target" main="$ROOT/fuzz/$target/main.swift"
    local libs=() module
    for module in $(modules_of "$target"); do libs+=("$MODULES/lib$module.a"); done
    if [ -f "$bin" ] && [ -z "$(find "$main" "${libs[@]}" -newer "$bin")" ]; then
        return 0
    fi
    echo "== building fuzz target $target"
    quietly "$OUT/logs/build-$target.log" "$SWIFTC" "${FLAGS[@]}" -module-name "FuzzTarget" "$main" "${libs[@]}" \
        -lssl -lcrypto -o "$bin"
}

# summary LOG: "N execs, X/s, cov C, ft F, corpus K" from libFuzzer's final lines.
summary() {
    local log="$1"
    local execs rate cov ft corp
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    echo "${execs:-?} execs, ${rate:-?}/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
}

failed=0
for target in "${TARGETS[@]}"; do
    if ! build_target "$target"; then
        echo "FAIL $target: build failed" >&2
        failed=1
        continue
    fi
done
[ "$failed" = 0 ] || exit 1
[ -z "${FUZZ_BUILD_ONLY:-}" ] || exit 0

results=()
for target in "${TARGETS[@]}"; do
    corpus="$OUT/corpus/$target" artifacts="$OUT/artifacts/$target/" log="$OUT/logs/$target.log"
    mkdir -p "$corpus" "$artifacts"
    rm -f "$artifacts"/*
    echo "== fuzzing $target for ${SECONDS_PER_TARGET}s (log: ${log#$ROOT/})"
    # libFuzzer stops itself at max_total_time; the outer timeout is a backstop for a wedged run.
    # Scratch files (the log target's temporary logs) go under .build-fuzz/tmp, removed after.
    mkdir -p "$OUT/tmp/$target"
    # SWIFT_BACKTRACE=enable=no: a trap goes straight to libFuzzer's handler (which saves the
    # input) instead of Swift's backtracer, which holds the run up. Leak checking is off:
    # Swift keeps enum payload pointers with tag bits set, which LeakSanitizer cannot see, so
    # it reports objects still referenced from globals as leaks.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" TMPDIR="$OUT/tmp/$target" \
    timeout -k 10 $((SECONDS_PER_TARGET + 120)) "$OUT/bin/$target" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 \
        -artifact_prefix="$artifacts" $(flags_of "$target") ${FUZZ_ARGS:-} "$corpus" "$ROOT/fuzz/$target/corpus" >"$log" 2>&1
    status=$?
    rm -rf "$OUT/tmp/$target"
    found=("$artifacts"/*)
    if [ -e "${found[0]}" ]; then
        mkdir -p "$ROOT/fuzz/$target/crashes"
        cp "${found[@]}" "$ROOT/fuzz/$target/crashes/"
        results+=("FAIL $target: $(summary "$log"); ${#found[@]} input(s) in fuzz/$target/crashes/ (exit $status)")
        grep -m1 -E 'ERROR: |Fatal error|Precondition failed|deadly signal' "$log" | sed 's/^/    /'
        failed=1
    elif [ "$status" != 0 ]; then
        results+=("FAIL $target: exit $status without an artifact; see ${log#$ROOT/}")
        failed=1
    else
        results+=("ok   $target: $(summary "$log")")
    fi
done

echo "== fuzzing results (${SECONDS_PER_TARGET}s per target)"
printf '%s\n' "${results[@]}"
exit "$failed"
