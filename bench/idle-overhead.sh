#!/bin/bash
# Idle overhead: 50 sleeping tasks on screen for 20 s at the default sampling
# interval. Reports forkscope's own CPU (target: at most 0.3% of one core) next
# to htop's over the same 20 s, both in detached tmux windows of 200x50.
# Usage: bench/idle-overhead.sh [SECONDS]   (from the build directory)
set -u
SECS=${1:-20}
FORKSCOPE=${FORKSCOPE:-./forkscope}
tmp=$(mktemp -d)
SOCK="fs-bench-idle-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
TCK=$(getconf CLK_TCK)

{
    echo "tasks:"
    for i in $(seq 50); do printf '  s%02d:\n    cmd: [sleep, "100000"]\n' "$i"; done
} >"$tmp/idle.yaml"

tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$FORKSCOPE -f $tmp/idle.yaml"
if command -v htop >/dev/null; then
    tmux -L "$SOCK" new-window -d "htop"
fi
sleep 3
fpid=$(pgrep -f -- "^$FORKSCOPE -f $tmp/idle.yaml" | head -1)
hpid=$(pgrep -x htop -n 2>/dev/null)

# CPU ticks (utime + stime) of a process.
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' /proc/"$1"/stat; }
f0=$(ticks "$fpid")
[ -n "$hpid" ] && h0=$(ticks "$hpid")
sleep "$SECS"
f1=$(ticks "$fpid")
[ -n "$hpid" ] && h1=$(ticks "$hpid")

pct() { awk -v d="$1" -v t="$TCK" -v s="$SECS" 'BEGIN { printf "%.2f", d / t / s * 100 }'; }
echo "forkscope, 50 sleeping tasks, ${SECS}s at the default interval: $(pct $((f1 - f0)))% of one core (target <= 0.3%)"
if [ -n "$hpid" ]; then
    echo "htop over the same ${SECS}s:                                   $(pct $((h1 - h0)))% of one core"
else
    echo "htop: SKIP (not installed: apt-get install htop)"
fi
echo "(CPU time has a resolution of 1/$TCK s: $(awk -v t="$TCK" -v s="$SECS" 'BEGIN { printf "%.2f", 100 / t / s }')% over ${SECS}s)"
tmux -L "$SOCK" send-keys -t 0 q
sleep 1
