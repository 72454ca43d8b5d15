#!/bin/bash
# worker tasks: modules on threads inside forkscope, shared memory, a plugin,
# stopping, and an unsafe module in a host process that dies alone.
. "$FS_SRCDIR/tests/lib.sh"
plan 21
PLUGIN="$FS_HELPERS/../libhello.so"

run_fs --headless --json 'worker:primes 2000000' 'worker:primes 2000000' \
    'worker:primes 2000000' 'worker:primes 2000000'
n=$(grep -c '"msg":{"count":148933,"n":2000000}' "$FS_TMP/out")
if [ "$n" = 4 ]; then ok "four primes 2000000 workers each report 148933"; else not_ok "$n reports of 148933"; show "$FS_TMP/out"; fi
check "they ran as worker threads" grep -q '"kind":"worker"' "$FS_TMP/out"
check "exit status 0" test "$rc" = 0

cat >"$FS_TMP/w.yaml" <<'YAML'
tasks:
  counter:
    worker: counter
    args: "10000000"
    shared: c
    replicas: 2
  racer:
    worker: racer
    args: "10000000"
    shared: r
    replicas: 2
  crash:
    worker: crash
  survivor:
    shell: sleep 1; echo still-here
YAML
run_fs --headless --json -f "$FS_TMP/w.yaml"
max() { sed -n "s/.*\"task\":\"$1-[12]\".*\"counter\":\\([0-9]*\\).*/\\1/p" "$FS_TMP/out" | sort -n | tail -1; }
c=$(max counter)
if [ "$c" = 20000000 ]; then ok "counter: 2 x 10,000,000 atomic increments end at 20,000,000"; else not_ok "counter ended at '$c'"; fi
r=$(max racer)
if [ -n "$r" ] && [ "$r" -le 20000000 ]; then
    ok "racer never above 20,000,000 ($r; $((20000000 - r)) updates lost)"
else
    not_ok "racer ended at '$r'"
fi
check "crash: its host process dies of SIGSEGV" grep -qE '"task":"crash".*"signal":"SIGSEGV"' "$FS_TMP/out"
check "crash: forkscope and the other tasks keep running" grep -qF '"data":"still-here"' "$FS_TMP/out"

# The plugin example: loads, answers a message, stops on request.
mkfifo "$FS_TMP/ctl"
"$FORKSCOPE" --headless --json --control --names hello "worker:$PLUGIN" <"$FS_TMP/ctl" >"$FS_TMP/out" 2>&1 &
FPID=$!
exec 7>"$FS_TMP/ctl"
wait_for 30 grep -q '"ev":"start"' "$FS_TMP/out"
echo 'send hello {"name":"forkscope"}' >&7
check "the plugin answers a message" wait_for 30 grep -q '"dir":"in".*hello' "$FS_TMP/out"
echo 'stop hello' >&7
check "the plugin stops on request" wait_for 30 grep -q '"ev":"exit","task":"hello"' "$FS_TMP/out"
echo quit >&7
exec 7>&-
wait "$FPID"

# A module that sleeps a long time still stops at once: its exit comes long
# before the 60 s it would sleep (the wait's limit is half of that).
fs_bg --headless --json --control --names nap 'worker:sleep 60000'
wait_evs 30 1 start nap
ctl 'mark'
wait_evs 30 1 error
ctl 'stop nap'
if wait_evs 30 1 exit nap; then
    t=$(awk -v a="$(evs exit nap | jfield t)" -v b="$(evs error | jfield t)" 'BEGIN { print a - b }')
    ok "stop asks the module to return, and it does ($t s after the stop)"
else
    not_ok "stop: the module did not return in 30 s"; show "$FS_TMP/out"
fi
ctl quit
fs_wait 30

# Errors: an unknown module, a missing plugin file. forkscope goes on.
run_fs --headless --json 'worker:nosuch' "worker:/nonexistent/lib.so" 'echo fine'
check "an unknown module is an error naming it" grep -qE '"ev":"error".*unknown worker module .nosuch.' "$FS_TMP/out"
check "a missing plugin is an error naming the file" grep -qE '"ev":"error".*/nonexistent/lib.so' "$FS_TMP/out"
check "the session goes on" grep -qF '"data":"fine"' "$FS_TMP/out"

# A Node script, or any file that is no shared library, is not dlopen'ed:
# the error says what a worker module is and how a Node script runs.
echo 'require("worker_threads")' >"$FS_TMP/w.js"
echo 'not a library' >"$FS_TMP/notlib.so"
run_fs --headless --json --names js,notlib "worker:$FS_TMP/w.js" "worker:$FS_TMP/notlib.so"
check "a .js worker: a Node script, run with fork: node" grep -qF \
    "is a Node script, not a worker module: a worker module is a built-in name (primes," "$FS_TMP/out"
if grep -qF "use 'fork: node $FS_TMP/w.js'" "$FS_TMP/out" &&
    grep -qF "notlib.so' is not a shared library: a worker module is a built-in name" "$FS_TMP/out" &&
    ! grep -q 'invalid ELF header' "$FS_TMP/out"; then
    ok "the way to run it is named, and a non-ELF file is said to be no shared library"
else
    not_ok "messages:"; show "$FS_TMP/out"
fi

# ---- sending faster than a worker takes ------------------------------------------------------
# A flood of sends through --control waits for room in the worker's inbox (1024
# messages) instead of being refused: every message reaches the echo module, in
# order (doc/workers.md, "Sending").
N=20000
fs_bg --headless --json --control --names e 'worker:echo'
wait_evs 30 1 start e
(awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "send e {\"i\":%d}\n", i }') |
    (trap '' PIPE; cat >&7) 2>/dev/null &
GEN=$!
all_echoed() { [ "$(grep -c '"msg":{"echo":{"i":' "$FS_TMP/out")" -ge "$N" ]; }
wait_for 60 all_echoed
wait "$GEN" 2>/dev/null
echoes=$(grep -F '"dir":"in"' "$FS_TMP/out" | sed -n 's/.*"msg":{"echo":{"i":\([0-9]*\)}}.*/\1/p')
check "$N sends to a worker through --control: every one echoed" test "$(echo "$echoes" | grep -c .)" = "$N"
check "in order" sh -c "echo '$(echo "$echoes" | tr '\n' ' ')' | awk '{ for (i = 1; i <= NF; i++) if (\$i != i - 1) exit 1 }'"
check "no send was refused" test "$(nevs error)" = 0
ctl quit
fs_wait 30

# A worker that takes nothing: once its inbox is full, sends wait; after the send
# timeout they are refused, each naming the task, and the commands after them run.
L=5000
fs_bg --headless --json --control --send-timeout 0.5 --names deaf 'worker:sleep 100000'
wait_evs 30 1 start deaf
marker=0
send_flood deaf "$L" || marker=1
sent=$SENT
refused=$(evs error deaf | grep -c 'not sent: the worker has taken nothing from its inbox for 0.5 s')
if [ "$sent" -gt 1024 ] && [ "$refused" -gt 0 ] && [ $((sent + refused)) -eq "$L" ]; then
    ok "a worker that takes nothing: $sent sends queued (1024 in its inbox), $refused refused, none lost"
else
    not_ok "a worker that takes nothing: $sent sent + $refused refused != $L"; evs error | head -n 3 | cut -c1-200
fi
check "the command after them ran" test "$marker" = 0
ctl 'stop deaf'
wait_for 30 grep -q '"ev":"exit","task":"deaf"' "$FS_TMP/out"
if evs error deaf | grep -qE "deaf': $((sent - 1024)) messages \([0-9]+ bytes\) that forkscope had queued for its inbox were not delivered"; then
    ok "at its end, the $((sent - 1024)) messages that never went into its inbox are reported"
else
    not_ok "no report of the undelivered messages"; evs error deaf | tail -n 2 | cut -c1-200
fi
ctl quit
fs_wait 30
finish
