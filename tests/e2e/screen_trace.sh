#!/bin/bash
# A node program run as a plain task, traced (doc/tracing.md), on the screen:
# its forked kid is a row of its tree, labelled with the API that started it,
# and the traffic view shows its messages with their ends (`main → kid N`,
# `worker 1 → main`) and keeps only those of one end with `&`. Needs node and
# tmux (SKIP otherwise; a failure under CI=true). Last, the node demo: its
# first lesson's forked kids in the tree.
. "$FS_SRCDIR/tests/lib.sh"
N=9
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
check "unfolded, the kid's row says it was forked" shown_re "└ .*fork.*chatty\.js kid"
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

# The node demo: its first lesson's forked kids are rows of its tree.
T new-session -d -s fs -x 160 -y 48 "'$FORKSCOPE' demo node; sleep 1000"
shown "fork-messages"
T send-keys -t fs f
check "demo node: fork-messages' kids are rows labelled fork" shown_re "└ .* fork +.*fork-messages\.js"
T send-keys -t fs q
finish
