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

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# Shows a file's contents as TAP diagnostics (for failures).
show() { sed 's/^/#   /' "$1"; }

# Runs forkscope headless with a time limit; stdout to $FS_TMP/out, stderr to
# $FS_TMP/err, exit status in $rc.
run_fs() {
    rc=0
    timeout -k 5 "${FS_TIMEOUT:-30}" "$FORKSCOPE" "$@" >"$FS_TMP/out" 2>"$FS_TMP/err" || rc=$?
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

# Processes in a process group, one PID a line (none: empty).
group_members() { pgrep -g "$1" 2>/dev/null || true; }
group_gone() { [ -z "$(group_members "$1")" ]; }
