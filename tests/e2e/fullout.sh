#!/bin/bash
# A write error on forkscope's own output is not silent: a full disk
# (/dev/full) is reported on standard error, naming the stream and the error,
# and the exit status is 1. A reader that went away (EPIPE) stays a quiet stop.
. "$FS_SRCDIR/tests/lib.sh"
plan 11

if ! [ -c /dev/full ] || echo x 2>/dev/null >/dev/full; then
    for i in $(seq 11); do skip "no /dev/full that fails writes with ENOSPC here"; done
    finish
fi

MSG="forkscope: writing standard output: No space left on device"

# full_run ARGS...: forkscope with standard output on /dev/full; stderr in
# $FS_TMP/err, status in $rc.
full_run() {
    rc=0
    timeout -k 5 30 "$FORKSCOPE" "$@" >/dev/full 2>"$FS_TMP/err" || rc=$?
}

for mode in text json; do
    flag=""
    [ "$mode" = json ] && flag="--json"
    full_run --headless $flag 'echo hi'
    if [ "$rc" = 1 ]; then ok "$mode: exit status 1 on a full disk"; else not_ok "$mode: status $rc"; fi
    if grep -qF "$MSG" "$FS_TMP/err"; then
        ok "$mode: the error is reported: $MSG"
    else
        not_ok "$mode: no message naming the error"; show "$FS_TMP/err"
    fi
done

# A flood: forkscope stops its task and ends, with the same report.
full_run --headless 'yes'
if [ "$rc" = 1 ] && grep -qF "$MSG" "$FS_TMP/err"; then
    ok "a flooding task on a full disk: stopped, reported, status 1"
else
    not_ok "a flooding task on a full disk: status $rc"; show "$FS_TMP/err"
fi

# Standard error full: its own error cannot be shown, the status says it.
rc=0
timeout -k 5 30 "$FORKSCOPE" --headless 'echo oops >&2' >"$FS_TMP/out" 2>/dev/full || rc=$?
if [ "$rc" = 1 ]; then ok "standard error on a full disk: status 1"; else not_ok "stderr full: status $rc"; fi

# Started without a standard output or error at all (closed): the writes fail
# (EBADF), which is said, and nothing else is hit by them.
rc=0
timeout -k 5 30 "$FORKSCOPE" --headless 'echo hi' >&- 2>"$FS_TMP/err" || rc=$?
if [ "$rc" = 1 ] && grep -qF "forkscope: writing standard output: Bad file descriptor" "$FS_TMP/err"; then
    ok "standard output closed: reported, status 1"
else
    not_ok "standard output closed: status $rc"; show "$FS_TMP/err"
fi
rc=0
timeout -k 5 30 "$FORKSCOPE" --headless 'echo hi' >"$FS_TMP/out" 2>&- || rc=$?
# The first lifecycle line's failed write stops the session (doc/headless.md),
# so whether the task's line got out before that is a race; what did get out is
# the task's own and nothing of standard error's.
if [ "$rc" = 1 ] && { [ ! -s "$FS_TMP/out" ] || [ "$(cat "$FS_TMP/out")" = "echo | hi" ]; }; then
    ok "standard error closed: status 1, standard output holds only the task's line"
else
    not_ok "standard error closed: status $rc"; show "$FS_TMP/out"
fi

# EPIPE: the reader went away. Quiet, and forkscope ends.
set -o pipefail
rc=0
timeout -k 5 30 "$FORKSCOPE" --headless --json 'yes' 2>"$FS_TMP/err" | head -c 10000 >/dev/null || rc=$?
set +o pipefail
if [ "$rc" != 124 ] && [ "$rc" != 137 ]; then
    ok "EPIPE: forkscope ends when its reader goes away (status $rc)"
else
    not_ok "EPIPE: forkscope did not end ($rc)"
fi
if grep -q "writing standard output" "$FS_TMP/err"; then
    not_ok "EPIPE is reported as an error"; show "$FS_TMP/err"
else
    ok "EPIPE stays a quiet stop"
fi
# A good run still exits 0 with nothing on standard error.
run_fs --headless 'echo hi'
if [ "$rc" = 0 ] && ! grep -q "writing" "$FS_TMP/err"; then
    ok "a writable output: status 0, no write error reported"
else
    not_ok "a writable output: status $rc"; show "$FS_TMP/err"
fi
finish
