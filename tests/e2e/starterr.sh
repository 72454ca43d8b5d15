#!/bin/bash
# Every way a task can fail to start is a start error that names what failed
# (its stage) and why (the errno's text) — never a program that "ran and exited
# 127". The failures that can be provoked from outside are: a cwd that is not a
# directory or does not exist, a program that does not exist, is not executable
# or is not a program, and an environment too big to execute with. The stages
# nothing outside can break are made to fail through the test hook
# FS_PROC_FAULT=STAGE (builds with assertions, as `--enable-debug` makes).
. "$FS_SRCDIR/tests/lib.sh"
STAGES="group deathsig signals stdio channel chdir go exec"
plan $((7 + 8 * 2))

# start_error TASK STAGE ERRTEXT: one error event for TASK naming both, and the
# task neither started nor exited (no exit code 127).
start_error() {
    local msg
    msg=$(evs error "$1")
    if [ "$(nevs error "$1")" = 1 ] && printf '%s' "$msg" | grep -qF -- "$2" &&
        printf '%s' "$msg" | grep -qF -- "$3" &&
        [ "$(nevs start "$1")" = 0 ] && [ "$(nevs exit "$1")" = 0 ]; then
        return 0
    fi
    diag "task $1: $(evs error "$1") $(evs start "$1") $(evs exit "$1")"
    return 1
}

echo "not a directory" >"$FS_TMP/file"
printf 'not a program\n' >"$FS_TMP/garbage"
chmod +x "$FS_TMP/garbage"
echo 'echo hi' >"$FS_TMP/noexec"
chmod -x "$FS_TMP/noexec"
BIG=$(head -c 200000 /dev/zero | tr '\0' x)
cat >"$FS_TMP/s.yaml" <<YAML
tasks:
  notdir:
    cmd: [true]
    cwd: $FS_TMP/file
  nodir:
    cmd: [true]
    cwd: $FS_TMP/nowhere
  missing:
    cmd: [no-such-program-xyz]
  noexec:
    cmd: [$FS_TMP/noexec]
  garbage:
    cmd: [$FS_TMP/garbage]
  bigenv:
    cmd: [true]
    env: { BIG: "$BIG" }
  fine:
    shell: echo still-here
YAML
run_fs --headless --json -f "$FS_TMP/s.yaml"
check "a cwd that is a file: stage chdir, ENOTDIR" start_error notdir "stage chdir" "Not a directory"
check "a cwd that does not exist: stage chdir, ENOENT" \
    start_error nodir "stage chdir" "No such file or directory"
check "a program that does not exist: not found, ENOENT" \
    start_error missing "'no-such-program-xyz' not found" "No such file or directory"
check "a file without the execute bit: not executable, EACCES" \
    start_error noexec "not executable" "Permission denied"
check "a file that is not a program: stage exec, ENOEXEC" \
    start_error garbage "stage exec" "Exec format error"
check "an environment too big: stage exec, E2BIG" \
    start_error bigenv "stage exec" "Argument list too long"
check "the other task still runs" grep -q '"data":"still-here"' "$FS_TMP/out"

# The stages nothing outside can break, through the hook. A fork task has
# every stage (its channel too).
if grep -q '^#define NDEBUG' "$(dirname "$FORKSCOPE")/config.h" 2>/dev/null; then
    for s in $STAGES; do
        skip "stage $s: the test hook is compiled out (a build without --enable-debug)"
        skip "stage $s: (hook compiled out)"
    done
    finish
fi
for s in $STAGES; do
    FS_PROC_FAULT=$s run_fs --headless --json --names hooked 'fork:/bin/true'
    check "stage $s: a start error naming the stage and EIO" \
        start_error hooked "(stage $s)" "Input/output error"
    check "stage $s: exit status 1" test "$rc" = 1
done
finish
