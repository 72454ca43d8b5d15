#!/bin/bash
# Node programs report what they do (doc/tracing.md): real node programs run
# as plain shell tasks, traced through node/trace.js. Their children (api,
# argv, pid, exit code, errors), a grandchild, worker threads with the OS
# thread id the worker reads itself, every message both ways counted per
# endpoint with its value, reports written right before process.exit(), a
# program that is byte for byte the same traced or not, a child that exits on
# its own, --no-trace, and the report FIFO's directory removed at the end.
. "$FS_SRCDIR/tests/lib.sh"
plan 52
FIX=$(cd "$FS_SRCDIR/tests/fixtures/trace" && pwd -P)
if ! command -v node >/dev/null; then
    skip_missing 50 node "the tracer is a node module"
    finish
fi
export TMPDIR="$FS_TMP/tmp"
mkdir -p "$TMPDIR"

# ---- one run of parent.js: its stdout and status go to files ----
run_fs --headless --json --names fam \
    "node $FIX/parent.js >$FS_TMP/traced.out 2>$FS_TMP/traced.err; echo \$? >$FS_TMP/traced.rc"
[ "$rc" = 0 ] || { diag "forkscope: $rc"; show "$FS_TMP/err"; }
cp "$FS_TMP/out" "$FS_TMP/fam.json"
node "$FIX/parent.js" >"$FS_TMP/plain.out" 2>/dev/null
echo $? >"$FS_TMP/plain.rc"
check "stdout is byte for byte that of an untraced run" cmp -s "$FS_TMP/plain.out" "$FS_TMP/traced.out"
check "and so is the exit status" cmp -s "$FS_TMP/plain.rc" "$FS_TMP/traced.rc"

# child_of API SCRIPT: the child event of that API whose argv names SCRIPT.
child_of() { evs child fam | grep -F "\"api\":\"$1\"" | grep -F -- "$2"; }
exit_of() { evs child-exit fam | grep -F "\"pid\":$1,"; }
kid=$(child_of fork /kid.js | jfield pid)
node_pid=$(child_of fork /kid.js | jfield ppid)
check "the forked kid: api fork, its pid, its parent's" \
    test -n "$kid" -a "$kid" != null -a -n "$node_pid"
node_exe=$(node -p process.execPath)
check "the kid's argv: node's path, then kid.js" \
    test -n "$(child_of fork /kid.js | grep -F "\"argv\":[\"$node_exe\",\"$FIX/kid.js\"]")"
check "the kid's end: code 5" test -n "$(exit_of "$kid" | grep -F '"code":5,')"
gk=$(child_of fork /grandkid.js | jfield pid)
check "the grandkid is traced too, forked by the kid" \
    test -n "$(child_of fork /grandkid.js | grep -F "\"ppid\":$kid,")"
check "the grandkid's end: code 0" test -n "$(exit_of "$gk" | grep -F '"code":0,')"
three=$(child_of execFile '["sh","-c","exit 3"]' | jfield pid)
check "execFile of a program that exits 3: argv and code 3" test -n "$(exit_of "$three" | grep -F '"code":3,')"
mb=$(child_of exec '["/bin/sh","-c","yes | head -c 100000"]' | jfield pid)
check "exec past its maxBuffer: the error ERR_CHILD_PROCESS_STDIO_MAXBUFFER" \
    test -n "$(exit_of "$mb" | grep -F '"error":{"code":"ERR_CHILD_PROCESS_STDIO_MAXBUFFER"')"
check "spawn of a missing program: pid null, the error ENOENT" \
    test -n "$(exit_of null | grep -F '"api":"spawn"' | grep -F '"error":{"code":"ENOENT"')"

# ---- the worker ----
wtid=$(sed -n 's/^worker tid \([0-9]*\)$/\1/p' "$FS_TMP/traced.err")
online=$(evs thread fam | grep -F '"state":"online"')
check "the worker: online with its threadId 1" test -n "$(echo "$online" | grep -F "\"pid\":$node_pid,\"thread_id\":1,")"
check "the worker's tid is the one it read from /proc/thread-self ($wtid)" \
    test -n "$wtid" -a "$(echo "$online" | jfield tid)" = "$wtid"
check "the worker's start: what it runs" test -n "$(evs thread fam | grep -F '"thread_id":1,"state":"start","script":"worker.js"')"
check "the worker's exit: code 7" test -n "$(evs thread fam | grep -F '"state":"exit","code":7')"
check "the SharedArrayBuffer in its workerData: 1024 bytes to worker 1" \
    test -n "$(evs shared fam | grep -F "\"to\":{\"pid\":$node_pid,\"thread_id\":1},\"bytes\":1024,\"how\":\"workerData\"")"

# ---- every message, per endpoint ----
# route FROM_PID FROM_THREAD TO_PID TO_THREAD: the messages of that route.
route() { evs message fam | grep -F "\"from\":{\"pid\":$1,\"thread_id\":$2},\"to\":{\"pid\":$3,\"thread_id\":$4}"; }
n_to_kid=$(route "$node_pid" 0 "$kid" 0 | wc -l)
vals=$(route "$node_pid" 0 "$kid" 0 | grep -o '"msg":{"n":[0-9]*}' | sed 's/[^0-9]//g' | tr '\n' ' ')
check "main → kid: 51 messages ($n_to_kid), {n} 0 to 49 in order, then {done}" \
    test "$n_to_kid" = 51 -a "$vals" = "$(seq 0 49 | tr '\n' ' ')" \
    -a -n "$(route "$node_pid" 0 "$kid" 0 | tail -1 | grep -F '"msg":{"done":true}')"
n_from_kid=$(route "$kid" 0 "$node_pid" 0 | grep -c '"msg":{"echo":[0-9]*}')
check "kid → main: 50 echoes ($n_from_kid)" test "$n_from_kid" = 50 -a "$(route "$kid" 0 "$node_pid" 0 | wc -l)" = 50
check "grandkid → kid: one message, its value and size" \
    test "$(route "$gk" 0 "$kid" 0 | grep -cF '"bytes":11,"msg":{"gk":"hi"}')" = 1
check "main → worker 1: 21 messages" test "$(route "$node_pid" 0 "$node_pid" 1 | wc -l)" = 21
check "worker 1 → main: 20 messages, {back} 0 to 19" \
    test "$(route "$node_pid" 1 "$node_pid" 0 | grep -c '"msg":{"back":[0-9]*}')" = 20
check "no other message" test "$(nevs message fam)" = 143
check "the report channel's directory is removed at the end" test -z "$(ls -A "$TMPDIR")"

# ---- one end of a channel untraced: the traced end reports both ways ----
# halves_ok TASK: the node parent's pid P and its kid K (its child event
# or, when the parent is not traced, the kid's own reports): 6 messages
# P → K and 5 echoes K → P (nothing else, nothing twice), whoever reported
# them.
halves_ok() {
    local p k
    k=$(evs child "$1" | grep -F '/kid.js' | jfield pid)
    p=$(evs child "$1" | grep -F '/kid.js' | jfield ppid)
    if [ -z "$k" ]; then
        k=$(evs message "$1" | grep -F '"msg":{"echo":0}' | sed 's/.*"from":{"pid":\([0-9]*\).*/\1/')
        p=$(evs message "$1" | grep -F '"msg":{"n":0}' | sed 's/.*"from":{"pid":\([0-9]*\).*/\1/')
    fi
    [ -n "$k" ] && [ -n "$p" ] &&
        [ "$(route "$p" 0 "$k" 0 | wc -l)" = 6 ] &&
        [ "$(route "$k" 0 "$p" 0 | grep -c '"msg":{"echo":[0-9]}')" = 5 ] &&
        [ "$(route "$k" 0 "$p" 0 | wc -l)" = 5 ]
}
route() { evs message | grep -F "\"from\":{\"pid\":$1,\"thread_id\":$2},\"to\":{\"pid\":$3,\"thread_id\":$4}"; }
run_fs --headless --json --names ku "node $FIX/halves.js kid-untraced"
check "a kid without the tracer: the parent reports what it sends and what it receives" halves_ok ku
TRACE_JS=$(cd "$FS_SRCDIR/node" && pwd -P)/trace.js
run_fs --headless --json --names pu "TRACE_JS=$TRACE_JS env -u NODE_OPTIONS node $FIX/halves.js parent-untraced"
check "a parent without the tracer: the kid reports what it sends and what it receives" halves_ok pu

# ---- long values and argvs are cut, and say so ----
run_fs --headless --json --names big "node $FIX/big.js"
check "a 16017-byte message: its full size, its head, cut true, one line under 4096 bytes" \
    test -n "$(evs message big | grep -F '"bytes":16017,"head":"{\"big\":\"' | grep -F '"cut":true' |
        awk 'length($0) < 4096')"
check "a child with 5000 arguments: its first ones, argv_cut true" \
    test -n "$(evs child big | grep -F '"api":"spawnSync","argv":["true","arg0","arg1",' | grep -F '"argv_cut":true')"

# ---- a MessageChannel's port handed to a worker; an uncaught error in it ----
run_fs --headless --json --names pt "node $FIX/ports.js"
pt_pid=$(evs thread pt | head -1 | jfield pid)
check "main posts on the twin of the port worker 1 got: main → worker 1" \
    test -n "$(evs message pt | grep -F "\"from\":{\"pid\":$pt_pid,\"thread_id\":0},\"to\":{\"pid\":$pt_pid,\"thread_id\":1},\"bytes\":14,\"msg\":{\"via\":\"port\"}")"
check "worker 1 answers on that port: worker 1 → main" \
    test -n "$(evs message pt | grep -F '"from":{"pid":'"$pt_pid"',"thread_id":1},"to":{"pid":'"$pt_pid"',"thread_id":0},"bytes":10,"msg":{"pong":1}')"
check "the worker's uncaught error, then its exit with 1" \
    test -n "$(evs thread pt | grep -F '"state":"error","error":{"name":"Error","msg":"boom"}')" \
    -a -n "$(evs thread pt | grep -F '"state":"exit","code":1')"

# ---- ports handed over inside messages; a worker without the tracer ----
run_fs --headless --json --names ho "node $FIX/handover.js >$FS_TMP/ho.out 2>&1; echo \$? >$FS_TMP/ho.rc"
node "$FIX/handover.js" >"$FS_TMP/ho-plain.out" 2>&1
echo $? >"$FS_TMP/ho-plain.rc"
same_run() { cmp -s "$FS_TMP/ho-plain.out" "$FS_TMP/ho.out" && cmp -s "$FS_TMP/ho-plain.rc" "$FS_TMP/ho.rc"; }
check "handover.js: output and status byte for byte those of an untraced run" same_run
ho=$(evs thread ho | head -1 | jfield pid)
# hvals FROM TO: the values of the messages from thread FROM to thread TO of
# handover.js, in order, on one line.
hvals() {
    evs message ho | grep -F "\"from\":{\"pid\":$ho,\"thread_id\":$1},\"to\":{\"pid\":$ho,\"thread_id\":$2}," |
        sed 's/.*"msg":\(.*\)}$/\1/' | tr '\n' ' '
}
# (A post that throws, here for a function in its value, is reported all the
# same: its sender tells it first.)
check "A, port2 in a message's data: main → worker 1: a post that threw, the message, then 2 on port1 ($(hvals 0 1))" \
    test "$(hvals 0 1)" = '{"port":{}} {"tag":"A","port":{}} {"main":0} {"main":1} '
check "A: worker 1 → main on the port it got: 3 ($(hvals 1 0))" \
    test "$(hvals 1 0)" = '{"w1":0} {"w1":1} {"w1":2} '
check "B, two workers connected: main → worker 2 (port1 in the transfer list only), main → worker 3 (port2 in the data)" \
    test "$(hvals 0 2)" = '"connect" ' -a "$(hvals 0 3)" = '{"peer":{}} '
check "B: worker 2 → worker 3: 4 pings ($(hvals 2 3))" \
    test "$(hvals 2 3)" = '{"ping":0} {"ping":1} {"ping":2} {"ping":3} '
check "B: worker 3 → worker 2: 4 pongs ($(hvals 3 2))" \
    test "$(hvals 3 2)" = '{"pong":0} {"pong":1} {"pong":2} {"pong":3} '
check "D, port2 sent up by worker 4: worker 4 → main: the message, then 2 on port1 ($(hvals 4 0))" \
    test "$(hvals 4 0)" = '{"back":{}} {"d":0} {"d":1} '
check "D: main → worker 4 on the port it got: 1 ($(hvals 0 4))" test "$(hvals 0 4)" = '{"ack":1} '
check "C, worker 5 without the tracer: main reports what arrives from it ($(hvals 5 0))" \
    test "$(hvals 5 0)" = '{"u":0} {"u":1} {"u":2} '
check "C: and what it sends it ($(hvals 0 5)), and says once that worker 5 is not traced" \
    test "$(hvals 0 5)" = '{"c":0} {"c":1} ' -a \
    "$(evs trace-note ho | grep -cF '"what":"worker 5 runs without the tracer')" = 1
check "E: worker 7, started by worker 6, posts on its parentPort: worker 7 → worker 6" \
    test "$(hvals 7 6)" = '{"nest":1} '
check "handover.js: no other message ($(nevs message ho) = 27), none to an unknown port" \
    test "$(nevs message ho)" = 27 -a "$(evs message ho | grep -c '"port":true')" = 0

# ---- process.exit() right after a send, on both sides ----
run_fs --headless --json --names se "node $FIX/sendexit.js"
check "a send right before process.exit() is reported, on both sides" \
    test "$(evs message se | grep -cF '"msg":{"last":"from the')" = 2

# ---- a flood: counted past the rate, every message accounted for ----
run_fs --headless --json --names flood "node $FIX/flood.js"
one=$(evs message flood | grep -vc '"sampled":true')
counted=$(evs messages flood | jfield count | awk '{ s += $1 } END { print s + 0 }')
kept=$(evs messages flood | jfield kept | awk '{ s += $1 } END { print s + 0 }')
sampled=$(evs message flood | grep -c '"sampled":true')
check "a flood of 3000: $one reported one by one + $counted counted = 3000" \
    test "$rc" = 0 -a "$counted" -gt 0 -a $((one + counted)) = 3000
check "the values kept from the counted ones are those reported ($kept = $sampled)" \
    test "$kept" = "$sampled"

# ---- the tree: a traced child's row says which API started it ----
run_fs --headless --json --interval 0.2 --names sk "node $FIX/slowkid.js"
sk=$(evs child sk | jfield pid)
check "the tree: the forked kid's descendant samples carry the note fork" \
    test -n "$sk" -a -n "$(evs sample sk | grep -F "\"descendant\":true,\"pid\":$sk," | grep -F '"note":"fork"')"

# ---- a fork task's channel to forkscope is told once, by forkscope ----
run_fs --headless --json --names gk "fork:$FIX/grandkid.js"
check "a fork task's message to forkscope: one message event with dir, none traced" \
    test "$(evs message gk | grep -cF '"dir":"in","bytes":11,"msg":{"gk":"hi"}')" = 1 \
    -a "$(evs message gk | grep -cF '"from":')" = 0

# ---- a child that would exit on its own still does ----
FS_TIMEOUT=60 run_fs --headless --json --names lonely "node $FIX/lonely.js"
check "a forked child that listens to nothing exits on its own, and its parent" \
    test "$rc" = 0 -a -n "$(evs child-exit lonely | grep -F '"code":0,')"

# ---- forkscope killed with SIGKILL: the watchdog removes the directory ----
trace_dir() { ls -A "$TMPDIR" | grep -q '^forkscope-trace-'; }
no_trace_dir() { ! trace_dir; }
fs_bg --headless --json --control --names sleeper "node -e 'setTimeout(() => {}, 60000)'"
wait_for 30 trace_dir
kill -9 "$FPID"
fs_wait 30
check "forkscope killed with SIGKILL: its report directory is removed all the same" \
    wait_for 30 no_trace_dir

# ---- text mode and --no-trace ----
run_fs --headless --names se "node $FIX/sendexit.js"
check "text mode: one readable line a report" grep -qE '^se ~ main → kid [0-9]+ \{"go":1\}$' "$FS_TMP/out"
run_fs --headless --json --no-trace --names se "node $FIX/sendexit.js"
check "--no-trace: no child event" test "$rc" = 0 -a "$(nevs child)" = 0 -a "$(nevs message)" = 0
cat >"$FS_TMP/notrace.yaml" <<YAML
tasks:
  quiet:
    shell: node $FIX/sendexit.js
    trace: false
  told:
    shell: node $FIX/sendexit.js
YAML
run_fs --headless --json -f "$FS_TMP/notrace.yaml"
check "trace: false in a session file: that task alone has no child event" \
    test "$rc" = 0 -a "$(nevs child quiet)" = 0 -a "$(nevs child told)" = 1

# ---- the screen's traffic view lists traced messages with their route ----
if command -v tmux >/dev/null; then
    SOCK="fs-trace-$$"
    trap 'tmux -L "$SOCK" kill-server 2>/dev/null; _fs_cleanup' EXIT
    T new-session -d -s fs -x 160 -y 45 "'$FORKSCOPE' --names se 'node $FIX/sendexit.js'; sleep 1000"
    shown "exited 0" >/dev/null
    T send-keys -t fs m
    both_routes() {
        shown_re 'se +main → kid [0-9]+ +8  \{"go":1\}' &&
            screen_grep -E 'se +kid [0-9]+ → parent [0-9]+ +25  \{"last":"from the child"\}'
    }
    check "the traffic view: 'main → kid PID' and 'kid PID → parent PID' with the values" both_routes
else
    skip_missing 1 tmux
fi
finish
