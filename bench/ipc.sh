#!/bin/bash
# IPC throughput (issue: IPC channels), side by side in one run:
#  1. N {"i":k} messages from a Node child: forkscope headless, forkscope on
#     screen (detached tmux) with the panes and with the traffic view open, and
#     Node's own child_process.fork() parent.
#  2. N messages forkscope -> Node child (`send` lines on --control, headless
#     --json) against Node's parent sending them with child.send().
#  3. A C child writing 10,000,000 small messages as fast as it can: forkscope
#     on screen, forkscope headless --json (every message printed), and the
#     same child writing to /dev/null.
# Parts 1 and 2 run ROUNDS times (default 3), the contestants taking turns in
# each round; the median of each is printed with every run and the ratio of
# medians. The child measures the time itself (ipc-flood.js).
# Usage: bench/ipc.sh [N]   (from the build directory; needs node and tmux)
set -u
N=${1:-1000000}
ROUNDS=${ROUNDS:-3}
FORKSCOPE=${FORKSCOPE:-./forkscope}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
CCHILD=${CCHILD:-./bench/ipc-flood-child}
tmp=$(mktemp -d)
SOCK="fs-bench-ipc-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f msg/s (%.2fs)", n / s, s }'; }
wait_file() { for _ in $(seq 2400); do [ -s "$1" ] && return 0; sleep 0.25; done; return 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# report NAME FILE: the median's rate, the seconds' median, min and max, every run.
report() {
    sed -i '/^$/d' "$2"
    printf '%-25s %s  [seconds: %s; runs: %s]\n' "$1:" "$(rate "$N" "$(median <"$2")")" \
        "$(stats "$2")" "$(tr '\n' ' ' <"$2")"
}
# ratio A B: how many times faster A's median is than B's.
ratio() { awk -v a="$(median <"$1")" -v b="$(median <"$2")" 'BEGIN { printf "%.2f", b / a }'; }
# on_screen FILE KEYS: part 1 on screen in a detached tmux (KEYS sent first: m
# opens the traffic view); the child's seconds go to FILE.
on_screen() {
    tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 \
        "$FORKSCOPE 'fork:node $here/ipc-flood.js send $N $tmp/t'"
    [ -n "$2" ] && tmux -L "$SOCK" send-keys "$2"
    wait_file "$tmp/t" && cat "$tmp/t" >>"$1" && echo >>"$1"
    rm -f "$tmp/t"
    tmux -L "$SOCK" send-keys q; sleep 1; tmux -L "$SOCK" kill-server 2>/dev/null
}
command -v node >/dev/null || { echo "SKIP: node is not installed"; exit 0; }

echo "== $N messages Node child -> parent ($ROUNDS rounds)"
for r in $(seq "$ROUNDS"); do
    note_load "round $r"
    node "$here/ipc-parent.js" send "$N" "$tmp/t" && cat "$tmp/t" >>"$tmp/c2p-node" && echo >>"$tmp/c2p-node"
    rm -f "$tmp/t"
    "$FORKSCOPE" --headless --json "fork:node $here/ipc-flood.js send $N $tmp/t" >/dev/null
    cat "$tmp/t" >>"$tmp/c2p-headless" && echo >>"$tmp/c2p-headless"
    rm -f "$tmp/t"
    on_screen "$tmp/c2p-screen" ""
    on_screen "$tmp/c2p-traffic" m
done
report "node's fork() parent" "$tmp/c2p-node"
report "forkscope headless" "$tmp/c2p-headless"
report "forkscope on screen" "$tmp/c2p-screen"
report "on screen, traffic view" "$tmp/c2p-traffic"
echo "forkscope / node: headless --json $(ratio "$tmp/c2p-headless" "$tmp/c2p-node")x, on screen $(ratio "$tmp/c2p-screen" "$tmp/c2p-node")x, with the traffic view open $(ratio "$tmp/c2p-traffic" "$tmp/c2p-node")x (target >= 1)"

echo "== $N messages parent -> Node child ($ROUNDS rounds)"
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "send c {\"i\":%d}\n", i }' >"$tmp/cmds"
for r in $(seq "$ROUNDS"); do
    note_load "round $r"
    node "$here/ipc-parent.js" recv "$N" "$tmp/t" && cat "$tmp/t" >>"$tmp/p2c-node" && echo >>"$tmp/p2c-node"
    rm -f "$tmp/t"
    timeout 600 "$FORKSCOPE" --headless --json --control --names c \
        "fork:node $here/ipc-flood.js recv $N $tmp/t" \
        <"$tmp/cmds" >/dev/null
    cat "$tmp/t" >>"$tmp/p2c-fs" && echo >>"$tmp/p2c-fs"
    rm -f "$tmp/t"
done
report "node's fork() parent" "$tmp/p2c-node"
report "forkscope (--control)" "$tmp/p2c-fs"
echo "forkscope / node: $(ratio "$tmp/p2c-fs" "$tmp/p2c-node")x (target >= 1; forkscope also prints an event per message)"

M=10000000
echo "== $M small messages from a C child (one run each)"
note_load "C child"
(exec 3>/dev/null; "$CCHILD" "$M" "$tmp/null")
echo "to /dev/null:          $(rate "$M" "$(cat "$tmp/null")")"
tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$FORKSCOPE 'fork:$CCHILD $M $tmp/c-screen'"
wait_file "$tmp/c-screen" && echo "forkscope on screen:   $(rate "$M" "$(cat "$tmp/c-screen")") (target >= 3,000,000 msg/s)"
pid=$(pgrep -f -- "^$FORKSCOPE 'fork:$CCHILD" | head -1)
[ -n "$pid" ] && echo "                       forkscope peak RSS $(awk '/VmHWM/ { print $2 }' /proc/"$pid"/status) KiB"
tmux -L "$SOCK" send-keys q; sleep 1; tmux -L "$SOCK" kill-server 2>/dev/null
"$FORKSCOPE" --headless --json "fork:$CCHILD $M $tmp/c-json" >/dev/null
echo "forkscope headless --json (every message printed): $(rate "$M" "$(cat "$tmp/c-json")")"
busy_verdict
