#!/bin/bash
# The stacks and node demos, headless (the other demos: demos.sh,
# demos_pools.sh): dependencies and readiness probes on loopback ports, and
# node's lessons as plain traced node tasks, from their events.
. "$FS_SRCDIR/tests/lib.sh"
plan 19

# ---- stacks: dependencies and readiness probes on loopback ports ----
# at EV TASK [MATCH]: the line of TASK's first EV event (with MATCH) in the
# output; events are printed in the order they happened. 0 when there is none.
at() {
    local n
    n=$(grep -n "\"ev\":\"$1\",\"task\":\"$2\"" "$FS_TMP/out" | grep -F -- "${3:-}" | head -1 | cut -d: -f1)
    echo "${n:-0}"
}
# after A B: event line A comes after event line B (B 0: A exists).
after() { [ "$1" -gt "$2" ]; }
demo stacks
stacks_ended() {
    [ "$rc" = 0 ] || return 1
    for t in db cache migrate api queue web; do
        evs exit "$t" | tail -1 | grep -q '"code":0,' || return 1
    done
}
stacks_waiting() {
    [ "$(nevs waiting)" = 4 ] && after "$(at waiting web '{"task":"migrate","condition":"succeeded"}')" 0 &&
        after "$(at ready db)" "$(at start db)" && after "$(at ready cache)" "$(at start cache)" &&
        [ "$(at waiting db)" = 0 ] && [ "$(at waiting cache)" = 0 ]
}
stacks_probes() {
    after "$(at ready db '"probe":"log"')" 0 && after "$(at ready cache '"probe":"tcp"')" 0 &&
        after "$(at ready api '"probe":"http"')" 0
}
stacks_order() {
    after "$(at start migrate)" "$(at ready db)" && after "$(at start queue)" "$(at ready cache)" &&
        after "$(at start api)" "$(at ready db)" && after "$(at start api)" "$(at ready cache)"
}
stacks_web() {
    after "$(at start web)" "$(at ready api)" && after "$(at start web)" "$(at exit migrate '"code":0,')" &&
        after "$(at start web)" "$(at start queue)"
}
stacks_queue() {
    [ "$(nevs start queue)" = 2 ] && [ "$(evs exit queue | jfield code | tr '\n' ' ')" = "1 0 " ]
}
check "stacks: ends by itself, status 0, its 6 tasks' last exits all 0 (status $rc)" stacks_ended
check "stacks: migrate, api, queue and web wait (a waiting event); db and cache start at once" stacks_waiting
check "stacks: ready by each probe: db by its log line, cache by tcp, api by http" stacks_probes
check "stacks: migrate starts after db is ready, queue after cache is, api after both" stacks_order
check "stacks: web starts after api is ready, migrate exited 0 and queue started" stacks_web
check "stacks: the queue crashed once (exit 1), and its restart ran to exit 0" stacks_queue

# ---- node: the lessons of node/lessons, plain node tasks, traced ----
# Every task is told where the lessons are.
run_fs --headless --json 'ls "$FORKSCOPE_LESSONS"'
check "FORKSCOPE_LESSONS: a task finds the lessons there" \
    sh -c "[ $rc = 0 ] && grep -q '\"data\":\"workers-atomics.js\"' '$FS_TMP/out'"
mkdir -p "$FS_TMP/mine"
FORKSCOPE_LESSONS="$FS_TMP/mine/." run_fs --headless --json 'echo "at $FORKSCOPE_LESSONS"'
check "FORKSCOPE_LESSONS in forkscope's environment names the directory (resolved)" \
    grep -qF "\"data\":\"at $(cd "$FS_TMP/mine" && pwd -P)\"" "$FS_TMP/out"
# Without node on the PATH each lesson says so and ends well.
mkdir -p "$FS_TMP/nonode" && ln -sf "$(command -v sh)" "$FS_TMP/nonode/sh"
rc=0
timeout -k 5 300 env PATH="$FS_TMP/nonode" "$FORKSCOPE" --headless --json demo node \
    >"$FS_TMP/out" 2>"$FS_TMP/err" || rc=$?
if [ "$rc" = 0 ] && [ "$(grep -c '"data":"node is not installed' "$FS_TMP/out")" = 4 ]; then
    ok "node without node: status 0, each of the 4 lessons says node is not installed"
else
    not_ok "node without node: status $rc"; show "$FS_TMP/out"; show "$FS_TMP/err"
fi
if command -v node >/dev/null; then
    demo node
    check "node: ends by itself, every lesson with status 0 (status $rc)" test "$rc" = 0
    check "fork-messages: 2 kids started by fork, each ended with code 0" \
        sh -c "[ $(evs child fork-messages | grep -c '"api":"fork"') = 2 ] &&
               [ $(evs child-exit fork-messages | grep -F '"api":"fork"' | grep -c '"code":0,') = 2 ]"
    # Each kid answers 3 pings: 6 pongs, told by their senders (the kids).
    check "fork-messages: 6 pongs from the kids to the parent" \
        test "$(evs message fork-messages | grep -c '"msg":{"pong":')" = 6
    check "spawn-exec: exec's child was stopped past maxBuffer" \
        test -n "$(evs child-exit spawn-exec | grep -F '"api":"exec"' | grep -F '"code":"ERR_CHILD_PROCESS_STDIO_MAXBUFFER"')"
    check "spawn-exec: execFile of a missing program: ENOENT, no pid" \
        test -n "$(evs child-exit spawn-exec | grep -F '"pid":null,"api":"execFile"' | grep -F '"code":"ENOENT"')"
    check "spawn-exec: execFile of sh -c 'exit 3' exited 3" \
        test -n "$(evs child-exit spawn-exec | grep -F '"api":"execFile","code":3,')"
    check "workers-atomics: 4 worker threads came online" \
        test "$(evs thread workers-atomics | grep -c '"state":"online"')" = 4
    # pi(200000) = 17984: the workers' Atomics.add total and the lone count.
    total=$(outs workers-atomics | sed -n 's/^primes up to 200000: \([0-9]*\) counted by 4 workers$/\1/p')
    check "workers-atomics: the shared total is the prime count up to 200000 (${total:-none} = 17984)" \
        sh -c "[ '$total' = 17984 ] && grep -qF '17984 counted alone, the same' '$FS_TMP/out'"
    jobs_to=$(evs message worker-pool | grep -F '"from":{"pid"' | grep -F '"thread_id":0},"to"' | grep -c '"msg":{"id":')
    check "worker-pool: 8 jobs handed out by postMessage ($jobs_to)" test "$jobs_to" = 8
    check "worker-pool: 8 jobs done, each by worker 1 or 2" \
        sh -c "[ $(outs worker-pool | grep -c '^job [1-8] done by worker [12]: sum ') = 8 ] &&
               grep -qF 'the pool did 8 of 8 jobs' '$FS_TMP/out'"
else
    skip_missing 10 node "the node demo's lessons"
fi
finish
