#!/bin/bash
# Memory of the screen: 16 panes, each with a full 10,000-line scrollback of
# 100-character lines, in a detached tmux. Reports forkscope's RSS
# (target: under 40 MiB in all) next to a tmux server holding the same 16
# panes with a 10,000-line history. Usage: bench/screen-memory.sh (from the
# build directory). The window is 440x130 so that each of the 16 panes (4x4)
# is over 100 columns wide: a scrollback line is a line of the pane, so a
# narrower pane would wrap each 100-character line into several.
set -u
FORKSCOPE=${FORKSCOPE:-./forkscope}
tmp=$(mktemp -d)
SOCK="fs-bench-mem-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; tmux -L "$SOCK-t" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
LINES_EACH=10000
# 10,000 lines of 100 characters of random text (base64, so nothing compresses
# it away), then wait.
GEN="head -c 750000 /dev/urandom | base64 -w 100 | head -n $LINES_EACH; touch $tmp/done-\$\$; sleep 100000"

{
    echo "tasks:"
    for i in $(seq 16); do
        printf '  t%02d:\n    shell: "%s"\n' "$i" "$GEN"
    done
} >"$tmp/mem.yaml"

tmux -L "$SOCK" -f /dev/null new-session -d -x 440 -y 130 "$FORKSCOPE -f $tmp/mem.yaml"
for _ in $(seq 240); do [ "$(ls "$tmp" | grep -c '^done-')" -ge 16 ] && break; sleep 0.25; done
sleep 1
pid=$(pgrep -f -- "^$FORKSCOPE -f $tmp/mem.yaml" | head -1)
rss=$(awk '/VmRSS/ { print $2 }' /proc/"$pid"/status)
hwm=$(awk '/VmHWM/ { print $2 }' /proc/"$pid"/status)
echo "forkscope, 16 panes x $LINES_EACH lines x 100 chars: RSS $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB); target < 40 MiB"
tmux -L "$SOCK" send-keys q
sleep 1

# The same 16 outputs in a tmux server with history-limit 10000.
rm -f "$tmp"/done-*
echo "set -g history-limit $LINES_EACH" >"$tmp/tmux.conf"
tmux -L "$SOCK-t" -f "$tmp/tmux.conf" new-session -d -x 440 -y 130 "sh -c '$GEN'"
for i in $(seq 15); do tmux -L "$SOCK-t" new-window "sh -c '$GEN'"; done
for _ in $(seq 240); do [ "$(ls "$tmp" | grep -c '^done-')" -ge 16 ] && break; sleep 0.25; done
sleep 1
tpid=$(tmux -L "$SOCK-t" display -p '#{pid}')
trss=$(awk '/VmRSS/ { print $2 }' /proc/"$tpid"/status)
echo "tmux server, same 16 panes:                       RSS $((trss / 1024)) MiB"
