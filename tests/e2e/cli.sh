#!/bin/bash
# The command line: --help, --version, usage errors (status 2, a message, nothing
# started) in forkscope's own words, a terminal the screen cannot use (status
# 2, pointing to --headless), demos, and the basics demo run headless to its end.
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
plan 39

# usage_error DESC WORD ARGS...: status 2, WORD in the message, nothing started
# (the commands given touch $FS_TMP/started).
usage_error() {
    local desc=$1 word=$2
    shift 2
    rm -f "$FS_TMP/started"
    run_fs "$@"
    [ "$rc" -eq 2 ] || sleep 0.2
    if [ "$rc" -eq 2 ] && grep -qF -- "$word" "$FS_TMP/err" && [ ! -e "$FS_TMP/started" ]; then
        ok "$desc: status 2, message names $word, nothing started"
    else
        not_ok "$desc: status $rc"; show "$FS_TMP/err"
    fi
}
TOUCH='touch "$FS_TMP/started"'

run_fs --help
check "--help: exit status 0" test "$rc" -eq 0
if grep -q -- '--headless' "$FS_TMP/out" && grep -q -- '--json' "$FS_TMP/out" &&
    grep -q -- '--control' "$FS_TMP/out" && grep -qE -- '(^|[ ,])-f[ ,]' "$FS_TMP/out"; then
    ok "--help mentions --headless, --json, --control and -f"
else
    not_ok "--help text"; show "$FS_TMP/out"
fi
run_fs -h
check "-h is --help" sh -c "[ $rc -eq 0 ] && grep -q -- '--headless' '$FS_TMP/out'"

VERSION=$(sed -n 's/^AC_INIT(\[forkscope\], *\[\([^]]*\)\].*/\1/p' "$FS_SRCDIR/configure.ac")
run_fs --version
if [ "$rc" -eq 0 ] && [ -n "$VERSION" ] && grep -qF "$VERSION" "$FS_TMP/out"; then
    ok "--version prints the version ($VERSION); status 0"
else
    not_ok "--version: status $rc, want $VERSION"; show "$FS_TMP/out"
fi
run_fs -V
check "-V is --version" sh -c "[ $rc -eq 0 ] && grep -qF '$VERSION' '$FS_TMP/out'"

# ---- usage errors ---------------------------------------------------------------------
usage_error "unknown option" "--bogus" --headless --bogus "$TOUCH"
usage_error "--json without --headless" "--headless" --json "$TOUCH"
usage_error "--control without --headless" "--headless" --control "$TOUCH"
usage_error "--names without commands" "--names" --headless --names a
usage_error "--names count mismatch" "names" --headless --names a,b "$TOUCH"
usage_error "--names with a duplicate" "'a'" --headless --names a,a "$TOUCH" 'true'
usage_error "--max-line too small" "--max-line" --headless --max-line 8 "$TOUCH"
usage_error "--max-line not a size" "--max-line" --headless --max-line lots "$TOUCH"
usage_error "--send-timeout without --control" "--control" --headless --send-timeout 2 "$TOUCH"
usage_error "--send-timeout not a duration" "--send-timeout" --headless --control --send-timeout soon "$TOUCH"
usage_error "--message-log of no messages" "--message-log" --message-log 0 "$TOUCH"
usage_error "--message-log under 64KiB" "--message-log" --message-log 100,1KiB "$TOUCH"
usage_error "--message-log with --headless" "--message-log" --headless --message-log 100 "$TOUCH"
usage_error "-f without its argument" "option '-f' needs an argument" --headless -f
usage_error "--file without its argument" "option '--file' needs an argument" --headless --file
usage_error "an unknown short option" "unknown option '-x'" --headless -x "$TOUCH"
usage_error "an unknown option with a value" "unknown option '--bogus' (" --headless --bogus=1 "$TOUCH"
# getopt's own message names the binary's path; forkscope's says what to do.
run_fs --headless --bogus "$TOUCH"
if [ "$(cat "$FS_TMP/err")" = "forkscope: unknown option '--bogus' (forkscope --help lists the options)" ]; then
    ok "an unknown option: one line, in forkscope's words"
else
    not_ok "an unknown option's message"; show "$FS_TMP/err"
fi

# ---- a terminal the screen cannot use ---------------------------------------------------
# term_error DESC WORD ENV...: forkscope on a pty (script(1)) with the environment
# changed by `env ENV...`: status 2, stderr names WORD and --headless, nothing started.
term_error() {
    local desc=$1 word=$2
    shift 2
    if ! command -v script >/dev/null; then
        skip "script(1) is not installed: $desc"
        return
    fi
    rm -f "$FS_TMP/started" "$FS_TMP/rc"
    timeout -k 5 60 script -qec "env $* '$FORKSCOPE' '$TOUCH' 2>'$FS_TMP/err'; echo \$? >'$FS_TMP/rc'" \
        /dev/null </dev/null >/dev/null 2>&1
    local r
    r=$(cat "$FS_TMP/rc" 2>/dev/null)
    if [ "$r" = 2 ] && grep -qF -- "$word" "$FS_TMP/err" && grep -qF -- '--headless' "$FS_TMP/err" &&
        ! grep -q 'Error opening terminal' "$FS_TMP/err" && [ ! -e "$FS_TMP/started" ]; then
        ok "$desc: status 2, says $word and --headless, nothing started"
    else
        not_ok "$desc: status '$r'"; show "$FS_TMP/err"
    fi
}
term_error "TERM unset" "TERM is not set" -u TERM
term_error "TERM empty" "TERM is not set" TERM=
term_error "TERM=dumb (no cursor addressing)" "cannot move the cursor" TERM=dumb
term_error "an unknown TERM" "TERM=no-such-term-fs" TERM=no-such-term-fs
usage_error "an empty command" "empty" --headless "$TOUCH" 'cmd:'
usage_error "an unbalanced quote in a cmd: task" "quote" --headless "$TOUCH" 'cmd:echo "oops'

# ---- demos -------------------------------------------------------------------------------
run_fs demo
if [ "$rc" -eq 0 ] && grep -q 'basics' "$FS_TMP/out"; then
    ok "demo: lists the demos (basics among them); status 0"
else
    not_ok "demo: status $rc"; show "$FS_TMP/out"
fi
run_fs demo nosuch
if [ "$rc" -eq 2 ] && grep -q 'nosuch' "$FS_TMP/err"; then
    ok "demo nosuch: status 2, the message names it"
else
    not_ok "demo nosuch: status $rc"; show "$FS_TMP/err"
fi
run_fs demo basics extra
check "demo with two names: status 2" test "$rc" -eq 2

# The basics demo, headless, runs to its end: status 1, since some of its tasks
# fail on purpose.
run_fs --headless demo basics
check "demo basics: exit status 1 (failing tasks by design)" test "$rc" -eq 1
check "demo basics: the counter runs to tick 5" grep -qx 'counter | tick 5' "$FS_TMP/out"
check "demo basics: failing exits with code 3" grep -qx 'failing \* exited with code 3' "$FS_TMP/err"
check "demo basics: flaky is restarted" grep -q '^flaky   \* restarting in ' "$FS_TMP/err"
check "demo basics: sleeper is killed by SIGTERM" grep -qx 'sleeper \* killed by SIGTERM' "$FS_TMP/err"
check "demo basics: listing (cmd: ls -l /) exits 0" grep -qx 'listing \* exited with code 0' "$FS_TMP/err"

run_fs --headless --json demo basics
if [ "$rc" -eq 1 ] && [ "$(nevs exit counter)" -eq 1 ] && [ "$(nevs restart flaky)" -ge 1 ] &&
    evs exit sleeper | grep -q '"signal":"SIGTERM"'; then
    ok "demo basics --json: the same session as events"
else
    not_ok "demo basics --json: status $rc"; show "$FS_TMP/out"
fi
finish
