#!/bin/bash
# The traffic view on the screen: a fork task's channel counts and message log,
# a message typed with M (invalid JSON refused with its position), the table's
# message column. Needs node and tmux (SKIP otherwise; a failure under CI=true).
. "$FS_SRCDIR/tests/lib.sh"
N=15
plan $N
if ! command -v node >/dev/null; then
    skip_missing $N node
    finish
fi
if ! command -v tmux >/dev/null; then
    skip_missing $N tmux
    finish
fi
SOCK="fs-traffic-$$"
trap 'tmux -L "fs-traffic-$$" kill-server 2>/dev/null; tmux -L "fs-traffic2-$$" kill-server 2>/dev/null; _fs_cleanup' EXIT
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
T kill-server 2>/dev/null
# A server of its own: a new session on a server still shutting down can fail.
SOCK="fs-traffic2-$$"

# Two channels, every task's messages (A), a log of 4 (--message-log), search.
T new-session -d -s fs -x 160 -y 45 \
    "'$FORKSCOPE' --message-log 4 --names a,b 'fork:$F/echo.js' 'fork:$F/echo.js'; sleep 1000"
check "both tasks' tables count their hello" wait_for 30 sh -c \
    "[ \"\$(tmux -L '$SOCK' capture-pane -p -t fs | grep -c ' 1/0 ')\" = 2 ]"
T send-keys -t fs m
check "the log shows the selected task's messages" shown 'messages of the selected task (A: every task)'
for n in 1 2 3; do
    T send-keys -t fs M
    T send-keys -t fs -l "{\"n\":$n}"
    T send-keys -t fs Enter
    shown "{\"echo\":{\"n\":$n}}" || diag "no echo of $n"
done
check "--message-log 4: eight logged, the four oldest dropped" shown '8 logged, 4 dropped from the log'
T send-keys -t fs A
check "A: every task's messages" shown 'messages of every task (A: the selected task only)'
T send-keys -t fs /
T send-keys -t fs -l '"n":2'
T send-keys -t fs Enter
check "/ finds an older message and scrolls the log to it" shown 'scrolled (End: follow)'
check "the message found is the one pretty-printed" shown_re '^ +"n": 2 *$'
T send-keys -t fs End
check "End follows the newest again" gone 'scrolled (End: follow)'
check "the newest is pretty-printed again" shown_re '^ +"n": 3 *$'
T send-keys -t fs q
finish
