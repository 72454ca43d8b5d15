#!/bin/bash
# /proc figures in headless JSON `sample` events, against real children with
# known behaviour (tests/helpers/fs-helper). A CPU figure is compared with what
# this script reads itself from /proc/PID/stat for the same process over the
# same window, never with a fixed share of a core: on a machine whose cores are
# busy with other work, a busy loop gets what the scheduler gives it, and
# forkscope must report just that. Every wait is for an event (a sample, an
# output line), with a limit that only matters when something is wrong.
. "$FS_SRCDIR/tests/lib.sh"
plan 13
H="$FS_HELPERS/fs-helper"
HZ=$(getconf CLK_TCK)

# Starts forkscope in the background, sampling every 0.5 s, on the given tasks.
sample_bg() { fs_bg --headless --json --control --interval 0.5 "$@"; }
# Ends it (quit) and waits for it.
sample_end() { ctl quit; fs_wait 30; }

# jiffies PID: PID's utime + stime in clock ticks, read without starting a
# process (so the reading is taken the moment it is asked for). After the
# command name's closing parenthesis, utime and stime are the 12th and 13th words.
jiffies() {
    local stat
    read -r stat <"/proc/$1/stat" || return 1
    local -a f=(${stat##*) })
    echo $((f[11] + f[12]))
}

# sample_line TASK LINE: LINE is a sample event of TASK itself (not one of a
# descendant's, tests/e2e/tree.sh).
sample_line() {
    [[ $2 == '{"t":'*"\"ev\":\"sample\",\"task\":\"$1\","* && $2 != *'"descendant":true'* ]]
}
# own TASK: TASK's own sample events, one a line; own_ge TASK N: N of them at least.
own() { evs sample "$1" | grep -v '"descendant":true' || true; }
own_ge() { [ "$(own "$1" | wc -l)" -ge "$2" ]; }

# cpu_window TASK FIELD N PID: follows forkscope's events as they are written.
# At TASK's first sample with a FIELD figure, reads PID's CPU ticks and the
# clock; at the Nth sample after it, reads them again. Sets W_FS, forkscope's
# FIELD over those N samples (each weighted by its interval), and W_PROC, the
# share of a core PID used between this script's two readings, both in percent.
# Fails when the samples do not come (30 s at most for each).
cpu_window() {
    local task=$1 field=$2 n=$3 pid=$4 line k=-1 j0=0 j1=0 w0=0 w1=0 t v pairs="" tfd tpid
    # From the end of what is written now: an event already written is past.
    exec {tfd}< <(exec tail -n 0 -f "$FS_TMP/out")
    tpid=$!
    while IFS= read -r -t 30 -u "$tfd" line; do
        sample_line "$task" "$line" || continue
        [[ $line == *"\"$field\":null"* ]] && continue
        # Read first, parse after: the reading is as close to the event as can be.
        if [ "$k" -lt 0 ]; then
            j0=$(jiffies "$pid") && w0=$EPOCHREALTIME || break
        elif [ "$k" -eq $((n - 1)) ]; then
            j1=$(jiffies "$pid") && w1=$EPOCHREALTIME || break
        fi
        [[ $line =~ \"t\":([0-9.]+) ]] && t=${BASH_REMATCH[1]}
        [[ $line =~ \"$field\":([0-9.]+) ]] && v=${BASH_REMATCH[1]}
        pairs="$pairs $t $v"
        k=$((k + 1))
        [ "$k" -eq "$n" ] && break
    done
    kill "$tpid" 2>/dev/null
    exec {tfd}<&-
    if [ "$k" -ne "$n" ]; then
        diag "cpu_window $task $field: $k of $n samples came"
        return 1
    fi
    # pairs: t0 v0 t1 v1 ... tN vN; sample i covers (t(i-1), t(i)].
    W_FS=$(echo "$pairs" | awk '{ s = 0; for (i = 3; i < NF; i += 2) s += $(i + 1) * ($i - $(i - 2))
                                  printf "%.1f", s / ($(NF - 1) - $1) }')
    W_PROC=$(awk -v a="$j0" -v b="$j1" -v w0="$w0" -v w1="$w1" -v hz="$HZ" \
        'BEGIN { printf "%.1f", (b - a) / hz / (w1 - w0) * 100 }')
}

# agrees A B: two CPU figures of the same process over the same window agree:
# within 5 points plus a tenth of the larger (the windows' ends differ by the
# time an event takes to reach this script, and ticks are 1/HZ s).
agrees() {
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = a > b ? a : b;
                                     exit !(a != "" && b != "" && d <= 5 + m / 10) }'
}

# field_after TASK FIELD: waits for TASK's next sample event (30 s at most) and
# prints its FIELD.
field_after() {
    local have
    have=$(own "$1" | wc -l)
    wait_for 30 own_ge "$1" $((have + 1)) || return 1
    own "$1" | sed -n "$((have + 1))p" | jfield "$2"
}
has_out() { evs output "$1" | grep -qF "\"data\":\"$2\""; }

# ---- CPU of a busy loop and of a sleeping task -------------------------------------------
sample_bg --names busy,idle "cmd:$H spin" "cmd:sleep 100"
wait_evs 30 1 start idle
BUSY=$(task_pid busy) IDLE=$(task_pid idle)
_fs_groups="$_fs_groups $BUSY $IDLE"
if cpu_window busy cpu 6 "$BUSY" && agrees "$W_FS" "$W_PROC" && fcmp "$W_PROC" '>' 0; then
    ok "a busy loop: forkscope reads $W_FS% CPU, /proc says $W_PROC% over the same 3 s"
else
    not_ok "a busy loop: forkscope reads ${W_FS:-?}% CPU, /proc says ${W_PROC:-?}%"
    show "$FS_TMP/out"
fi
if cpu_window idle cpu 4 "$IDLE" && agrees "$W_FS" "$W_PROC"; then
    ok "a sleeping task: forkscope reads $W_FS% CPU, /proc says $W_PROC%"
else
    not_ok "a sleeping task: forkscope reads ${W_FS:-?}% CPU, /proc says ${W_PROC:-?}%"
fi
check "samples carry the state" test "$(field_after idle state)" = '"S"'
check "samples carry the pid" test "$(field_after busy pid)" = "$BUSY"
# Samples come once an interval: never closer together than the interval (less
# a little for timer granularity), and on average not more than twice apart.
spacing=$(own busy | jfield t |
    awk 'NR > 1 { d = $1 - p; if (min == "" || d < min) min = d }
         { if (NR == 1) f = $1; p = $1; n = NR }
         END { printf "%.3f %.3f %d", min, (p - f) / (n - 1), n }')
read -r smin smean sn <<<"$spacing"
if [ "$sn" -ge 6 ] && fcmp "$smin" '>=' 0.45 && fcmp "$smean" '<=' 1.0; then
    ok "a sample event every interval ($sn samples, $smin s apart at least, $smean s on average)"
else
    not_ok "sample spacing: $sn samples, min $smin s, mean $smean s at 0.5 s"
fi
sample_end

# ---- memory --------------------------------------------------------------------------------
# The helper says when it has touched its memory; the next sample is taken after.
sample_bg --names mem "cmd:$H touch 200"
wait_evs 30 1 start mem
_fs_groups="$_fs_groups $(task_pid mem)"
want=$((200 * 1024 * 1024))
if wait_for 30 has_out mem 'touched 200 MiB' && rss=$(field_after mem rss) &&
    fcmp "$rss" '>=' $((want * 9 / 10)) && fcmp "$rss" '<=' $((want * 11 / 10)); then
    ok "a task that touches 200 MiB shows RSS within 10% ($rss bytes)"
else
    not_ok "RSS ${rss:-?}, want about $want"; show "$FS_TMP/out"
fi
sample_end

# ---- a process tree --------------------------------------------------------------------------
# A shell whose child burns CPU: the task itself idles, its tree does not.
sample_bg --names tree "$H spin & wait"
wait_evs 30 1 start tree
SH=$(task_pid tree)
_fs_groups="$_fs_groups $SH"
child() { ps -o pid= --ppid "$SH" | tr -d ' ' | head -n 1; }
wait_for 30 test -n "$(child)"
SPIN=$(child)
if [ -n "$SPIN" ] && cpu_window tree tree_cpu 6 "$SPIN" && agrees "$W_FS" "$W_PROC" &&
    fcmp "$W_PROC" '>' 0; then
    ok "the child's CPU shows in tree_cpu: $W_FS%, /proc says $W_PROC% for the child"
else
    not_ok "tree_cpu ${W_FS:-?}%, /proc says ${W_PROC:-?}% for the child '$SPIN'"
    show "$FS_TMP/out"
fi
if cpu_window tree cpu 4 "$SH" && agrees "$W_FS" "$W_PROC"; then
    ok "the shell's own CPU is its own: $W_FS%, /proc says $W_PROC%"
else
    not_ok "the shell's own CPU ${W_FS:-?}%, /proc says ${W_PROC:-?}%"
fi
check "one descendant" test "$(field_after tree descendants)" = 1
sample_end

# ---- threads -----------------------------------------------------------------------------------
sample_bg --names four "cmd:$H threads 4"
wait_evs 30 1 start four
_fs_groups="$_fs_groups $(task_pid four)"
if wait_for 30 has_out four 'threads 4' && [ "$(field_after four threads)" = 4 ]; then
    ok "a task with 4 threads lists 4"
else
    not_ok "threads: $(own four | tail -n 1 | jfield threads)"; show "$FS_TMP/out"
fi
sample_end

# ---- a task that ends ----------------------------------------------------------------------------
# A vanished pid is a normal case: samples stop when the task ends, no error. The
# witness: two more samples of another task after the end.
sample_bg --names brief,stay "sleep 0.6" "sleep 100"
wait_evs 30 1 start stay
_fs_groups="$_fs_groups $(task_pid stay)"
if wait_evs 30 1 exit brief; then
    after=$(($(own stay | wc -l) + 2))
    if wait_for 30 own_ge stay "$after"; then
        ok "sampling goes on after a task ended"
    else
        not_ok "no sample after the task ended"; show "$FS_TMP/out"
    fi
else
    not_ok "the brief task did not end"; show "$FS_TMP/out"
fi
if grep -q '"ev":"error"' "$FS_TMP/out"; then
    not_ok "an error event after a task ended"; show "$FS_TMP/out"
else
    ok "no error when a sampled task ends"
fi
sample_end
check "forkscope ended on quit" test "$rc" -ne 124
finish
