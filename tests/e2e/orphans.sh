#!/bin/bash
# No orphans: whatever forkscope starts dies with it, on every exit path. The
# task is a shell that ignores SIGTERM and SIGHUP and waits on a grandchild that
# inherits that; only SIGKILL to the whole group ends it.
. "$FS_SRCDIR/tests/lib.sh"
plan 12

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
start_stubborn() {
    "$FORKSCOPE" --headless --json "$@" >"$FS_TMP/out" 2>"$FS_TMP/err" &
    FPID=$!
    TGROUP=""
    wait_for 10 grep -q '"ev":"start"' "$FS_TMP/out" || return 1
    TGROUP=$(grep -o '"pid":[0-9]*' "$FS_TMP/out" | head -1 | cut -d: -f2)
    _fs_groups="$_fs_groups $TGROUP"
    # The shell and its sleeping grandchild are both there.
    wait_for 10 members_ge "$TGROUP" 2
}

# Sends a signal to forkscope and checks that it exits and the group is gone.
for sig in INT TERM HUP; do
    if start_stubborn -f "$FS_TMP/stubborn.yaml"; then
        kill -"$sig" "$FPID"
        if wait_for 15 sh -c "! kill -0 $FPID 2>/dev/null"; then
            wait "$FPID"
            ok "SIG$sig: forkscope exits after stopping its task"
        else
            not_ok "SIG$sig: forkscope still running"
            kill -9 "$FPID"
        fi
        if wait_for 5 group_gone "$TGROUP"; then
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
    wait "$FPID" 2>/dev/null
    ok "SIGKILL: forkscope is gone"
    if wait_for 5 group_gone "$TGROUP"; then
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
    if wait_for 5 group_gone "$TGROUP"; then
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
if wait_for 10 grep -q '"ev":"start"' "$FS_TMP/out"; then
    TGROUP=$(grep -o '"pid":[0-9]*' "$FS_TMP/out" | head -1 | cut -d: -f2)
    _fs_groups="$_fs_groups $TGROUP"
    wait_for 10 members_ge "$TGROUP" 2
    echo quit >&7
    if wait_for 15 sh -c "! kill -0 $FPID 2>/dev/null"; then
        ok "quit command: forkscope exits"
    else
        not_ok "quit command: forkscope still running"
        kill -9 "$FPID"
    fi
    if wait_for 5 group_gone "$TGROUP"; then
        ok "quit command: no process of the task survives"
    else
        not_ok "quit command: left behind: $(group_members "$TGROUP" | tr '\n' ' ')"
    fi
else
    not_ok "quit command: task did not start"; not_ok "quit command: (not run)"
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
if wait_for 10 grep -q '"ev":"exit"' "$FS_TMP/out"; then
    TGROUP=$(grep -o '"pid":[0-9]*' "$FS_TMP/out" | head -1 | cut -d: -f2)
    _fs_groups="$_fs_groups $TGROUP"
    [ -n "$(group_members "$TGROUP")" ] && diag "lingering member present before quit"
    echo quit >&7
    exec 7>&-
    wait "$FPID"
    if wait_for 5 group_gone "$TGROUP"; then
        ok "lingering group member is killed on quit"
    else
        not_ok "lingering member left behind: $(group_members "$TGROUP" | tr '\n' ' ')"
    fi
else
    exec 7>&-
    not_ok "lingering: the task did not end"; show "$FS_TMP/out"
fi
finish
