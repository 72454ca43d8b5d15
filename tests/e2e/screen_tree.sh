#!/bin/bash
# A task's descendants as rows under it on the screen (doc/screen.md): folded
# at first, unfolded and folded with f, Right and Left; children and a
# grandchild indented under their parents; an orphan that exits shows its
# status, dimmed, then goes; keys on a descendant's row act on its task; past
# the cap (256 a task) a last row counts the descendants not listed.
. "$FS_SRCDIR/tests/lib.sh"
N=15
plan $N
screen_begin $N tree

mkfifo "$FS_TMP/go"
cat >"$FS_TMP/t.yaml" <<'YAML'
tasks:
  tree:
    shell: sleep 301 & sh -c 'sleep 302 & wait' & (sh -c 'read x <go; exit 7' &); wait
  other:
    shell: exec sleep 1000
YAML
screen_run_file t.yaml
# The TREE column counts the three descendants under the task's own process
# (the orphan was adopted by forkscope): a sample has seen them.
check "the TREE column counts the descendants" shown_re '^tree .* 3: '
if screen_grep -F "└ sleep"; then
    not_ok "descendant rows are shown before unfolding"
else
    ok "the descendants are folded at first"
fi

T send-keys -t fs f
check "f unfolds: a child's row, with its pid, state and command line" \
    shown_re '^└ sleep +[0-9]+ S .* sleep 301 *$'
check "the grandchild is indented under the inner shell" \
    shown_re '^  └ sleep +[0-9]+ S .* sleep 302 *$'
check "the orphan adopted by forkscope is listed too" \
    shown_re '^└ sh +[0-9]+ S .* sh -c read x <go; exit 7 *$'
# The rows are in tree order: the inner shell, then its child.
order=$(T capture-pane -p -t fs | grep -nE '^(└ sh .*sleep 302 & wait|  └ sleep .*sleep 302)' |
    cut -d: -f1 | tr '\n' ' ')
check "the grandchild's row comes right after its parent's ($order)" \
    awk -v o="$order" 'BEGIN { split(o, a, " "); exit !(a[2] == a[1] + 1) }'

echo >"$FS_TMP/go"
check "the orphan that exited shows its exit status" shown_re '^└ sh +[0-9]+ exit 7 .*exit 7 *$'
# Dimmed (SGR 2), as tmux shows the row's attributes with capture-pane -e.
dimmed() { T capture-pane -e -p -t fs | grep -F 'exit 7' | grep -qE $'\e\[([0-9;]*;)?2m'; }
check "its row is dimmed" dimmed
check "an ended descendant goes after a while" gone "exit 7"

T send-keys -t fs f
check "f folds" gone "└ sleep"
T send-keys -t fs Right
shown "└ sleep" && T send-keys -t fs Left
check "Right unfolds and Left folds" gone "└ sleep"
# j goes down into the descendants' rows; a key that acts on a task acts on
# the task of the selected descendant, and says so.
T send-keys -t fs Right
shown "└ sleep" && T send-keys -t fs j x
check "x on a descendant's row stops its task" shown_re "stopping tree: .*\(the task of pid [0-9]+\)"
T send-keys -t fs q
# 0 or 1 (tasks stopped by a signal); 70 would be a leaked handle, 86 a
# sanitizer's report.
check "forkscope quits cleanly" shown_re '^forkscope-exited-[01]$'

# The cap: of 260 children, 256 have rows and a last row counts the others; it
# comes into view with the last descendant's row.
T kill-session -t fs
T new-session -d -s fs -x 160 -y 48 \
    "'$FORKSCOPE' --names many 'for i in \$(seq 260); do sleep 300 & done; wait'; sleep 1000"
check "the TREE column counts 260 descendants" shown_re '^many .* 260: '
T send-keys -t fs f
T send-keys -t fs -N 300 j
check "the last row says how many were not listed" shown '+ 4 more descendants not listed'
T send-keys -t fs q
finish
