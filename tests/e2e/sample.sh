#!/bin/bash
# /proc figures in headless JSON `sample` events, against real children with
# known behaviour (tests/helpers/fs-helper).
. "$FS_SRCDIR/tests/lib.sh"
plan 10
H="$FS_HELPERS/fs-helper"

# Runs forkscope for about `secs` seconds on the given tasks, sampling every
# 0.5 s, then quits; events in $FS_TMP/out.
sample_run() {
    local secs=$1
    shift
    (sleep "$secs"; echo quit) | timeout 30 "$FORKSCOPE" --headless --json --control \
        --interval 0.5 "$@" >"$FS_TMP/out" 2>"$FS_TMP/err"
}
# last_field TASK FIELD: the FIELD of TASK's last sample event before the quit
# and not of a dying process (a sample taken as the task dies at the end may
# read a zombie, or a process whose memory is already gone). The runs quit a
# quarter interval after a sample, to keep clear of that.
last_field() {
    awk '/"ev":"exit"/ { exit } { print }' "$FS_TMP/out" |
        grep "\"ev\":\"sample\",\"task\":\"$1\"" | grep -v -e '"state":"Z"' -e '"vsize":0,' | tail -1 |
        sed -n "s/.*,\"$2\":\\([^,}]*\\).*/\\1/p"
}
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v != "null" && v >= lo && v <= hi) }'; }

sample_run 3.25 --names busy,idle "cmd:$H spin" "cmd:sleep 100"
cpu=$(last_field busy cpu)
# A busy loop gets a whole core only on an idle machine; tests run in parallel
# on shared machines, so "busy" is at least half a core, far from idle's 0.
if between "$cpu" 50 110; then ok "a busy loop reads near 100% CPU ($cpu)"; else not_ok "busy loop CPU $cpu"; show "$FS_TMP/out"; fi
cpu=$(last_field idle cpu)
if between "$cpu" 0 2; then ok "a sleeping task reads near 0% CPU ($cpu)"; else not_ok "sleeping CPU $cpu"; fi
check "samples carry the state" test "$(last_field idle state)" = '"S"'
n=$(grep -c '"ev":"sample","task":"busy"' "$FS_TMP/out")
if [ "$n" -ge 4 ]; then ok "a sample event every interval ($n in 3 s at 0.5 s)"; else not_ok "only $n samples"; fi

sample_run 2.75 --names mem "cmd:$H touch 200"
rss=$(last_field mem rss)
want=$((200 * 1024 * 1024))
if between "$rss" $((want * 9 / 10)) $((want * 11 / 10)); then
    ok "a task that touches 200 MiB shows RSS within 10% ($rss bytes)"
else
    not_ok "RSS $rss, want about $want"
fi

# A shell whose child burns CPU: the task itself idles, its tree does not.
sample_run 3.25 --names tree "$H spin & wait"
own=$(last_field tree cpu)
tree=$(last_field tree tree_cpu)
desc=$(last_field tree descendants)
if between "$tree" 50 110; then ok "the child's CPU shows in tree_cpu ($tree)"; else not_ok "tree_cpu $tree"; show "$FS_TMP/out"; fi
if between "$own" 0 5; then ok "the shell's own CPU stays low ($own)"; else not_ok "own cpu $own"; fi
if [ "$desc" = 1 ]; then ok "one descendant"; else not_ok "descendants $desc"; fi

sample_run 2.25 --names four "cmd:$H threads 4"
check "a task with 4 threads lists 4" test "$(last_field four threads)" = 4

# A vanished pid is a normal case: samples stop when the task ends, no error.
sample_run 2 --names brief "sleep 0.6"
if grep -q '"ev":"error"' "$FS_TMP/out"; then not_ok "an error event after a task ended"; else ok "no error when a sampled task ends"; fi
finish
