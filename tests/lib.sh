# Shared helpers for the end-to-end tests: a tiny TAP producer and ways to run
# forkscope and inspect what it leaves behind. Each test script sources this,
# calls `plan N`, then `ok`/`not_ok`/`skip` once per check, and ends with `finish`.
# Scripts run with the environment of Makefile.am's AM_TESTS_ENVIRONMENT:
# FORKSCOPE (the binary), FS_SRCDIR.

set -u
: "${FORKSCOPE:?FORKSCOPE must name the forkscope binary}"
FS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fs-e2e.XXXXXX")
_fs_n=0
_fs_failed=0
# Process groups started by a test, killed on exit whatever happens.
_fs_groups=""

_fs_cleanup() {
    for g in $_fs_groups; do kill -9 -"$g" 2>/dev/null; done
    rm -rf "$FS_TMP"
}
trap _fs_cleanup EXIT

plan() { echo "1..$1"; }
ok() { _fs_n=$((_fs_n + 1)); echo "ok $_fs_n - $*"; }
not_ok() { _fs_n=$((_fs_n + 1)); _fs_failed=1; echo "not ok $_fs_n - $*"; }
skip() { _fs_n=$((_fs_n + 1)); echo "ok $_fs_n - # SKIP $*"; }
diag() { printf '# %s\n' "$@"; }
finish() { exit "$_fs_failed"; }

# skip_missing N PROGRAM [WHAT]: N checks that cannot run because PROGRAM is not
# installed. They are SKIPs that say so, except under CI=true: tools/setup
# installs node and tmux, so on a CI machine a missing one is a failure, not a
# run that passes without having tested them.
skip_missing() {
    local n=$1 prog=$2 what=${3:+: $3} i
    for ((i = 0; i < n; i++)); do
        if [ "${CI:-}" = true ]; then
            not_ok "$prog is not installed, and CI=true requires it (tools/setup installs it)$what"
        else
            skip "$prog is not installed$what"
        fi
    done
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
    local desc=$1
    shift
    if "$@"; then
        ok "$desc"
    else
        not_ok "$desc"
        # A screen script's failure shows the screen it saw.
        if [ -n "${SOCK:-}" ]; then
            tmux -L "$SOCK" capture-pane -p -t fs 2>/dev/null | sed 's/^/#   /'
        fi
    fi
}

# Shows a file's contents as TAP diagnostics (for failures).
show() { sed 's/^/#   /' "$1"; }

# Runs forkscope headless with a time limit (FS_TIMEOUT, 120 s: for a run that
# hangs, not for a slow one); stdout to $FS_TMP/out, stderr to
# $FS_TMP/err, exit status in $rc.
run_fs() {
    rc=0
    timeout -k 5 "${FS_TIMEOUT:-120}" "$FORKSCOPE" "$@" >"$FS_TMP/out" 2>"$FS_TMP/err" || rc=$?
}

# Counts JSON events of a kind in $FS_TMP/out, e.g. `events exit`.
events() { grep -c "\"ev\":\"$1\"" "$FS_TMP/out" || true; }

# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
    local limit=$1
    shift
    local end=$((SECONDS + limit))
    while ! "$@"; do
        [ "$SECONDS" -ge "$end" ] && return 1
        sleep 0.05
    done
}

# Live processes in a process group, one PID a line (none: empty). A zombie is
# dead already: it waits only for whoever reaps orphans on this machine (after
# forkscope is killed, init, which in a container may be slow to), so it does
# not count.
group_members() { ps -e -o pid=,pgid=,stat= | awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'; }
group_gone() { [ -z "$(group_members "$1")" ]; }

# ---- JSON events and background sessions (the headless e2e scripts) ----------------
# Under a sanitizer build, a report gets an exit status of its own (86), so a test
# that expects status 1 or 2 cannot mistake a sanitizer failure for it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

# Events are matched with grep and sed, no JSON tool needed: inside a JSON string
# every '"' is escaped, so '"key":' only ever matches a real key.

# evs EV [TASK]: the events of a kind (of one task) in $FS_TMP/out, one a line.
evs() {
    if [ $# -ge 2 ]; then
        grep "\"ev\":\"$1\"" "$FS_TMP/out" | grep "\"task\":\"$2\"" || true
    else
        grep "\"ev\":\"$1\"" "$FS_TMP/out" || true
    fi
}

# nevs EV [TASK]: how many of them.
nevs() { evs "$@" | wc -l | tr -d ' '; }

# jfield KEY: the raw JSON value of KEY in each line of standard input (strings
# keep their quotes, null stays null); lines without the key give nothing.
jfield() {
    sed -n "s/.*\"$1\":\(\"\([^\"\\\\]\|\\\\.\)*\"\|[^,}]*\).*/\1/p"
}

# demo NAME: runs a built-in demo headless with JSON events; one that has not
# ended after 300 s is taken for hung (status 124).
demo() { FS_TIMEOUT=300 run_fs --headless --json demo "$1"; }

# msgs TASK KEY: the JSON value of KEY in TASK's messages, one a line; outs
# TASK: TASK's output lines, their JSON quoting undone.
msgs() { evs message "$1" | jfield "$2"; }
outs() { evs output "$1" | jfield data | sed 's/^"//; s/"$//; s/\\"/"/g'; }

# fcmp A OP B: compares two decimal numbers, e.g. `fcmp "$d" '>=' 0.3`.
fcmp() { awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; }

# fs_bg ARGS...: starts forkscope in the background with ARGS, standard input from
# the fifo $FS_TMP/ctl (held open on fd 7), output in $FS_TMP/out and $FS_TMP/err;
# sets FPID. ctl LINE... writes lines to its input; ctl_close ends the input.
fs_bg() {
    rm -f "$FS_TMP/ctl"
    mkfifo "$FS_TMP/ctl"
    "$FORKSCOPE" "$@" <"$FS_TMP/ctl" >"$FS_TMP/out" 2>"$FS_TMP/err" &
    FPID=$!
    exec 7>"$FS_TMP/ctl"
}
# (A forkscope that already ended must not kill the script with SIGPIPE.)
ctl() { (trap '' PIPE; printf '%s\n' "$@" >&7) 2>/dev/null || true; }
ctl_close() { exec 7>&-; }

# fs_wait SECONDS: waits for the background forkscope to end; its exit status in
# $rc, or 124 when it was still running after SECONDS (it is then killed).
fs_wait() {
    exec 7>&-
    if wait_for "$1" sh -c "! kill -0 $FPID 2>/dev/null"; then
        rc=0
        wait "$FPID" || rc=$?
    else
        kill -9 "$FPID" 2>/dev/null
        wait "$FPID" 2>/dev/null
        rc=124
    fi
}

# send_flood TASK N [TAIL]: N lines `send TASK {"i":k TAIL}` and then a line
# `marker` on the background forkscope's input (fs_bg); waits (300 s at most)
# for the marker's error event, which comes once every send before it was
# carried out or refused. Sets SENT to the messages sent ("dir":"out" events);
# fails when the marker did not come.
send_flood() {
    local task=$1 n=$2 tail=${3:-} r=0
    (awk -v n="$n" -v t="$task" -v tail="$tail" \
        'BEGIN { for (i = 0; i < n; i++) printf "send %s {\"i\":%d%s}\n", t, i, tail }'
        echo marker) | (trap '' PIPE; cat >&7) 2>/dev/null &
    local gen=$!
    # Thousands of sends take their time on a loaded machine under a sanitizer
    # (60,000 took over 30 s): the limit is for a marker that never comes.
    wait_for 300 sh -c "grep -q '\"msg\":\"control line $((n + 1)): .*marker' '$FS_TMP/out'" || r=1
    SENT=$(grep -c '"dir":"out"' "$FS_TMP/out")
    kill "$gen" 2>/dev/null
    wait "$gen" 2>/dev/null
    return $r
}

# ---- the screen (the tmux e2e scripts) ------------------------------------------------
# forkscope runs in a detached tmux session named fs on the server $SOCK. T runs a
# tmux command there. shown TEXT, shown_re REGEX and gone TEXT wait (SCREEN_WAIT
# seconds, 30 by default: a limit that only matters when the screen is wrong, and
# a loaded machine with a sanitizer build can take seconds to draw) until the
# screen shows TEXT, a line matching REGEX, or no longer shows TEXT.
T() { tmux -L "$SOCK" "$@"; }
screen_grep() { tmux -L "$SOCK" capture-pane -p -t fs 2>/dev/null | grep -q "$@"; }
_fs_screen_lacks() { ! screen_grep -F -- "$1"; }
shown() { wait_for "${SCREEN_WAIT:-30}" screen_grep -F -- "$1"; }
shown_re() { wait_for "${SCREEN_WAIT:-30}" screen_grep -E -- "$1"; }
gone() { wait_for "${SCREEN_WAIT:-30}" _fs_screen_lacks "$1"; }
# screen_begin N NAME [CLEANUP]: the start of a script of N checks on the screen.
# Without tmux the N checks are skip_missing's and the script ends. Otherwise
# SOCK names the script's own tmux server, which is killed when the script exits,
# after the script's own CLEANUP function if it names one.
screen_begin() {
    if ! command -v tmux >/dev/null; then
        skip_missing "$1" tmux
        finish
    fi
    SOCK="fs-$2-$$"
    _fs_screen_extra=${3:-}
    trap _fs_screen_cleanup EXIT
}
_fs_screen_cleanup() {
    [ -n "$_fs_screen_extra" ] && "$_fs_screen_extra"
    tmux -L "$SOCK" kill-server 2>/dev/null
    _fs_cleanup
}

# screen_run_file FILE: forkscope -f FILE (in $FS_TMP) in a 160x48 session fs; the
# pane then says forkscope-exited-STATUS. Sets FPID once it runs (30 s at most).
screen_run_file() {
    T new-session -d -s fs -x 160 -y 48 \
        "cd '$FS_TMP' && '$FORKSCOPE' -f $1; echo forkscope-exited-\$?; sleep 1000"
    FPID=""
    wait_for 30 find_fs
}

# find_fs: sets FPID to the forkscope that the session's pane started (a child of
# the pane's shell); false while there is none. Used as `wait_for 30 find_fs`.
find_fs() {
    FPID=$(pgrep -P "$(T list-panes -t fs -F '#{pane_pid}' 2>/dev/null | head -1)" -x forkscope |
        head -1)
    [ -n "$FPID" ]
}

# task_pid TASK [N]: the pid of the Nth (default first) start event of TASK.
task_pid() { evs start "$1" | sed -n "${2:-1}p" | jfield pid; }

# wait_evs SECONDS N EV [TASK]: waits until $FS_TMP/out holds at least N events
# of kind EV (of TASK). (wait_for with `test "$(...)"` would count only once.)
_fs_nevs_ge() { local n=$1; shift; [ "$(nevs "$@")" -ge "$n" ]; }
wait_evs() { local s=$1; shift; wait_for "$s" _fs_nevs_ge "$@"; }
