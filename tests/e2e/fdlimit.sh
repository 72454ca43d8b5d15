#!/bin/bash
# Out of file descriptors: under every `ulimit -n` from 4 to 40, forkscope
# either runs its tasks or says what it could not open, and ends — no abort,
# no hang on a stream that was never opened, no leaked handle (status 70), no
# sanitizer report (86). Each limit runs a shell task and a fork task (three
# pipes and a channel).
. "$FS_SRCDIR/tests/lib.sh"
LIMITS=$(seq 4 40)
plan 2

bad=""
silent=""
for n in $LIMITS; do
    rc=0
    # Descriptors inherited from make or the shell would count against the
    # limit: forkscope gets 0, 1 and 2 only.
    (
        for f in /proc/$BASHPID/fd/*; do
            f=${f##*/}
            [ "$f" -gt 2 ] && eval "exec $f>&-"
        done
        ulimit -n "$n" && exec timeout -k 5 30 "$FORKSCOPE" --headless 'echo hi' 'fork:/bin/true'
    ) >"$FS_TMP/out.$n" 2>"$FS_TMP/err.$n" || rc=$?
    case $rc in
    0) ;;
    1) grep -q '^forkscope: ' "$FS_TMP/err.$n" || silent="$silent $n" ;;
    *) bad="$bad $n:$rc" ;;
    esac
done
if [ -z "$bad" ]; then
    ok "every limit ends with status 0 or 1"
else
    not_ok "limits that ended otherwise (limit:status):$bad"
    for x in $bad; do diag "ulimit -n ${x%%:*}:"; show "$FS_TMP/err.${x%%:*}" | head -5; done
fi
if [ -z "$silent" ]; then
    ok "every failure says what could not be opened"
else
    not_ok "limits that failed without a message:$silent"
fi
finish
