#!/bin/bash
# A terminal hangup ends forkscope under any load: forkscope runs on the screen
# in tmux with 16 tasks flooding their panes; the tmux server is killed, so the
# terminal hangs up. forkscope must stop its tasks and exit, and no task
# process may be left. Twice: started from the pane's shell (the hangup brings
# SIGHUP), and started through setsid, out of the terminal's session, where no
# SIGHUP comes and forkscope learns of the hangup only from its terminal (the
# POLLHUP/EIO that every read and write then meets).
. "$FS_SRCDIR/tests/lib.sh"
plan 8

FPID=""
kill_fs() { [ -n "$FPID" ] && kill -9 "$FPID" 2>/dev/null; }
screen_begin 8 hangup kill_fs

{
    echo "tasks:"
    for i in $(seq 16); do
        printf '  flood%02d:\n    shell: "%s"\n' "$i" "${FLOOD:-yes}"
    done
} >"$FS_TMP/flood.yaml"

# The tasks: the children of forkscope that lead their own session (pty tasks).
task_leaders() { ps -e -o pid=,ppid=,pgid= | awk -v f="$FPID" '$2 == f && $1 == $3 { print $1 }'; }
n_leaders_ge() { [ "$(task_leaders | wc -l)" -ge "$1" ]; }
fs_gone() { ! kill -0 "$FPID" 2>/dev/null; }

# hangup HOW PREFIX: forkscope started as PREFIX forkscope ... in the pane;
# four checks.
hangup() {
    local how=$1 prefix=$2
    T new-session -d -s fs -x 200 -y 50 "$prefix '$FORKSCOPE' -f '$FS_TMP/flood.yaml'; sleep 100000"
    FPID=""
    if wait_for 30 find_fs && wait_for 30 n_leaders_ge 16 && SCREEN_WAIT=30 shown flood16; then
        LEADERS=$(task_leaders | tr '\n' ' ')
        for g in $LEADERS; do _fs_groups="$_fs_groups $g"; done
        ok "$how: 16 flooding tasks run on the screen"
        T kill-server
        if wait_for 30 fs_gone; then
            ok "$how: after the hangup forkscope exits"
            FPID=""
        else
            not_ok "$how: forkscope still runs 30 s after the hangup:" \
                "$(ps -o pid=,ppid=,stat=,pcpu=,args= -p "$FPID")"
        fi
        all_gone() { for g in $LEADERS; do group_gone "$g" || return 1; done; }
        if wait_for 30 all_gone; then
            ok "$how: no task process is left"
        else
            left=""
            for g in $LEADERS; do left="$left $(group_members "$g" | tr '\n' ' ')"; done
            not_ok "$how: task processes left: $left"
        fi
        if [ -n "$FPID" ]; then
            kill -9 "$FPID" 2>/dev/null
            FPID=""
            not_ok "$how: (forkscope had to be killed)"
        else
            ok "$how: nothing had to be killed by the test"
        fi
    else
        not_ok "$how: the tasks did not start"
        T capture-pane -p -t fs | sed 's/^/#   /' | head -20
        not_ok "$how: (not run)"; not_ok "$how: (not run)"; not_ok "$how: (not run)"
        T kill-server 2>/dev/null
    fi
}

hangup "SIGHUP" ""
# setsid: the pane's shell is a process group leader, setsid in it is not, so
# setsid(2) is called in place and forkscope is the pane shell's child.
hangup "no SIGHUP, EIO only" "setsid"
finish
