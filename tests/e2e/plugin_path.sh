#!/bin/bash
# Where a worker plugin is looked for: a path in a session file is relative to
# the file's directory (as `cwd:` is), a path on the command line to the current
# directory, and a bare name is a built-in module or an error, never a search of
# the dynamic linker's path. Each check has a different libhello.so in the way.
. "$FS_SRCDIR/tests/lib.sh"
plan 13
HELLO="$FS_HELPERS/../libhello.so"
BADABI="$FS_HELPERS/../libbadabi.so"

# project/ holds the real plugin and the session file; elsewhere/, the directory
# forkscope runs in, holds another library of the same name (one built for
# another ABI, so loading the wrong one is an error that says so).
mkdir -p "$FS_TMP/project/sub" "$FS_TMP/elsewhere"
cp "$HELLO" "$FS_TMP/project/libhello.so"
cp "$BADABI" "$FS_TMP/elsewhere/libhello.so"
cat >"$FS_TMP/project/forkscope.yaml" <<'YAML'
tasks:
  hello:
    worker: ./libhello.so
  inner:
    worker: ./libhello.so
    cwd: sub
YAML

# Both tasks started (or answered FROM), or a load error came (which no wait
# can mend).
started_or_failed() { grep -q '"ev":"error"' "$FS_TMP/out" || [ "$(nevs start)" -ge 2 ]; }
answered_or_failed() {
    grep -q '"ev":"error"' "$FS_TMP/out" ||
        [ "$(grep -c "\"dir\":\"in\".*\"msg\":{\"hello\":{\"from\":\"$1\"}}" "$FS_TMP/out")" = 2 ]
}

# say_hello FROM ARGS...: runs forkscope with --control and ARGS, sends both
# plugin tasks a message, waits for both answers, then quits.
say_hello() {
    local from=$1
    shift
    fs_bg --headless --json --control "$@"
    wait_for 30 started_or_failed || true
    ctl "send hello {\"from\":\"$from\"}" "send inner {\"from\":\"$from\"}"
    wait_for 30 answered_or_failed "$from"
    ctl quit
    fs_wait 30
}

cd "$FS_TMP/elsewhere" || exit 1
say_hello test -f ../project/forkscope.yaml
cd - >/dev/null || exit 1
if grep -q '"task":"hello","dir":"in".*"msg":{"hello":{"from":"test"}}' "$FS_TMP/out"; then
    ok "worker: ./libhello.so in a session file loads the one beside the file"
else
    not_ok "the plugin beside the session file did not answer"; show "$FS_TMP/out"
fi
check "with cwd: sub it is still relative to the file, as cwd is" \
    grep -q '"task":"inner","dir":"in".*"msg":{"hello":{"from":"test"}}' "$FS_TMP/out"
if grep -q '"ev":"error"' "$FS_TMP/out"; then
    not_ok "no load error"; evs error | sed 's/^/#   /'
else
    ok "no load error (the library in the current directory was not loaded)"
fi
check "forkscope ended with 0" test "$rc" = 0

# Replicas are copies of their task, resolved path included.
cat >"$FS_TMP/project/twins.yaml" <<'YAML'
tasks:
  twin:
    worker: ./libhello.so
    replicas: 2
YAML
cd "$FS_TMP/elsewhere" || exit 1
fs_bg --headless --json --control -f ../project/twins.yaml
cd - >/dev/null || exit 1
wait_for 30 started_or_failed
ctl quit
fs_wait 30
if [ "$(nevs start)" = 2 ] && [ "$(nevs error)" = 0 ]; then
    ok "both replicas load the plugin beside the file"
else
    not_ok "replicas: $(nevs start) started"; evs error | sed 's/^/#   /'
fi

# On the command line a relative path is relative to the current directory.
cd "$FS_TMP/project" || exit 1
say_hello cli --names hello,inner 'worker:./libhello.so' 'worker:sub/../libhello.so'
cd - >/dev/null || exit 1
if [ "$rc" = 0 ] && [ "$(grep -c '"dir":"in".*"msg":{"hello":{"from":"cli"}}' "$FS_TMP/out")" = 2 ]
then
    ok "worker:./libhello.so on the command line loads the current directory's"
else
    not_ok "command line: status $rc"; show "$FS_TMP/out"
fi

# A bare name is never looked up on the linker's search path, even when that
# path holds a library of that name.
export LD_LIBRARY_PATH="$FS_TMP/project"
run_fs --headless --json 'worker:libhello.so' 'echo fine'
unset LD_LIBRARY_PATH
check "worker:libhello.so (no slash) is an unknown module" \
    grep -qE '"ev":"error".*unknown worker module .libhello\.so.' "$FS_TMP/out"
check "the message says how to name a plugin" grep -qF "./libhello.so" "$FS_TMP/out"
check "the session goes on" grep -qF '"data":"fine"' "$FS_TMP/out"

# In a session file the same is an error of the file: its place, the task,
# status 2, nothing started.
cat >"$FS_TMP/project/bare.yaml" <<'YAML'
tasks:
  ok:
    shell: echo should-not-run
  bare:
    worker: libhello.so
YAML
LD_LIBRARY_PATH="$FS_TMP/project" run_fs --headless --json -f "$FS_TMP/project/bare.yaml"
check "a bare plugin name in a session file: status 2" test "$rc" = 2
if grep -qE "bare\.yaml:4:.*task 'bare'.*unknown worker module 'libhello\.so'" "$FS_TMP/err"; then
    ok "the error names the file, the line, the task and the module"
else
    not_ok "error message"; show "$FS_TMP/err"
fi
check "nothing was started" test ! -s "$FS_TMP/out"

# `forkscope worker-host` follows the same rule.
rc=0
LD_LIBRARY_PATH="$FS_TMP/project" timeout -k 5 30 "$FORKSCOPE" worker-host libhello.so \
    </dev/null >"$FS_TMP/out" 2>"$FS_TMP/err" 3</dev/null || rc=$?
if [ "$rc" = 2 ] && grep -q "unknown worker module 'libhello.so'" "$FS_TMP/err"; then
    ok "forkscope worker-host libhello.so: unknown module, status 2"
else
    not_ok "worker-host with a bare name: status $rc"; show "$FS_TMP/err"
fi

finish
