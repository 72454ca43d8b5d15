#!/bin/bash
# The traffic view on the screen: a fork task's channel counts and message log,
# a message typed with M (invalid JSON refused with its position), the table's
# message column. Needs node (SKIP otherwise) and tmux.
. "$FS_SRCDIR/tests/lib.sh"
N=7
plan $N
if ! command -v node >/dev/null || ! command -v tmux >/dev/null; then
    for i in $(seq $N); do skip "node or tmux is not installed"; done
    finish
fi
SOCK="fs-traffic-$$"
T() { tmux -L "$SOCK" "$@"; }
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; _fs_cleanup' EXIT
shown() { wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t fs 2>/dev/null | grep -qF -- \"\$1\"" _ "$1"; }
F="$FS_SRCDIR/tests/fixtures/ipc-e2e"
T new-session -d -s fs -x 160 -y 45 "'$FORKSCOPE' --names echo 'fork:$F/echo.js'; sleep 1000"
check "the table counts the channel's messages" shown "1/0"
T send-keys -t fs m
check "m shows the channels" shown "CHANNEL"
check "the child's message is in the log, marked incoming" shown '<-      74  {"ready":true'
T send-keys -t fs M
T send-keys -t fs -l '{"ping":[1,2]}'
T send-keys -t fs Enter
check "M sends a typed message, logged outgoing" shown '->      14  {"ping":[1,2]}'
check "the child's answer arrives" shown '{"echo":{"ping":[1,2]}}'
T send-keys -t fs M
T send-keys -t fs -l '{"oops":}'
T send-keys -t fs Enter
check "invalid JSON is refused with its position" shown "invalid JSON at line 1, column"
T send-keys -t fs m
check "m again returns to the panes" shown "> echo"
T send-keys -t fs q
finish
