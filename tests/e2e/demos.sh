#!/bin/bash
# The built-in demos, headless: each ends by itself, and its events show its
# lesson (not only that it ran). How long each takes (the target is 60 s) is
# measured by bench/demo-times.sh: a timed test would measure the machine's load
# and the sanitizer build, not the demo. Also `forkscope child`, which runs a
# built-in worker module as a process: the demos' programs. The pools demo is
# in demos_pools.sh, stacks and node in demos_stacks.sh: three scripts the test
# harness can run side by side.
. "$FS_SRCDIR/tests/lib.sh"
plan 37

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
finish
