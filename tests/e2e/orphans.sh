#!/bin/bash
# No orphans: whatever forkscope starts dies with it, on every exit path. The
# task is a shell that ignores SIGTERM and SIGHUP and waits on a grandchild that
# inherits that; only SIGKILL to the whole group ends it.
. "$FS_SRCDIR/tests/lib.sh"
plan 13

STUBBORN='trap "" TERM HUP; sleep 1000 & wait'
cat >"$FS_TMP/stubborn.yaml" <<YAML
tasks:
  stubborn:
    shell: '$STUBBORN'
    stop_timeout: 0.5
YAML

# members_ge GROUP N: the group has at least N processes (counted at each call).
members_ge() { [ "$(group_members "$1" | wc -l)" -ge "$2" ]; }

# Starts forkscope in the background on the stubborn task; sets FPID and TGROUP.
# On failure it says which step did not happen (as a TAP diagnostic). The
# limits are generous: they only matter when something is wrong, and a loaded
# machine with a sanitizer build can take seconds to start a shell.
start_stubborn() {
    # A new file each time: a forkscope of the run before that still had the
    # old one open would write into a truncated file past its end (a hole of
    # NULs, which makes grep call the file binary).
    rm -f "$FS_TMP/out" "$FS_TMP/err"
    "$FORKSCOPE" --headless --json "$@" >"$FS_TMP/out" 2>"$FS_TMP/err" &
    FPID=$!
    TGROUP=""
    # A whole start event: the file may be read while a line is being written.
    if ! wait_for 30 grep -qE '"ev":"start".*"pid":[0-9]+[,}]' "$FS_TMP/out"; then
        diag "no start event in 30 s"; show "$FS_TMP/out"; show "$FS_TMP/err"
        kill -9 "$FPID" 2>/dev/null
        return 1
    fi
    TGROUP=$(grep -aE '"ev":"start".*"pid":[0-9]+[,}]' "$FS_TMP/out" | head -1 | grep -o '"pid":[0-9]*' | cut -d: -f2)
    _fs_groups="$_fs_groups $TGROUP"
    # The shell and its sleeping grandchild are both there.
    if ! wait_for 30 members_ge "$TGROUP" 2; then
        diag "group $TGROUP did not reach 2 processes in 30 s:" \
            "$(group_members "$TGROUP" | tr '\n' ' ')"
        kill -9 "$FPID" 2>/dev/null
        return 1
    fi
}

# killed_gone: forkscope ($FPID) was ended by the SIGKILL just sent (wait
# reports 128 + 9) and is no longer there; anything else is reported.
killed_gone() {
    local st=0
    wait "$FPID" 2>/dev/null || st=$?
    if [ "$st" -eq 137 ] && ! kill -0 "$FPID" 2>/dev/null; then
        return 0
    fi
    diag "forkscope ended with status $st, not by SIGKILL (137)"
    return 1
}

# Sends a signal to forkscope and checks that it exits and the group is gone.
for sig in INT TERM HUP; do
    if start_stubborn -f "$FS_TMP/stubborn.yaml"; then
        kill -"$sig" "$FPID"
        if wait_for 30 sh -c "! kill -0 $FPID 2>/dev/null"; then
            wait "$FPID"
            ok "SIG$sig: forkscope exits after stopping its task"
        else
            not_ok "SIG$sig: forkscope still running"
            kill -9 "$FPID"
        fi
        if wait_for 30 group_gone "$TGROUP"; then
            ok "SIG$sig: no process of the task survives"
        else
            not_ok "SIG$sig: left behind: $(group_members "$TGROUP" | tr '\n' ' ')"
        fi
    else
        not_ok "SIG$sig: the task did not start"; show "$FS_TMP/err"
        not_ok "SIG$sig: (not run)"
    fi
done

# SIGKILL cannot be caught: the watchdog process kills the group.
if start_stubborn -f "$FS_TMP/stubborn.yaml"; then
    kill -9 "$FPID"
    if killed_gone; then
        ok "SIGKILL: forkscope is gone"
    else
        not_ok "SIGKILL: forkscope was not ended by the SIGKILL"
    fi
    if wait_for 30 group_gone "$TGROUP"; then
        ok "SIGKILL: no process of the task survives"
    else
        not_ok "SIGKILL: left behind: $(group_members "$TGROUP" | tr '\n' ' ')"
    fi
else
    not_ok "SIGKILL: the task did not start"; not_ok "SIGKILL: (not run)"
fi

# The same with the default stop timeout and a positional command, as in the
# issue: kill -9 of forkscope running the stubborn shell leaves nothing.
if start_stubborn "$STUBBORN"; then
    kill -9 "$FPID"
    wait "$FPID" 2>/dev/null
    if wait_for 30 group_gone "$TGROUP"; then
        ok "SIGKILL, positional task: nothing left"
    else
        not_ok "SIGKILL, positional task: left behind: $(group_members "$TGROUP" | tr '\n' ' ')"
    fi
else
    not_ok "SIGKILL, positional task: did not start"
fi

# The quit command of --control.
mkfifo "$FS_TMP/ctl"
"$FORKSCOPE" --headless --json --control -f "$FS_TMP/stubborn.yaml" <"$FS_TMP/ctl" \
    >"$FS_TMP/out" 2>"$FS_TMP/err" &
FPID=$!
exec 7>"$FS_TMP/ctl"
if wait_for 30 grep -qE '"ev":"start".*"pid":[0-9]+[,}]' "$FS_TMP/out" &&
    TGROUP=$(grep -aE '"ev":"start".*"pid":[0-9]+[,}]' "$FS_TMP/out" | head -1 | grep -o '"pid":[0-9]*' | cut -d: -f2) &&
    _fs_groups="$_fs_groups $TGROUP" && wait_for 30 members_ge "$TGROUP" 2; then
    echo quit >&7
    if wait_for 30 sh -c "! kill -0 $FPID 2>/dev/null"; then
        ok "quit command: forkscope exits"
    else
        not_ok "quit command: forkscope still running"
        kill -9 "$FPID"
    fi
    if wait_for 30 group_gone "$TGROUP"; then
        ok "quit command: no process of the task survives"
    else
        not_ok "quit command: left behind: $(group_members "$TGROUP" | tr '\n' ' ')"
    fi
else
    not_ok "quit command: task did not start (or its grandchild did not)"; show "$FS_TMP/out"
    not_ok "quit command: (not run)"
fi
exec 7>&-
wait "$FPID" 2>/dev/null

# A grandchild that left the group's output alone (redirected, backgrounded)
# while the task's own process ended: it is killed when forkscope ends.
"$FORKSCOPE" --headless --json --control \
    'trap "" TERM HUP; sleep 1000 >/dev/null 2>&1 & echo started' \
    <"$FS_TMP/ctl" >"$FS_TMP/out" 2>"$FS_TMP/err" &
FPID=$!
exec 7>"$FS_TMP/ctl"
if wait_for 30 grep -q '"ev":"exit"' "$FS_TMP/out"; then
    TGROUP=$(grep -aE '"ev":"start".*"pid":[0-9]+[,}]' "$FS_TMP/out" | head -1 | grep -o '"pid":[0-9]*' | cut -d: -f2)
    _fs_groups="$_fs_groups $TGROUP"
    # The check below means something only when the grandchild is there: the
    # task's shell has exited (its exit event came), so a member of its group
    # now is the backgrounded sleep.
    if wait_for 30 members_ge "$TGROUP" 1; then
        ok "lingering: the backgrounded grandchild outlives the task's shell"
        echo quit >&7
        exec 7>&-
        wait_for 30 sh -c "! kill -0 $FPID 2>/dev/null" || diag "forkscope did not end on quit"
        if wait_for 30 group_gone "$TGROUP"; then
            ok "lingering group member is killed on quit"
        else
            not_ok "lingering member left behind: $(group_members "$TGROUP" | tr '\n' ' ')"
        fi
    else
        exec 7>&-
        not_ok "lingering: no grandchild in group $TGROUP before quit"
        not_ok "lingering: (not run: nothing lingered)"
    fi
else
    exec 7>&-
    not_ok "lingering: the task did not end"; show "$FS_TMP/out"
    not_ok "lingering: (not run)"
fi
kill -9 "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
finish
