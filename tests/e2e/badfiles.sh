#!/bin/bash
# Bad session files and Procfiles: exit status 2, a message that names
# FILE:LINE:COL (FILE:LINE for a Procfile) and what is wrong, no event on
# stdout, and nothing started. Every fixture holds a good task that would
# touch $FS_TMP/started, so "nothing started" is checked, not assumed.
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
FIX=$FS_SRCDIR/tests/fixtures/e2e
plan 51

nothing_started() {
    [ ! -e "$FS_TMP/started" ] && [ ! -e "$FS_TMP/started-good" ] && [ ! -s "$FS_TMP/out" ]
}

# bad DESC WHERE WHAT ARGS...: forkscope --headless --json ARGS must exit with 2,
# name WHERE (e.g. FILE:7:18:) and WHAT on stderr, and start nothing. Two tests.
bad() {
    local desc=$1 where=$2 what=$3
    shift 3
    rm -f "$FS_TMP/started" "$FS_TMP/started-good"
    run_fs --headless --json "$@"
    if [ "$rc" -eq 2 ] && grep -qF -- "$where" "$FS_TMP/err" && grep -qF -- "$what" "$FS_TMP/err"; then
        ok "$desc: status 2, message names $(basename -- "$where") and $what"
    else
        not_ok "$desc: status $rc, expected 2 and a message naming $where and $what"
        show "$FS_TMP/err"
    fi
    # Give a wrongly started task a moment to leave its marker.
    [ "$rc" -eq 2 ] || sleep 0.2
    if nothing_started; then
        ok "$desc: nothing started"
    else
        not_ok "$desc: something started"
        show "$FS_TMP/out"
    fi
}

bad "YAML syntax error" "$FIX/bad-syntax.yaml:7:18:" "mapping values" -f "$FIX/bad-syntax.yaml"
bad "tab indentation" "$FIX/bad-tab.yaml:5:1:" "tab" -f "$FIX/bad-tab.yaml"
bad "unknown key" "$FIX/bad-unknown-key.yaml:8:5:" "'colour'" -f "$FIX/bad-unknown-key.yaml"
bad "wrong type (duration)" "$FIX/bad-type.yaml:7:19:" "stop_timeout" -f "$FIX/bad-type.yaml"
bad "bad restart policy" "$FIX/bad-restart.yaml:6:19:" "restart" -f "$FIX/bad-restart.yaml"
bad "two kinds on one task" "$FIX/bad-two-kinds.yaml:8:5:" "'bad'" -f "$FIX/bad-two-kinds.yaml"
bad "task without a command" "$FIX/bad-no-kind.yaml:5:3:" "'bad'" -f "$FIX/bad-no-kind.yaml"
bad "duplicate task name" "$FIX/bad-dup-name.yaml:7:3:" "'good'" -f "$FIX/bad-dup-name.yaml"
bad "duplicate key in a task" "$FIX/bad-dup-key.yaml:7:5:" "'shell'" -f "$FIX/bad-dup-key.yaml"
bad "empty shell command" "$FIX/bad-empty-cmd.yaml:6:12:" "'bad'" -f "$FIX/bad-empty-cmd.yaml"
bad "empty cmd list" "$FIX/bad-empty-argv.yaml:7:10:" "'bad'" -f "$FIX/bad-empty-argv.yaml"
bad "misspelt backoff field" "$FIX/bad-backoff.yaml:8:7:" "'bsae'" -f "$FIX/bad-backoff.yaml"
bad "env value of the wrong type" "$FIX/bad-env.yaml:7:15:" "'A'" -f "$FIX/bad-env.yaml"
bad "mprocs file with a bad stop" "$FIX/bad-mprocs.yaml:8:11:" "'stop'" -f "$FIX/bad-mprocs.yaml"
bad "Procfile line without ':'" "$FIX/bad-procfile:5:" "':'" --procfile "$FIX/bad-procfile"
bad "Procfile empty command" "$FIX/bad-procfile-empty-cmd:2:" "'bad'" \
    --procfile "$FIX/bad-procfile-empty-cmd"
# A Procfile saved as UTF-16 (no byte order mark): said so, not "a NUL byte".
printf 'g\0o\0o\0d\0:\0 \0t\0o\0u\0c\0h\0 \0x\0\n\0' >"$FS_TMP/Procfile16"
bad "UTF-16 Procfile" "$FS_TMP/Procfile16:1:1:" "save it as UTF-8" --procfile "$FS_TMP/Procfile16"

: >"$FS_TMP/empty.yaml"
bad "empty file" "$FS_TMP/empty.yaml:1:1:" "empty" -f "$FS_TMP/empty.yaml"
printf 'tasks:\n  good:\n    shell: touch "$FS_TMP/started"\n---\ntasks: {}\n' >"$FS_TMP/two-docs.yaml"
bad "two YAML documents" "$FS_TMP/two-docs.yaml:5:1:" "document" -f "$FS_TMP/two-docs.yaml"

bad "missing session file" "$FS_TMP/nope.yaml" "No such file" -f "$FS_TMP/nope.yaml"
bad "missing Procfile" "$FS_TMP/Procfile.nope" "No such file" --procfile "$FS_TMP/Procfile.nope"

# A bad file given with a good command: the command does not start either.
bad "bad file and a good command" "$FIX/bad-type.yaml:7:19:" "stop_timeout" \
    -f "$FIX/bad-type.yaml" 'touch "$FS_TMP/started-good"'
# A good file and a bad Procfile: nothing of the good file starts.
bad "good file and bad Procfile" "$FIX/bad-procfile:5:" "':'" \
    -f "$FIX/good.yaml" --procfile "$FIX/bad-procfile"
# A good command that duplicates a file's task name.
bad "command named like a file task" "alsogood" "duplicate" \
    -f "$FIX/good.yaml" --names alsogood 'touch "$FS_TMP/started"'

# ./forkscope.yaml found by itself is checked the same way.
mkdir "$FS_TMP/auto"
cp "$FIX/bad-unknown-key.yaml" "$FS_TMP/auto/forkscope.yaml"
rm -f "$FS_TMP/started"
(cd "$FS_TMP/auto" && run_fs --headless --json && echo "$rc" >"$FS_TMP/rc")
rc=$(cat "$FS_TMP/rc")
if [ "$rc" -eq 2 ] && grep -qF "forkscope.yaml:8:5:" "$FS_TMP/err"; then
    ok "bad ./forkscope.yaml found by itself: status 2, message names forkscope.yaml:8:5"
else
    not_ok "bad ./forkscope.yaml: status $rc"; show "$FS_TMP/err"
fi
check "bad ./forkscope.yaml: nothing started" nothing_started

# Text mode reports the same way.
rm -f "$FS_TMP/started"
run_fs --headless -f "$FIX/bad-dup-name.yaml"
if [ "$rc" -eq 2 ] && grep -qF "$FIX/bad-dup-name.yaml:7:3:" "$FS_TMP/err" && nothing_started; then
    ok "text mode: status 2, FILE:LINE:COL, nothing started"
else
    not_ok "text mode: status $rc"; show "$FS_TMP/err"
fi
finish
