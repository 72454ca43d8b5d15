#!/bin/bash
# The built-in demos, headless: each ends by itself, and its events show its
# lesson (not only that it ran). How long each takes (the target is 60 s) is
# measured by bench/demo-times.sh: a timed test would measure the machine's load
# and the sanitizer build, not the demo. Also `forkscope child`, which runs a
# built-in worker module as a process: the demos' programs.
. "$FS_SRCDIR/tests/lib.sh"
plan 61

# demo NAME: runs it headless with JSON events; one that has not ended after
# 300 s is taken for hung (status 124).
demo() { FS_TIMEOUT=300 run_fs --headless --json demo "$1"; }
# The JSON value of KEY in TASK's messages (or output lines, with `out`), one a line.
msgs() { evs message "$1" | jfield "$2"; }
outs() { evs output "$1" | jfield data | sed 's/^"//; s/"$//; s/\\"/"/g'; }
maxof() { sort -n | tail -1; }
# The spread (last - first) of the t of TASK's output events.
spread() { evs output "$1" | jfield t | awk 'NR == 1 { a = $1 } { b = $1 } END { print b - a }'; }

# ---- the list and `forkscope child` ----
run_fs demo
n=0
for d in basics spawn-exec injection fork-ipc threads-vs-processes shared-memory pools \
    blocking io-bound crash-isolation ipc node stacks; do
    grep -q "^  $d " "$FS_TMP/out" && n=$((n + 1))
done
if [ "$rc" = 0 ] && [ "$n" = 13 ]; then ok "demo: lists all 13 demos"; else not_ok "demo: $n of 13 listed, status $rc"; show "$FS_TMP/out"; fi
run_fs child
check "child without a module: status 2 and a usage line" \
    sh -c "[ $rc = 2 ] && grep -q 'usage: forkscope child MODULE' '$FS_TMP/err'"
run_fs child nosuch 1
check "child nosuch: status 2, the message names it and the modules" \
    sh -c "[ $rc = 2 ] && grep -q \"unknown worker module 'nosuch' (built in: primes\" '$FS_TMP/err'"
run_fs child fail 3
check "child fail 3: exit status 3" test "$rc" = 3
run_fs child io 20 100
check "child io 20 100: without a channel its messages are its output" \
    grep -q '^{"requests":20,"ms":[0-9]*}$' "$FS_TMP/out"
check "child is not in --help" sh -c "! '$FORKSCOPE' --help | grep -q 'child'"

# ---- spawn-exec: buffered output arrives at exit; the cap stops its task ----
demo spawn-exec
check "spawn-exec: ends by itself" test "$rc" != 124
s=$(spread spawn) e=$(spread exec)
if [ "$(evs output exec | grep -c 'line [1-5], written')" = 5 ] && fcmp "$s" '>=' 1.9 && fcmp "$e" '<' "$(awk -v s="$s" 'BEGIN { print s / 4 }')"; then
    ok "spawn-exec: spawn's lines came over ${s}s, exec's 5 all at once (${e}s apart)"
else
    not_ok "spawn-exec: spawn spread $s, exec spread $e"; show "$FS_TMP/out"
fi
x=$(evs output exec | tail -1 | jfield t) y=$(evs exit exec | jfield t)
check "spawn-exec: exec's output came with its exit ($x, $y)" fcmp "$x" '>=' "$(awk -v y="$y" 'BEGIN { print y - 0.2 }')"
check "spawn-exec: maxbuffer was stopped with its reason" \
    sh -c "grep '\"ev\":\"exit\"' '$FS_TMP/out' | grep '\"task\":\"maxbuffer\"' | grep -q '\"reason\":\"buffer cap of 65536 bytes exceeded'"

# ---- injection: the file is created under shell, not under cmd ----
mkdir -p "$FS_TMP/tmp"
TMPDIR="$FS_TMP/tmp" demo injection
check "injection: status 0" test "$rc" = 0
check "injection: the shell task ran the injected touch" \
    sh -c "ls '$FS_TMP'/tmp/forkscope-demo-shell-*/PWNED"
check "injection: the cmd task created nothing" \
    sh -c "d=\$(ls -d '$FS_TMP'/tmp/forkscope-demo-cmd-*) && [ -d \"\$d\" ] && [ -z \"\$(ls -A \"\$d\")\" ]"
check "injection: the cmd task printed the argument as text" \
    sh -c "grep '\"task\":\"execFile\"' '$FS_TMP/out' | grep -qF 'hello x; touch PWNED'"

# ---- fork-ipc: advanced round-trips a Map, json refuses the circular object ----
if command -v node >/dev/null; then
    fs_bg --headless --json --control demo fork-ipc
    if wait_for 30 grep -q '"refused":"circular"' "$FS_TMP/out"; then ok "fork-ipc: the json channel refuses the circular object"; else not_ok "fork-ipc: no refusal"; show "$FS_TMP/out"; fi
    # Only an advanced channel can carry a Map ("$map" in the event).
    check "fork-ipc: the advanced channel carries the Map" \
        wait_for 30 grep -qF '"task":"node-advanced","dir":"in","bytes":23,"msg":{"map":{"$map":[["a",1],["b",2]]}}' "$FS_TMP/out"
    check "fork-ipc: json turns the Map into {}" \
        wait_for 30 grep -qF '"task":"node-json","dir":"in","bytes":10,"msg":{"map":{}}' "$FS_TMP/out"
    check "fork-ipc: advanced sends the circular object" \
        wait_for 30 grep -qF '"msg":{"circular":{"name":"circular","self":{"$ref":' "$FS_TMP/out"
    ctl 'send pinger {"ping":1}'
    if wait_for 30 grep -qF '"msg":{"echo":{"ping":1}}' "$FS_TMP/out"; then ok "fork-ipc: ping-pong with pinger"; else not_ok "fork-ipc: no pong"; show "$FS_TMP/out"; fi
    ctl 'disconnect node-json'
    if wait_for 30 grep -q '"task":"node-json".*"data":"disconnect event' "$FS_TMP/out"; then ok "fork-ipc: node-json saw its disconnect event"; else not_ok "fork-ipc: no disconnect event"; show "$FS_TMP/out"; fi
    fs_wait 60
    check "fork-ipc: ends by itself, every task with status 0 (status $rc)" test "$rc" = 0
else
    skip_missing 7 node "fork-ipc's checks"
fi

# ---- threads-vs-processes: the same job, 4 threads and 4 processes ----
demo threads-vs-processes
check "threads-vs-processes: status 0" test "$rc" = 0
t=$(for i in 1 2 3 4; do msgs "thread-$i" count; done | sort -u)
p=$(for i in 1 2 3 4; do msgs "process-$i" count; done | sort -u)
if [ -n "$t" ] && [ "$t" = "$p" ] && [ "$(evs start | grep -c '"kind":"worker","pid":[0-9]*,"cmd":"primes')" = 4 ] &&
    [ "$(evs start | grep -c '"kind":"fork".*child primes')" = 4 ]; then
    ok "threads-vs-processes: 4 threads and 4 processes ran the same job to the same answer ($t)"
else
    not_ok "threads-vs-processes: threads '$t', processes '$p'"; show "$FS_TMP/out"
fi

# ---- shared-memory: both end; the racer below the atomic counter ----
demo shared-memory
c=$(for i in 1 2; do msgs "counter-$i" counter; done | maxof)
r=$(for i in 1 2; do msgs "racer-$i" counter; done | maxof)
check "shared-memory: status 0, all four ended" sh -c "[ $rc = 0 ] && [ $(nevs exit) = 4 ]"
check "shared-memory: the atomic counter ends at 10000000 ($c)" test "$c" = 10000000
if [ -n "$r" ] && [ "$r" -lt "$c" ]; then ok "shared-memory: the racer lost updates ($r < $c)"; else not_ok "shared-memory: racer $r, counter $c"; show "$FS_TMP/out"; fi

# ---- pools: 2 at once against 20; 200 threads against 200 processes ----
demo pools
# The most jobs of POOL running at once, from its job events in order.
at_once() { evs job "$1" | awk '/"state":"start"/ { n++; if (n > m) m = n } /"state":"(done|failed)"/ { n-- } END { print m + 0 }'; }
# A number of POOL's exit event: pool_field POOL FIELD.
pool_field() { evs exit "$1" | jfield "$2"; }
m=$(at_once pool-of-2)
a=$(at_once all-at-once)
check "pools: status 0, every pool did all its jobs" \
    sh -c "[ $rc = 0 ] && [ '$(pool_field pool-of-2 done)/$(pool_field all-at-once done)' = 20/20 ] &&
           [ '$(pool_field threads-200 done)/$(pool_field processes-200 done)' = 200/200 ]"
check "pools: the pool of 2 ran 2 at once, never more ($m)" test "$m" = 2
# All 20 together when starting a process is quick; on a busy machine the
# first jobs may end before the last process could start.
check "pools: all-at-once ran more jobs at once than the pool of 2 ($a)" test "$a" -gt 2
# (Their peak memory is sampled: on a busy machine, where the short jobs of
# all-at-once hardly overlap, a sample can miss every overlap. The 200
# processes against the 200 threads below overlap for seconds.)
ut=$(pool_field threads-200 up)
up=$(pool_field processes-200 up)
if [ -n "$ut" ] && [ -n "$up" ] && fcmp "$up" '>' "$ut"; then
    ok "pools: 200 processes took longer to start than 200 threads ($up s > $ut s)"
else
    not_ok "pools: start times: processes '$up', threads '$ut'"
fi
pt=$(pool_field threads-200 peak_rss)
pp=$(pool_field processes-200 peak_rss)
if ldd "$FORKSCOPE" 2>/dev/null | grep -q libasan; then
    skip "pools: threads against processes in memory: AddressSanitizer's shadow memory inflates forkscope's own, which the threads share"
else
    check "pools: 200 processes peaked higher in memory than 200 threads ($pp > $pt bytes)" \
        test "${pp:-0}" -gt "${pt:-0}"
fi

# ---- blocking: the ticks are late while the job blocks their loop ----
demo blocking
a=$(outs same-loop | jfield max_late_ms) b=$(outs on-a-worker | jfield max_late_ms)
check "blocking: status 0" test "$rc" = 0
check "blocking: same-loop's ticks came at least 1.4 s late ($a ms)" fcmp "${a:-0}" '>=' 1400
check "blocking: on-a-worker's ticks came less late ($b ms < $a ms)" fcmp "${b:-999999}" '<' "${a:-0}"

# ---- io-bound: 4 workers are no faster than one loop ----
demo io-bound
one=$(outs one-loop | jfield ms) four=$(for i in 1 2 3 4; do msgs "four-workers-$i" ms; done | sort -n | head -1)
check "io-bound: status 0, one loop and 4 workers ended" sh -c "[ $rc = 0 ] && [ $(nevs exit) = 5 ]"
check "io-bound: one loop waited for 200 requests together ($one ms < 4000)" fcmp "${one:-99999}" '<' 4000
check "io-bound: no worker was faster than the requests (fastest: $four ms >= 2000)" fcmp "${four:-0}" '>=' 2000

# ---- crash-isolation: each end on its own row; the others live on ----
demo crash-isolation
check "crash-isolation: the segfault ends by SIGSEGV" sh -c "grep '\"ev\":\"exit\",\"task\":\"segfault\"' '$FS_TMP/out' | grep -q '\"signal\":\"SIGSEGV\"'"
check "crash-isolation: exits-1 exits 1" sh -c "grep '\"ev\":\"exit\",\"task\":\"exits-1\"' '$FS_TMP/out' | grep -q '\"code\":1,'"
check "crash-isolation: the missing program gives a start error" \
    sh -c "grep '\"ev\":\"error\",\"task\":\"missing\"' '$FS_TMP/out' | grep -q 'not found'"
check "crash-isolation: the crashing worker takes its host down (SIGSEGV)" \
    sh -c "grep '\"ev\":\"exit\",\"task\":\"crashing-worker\"' '$FS_TMP/out' | grep -q '\"signal\":\"SIGSEGV\"'"
check "crash-isolation: the survivors live on to their end" \
    sh -c "grep -q '\"task\":\"survivor\".*still alive (10)' '$FS_TMP/out' && grep '\"ev\":\"exit\",\"task\":\"survivor-thread\"' '$FS_TMP/out' | grep -q '\"code\":0'"
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
