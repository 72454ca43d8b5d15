#!/bin/bash
# Pools: `pool: SIZE` with `jobs: N` or a list hands each job to the next free
# member; worker members keep one thread, fork members one child that gets
# each job as a message, shell and cmd members run one process per job.
. "$FS_SRCDIR/tests/lib.sh"
plan 25

# The most jobs running at once, from the job events in order.
most_at_once() {
    grep '"ev":"job"' "$FS_TMP/out" | grep "\"task\":\"$1\"" |
        awk '/"state":"start"/ { n++; if (n > m) m = n } /"state":"(done|failed)"/ { n-- } END { print m + 0 }'
}
# A field of the pool's exit event: exit_field TASK FIELD.
exit_field() { evs exit "$1" | sed -n "s/.*\"$2\":\\([0-9.]*\\).*/\\1/p"; }

# ---- a pool of 2 worker threads runs 20 jobs, never more than 2 at once ----
cat >"$FS_TMP/w.yaml" <<'YAML'
tasks:
  naps:
    worker: sleep
    args: "50"
    pool: 2
    jobs: 20
YAML
run_fs --headless --json -f "$FS_TMP/w.yaml"
check "worker pool: all 20 jobs done" test "$(evs job naps | grep -c '"state":"done"')" = 20
m=$(most_at_once naps)
if [ "$m" = 2 ]; then ok "worker pool: at most 2 jobs at once, and 2 did run together"; else not_ok "worker pool: $m jobs at once"; show "$FS_TMP/out"; fi
check "worker pool: two threads for 20 jobs (each member started once)" \
    test "$(evs start | grep -c '"task":"naps-[12]"')" = 2
check "worker pool: each job went out as a message and came back" \
    test "$(evs message | grep -c '"dir":"out","bytes":[0-9]*,"msg":{"job":')" = 20
check "worker pool: exit event counts 20 jobs, 20 done, 0 failed" \
    test "$(exit_field naps jobs)/$(exit_field naps done)/$(exit_field naps failed)" = "20/20/0"
# 20 jobs of 50 ms on 2 threads take at least 0.5 s.
e=$(exit_field naps elapsed)
if awk -v e="$e" 'BEGIN { exit !(e >= 0.45) }'; then ok "worker pool: total time $e s (10 rounds of 50 ms: about 0.5 s)"; else not_ok "worker pool: total time '$e'"; fi
check "worker pool: exit status 0" test "$rc" = 0

# ---- shell members: one process per job; the processes themselves say how
# many ran at once ----
cat >"$FS_TMP/s.yaml" <<YAML
tasks:
  files:
    shell: 'echo "+ \$1" >>"$FS_TMP/log"; sleep 0.1; echo "- \$1" >>"$FS_TMP/log"; echo "did \$1 as job \$FORKSCOPE_JOB"'
    pool: 2
    jobs: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t]
YAML
run_fs --headless --json -f "$FS_TMP/s.yaml"
pm=$(awk '/^\+/ { n++; if (n > m) m = n } /^-/ { n-- } END { print m + 0 }' "$FS_TMP/log")
check "shell pool: 20 jobs ran, each once" test "$(grep -c '^+' "$FS_TMP/log")/$(sort -u "$FS_TMP/log" | grep -c '^+')" = 20/20
if [ "$pm" = 2 ]; then ok "shell pool: never more than 2 processes at once (2 seen together)"; else not_ok "shell pool: $pm at once"; show "$FS_TMP/log"; fi
check "shell pool: a job gets its argument as \$1 and its number in FORKSCOPE_JOB" \
    grep -q '"data":"did t as job 20"' "$FS_TMP/out"

# ---- fork members: one child each, jobs as messages (a shell child on fd 3) ----
cat >"$FS_TMP/child.sh" <<'SH'
#!/bin/sh
while IFS= read -r line <&3; do
    job=$(printf '%s' "$line" | sed -n 's/.*"job":\([0-9]*\).*/\1/p')
    arg=$(printf '%s' "$line" | sed -n 's/.*"args":"\([^"]*\)".*/\1/p')
    printf '{"job":%s,"twice":"%s%s"}\n' "$job" "$arg" "$arg" >&3
done
echo "channel closed, exiting"
SH
chmod +x "$FS_TMP/child.sh"
cat >"$FS_TMP/f.yaml" <<YAML
tasks:
  kids:
    fork: $FS_TMP/child.sh
    pool: 3
    jobs: [x1, x2, x3, x4, x5, x6, x7]
YAML
run_fs --headless --json -f "$FS_TMP/f.yaml"
check "fork pool: 7 jobs done by 3 children" test "$(exit_field kids done)/$(evs start | grep -c '"task":"kids-')" = 7/3
check "fork pool: a child got job 7's argument and answered" \
    grep -q '"dir":"in".*"msg":{"job":7,"twice":"x7x7"}' "$FS_TMP/out"
check "fork pool: children exit by themselves once their channel is closed" \
    test "$(grep -c '"data":"channel closed, exiting"' "$FS_TMP/out")" = 3

# ---- failures: a job that fails, a module that crashes its host process ----
cat >"$FS_TMP/x.yaml" <<'YAML'
tasks:
  checks:
    cmd: [sh, -c, 'test "$0" != bad']
    pool: 2
    jobs: [good, bad, good]
  crashy:
    worker: crash
    pool: 1
    jobs: 2
YAML
run_fs --headless --json -f "$FS_TMP/x.yaml"
check "a failed job is counted and the others still run" \
    test "$(exit_field checks done)/$(exit_field checks failed)" = 2/1
check "crash pool: each job fails with SIGSEGV and the next runs in a new host process" \
    test "$(evs job crashy | grep -c '"state":"failed".*SIGSEGV')/$(evs start | grep -c '"task":"crashy-1"')" = 2/2
check "exit status 1 when a job failed" test "$rc" = 1

# ---- stopping a pool: queued jobs are cancelled, members stop, nothing is left ----
cat >"$FS_TMP/stop.yaml" <<'YAML'
tasks:
  slow:
    shell: sleep 30
    pool: 2
    jobs: 10
YAML
fs_bg --headless --json --control -f "$FS_TMP/stop.yaml"
# The two members have started their jobs (job events say so) before the stop.
wait_for 30 sh -c "[ \$(grep -c '\"ev\":\"start\"' '$FS_TMP/out') -ge 2 ]"
ctl 'stop slow'
wait_evs 30 1 exit slow
ctl quit
fs_wait 30
check "stopped pool: 8 jobs cancelled, the 2 running ones failed" \
    test "$(exit_field slow cancelled)/$(exit_field slow failed)" = 8/2
pids=$(evs start | sed -n 's/.*"pid":\([0-9][0-9]*\).*/\1/p')
left=""
for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
check "stopped pool: no member process is left" test -z "$left"

# ---- bad pools are refused with the place ----
printf 'tasks:\n  p:\n    worker: sleep\n    pool: 2\n' >"$FS_TMP/b1.yaml"
run_fs --headless -f "$FS_TMP/b1.yaml"
check "a pool without jobs: exit 2, message names the line" \
    eval 'test "$rc" = 2 && grep -q "b1.yaml:4:.*needs both .pool. (its size) and .jobs." "$FS_TMP/err"'

# ---- on the screen: the pool row's counts, its job log, shared memory ----
if command -v tmux >/dev/null; then
    SOCK="fs-pool-$$"
    trap 'tmux -L "$SOCK" kill-server 2>/dev/null; _fs_cleanup' EXIT
    printf 'tasks:\n  naps:\n    worker: sleep\n    args: "300"\n    pool: 2\n    jobs: 12\n' >"$FS_TMP/scr.yaml"
    tmux -L "$SOCK" -f /dev/null new-session -d -s fs -x 180 -y 40 "'$FORKSCOPE' -f '$FS_TMP/scr.yaml'; sleep 1000"
    check "screen: the pool row shows jobs queued, running and ended" shown_re "pool/worker +- +[0-9]+q 2r [0-9]+d"
    check "screen: a worker row's memory is marked shared" shown_re "naps-1 +worker .* [0-9.]+[KMG] sh "
    check "screen: the pool's pane is its job log" shown_re "job 3 -> naps-[12]"
    check "screen: the ended pool says how many jobs were done" shown_re "12/12 done"
    check "screen: the pool's job log ends with its time, its start and its peak memory" \
        eval 'shown_re "12/12 jobs done in [0-9.]+s" && shown_re "last job started at [0-9.]+s; peak memory [0-9.]+[KMG]"'
    tmux -L "$SOCK" send-keys -t fs q
else
    skip_missing 4 tmux
fi

# ---- a Node child as a fork member ----
if command -v node >/dev/null; then
    cat >"$FS_TMP/child.js" <<'JS'
process.on('message', (m) => process.send({ job: m.job, len: String(m.args).length }));
JS
    printf 'tasks:\n  nd:\n    fork: %s\n    pool: 2\n    jobs: ["a", "bb", "ccc", "dddd"]\n' "$FS_TMP/child.js" >"$FS_TMP/n.yaml"
    run_fs --headless --json -f "$FS_TMP/n.yaml"
    check "node pool: 4 jobs done, Node children exit when their channel closes" \
        eval 'test "$(exit_field nd done)" = 4 && test "$rc" = 0 && grep -q "\"msg\":{\"job\":4,\"len\":4}" "$FS_TMP/out"'
else
    skip_missing 1 node "the Node fork pool is not tested"
fi
finish
