#!/bin/bash
# `forkscope worker-host MODULE`, the process an unsafe module runs in: the
# lines it reads from its channel go into the module's inbox at the module's
# pace (none lost when the inbox is full), and it ends with a message, never
# silently and never hanging, when its own set-up or its poll fails.
. "$FS_SRCDIR/tests/lib.sh"
plan 8

# The host of the echo module as a fork task: the same process, channel and
# environment forkscope gives the host of an unsafe module.
cat >"$FS_TMP/host.yaml" <<YAML
tasks:
  host:
    fork: ["$FORKSCOPE", worker-host, echo]
YAML

# A flood: 20000 sends arrive in reads of thousands of lines, far more than the
# module's inbox holds (1024 messages).
N=20000
fs_bg --headless --json --control -f "$FS_TMP/host.yaml"
wait_evs 30 1 start host
send_flood host "$N" || diag "the flood's marker did not come"
wait_for 60 sh -c "test \$(grep -c '\"task\":\"host\",\"dir\":\"in\".*\"echo\":' '$FS_TMP/out') -ge $N"
ctl quit
fs_wait 30
got=$(grep -c '"task":"host","dir":"in".*"echo":' "$FS_TMP/out")
if [ "$SENT" = "$N" ] && [ "$got" = "$N" ]; then
    ok "$N sends through a worker host: every one echoed"
else
    not_ok "$SENT of $N sent, $got echoed"; evs error | head -5 | sed 's/^/#   /'
fi
seq_ok=$(grep '"task":"host","dir":"in".*"echo":' "$FS_TMP/out" | jfield i |
    awk 'BEGIN { n = 0 } { if ($1 != n) { print "at " n ": " $1; exit } n++ }')
if [ -z "$seq_ok" ] && [ "$got" = "$N" ]; then ok "in order"; else not_ok "out of order ($seq_ok)"; fi
# The only error is the marker's: no send was refused, none was lost quietly.
if [ "$(nevs error)" = 1 ]; then ok "no send refused"; else not_ok "errors:"; evs error | head -5 | sed 's/^/#   /'; fi

# A poll that fails (here: the host's limit of open files lowered under it to
# 1, less than the 2 descriptors it polls): the host says so and ends, instead
# of waiting for ever for a module nobody stopped.
# (An echo first: the start event comes before the exec, and the host must be
# in its loop, past the dynamic loader, when its limit is lowered.)
if command -v prlimit >/dev/null && fs_bg --headless --json --control -f "$FS_TMP/host.yaml" &&
    wait_evs 30 1 start host && pid=$(task_pid host) && [ -n "$pid" ] &&
    ctl 'send host {"before":"limit"}' &&
    wait_for 30 grep -q '"task":"host","dir":"in".*"echo":{"before":"limit"}' "$FS_TMP/out" &&
    prlimit --pid "$pid" --nofile=1:1 2>"$FS_TMP/prlimit.err"; then
    ctl 'send host {"wake":"up"}'
    if wait_evs 30 1 exit host; then
        ok "a poll error ends the host"
    else
        not_ok "the host still runs after a poll error"
        kill -9 "$pid" 2>/dev/null
    fi
    if grep -qE '"task":"host","stream":"stderr","data":"forkscope worker-host: poll: ' "$FS_TMP/out"
    then
        ok "it says why"
    else
        not_ok "no message"; evs output host | sed 's/^/#   /'
    fi
    if grep -qE '"ev":"exit","task":"host",.*"code":1,' "$FS_TMP/out"; then
        ok "its status is 1"
    else
        not_ok "status"; evs exit host | sed 's/^/#   /'
    fi
    ctl quit
    fs_wait 30
else
    for i in 1 2 3; do skip "cannot lower a running process's limit of open files with prlimit"; done
    cat "$FS_TMP/prlimit.err" 2>/dev/null | sed 's/^/#   /'
    ctl quit
    fs_wait 30
fi

# A set-up failure is said, not silent: with 5 descriptors at most and 0-3 open,
# the dynamic loader has the one it needs, the wake-up pipe not the two it needs.
rc=0
(ulimit -n 5 && exec "$FORKSCOPE" worker-host echo) 3</dev/null >"$FS_TMP/out" 2>"$FS_TMP/err" ||
    rc=$?
if [ "$rc" = 1 ] && grep -q '^forkscope worker-host: .*Too many open files' "$FS_TMP/err"; then
    ok "a set-up failure says why (status 1)"
else
    not_ok "set-up failure: status $rc"; show "$FS_TMP/err"
fi
check "bad usage: status 2" sh -c "'$FORKSCOPE' worker-host 2>/dev/null; test \$? = 2"

finish
