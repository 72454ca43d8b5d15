#!/bin/bash
# A node program run as a plain task, traced (doc/tracing.md), on the screen:
# its forked kid is a row of its tree, labelled with the API that started it,
# and the traffic view shows its messages with their ends (`main → kid N`,
# `worker 1 → main`) and keeps only those of one end with `&`. Needs node and
# tmux (SKIP otherwise; a failure under CI=true). Last, the node demo: its
# first lesson's forked kids in the tree, and their rows once the lesson ended.
. "$FS_SRCDIR/tests/lib.sh"
N=10
plan $N
if ! command -v node >/dev/null; then
    skip_missing $N node
    finish
fi
screen_begin $N trace
F="$FS_SRCDIR/tests/fixtures/trace"
T new-session -d -s fs -x 160 -y 48 "'$FORKSCOPE' --names chatty 'node $F/chatty.js'; sleep 1000"
check "the tree counts node and its kid under the task" shown_re '^chatty .* 2: '
T send-keys -t fs f
# (Rows are matched up to the API: a long path of node's cuts the command.)
check "unfolded, the kid's row says it was forked" shown_re "└ node +[0-9]+ +[RSD] fork "
check "the worker thread's row: its threadId, its script and the tid it read" \
    shown_re "└ worker 1 +worker\.js +tid [0-9]+ +online"
T send-keys -t fs A
check "the traffic view shows the parent's messages to the kid" shown_re 'main → kid [0-9]+ +[0-9]+ +\{"n":3\}'
check "and the kid's answers" shown_re 'kid [0-9]+ → parent [0-9]+ +[0-9]+ +\{"echo":3\}'
check "and the worker's" shown_re 'worker 1 → main +[0-9]+ +\{"back":"hi"\}'
T send-keys -t fs '&'
T send-keys -t fs -l 'worker'
T send-keys -t fs Enter
check "& worker keeps only the worker's messages" \
    eval "shown_re 'worker 1 → main' && gone '\"echo\":3}'"
T send-keys -t fs '&'
T send-keys -t fs Enter
check "& with nothing shows every message again" shown '{"echo":3}'
T send-keys -t fs q
T kill-server 2>/dev/null

# The node demo: its first lesson's forked kids are rows of its tree. A server
# of its own: a new session on the socket of the one just killed may meet that
# server still on its way out.
SOCK="fs-trace2-$$"
T new-session -d -s fs -x 160 -y 48 "'$FORKSCOPE' demo node; sleep 1000"
shown "fork-messages"
T send-keys -t fs f
check "demo node: fork-messages' kids are rows labelled fork" shown_re "└ node +[0-9]+ +([RSD]|exit 0) fork "
# The lesson ends right after its kids: their rows stay a while, greyed, with
# the exit code their parent saw (the tracer's child-exit) and the API.
kids_ended() {
    screen_grep -E '^fork-messages +shell +- +exited 0' &&
        test "$(T capture-pane -p -t fs | grep -cE '└ node +[0-9]+ +exit 0 fork ')" = 2
}
check "demo node: once the lesson ended, its two kids' rows stay with exit 0 and fork" \
    wait_for 30 kids_ended
T send-keys -t fs q
finish
