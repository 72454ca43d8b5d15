#!/bin/bash
# A `setsid` escapee holding a task's output does not keep forkscope from
# quitting. The task starts a holder in a session of its own (out of reach of
# the task's process group) that keeps the task's standard output open for
# ever; forkscope must still end once the task's own process has exited and the
# stop grace period has passed: on SIGTERM, on `quit` from --control, and on `q`
# on the screen. The holders are killed here, by PID, at the end.
. "$FS_SRCDIR/tests/lib.sh"
plan 9

HOLDERS=""
_fs_cleanup_escapee() {
    for p in $HOLDERS; do kill -9 "$p" 2>/dev/null; done
    [ -n "${SOCK:-}" ] && tmux -L "$SOCK" kill-server 2>/dev/null
    _fs_cleanup
}
trap _fs_cleanup_escapee EXIT

# The holder writes its PID to $1 and sleeps in its own session, holding the
# task's stdout and stderr; the task's own shell waits in the foreground.
task_cmd() {
    echo "setsid sh -c 'echo \$\$ >$1; exec sleep 100000' & echo started; sleep 100000"
}

# holder_pid FILE: waits for the holder's PID file and remembers the holder.
holder_pid() {
    wait_for 30 test -s "$1" || return 1
    HPID=$(cat "$1")
    HOLDERS="$HOLDERS $HPID"
}

fs_gone() { ! kill -0 "$FPID" 2>/dev/null; }

# 1-3: headless, SIGTERM once, default stop grace period (5 s).
"$FORKSCOPE" --headless --json "$(task_cmd "$FS_TMP/h1")" >"$FS_TMP/out" 2>"$FS_TMP/err" &
FPID=$!
if holder_pid "$FS_TMP/h1" && wait_for 30 grep -q '"data":"started"' "$FS_TMP/out"; then
    TGROUP=$(task_pid setsid)
    _fs_groups="$_fs_groups $TGROUP"
    kill -TERM "$FPID"
    if wait_for 30 fs_gone; then
        rc=0
        wait "$FPID" || rc=$?
        ok "SIGTERM: forkscope ends although an escapee holds the task's output (status $rc)"
    else
        not_ok "SIGTERM: forkscope still running 30 s later"
        kill -9 "$FPID"; wait "$FPID" 2>/dev/null
    fi
    check "SIGTERM: the task's exit is reported (killed by SIGTERM)" \
        grep -q '"ev":"exit".*"signal":"SIGTERM"' "$FS_TMP/out"
    if wait_for 30 group_gone "$TGROUP"; then
        ok "SIGTERM: nothing is left of the task's process group"
    else
        not_ok "SIGTERM: left in the group: $(group_members "$TGROUP" | tr '\n' ' ')"
    fi
else
    not_ok "SIGTERM: the task did not start"; show "$FS_TMP/err"
    not_ok "SIGTERM: (not run)"; not_ok "SIGTERM: (not run)"
    kill -9 "$FPID" 2>/dev/null
fi

# 4-5: --control quit, with a short stop_timeout from a session file.
cat >"$FS_TMP/s.yaml" <<YAML
tasks:
  held:
    shell: "$(task_cmd "$FS_TMP/h2" | sed 's/"/\\"/g')"
    stop_timeout: 1
YAML
fs_bg --headless --json --control -f "$FS_TMP/s.yaml"
if holder_pid "$FS_TMP/h2" && wait_for 30 grep -q '"data":"started"' "$FS_TMP/out"; then
    TGROUP=$(task_pid held)
    _fs_groups="$_fs_groups $TGROUP"
    # The input stays open: only the quit command ends the session.
    ctl quit
    if wait_for 30 fs_gone; then
        wait "$FPID" 2>/dev/null
        ok "--control quit: forkscope ends although an escapee holds the task's output"
    else
        not_ok "--control quit: forkscope still running 30 s later"
        kill -9 "$FPID"; wait "$FPID" 2>/dev/null
    fi
    ctl_close
    if wait_for 30 group_gone "$TGROUP"; then
        ok "--control quit: nothing is left of the task's process group"
    else
        not_ok "--control quit: left in the group: $(group_members "$TGROUP" | tr '\n' ' ')"
    fi
else
    not_ok "--control quit: the task did not start"; show "$FS_TMP/err"
    not_ok "--control quit: (not run)"
    kill -9 "$FPID" 2>/dev/null
fi

# 6-9: on the screen, `q`.
if ! command -v tmux >/dev/null; then
    skip_missing 4 tmux
    finish
fi
SOCK="fs-escapee-$$"
SCREEN_WAIT=30
cat >"$FS_TMP/q.yaml" <<YAML
tasks:
  held:
    shell: "$(task_cmd "$FS_TMP/h3" | sed 's/"/\\"/g')"
    stop_timeout: 1
YAML
T new-session -d -s fs -x 120 -y 30 \
    "'$FORKSCOPE' -f '$FS_TMP/q.yaml'; echo forkscope-exited-\$?; sleep 100000"
FPID=""
if wait_for 30 find_fs && holder_pid "$FS_TMP/h3" && shown "started"; then
    ok "screen: the task started its escapee"
    TGROUP=$(ps -o pgid= -p "$(pgrep -P "$FPID" -x sh | head -1)" | tr -d ' ')
    [ -n "$TGROUP" ] && _fs_groups="$_fs_groups $TGROUP"
    T send-keys -t fs q
    if wait_for 30 fs_gone; then
        ok "screen: q ends forkscope although an escapee holds the task's pty"
    else
        not_ok "screen: forkscope still running 30 s after q"
        kill -9 "$FPID"
    fi
    check "screen: the terminal is back to the shell" shown "forkscope-exited-"
    if [ -n "$TGROUP" ] && wait_for 30 group_gone "$TGROUP"; then
        ok "screen: nothing is left of the task's process group"
    else
        not_ok "screen: left in the group '$TGROUP': $(group_members "${TGROUP:-0}" | tr '\n' ' ')"
    fi
else
    not_ok "screen: the task did not start"
    T capture-pane -p -t fs | sed 's/^/#   /'
    not_ok "screen: (not run)"; not_ok "screen: (not run)"; not_ok "screen: (not run)"
fi
finish
