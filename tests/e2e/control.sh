#!/bin/bash
# --control: commands on standard input drive a session. stop (the whole process
# group, SIGKILL after stop_timeout, stop_signal), kill, restart, start, signal,
# quit; bad commands give an error event naming the control line and the session
# goes on; the session ends on quit, or at the end of input once tasks are done.
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
plan 54

has_out() { evs output "$1" | grep -qF "\"data\":\"$2\""; }
# out_ge TASK DATA N: TASK printed the line DATA at least N times.
out_ge() { [ "$(evs output "$1" | grep -cF "\"data\":\"$2\"")" -ge "$3" ]; }
members_ge() { [ "$(group_members "$1" | wc -l)" -ge "$2" ]; }
# exit_field TASK N KEY: KEY of the Nth exit event of TASK.
exit_field() { evs exit "$1" | sed -n "${2}p" | jfield "$3"; }
# The error event for control line N.
error_line() { evs error | grep -F "\"msg\":\"control line $1:"; }

LINE=0
# cmd LINE: sends one command line and counts it.
cmd() {
    LINE=$((LINE + 1))
    ctl "$1"
}

cat >"$FS_TMP/control.yaml" <<'YAML'
tasks:
  tree:
    shell: sh -c 'sleep 100 & sleep 100 & wait'
  stubborn:
    shell: trap "" TERM; echo ready; while :; do sleep 0.05; done
    stop_timeout: 0.3
  inty:
    shell: >-
      trap 'echo got int; exit 0' INT; trap 'echo got term; exit 0' TERM;
      echo ready; while :; do sleep 0.05; done
    stop_signal: INT
  usr:
    shell: trap 'echo got usr1' USR1; echo ready; while :; do sleep 0.05; done
  lazy:
    shell: echo lazy ran
    autostart: false
YAML

fs_bg --headless --json --control -f "$FS_TMP/control.yaml"
if wait_evs 30 4 start && wait_for 30 has_out stubborn ready && wait_for 30 has_out inty ready &&
    wait_for 30 has_out usr ready && [ "$(nevs start lazy)" -eq 0 ]; then
    ok "the four autostart tasks start; lazy (autostart: false) does not"
else
    not_ok "tasks did not start"; show "$FS_TMP/out"; show "$FS_TMP/err"
fi
TREE=$(task_pid tree)
_fs_groups="$_fs_groups $TREE $(task_pid stubborn) $(task_pid inty) $(task_pid usr)"
check "tree: the shell and its two sleeps are running" wait_for 30 members_ge "$TREE" 3

# ---- bad commands, then a good one ------------------------------------------------
cmd 'frobnicate x'
cmd 'stop nosuchtask'
cmd 'signal usr NOPE'
cmd 'signal usr USR1'
if wait_for 30 has_out usr 'got usr1'; then
    ok "signal usr USR1 reaches the task, after three bad commands"
else
    not_ok "signal USR1: no 'got usr1'"; show "$FS_TMP/out"
fi
if error_line 1 | grep -q frobnicate; then
    ok "unknown command: error event names control line 1 and the command"
else
    not_ok "unknown command: no error for line 1"; show "$FS_TMP/out"
fi
if error_line 2 | grep -q nosuchtask; then
    ok "unknown task: error event names control line 2 and the task"
else
    not_ok "unknown task: no error for line 2"; show "$FS_TMP/out"
fi
if error_line 3 | grep -q NOPE; then
    ok "unknown signal: error event names control line 3 and the signal"
else
    not_ok "unknown signal: no error for line 3"; show "$FS_TMP/out"
fi
check "exactly three error events so far" test "$(nevs error)" -eq 3

# ---- stop: the whole process tree ----------------------------------------------------
cmd 'stop tree'
if wait_evs 30 1 exit tree && [ "$(exit_field tree 1 signal)" = '"SIGTERM"' ] &&
    [ "$(exit_field tree 1 code)" = null ] && [ "$(exit_field tree 1 pid)" = "$TREE" ]; then
    ok "stop tree: exit event with signal SIGTERM, code null, the task's pid"
else
    not_ok "stop tree: exit event"; show "$FS_TMP/out"
fi
if wait_for 30 group_gone "$TREE"; then
    ok "stop tree: no process of its group remains"
else
    not_ok "stop tree: left behind: $(group_members "$TREE" | tr '\n' ' ')"
fi

# ---- stop_timeout: SIGKILL after the grace period ------------------------------------
STUB=$(task_pid stubborn)
cmd 'mark'            # an error event whose t is when the stop arrives
MARK_LINE=$LINE
cmd 'stop stubborn'
if wait_evs 30 1 exit stubborn && [ "$(exit_field stubborn 1 signal)" = '"SIGKILL"' ]; then
    ok "stop of a task ignoring SIGTERM: SIGKILL (exit signal SIGKILL)"
else
    not_ok "stubborn: exit event"; show "$FS_TMP/out"
fi
t_mark=$(error_line "$MARK_LINE" | jfield t)
t_exit=$(exit_field stubborn 1 t)
if [ -n "$t_mark" ] && [ -n "$t_exit" ] && fcmp "$(awk -v a="$t_exit" -v b="$t_mark" 'BEGIN { print a - b }')" '>=' 0.299 &&
    fcmp "$t_exit" '<' "$(awk -v b="$t_mark" 'BEGIN { print b + 4 }')"; then
    ok "stubborn: killed after stop_timeout 0.3 s (took $(awk -v a="$t_exit" -v b="$t_mark" 'BEGIN { print a - b }') s), not the default 5 s"
else
    not_ok "stubborn: stop at t=$t_mark, exit at t=$t_exit"
fi
check "stubborn: no process of its group remains" wait_for 30 group_gone "$STUB"

# ---- stop_signal ------------------------------------------------------------------------
cmd 'stop inty'
if wait_evs 30 1 exit inty && has_out inty 'got int' && ! has_out inty 'got term' &&
    [ "$(exit_field inty 1 code)" = 0 ]; then
    ok "stop_signal: INT is sent instead of TERM (the task exits 0 from its INT trap)"
else
    not_ok "stop_signal INT"; show "$FS_TMP/out"
fi

# ---- restart: a new run with a new pid ---------------------------------------------------
USR1=$(task_pid usr)
cmd 'restart usr'
if wait_evs 30 2 start usr; then
    USR2=$(task_pid usr 2)
    check "restart usr: a new start event with a new pid" test "$USR2" != "$USR1"
else
    USR2=""
    not_ok "restart usr: no second start event"; show "$FS_TMP/out"
fi
_fs_groups="$_fs_groups $USR2"
# The run that restart ended is reported like any stopped run: its pid, SIGTERM.
if [ "$(exit_field usr 1 pid)" = "$USR1" ] && [ "$(exit_field usr 1 signal)" = '"SIGTERM"' ] &&
    [ "$(exit_field usr 1 code)" = null ]; then
    ok "restart usr: the old run's exit event has its pid and signal SIGTERM"
else
    not_ok "restart usr: the old run's exit event is: $(evs exit usr | head -n 1)"
fi
check "restart usr: the old run's group is gone" wait_for 30 group_gone "$USR1"
check "restart usr: the new run is running (it printed ready again)" \
    wait_for 30 out_ge usr ready 2

# ---- kill ----------------------------------------------------------------------------------
cmd 'kill usr'
if wait_evs 30 2 exit usr && [ "$(exit_field usr 2 signal)" = '"SIGKILL"' ] &&
    [ "$(exit_field usr 2 pid)" = "$USR2" ]; then
    ok "kill usr: exit event with signal SIGKILL and the new run's pid"
else
    not_ok "kill usr"; show "$FS_TMP/out"
fi
# usr has no restart policy, so a restart could only come from the kill's own
# handling. A command sent after the exit event is the witness: once its error
# event is out, the kill has been dealt with.
cmd 'witness-after-kill'
check "kill usr: a later command was answered" \
    wait_for 30 sh -c "grep -q '\"msg\":\"control line $LINE: .*witness-after-kill' '$FS_TMP/out'"
check "kill usr: no restart follows a kill" test "$(nevs start usr)" -eq 2

# ---- start -------------------------------------------------------------------------------
cmd 'kill lazy'
cmd 'start lazy'
if wait_evs 30 1 exit lazy && has_out lazy 'lazy ran' && [ "$(exit_field lazy 1 code)" = 0 ]; then
    ok "start lazy: an autostart: false task starts on command"
else
    not_ok "start lazy"; show "$FS_TMP/out"
fi
if error_line $((LINE - 1)) | grep -q "lazy"; then
    ok "kill of a task that is not running: error event names the line and the task"
else
    not_ok "kill lazy (idle): no error for line $((LINE - 1))"; show "$FS_TMP/out"
fi
cmd 'start lazy'
check "start lazy again after it ended: a second run" wait_evs 30 2 exit lazy
cmd 'start usr'
if wait_evs 30 3 start usr && [ "$(task_pid usr 3)" != "$USR2" ]; then
    ok "start usr after kill: a third run with a new pid"
else
    not_ok "start usr after kill"; show "$FS_TMP/out"
fi
USR3=$(task_pid usr 3)
_fs_groups="$_fs_groups $USR3"
wait_for 30 out_ge usr ready 3
cmd 'start usr'
if wait_for 30 sh -c "grep -q '\"msg\":\"control line $LINE:' '$FS_TMP/out'" && error_line "$LINE" | grep -q "usr"; then
    ok "start of a running task: error event names the line and the task"
else
    not_ok "start usr while running: no error for line $LINE"; show "$FS_TMP/out"
fi
cmd 'signal usr'
cmd 'stop'
# Errors come in the order of the lines: the last one's means both are out.
wait_for 30 sh -c "grep -q '\"msg\":\"control line $LINE:' '$FS_TMP/out'"
if error_line $((LINE - 1)) | grep -q 'signal' && error_line "$LINE" | grep -q 'stop'; then
    ok "missing arguments: error events give the usage"
else
    not_ok "missing arguments"; show "$FS_TMP/out"
fi

# ---- quit -----------------------------------------------------------------------------------
cmd 'quit'
fs_wait 30
check "quit: forkscope ends" test "$rc" -ne 124
check "quit: the running task was stopped (exit event of its run)" \
    test "$(exit_field usr 3 pid)" = "$USR3"
check "quit: no process of the task remains" wait_for 30 group_gone "$USR3"
if [ "$rc" -eq 1 ] && ! grep -q 'internal error' "$FS_TMP/err"; then
    ok "quit: exit status 1 (a task was stopped), no internal error"
else
    not_ok "quit: exit status $rc"; show "$FS_TMP/err"
fi
check "no stray output: every stdout line is an event" \
    sh -c "! grep -v '^{\"t\":' '$FS_TMP/out' | grep -q ."

# ---- end of input ---------------------------------------------------------------------------
# The session goes on while input is open, even when every task has ended.
fs_bg --headless --json --control 'echo once'
wait_evs 30 1 exit echo
# The witness: a command sent after the task's exit event is answered, so the
# session went on after its last task ended (and is there still).
ctl 'witness-after-exit'
if wait_for 30 sh -c "grep -q '\"msg\":\"control line 1: .*witness-after-exit' '$FS_TMP/out'" &&
    kill -0 "$FPID" 2>/dev/null; then
    ok "open input: the session stays after every task ended"
else
    not_ok "open input: forkscope ended with its tasks"; show "$FS_TMP/out"
fi
ctl 'start echo'
check "open input: a task can be started again" wait_evs 30 2 exit echo
ctl_close
fs_wait 30
check "end of input once all tasks are done: forkscope ends with status 0" test "$rc" -eq 0

# At the end of input, running tasks are waited for, not stopped.
fs_bg --headless --json --control 'sleep 0.4; echo done'
ctl_close
fs_wait 30
if [ "$rc" -eq 0 ] && has_out sleep 'done' && fcmp "$(exit_field sleep 1 t)" '>=' 0.399; then
    ok "end of input with a running task: it runs to its end; status 0"
else
    not_ok "end of input with a running task (status $rc)"; show "$FS_TMP/out"
fi

# ---- stop during backoff --------------------------------------------------------------------
cat >"$FS_TMP/backoff.yaml" <<'YAML'
tasks:
  flaky:
    shell: exit 1
    restart: on-failure
    backoff: {base: 4, max: 5}
  later:
    shell: exit 1
    restart: on-failure
    backoff: {base: 4, max: 1}
    autostart: false
YAML
fs_bg --headless --json --control -f "$FS_TMP/backoff.yaml"
wait_evs 30 1 restart flaky
ctl 'stop flaky'
# The stop must come within flaky's backoff (4 s: on a loaded machine a
# control line has taken more than 0.5 s). The witness: later, started after
# the stop, waits out the same backoff from a later moment; when its restart has run, flaky's restart, had it not been
# cancelled, would have run before it (timers fire in the order of their due time).
ctl 'start later'
check "stop during backoff: the witness task restarted after its backoff" wait_evs 30 2 start later
ctl_close
fs_wait 30
check "stop during backoff: the pending restart is cancelled" test "$(nevs start flaky)" -eq 1
if [ "$(evs exit flaky | jfield pid | sort | uniq -d)" = "" ]; then
    ok "stop during backoff: one exit event per process, none repeated"
else
    not_ok "stop during backoff: exit events repeat a pid:"; evs exit flaky | sed 's/^/#   /'
fi
check "stop during backoff: forkscope ends at the end of input" test "$rc" -ne 124

# ---- restart policy and commands ------------------------------------------------------------
# signal: the restart policy applies if the task dies; kill and stop: no restart
# follows; start during a backoff wait cuts it short.
cat >"$FS_TMP/keeper.yaml" <<'YAML'
tasks:
  keeper:
    shell: echo up; exec sleep 100
    restart: always
    backoff: {base: 0.05}
  slowback:
    shell: exit 1
    restart: on-failure
    backoff: {base: 300, cap: 300}
  idle:
    shell: echo idle ran
    autostart: false
  witness:
    shell: exit 1
    restart: on-failure
    backoff: {base: 0.5, max: 1}
    autostart: false
YAML
fs_bg --headless --json --control -f "$FS_TMP/keeper.yaml"
wait_evs 30 1 start keeper && wait_for 30 has_out keeper up
_fs_groups="$_fs_groups $(task_pid keeper)"
ctl 'signal keeper KILL'
if wait_evs 30 2 start keeper && [ "$(nevs restart keeper)" -eq 1 ]; then
    ok "signal KILL to a restart: always task: the policy restarts it"
else
    not_ok "signal KILL: no restart"; show "$FS_TMP/out"
fi
_fs_groups="$_fs_groups $(task_pid keeper 2)"
wait_for 30 out_ge keeper up 2
ctl 'kill keeper'
wait_evs 30 2 exit keeper
# keeper's next backoff would be 0.1 s. The witness, started after the kill, is
# restarted after 0.5 s: by then a restart of keeper would have come first.
ctl 'start witness'
if wait_evs 30 2 start witness && [ "$(nevs start keeper)" -eq 2 ] &&
    [ "$(nevs restart keeper)" -eq 1 ]; then
    ok "kill of a restart: always task: no restart follows"
else
    not_ok "kill keeper: it was restarted (or the witness did not restart)"; show "$FS_TMP/out"
fi
wait_evs 30 1 restart slowback
ctl 'start slowback'
if wait_evs 30 2 start slowback; then
    ok "start during a 300 s backoff wait starts it at once"
else
    not_ok "start slowback: no second start"; show "$FS_TMP/out"
fi
ctl 'stop slowback'
ctl 'restart idle'
if wait_evs 30 1 exit idle && has_out idle 'idle ran'; then
    ok "restart of a task that never ran starts it"
else
    not_ok "restart idle"; show "$FS_TMP/out"
fi
# Blank and comment lines are skipped but counted.
ctl '' '# a comment' '   ' 'bogus'
if wait_for 30 sh -c "grep -q '\"msg\":\"control line 10: .*bogus' '$FS_TMP/out'" && [ "$(nevs error)" -eq 1 ]; then
    ok "blank and comment lines are ignored but counted: the error names control line 10"
else
    not_ok "line numbering with blank lines"; evs error | sed 's/^/#   /'
fi
ctl_close
fs_wait 30
check "end of input with every task ended or stopped: forkscope ends with status 1" test "$rc" -eq 1

# ---- an over-long command line ----------------------------------------------------------------
# A line longer than the control line limit (1 MiB) is one bad line: one error,
# and no piece of it is run as a command (here: x, 3 MB of blanks, then quit).
fs_bg --headless --json --control --names waiter 'sleep 100'
wait_evs 30 1 start waiter
_fs_groups="$_fs_groups $(task_pid waiter)"
(trap '' PIPE; { printf x; head -c 3000000 /dev/zero | tr '\0' ' '; echo quit; } >&7) 2>/dev/null
ctl 'bogus'
# The witness: the next line's error. A quit run from the long line would have
# come before it and stopped the waiter.
wait_for 30 sh -c "grep -q 'bogus' '$FS_TMP/out'"
ctl 'witness-after-bogus'
wait_for 30 sh -c "grep -q 'witness-after-bogus' '$FS_TMP/out'"
if kill -0 "$FPID" 2>/dev/null && [ "$(nevs exit waiter)" -eq 0 ]; then
    ok "over-long line ending in 'quit': nothing of it is run"
else
    not_ok "over-long line: forkscope quit or stopped the task"; cut -c1-150 "$FS_TMP/out" | sed 's/^/#   /'
fi
if [ "$(nevs error)" -eq 3 ] && error_line 1 | grep -q 'too long' && error_line 2 | grep -q bogus; then
    ok "over-long line: one error for line 1; the next line is line 2"
else
    not_ok "over-long line: errors"; evs error | cut -c1-150 | sed 's/^/#   /'
fi
ctl 'quit'
fs_wait 30

# ---- a task does not read the commands ----------------------------------------------------
# Tasks get their own standard input, so one that reads it (cat) cannot eat the
# commands meant for forkscope.
fs_bg --headless --json --control --names reader 'cat; echo cat-done'
ctl 'frobnicate'
if wait_evs 30 1 exit reader && has_out reader 'cat-done' && ! has_out reader 'frobnicate'; then
    ok "a task reading stdin under --control gets end of file, not the commands"
else
    not_ok "a task read the control input"; show "$FS_TMP/out"
fi
wait_evs 30 1 error
check "the command reached forkscope (error event for line 1)" \
    sh -c "grep -q '\"msg\":\"control line 1: .*frobnicate' '$FS_TMP/out'"
ctl_close
fs_wait 30

# ---- a task that never reads its channel ------------------------------------------------------
# Sends wait while its channel is full; once it has read nothing for the send
# timeout, they are refused, each with an error event naming the task, and the
# commands after them are carried out. Nothing is lost silently.
L=60000
fs_bg --headless --json --control --send-timeout 0.5 --names deaf 'fork:sleep 100'
wait_evs 30 1 start deaf
_fs_groups="$_fs_groups $(task_pid deaf)"
marker=0
send_flood deaf "$L" ',"pad":"0123456789abcdef"' || marker=1
sent=$SENT
refused=$(evs error deaf | grep -c 'not sent: the task has read nothing of its channel for 0.5 s')
if [ "$sent" -gt 0 ] && [ "$refused" -gt 0 ] && [ $((sent + refused)) -eq "$L" ]; then
    ok "never-reading task: $sent sends queued, $refused refused, none lost"
else
    not_ok "never-reading task: $sent sent + $refused refused != $L"; evs error | head -n 3 | cut -c1-200
fi
check "the refusals are error events with the task's name" \
    test "$(evs error | grep -c '"task":"deaf"')" -eq "$refused"
check "the command after them ran (the marker line's error arrived)" test "$marker" = 0
ctl 'quit'
fs_wait 30
if evs error deaf | grep -q "its channel closed with [0-9]* bytes that forkscope had queued"; then
    ok "at its end, the bytes the task never read are reported"
else
    not_ok "no report of the unread bytes"; evs error deaf | tail -n 2 | cut -c1-200
fi

# ---- text mode --------------------------------------------------------------------------------
fs_bg --headless --control 'echo text'
ctl 'bogus-command'
ctl_close
fs_wait 30
if grep -q 'control line 1' "$FS_TMP/err" && grep -q 'bogus-command' "$FS_TMP/err" &&
    grep -qx 'echo | text' "$FS_TMP/out"; then
    ok "text mode: a bad command is reported on stderr with its line"
else
    not_ok "text mode control error"; show "$FS_TMP/err"
fi
finish
