#!/bin/bash
# Flood benchmark of the screen (issue: the dashboard). 256 MiB of 100-byte
# lines go through one pty task shown on screen, with forkscope in a detached
# tmux of 200x50; the same flood goes through a plain tmux pane and through a
# bare pty reader (bench/pty-reader), all in this one run. Reports MB/s and the
# ratios. Usage: bench/screen-flood.sh [MiB]   (from the build directory)
set -u
MIB=${1:-256}
BYTES=$((MIB * 1024 * 1024))
here=$(cd "$(dirname "$0")" && pwd)
FORKSCOPE=${FORKSCOPE:-./forkscope}
READER=${READER:-./bench/pty-reader}
tmp=$(mktemp -d)
SOCK="fs-bench-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

# The flood: each line is 99 digits and a newline.
GEN="yes \$(printf %099d 0) | head -c $BYTES"
# Times the flood inside whatever runs it and writes the seconds to a file.
timed() { echo "s=\$(date +%s.%N); $GEN; e=\$(date +%s.%N); echo \"\$s \$e\" > $1"; }

mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
elapsed() { awk '{ printf "%.3f", $2 - $1 }' "$1"; }
wait_file() { for _ in $(seq 1200); do [ -s "$1" ] && return 0; sleep 0.25; done; return 1; }

# 1. The floor: a bare pty reader.
read -r got secs < <("$READER" "$GEN")
bare=$(mbps "$secs")
echo "bare pty reader: $got bytes in ${secs}s = $bare MB/s"

# 2. A plain tmux pane of the same size.
tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$(timed "$tmp/tmux")"
wait_file "$tmp/tmux" || { echo "tmux run did not finish"; exit 1; }
tsecs=$(elapsed "$tmp/tmux")
tm=$(mbps "$tsecs")
echo "tmux pane:       ${tsecs}s = $tm MB/s"
tmux -L "$SOCK" kill-server 2>/dev/null

# 3. forkscope on screen in a detached tmux of 200x50, one pty task.
printf 'tasks:\n  flood:\n    shell: %s\n' "'$(timed "$tmp/fs")'" >"$tmp/flood.yaml"
tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$FORKSCOPE -f $tmp/flood.yaml"
wait_file "$tmp/fs" || { echo "forkscope run did not finish"; exit 1; }
fsecs=$(elapsed "$tmp/fs")
fs=$(mbps "$fsecs")
pid=$(pgrep -x forkscope -f -- "$tmp/flood.yaml" 2>/dev/null | head -1)
[ -n "$pid" ] || pid=$(pgrep -f -- "^$FORKSCOPE -f $tmp/flood.yaml" | head -1)
rss=$(awk '/VmHWM/ { print $2 }' /proc/"$pid"/status 2>/dev/null)
echo "forkscope:       ${fsecs}s = $fs MB/s (peak RSS ${rss:-?} KiB)"
tmux -L "$SOCK" send-keys q
sleep 1

awk -v f="$fs" -v b="$bare" -v t="$tm" 'BEGIN {
    printf "ratios: forkscope/bare = %.2f (target >= 0.80), forkscope/tmux = %.2f, tmux/bare = %.2f\n",
        f / b, f / t, t / b }'
