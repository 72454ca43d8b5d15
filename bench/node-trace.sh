#!/bin/bash
# The cost of tracing node (doc/tracing.md), side by side in one run: a node
# parent sends N messages (default 1,000,000) to a forked child that counts
# them (bench/node-trace-parent.js), as a shell task of forkscope headless
# --json, once with --no-trace and once traced. ROUNDS rounds (default 3),
# the two taking turns; the median of each and their ratio (target <= 1.25),
# for the wall time and for the CPU time of the node processes (the task's
# `cpu` in its exit event: the parent and the child it reaped), the figure a
# busy machine moves least. Medians with min and max; the load before each run.
# Usage: bench/node-trace.sh [N]   (from the build directory; needs node)
set -u
N=${1:-1000000}
ROUNDS=${ROUNDS:-3}
FORKSCOPE=${FORKSCOPE:-./forkscope}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v node >/dev/null || { echo "SKIP: node is not installed"; exit 0; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
# run FILE ARGS...: one session's wall time appended to FILE, the node
# processes' CPU time to FILE.cpu.
run() {
    local file=$1 t0
    shift
    echo "   load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    t0=$(now)
    "$FORKSCOPE" --headless --json "$@" --names p "node $here/node-trace-parent.js $N" \
        >"$tmp/out" || echo "forkscope failed: $?" >&2
    awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }' >>"$file"
    sed -n 's/.*"ev":"exit","task":"p".*"cpu":\([0-9.e+-]*\).*/\1/p' "$tmp/out" | tail -n 1 >>"$file.cpu"
}
# spread FILE: "median [min-max]" of the numbers in FILE.
spread() {
    printf '%s [%s-%s]' "$(median <"$1")" "$(sort -g "$1" | head -n 1)" "$(sort -g "$1" | tail -n 1)"
}
echo "== $N messages from a node parent to its forked child ($ROUNDS rounds)"
for r in $(seq "$ROUNDS"); do
    run "$tmp/plain" --no-trace
    run "$tmp/traced"
    grep -c '"ev":"message"' "$tmp/out" >>"$tmp/reports"
done
printf '%-12s wall %s s, CPU %s s\n' "untraced:" "$(spread "$tmp/plain")" "$(spread "$tmp/plain.cpu")"
printf '%-12s wall %s s, CPU %s s\n' "traced:" "$(spread "$tmp/traced")" "$(spread "$tmp/traced.cpu")"
echo "message events of the traced runs: $(tr '\n' ' ' <"$tmp/reports")"
awk -v a="$(median <"$tmp/plain")" -v b="$(median <"$tmp/traced")" \
    -v c="$(median <"$tmp/plain.cpu")" -v d="$(median <"$tmp/traced.cpu")" \
    'BEGIN { printf "traced / untraced: wall %.2fx, CPU %.2fx (target <= 1.25)\n", b / a, d / c }'
