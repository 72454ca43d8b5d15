#!/bin/bash
# The cost of tracing node (doc/tracing.md), side by side in one run: a node
# parent sends N messages (default 1,000,000) to a forked child that counts
# them (bench/node-trace-parent.js), as a shell task of forkscope headless
# --json, once with --no-trace and once traced. ROUNDS rounds (default 3),
# the two taking turns; the median of each and their ratio (target <= 1.25).
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
# run FILE ARGS...: one session's wall time appended to FILE.
run() {
    local file=$1 t0
    shift
    t0=$(now)
    "$FORKSCOPE" --headless --json "$@" --names p "node $here/node-trace-parent.js $N" \
        >"$tmp/out" || echo "forkscope failed: $?" >&2
    awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }' >>"$file"
}
echo "== $N messages from a node parent to its forked child ($ROUNDS rounds)"
for r in $(seq "$ROUNDS"); do
    run "$tmp/plain" --no-trace
    run "$tmp/traced"
    grep -c '"ev":"message"' "$tmp/out" >>"$tmp/reports"
done
printf '%-12s %ss  [runs: %s]\n' "untraced:" "$(median <"$tmp/plain")" "$(tr '\n' ' ' <"$tmp/plain")"
printf '%-12s %ss  [runs: %s]\n' "traced:" "$(median <"$tmp/traced")" "$(tr '\n' ' ' <"$tmp/traced")"
echo "message events of the traced runs: $(tr '\n' ' ' <"$tmp/reports")"
awk -v a="$(median <"$tmp/plain")" -v b="$(median <"$tmp/traced")" \
    'BEGIN { printf "traced / untraced: %.2fx (target <= 1.25)\n", b / a }'
