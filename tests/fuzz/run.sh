#!/bin/sh
# Runs forkscope's libFuzzer targets (doc/fuzzing.md) from a build tree
# configured with `CC=clang ../configure --enable-fuzzing` and built with
# `make fuzz-programs`. For each target named (all by default):
#   1. replays every input in tests/fuzz/crashes/NAME and tests/fuzz/seeds/NAME:
#      an input that ever crashed a target must not crash it again;
#   2. fuzzes for --time seconds (one process) on a temporary copy of the seeds,
#      so that nothing is written into the source tree.
# Targets run --jobs at a time (default: the number of CPUs), each in one
# process, so each still gets about a CPU for its --time; their lines are
# printed in the order the targets were named.
# Prints one line per target, `PASS: fuzz NAME ...` or `FAIL: fuzz NAME ...`;
# on a failure, the input (as hex) and the sanitizer's report with its stack,
# and the input is kept in ./fuzz-found/ of the build tree. Exits 1 when a
# target failed.
#
# Usage: run.sh [--time SECONDS] [--jobs N] [NAME...]   (run from the build tree)
set -u
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
time=20
jobs=$(nproc 2>/dev/null || echo 1)
while [ $# -gt 0 ]; do
    case $1 in
    --time) time=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) break ;;
    esac
done
names=${*:-"config_yaml mprocs procfile theme control json_framer adv_framer v8 jsoncheck term ansistrip"}
# A single input slower than this is a hang; generous, as the machine may be busy.
per_input=25
failed=0

# Prints a failing input as hex (its first 1 KiB) and where the report is.
show_input() {
    echo "  input $1 ($(wc -c <"$1") bytes, hex):"
    od -An -tx1 -v "$1" | head -n 64 | sed 's/^/   /'
}

# Prints the sanitizer's or libFuzzer's report without the progress lines.
show_report() {
    grep -v -E '^#[0-9]+[[:space:]]' "$1" | tail -n 80 | sed 's/^/  | /'
}

fail() {
    target=$1
    shift
    echo "FAIL: fuzz $target: $*"
    failed=$((failed + 1))
}

# Step 1: every file of the crash and seed folders, run once each. Each crash
# reproducer runs on its own, so that all those that fail again are named; the
# first one's input and report are printed.
replay() {
    name=$1 bin=$2 log=$3
    crashes=$(find "$srcdir/tests/fuzz/crashes/$name" -type f ! -name 'README*' 2>/dev/null | sort)
    seeds=$(find "$srcdir/tests/fuzz/seeds/$name" -type f 2>/dev/null | sort)
    bad=
    for f in $crashes; do
        "$bin" -rss_limit_mb=2048 -timeout=$per_input "$f" >"$log.one" 2>&1 && continue
        [ -n "$bad" ] || { first=$f; mv "$log.one" "$log"; }
        bad="$bad ${f##*/}"
    done
    # shellcheck disable=SC2086 # one argument per file; the names have no blanks
    if [ -z "$bad" ] && { [ -z "$seeds" ] ||
        "$bin" -rss_limit_mb=2048 -timeout=$per_input $seeds >"$log" 2>&1; }; then
        replayed=$(printf '%s\n%s\n' "$crashes" "$seeds" | grep -c .)
        return 0
    fi
    if [ -n "$bad" ]; then
        fail "$name" "reproducers in tests/fuzz/crashes/$name fail again:$bad"
        show_input "$first"
    else
        fail "$name" "a seed in tests/fuzz/seeds/$name fails"
        last=$(sed -n 's/^Running: //p' "$log" | tail -n 1)
        [ -n "$last" ] && show_input "$last"
    fi
    show_report "$log"
    return 1
}

# Step 2: fuzzing for $time seconds on a copy of the seeds.
fuzz() {
    name=$1 bin=$2 log=$3 tmp=$4
    mkdir -p "$tmp/corpus" "$tmp/out"
    if [ -d "$srcdir/tests/fuzz/seeds/$name" ]; then
        cp -R "$srcdir/tests/fuzz/seeds/$name/." "$tmp/corpus/"
    fi
    dict=
    [ -f "$srcdir/tests/fuzz/$name.dict" ] && dict="-dict=$srcdir/tests/fuzz/$name.dict"
    # shellcheck disable=SC2086 # $dict is empty or one word
    if "$bin" -max_total_time="$time" -rss_limit_mb=2048 -timeout=$per_input \
        -print_final_stats=1 -artifact_prefix="$tmp/out/" $dict "$tmp/corpus" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        echo "PASS: fuzz $name: ${replayed:-0} inputs replayed, ${runs:-?} runs in ${time} s"
        return 0
    fi
    fail "$name" "libFuzzer found a failing input in ${time} s"
    mkdir -p fuzz-found
    for a in "$tmp"/out/*; do
        [ -f "$a" ] || continue
        show_input "$a"
        cp "$a" "fuzz-found/$name-$(basename "$a")"
        echo "  kept as fuzz-found/$name-$(basename "$a"); to keep it for good, add it to" \
            "tests/fuzz/crashes/$name/ with the fix"
    done
    show_report "$log"
    return 1
}

# One target, both steps; its lines go to standard output; fails when it did.
target() {
    name=$1
    bin=tests/fuzz/fuzz_$name
    if [ ! -x "$bin" ]; then
        fail "$name" "$bin is not built (make fuzz-programs, in a tree configured with" \
            "--enable-fuzzing)"
        return 1
    fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/forkscope-fuzz.XXXXXX")
    replayed=0
    st=1
    if replay "$name" "$bin" "$tmp/replay.log"; then
        fuzz "$name" "$bin" "$tmp/fuzz.log" "$tmp" && st=0
    fi
    rm -rf "$tmp"
    return $st
}

outs=$(mktemp -d "${TMPDIR:-/tmp}/forkscope-fuzz-out.XXXXXX")
trap 'rm -rf "$outs"' EXIT
set -- $names
while [ $# -gt 0 ]; do
    batch=
    i=0
    while [ $# -gt 0 ] && [ "$i" -lt "$jobs" ]; do
        (target "$1" >"$outs/$1.out" 2>&1 || touch "$outs/$1.failed") &
        batch="$batch $1"
        i=$((i + 1))
        shift
    done
    wait
    for name in $batch; do
        cat "$outs/$name.out"
        [ -e "$outs/$name.failed" ] && failed=$((failed + 1))
    done
done
[ "$failed" -eq 0 ]
