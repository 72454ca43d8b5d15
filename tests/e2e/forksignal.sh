#!/bin/bash
# A signal to forkscope's process group while it starts tasks. Between fork and
# setpgid a new child is still in that group, so it gets the group's signals
# (SIGWINCH from the terminal on each resize). It must not run forkscope's
# handlers there: libuv's waited for ever on its lock pipe, so the child never
# reached exec and forkscope, waiting for it, froze. Here 30 tasks restart as
# fast as their backoff allows while the test sends SIGWINCH to forkscope's group
# for 10 s; then `q` must end forkscope, and no child may be left between fork
# and exec. src/rt/proc_spawn.c (fs_proc_spawn), doc/processes.md.
. "$FS_SRCDIR/tests/lib.sh"
plan 3

FPID=""
# A child caught before exec ignores the hangup: it goes with forkscope.
kill_fs() { [ -n "$FPID" ] && kill -9 "$FPID" $(pgrep -P "$FPID") 2>/dev/null; }
screen_begin 3 forksig kill_fs
SCREEN_WAIT=30

{
    echo "tasks:"
    for i in $(seq 30); do
        printf '  t%d:\n    shell: "true"\n    restart: always\n' "$i"
        printf '    backoff: { base: 10ms, factor: 1, cap: 10ms }\n'
    done
} >"$FS_TMP/s.yaml"

T new-session -d -s fs -x 120 -y 40 \
    "cd '$FS_TMP' && '$FORKSCOPE' -f s.yaml; echo forkscope-exited-\$?; sleep 1000"
FPID=""
if ! wait_for 30 find_fs; then
    not_ok "forkscope did not start"; not_ok "(not run)"; not_ok "(not run)"
    finish
fi
PGID=$(ps -o pgid= -p "$FPID" | tr -d ' ')
# The restarts are under way: a task has ended and waits for its next start.
check "the tasks restart" shown "restarting in"
end=$((SECONDS + 10))
n=0
while [ "$SECONDS" -lt "$end" ]; do
    kill -WINCH -- "-$PGID" 2>/dev/null
    n=$((n + 1))
done
diag "$n SIGWINCH sent to the group"
# A child caught between fork and exec is still called forkscope.
stuck() { ps -o pid=,comm= --ppid "$FPID" | awk '$2 == "forkscope" { print $1 }'; }
T send-keys -t fs q
if shown "forkscope-exited-"; then
    ok "q ends forkscope after the signals"
else
    not_ok "forkscope did not end after q; children between fork and exec: $(stuck | tr '\n' ' ')"
fi
left=$(ps -eo pid=,pgid=,comm= | awk -v g="$PGID" '$2 == g && $3 == "forkscope" { print $1 }')
check "no child is left between fork and exec" [ -z "$left" ]
finish
