#!/bin/bash
# A task's descendants in headless `sample` events (doc/headless.md): one event
# each, with its own pid, its ppid, the task's name and "descendant":true; a
# grandchild under its parent; an orphan, adopted by forkscope (the child
# subreaper), that exits shows its exit status and stays listed, ended, for
# FS_DESC_LINGER (5 s) of the session's clock; past the cap (256 a task) the
# task's own event counts the others in descendants_cut. Every wait is for an
# event, with limits that only matter when something is wrong.
. "$FS_SRCDIR/tests/lib.sh"
plan 11

cd "$FS_TMP" || exit 1
mkfifo go
# Two children (sleep 301, and a shell whose child sleep 302 is the task's
# grandchild) and an orphan: a subshell starts `sh -c 'read x <go; exit 7'` and
# exits at once, leaving it to forkscope. The orphan ends when this script
# writes to the fifo.
TASK="sleep 301 & sh -c 'sleep 302 & wait' & (sh -c 'read x <go; exit 7' &); echo started; wait"
fs_bg --headless --json --control --interval 0.3 --names tree "$TASK"
wait_evs 30 1 start tree
SH=$(task_pid tree)
_fs_groups="$_fs_groups $SH"

desc() { evs sample tree | grep '"descendant":true' || true; }
# desc_of CMD: the descendant events of the command line CMD.
desc_of() { desc | grep -F "\"cmd\":\"$1\"" || true; }
listed() { [ -n "$(desc_of "$1")" ]; }
ORPHAN='sh -c read x <go; exit 7'

if wait_for 30 listed 'sleep 301' && wait_for 30 listed 'sleep 302' && wait_for 30 listed "$ORPHAN"
then
    ok "the children, the grandchild and the orphan have descendant sample events"
else
    not_ok "descendant events missing"; show "$FS_TMP/out"
fi
check "a child's ppid is the task's process ($SH)" \
    test "$(desc_of 'sleep 301' | head -1 | jfield ppid)" = "$SH"
INNER=$(desc_of 'sh -c sleep 302 & wait' | head -1 | jfield pid)
check "the inner shell is the task's child" \
    test "$(desc_of 'sh -c sleep 302 & wait' | head -1 | jfield ppid)" = "$SH"
GRAND=$(desc_of 'sleep 302' | head -1)
if [ -n "$INNER" ] && [ "$(jfield ppid <<<"$GRAND")" = "$INNER" ] &&
    [ "$(jfield depth <<<"$GRAND")" = 2 ]; then
    ok "the grandchild's ppid is the inner shell ($INNER), at depth 2"
else
    not_ok "grandchild: $GRAND (inner shell ${INNER:-?})"
fi
# Its parent, the subshell, exits at once; a sample may see it before that.
adopted() { desc_of "$ORPHAN" | grep -q "\"ppid\":$FPID,"; }
check "the orphan's parent is forkscope itself ($FPID), the subreaper" wait_for 30 adopted
# The task's own events keep their form: no "descendant", the summed figures.
own=$(evs sample tree | grep -v '"descendant"' | tail -n 1)
if [[ $own == *'"pid":'"$SH"','* && $own == *'"descendants":'[0-9]* ]]; then
    ok "the task's own sample events are as before"
else
    not_ok "the task's own sample event: $own"
fi

# The orphan ends with status 7: forkscope reaps it and says so.
ended() { desc_of "$ORPHAN" | grep -q '"ended":true'; }
echo >go
if wait_for 30 ended; then
    first=$(desc_of "$ORPHAN" | grep '"ended":true' | head -1)
    if [[ $first == *'"code":7,"signal":null'* ]]; then
        ok "the orphan that exited shows its exit status 7"
    else
        not_ok "the orphan's end: $first"
    fi
else
    not_ok "the orphan never showed as ended"; show "$FS_TMP/out"
fi

# It stays listed, ended, for 5 s of the session's clock, then goes: the
# witness is a later sample round of the task without it. It ended after its
# last event alive and before its first ended one, so the round without it
# comes 5 s at least after the former, and its last ended event less than 5 s
# after the latter, however late the samples are on a loaded machine.
# last_round: the events of the task's latest sample (its own event and after).
last_round() {
    evs sample tree | awk '!/"descendant"/ { round = "" } { round = round $0 "\n" }
                           END { printf "%s", round }'
}
gone_now() { ended && ! last_round | grep -qF "\"cmd\":\"$ORPHAN\""; }
if wait_for 30 gone_now; then
    gone_t=$(last_round | head -n 1 | jfield t)
    alive_t=$(desc_of "$ORPHAN" | grep -v '"ended"' | tail -n 1 | jfield t)
    span=$(desc_of "$ORPHAN" | grep '"ended":true' | jfield t |
        awk 'NR == 1 { f = $1 } { l = $1 } END { print l - f }')
    away=$(awk -v a="$alive_t" -v g="$gone_t" 'BEGIN { print g - a }')
    if fcmp "$away" '>=' 5 && fcmp "$span" '<' 5.001; then
        ok "the ended orphan stayed listed (${span} s of ended events), then went (${away} s after it was last seen alive)"
    else
        not_ok "the ended orphan: ${span} s of ended events, gone ${away} s after alive; want 5"
    fi
else
    not_ok "the ended orphan was still listed"; show "$FS_TMP/out"
fi
ctl quit
fs_wait 30
# 1: the task was stopped by a signal; 70 would be a leaked handle, 86 a
# sanitizer's report.
check "forkscope ended on quit, status $rc (0 or 1)" test "$rc" -le 1

# ---- the cap: 260 children, 256 listed, 4 counted ---------------------------------------
fs_bg --headless --json --control --interval 0.3 --names many \
    'for i in $(seq 260); do sleep 300 & done; wait'
wait_evs 30 1 start many
_fs_groups="$_fs_groups $(task_pid many)"
# A round is complete once the task's next own event is written: the witness.
full() { evs sample many | grep -v '"descendant"' | grep -c '"descendants":260,' | grep -qv '^[01]$'; }
if wait_for 60 full; then
    # The first round that saw all 260: its own event and the descendants after it.
    round=$(evs sample many | awk '!/"descendant"/ { if (on) exit; on = /"descendants":260,/ } on')
    listed=$(grep -c '"descendant":true' <<<"$round")
    cutn=$(head -n 1 <<<"$round" | jfield descendants_cut)
    check "260 children: 256 descendant events in a round ($listed)" test "$listed" = 256
    check "and the task's own event counts the 4 cut ($cutn)" test "$cutn" = 4
else
    not_ok "the 260 children were never all counted"
    not_ok "no descendants_cut"
    diag "the last: $(evs sample many | grep -v '"descendant"' | tail -n 1)"
fi
ctl quit
fs_wait 30
finish
