#!/bin/bash
# IPC throughput (issue: IPC channels), side by side in one run:
#  1. N {"i":k} messages from a Node child: forkscope headless, forkscope on
#     screen (detached tmux), and Node's own child_process.fork() parent.
#  2. N messages forkscope -> Node child (--control send) against Node's parent.
#  3. A C child writing 10,000,000 small messages as fast as it can: forkscope
#     on screen, forkscope headless --json (every message printed), and the
#     same child writing to /dev/null.
# Usage: bench/ipc.sh [N]   (from the build directory; needs node and tmux)
set -u
N=${1:-1000000}
FORKSCOPE=${FORKSCOPE:-./forkscope}
here=$(cd "$(dirname "$0")" && pwd)
CCHILD=${CCHILD:-./bench/ipc-flood-child}
tmp=$(mktemp -d)
SOCK="fs-bench-ipc-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f msg/s (%.2fs)", n / s, s }'; }
wait_file() { for _ in $(seq 2400); do [ -s "$1" ] && return 0; sleep 0.25; done; return 1; }
command -v node >/dev/null || { echo "SKIP: node is not installed"; exit 0; }

echo "== $N messages Node child -> parent"
node "$here/ipc-parent.js" send "$N" "$tmp/node-send"
echo "node's fork() parent:  $(rate "$N" "$(cat "$tmp/node-send")")"
"$FORKSCOPE" --headless --json "fork:node $here/ipc-flood.js send $N $tmp/fs-send" >/dev/null
echo "forkscope headless:    $(rate "$N" "$(cat "$tmp/fs-send")")"
tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 \
    "$FORKSCOPE 'fork:node $here/ipc-flood.js send $N $tmp/fs-screen'"
wait_file "$tmp/fs-screen" && echo "forkscope on screen:   $(rate "$N" "$(cat "$tmp/fs-screen")")"
tmux -L "$SOCK" send-keys q; sleep 1; tmux -L "$SOCK" kill-server 2>/dev/null

echo "== $N messages parent -> Node child"
node "$here/ipc-parent.js" recv "$N" "$tmp/node-recv"
echo "node's fork() parent:  $(rate "$N" "$(cat "$tmp/node-recv")")"
# forkscope's side: N `send` lines on --control; a full channel pauses the
# reading of the input (doc/protocol.md), so every message arrives.
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "send c {\"i\":%d}\n", i }' |
    "$FORKSCOPE" --headless --control --interval 60 --names c \
        "fork:node $here/ipc-flood.js recv $N $tmp/fs-recv" >/dev/null
[ -s "$tmp/fs-recv" ] && echo "forkscope (--control):  $(rate "$N" "$(cat "$tmp/fs-recv")")"

M=10000000
echo "== $M small messages from a C child"
(exec 3>/dev/null; "$CCHILD" "$M" "$tmp/null")
echo "to /dev/null:          $(rate "$M" "$(cat "$tmp/null")")"
tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$FORKSCOPE 'fork:$CCHILD $M $tmp/c-screen'"
wait_file "$tmp/c-screen" && echo "forkscope on screen:   $(rate "$M" "$(cat "$tmp/c-screen")") (target >= 3,000,000 msg/s)"
pid=$(pgrep -f -- "^$FORKSCOPE 'fork:$CCHILD" | head -1)
[ -n "$pid" ] && echo "                       forkscope peak RSS $(awk '/VmHWM/ { print $2 }' /proc/"$pid"/status) KiB"
tmux -L "$SOCK" send-keys q; sleep 1; tmux -L "$SOCK" kill-server 2>/dev/null
"$FORKSCOPE" --headless --json "fork:$CCHILD $M $tmp/c-json" >/dev/null
echo "forkscope headless --json (every message printed): $(rate "$M" "$(cat "$tmp/c-json")")"
