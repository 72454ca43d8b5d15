#!/bin/bash
# Idle overhead: 50 sleeping tasks on screen for 20 s at the default sampling
# interval (1 s). Reports forkscope's own CPU time (target: at most 60 ms over
# the 20 s) next to htop's, both running at the same time in detached tmux
# windows of 200x50, for ROUNDS rounds (default 3): median, min and max, the
# load before each round. FORKSCOPE_BEFORE=path runs another forkscope binary
# (an older build) beside them as a third contender.
# Usage: bench/idle-overhead.sh [SECONDS]   (from the build directory)
set -u
SECS=${1:-20}
ROUNDS=${ROUNDS:-3}
TARGET_MS=60
FORKSCOPE=${FORKSCOPE:-./forkscope}
BEFORE=${FORKSCOPE_BEFORE:-}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tmp=$(mktemp -d)
SOCK="fs-bench-idle-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

{
    echo "tasks:"
    for i in $(seq 50); do printf '  s%02d:\n    cmd: [sleep, "100000"]\n' "$i"; done
} >"$tmp/idle.yaml"
cp "$tmp/idle.yaml" "$tmp/idle-before.yaml"
command -v htop >/dev/null || echo "htop: SKIP (not installed: apt-get install htop)"

# pid_of PATTERN: the oldest process whose command line starts with it (forkscope
# forks a watchdog that keeps its name).
pid_of() { for _ in $(seq 40); do pgrep -o -f -- "^$1" && return 0; sleep 0.25; done; return 1; }

echo "== 50 sleeping tasks on screen, ${SECS}s at the default interval, $ROUNDS rounds"
for r in $(seq "$ROUNDS"); do
    note_load "round $r"
    tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$FORKSCOPE -f $tmp/idle.yaml"
    [ -n "$BEFORE" ] && tmux -L "$SOCK" new-window -d "$BEFORE -f $tmp/idle-before.yaml"
    command -v htop >/dev/null && tmux -L "$SOCK" new-window -d "htop"
    sleep 3 # start-up is not idle
    fpid=$(pid_of "$FORKSCOPE -f $tmp/idle.yaml") || { echo "forkscope did not start"; exit 1; }
    bpid=
    [ -n "$BEFORE" ] && bpid=$(pid_of "$BEFORE -f $tmp/idle-before.yaml")
    hpid=$(pgrep -n -x htop 2>/dev/null)
    f0=$(cpu_ms "$fpid")
    [ -n "$bpid" ] && b0=$(cpu_ms "$bpid")
    [ -n "$hpid" ] && h0=$(cpu_ms "$hpid")
    sleep "$SECS"
    awk -v a="$f0" -v b="$(cpu_ms "$fpid")" 'BEGIN { print b - a }' >>"$tmp/fs"
    [ -n "$bpid" ] && awk -v a="$b0" -v b="$(cpu_ms "$bpid")" 'BEGIN { print b - a }' >>"$tmp/before"
    [ -n "$hpid" ] && awk -v a="$h0" -v b="$(cpu_ms "$hpid")" 'BEGIN { print b - a }' >>"$tmp/htop"
    tmux -L "$SOCK" kill-server 2>/dev/null
    sleep 1
done

echo "forkscope CPU ms over ${SECS}s: $(stats "$tmp/fs")"
[ -s "$tmp/before" ] && echo "$BEFORE CPU ms:  $(stats "$tmp/before")"
[ -s "$tmp/htop" ] && echo "htop CPU ms over ${SECS}s:      $(stats "$tmp/htop")"
m=$(median_of "$tmp/fs")
awk -v m="$m" -v t="$TARGET_MS" -v s="$SECS" 'BEGIN {
    printf "target: at most %d ms over 20 s (scaled to %ss: %.0f): %s\n", t, s, t * s / 20,
        m <= t * s / 20 ? "met" : "NOT met" }'
busy_verdict
