#!/bin/bash
# Readiness and liveness probes, headless with real processes on loopback
# ports (`forkscope child serve`): a ready event for each kind (log, tcp,
# http, shell, cmd) after what makes it true; a readiness probe that gives up
# without flooding; a liveness probe whose server starts failing stops its
# task, which the restart policy starts again; probe processes killed at their timeout and
# when forkscope is killed; process-compose probes.
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
plan 27

F=$FORKSCOPE
# free_port: a loopback port nobody listens on now (serve picks one, then ends).
free_port() {
    local out="$FS_TMP/port.$RANDOM" p
    "$F" child serve port=0 ttl=1 >"$out" 2>&1 &
    local pid=$!
    wait_for 30 grep -q listening "$out"
    p=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "$p"
}
P_TCP=$(free_port)
P_HTTP=$(free_port)
P_DEAD=$(free_port)
diag "ports: tcp $P_TCP, http $P_HTTP, none $P_DEAD"

# line_of PATTERN: the line number of the first line of $FS_TMP/out matching it.
line_of() { grep -n -m1 -e "$1" "$FS_TMP/out" | cut -d: -f1; }
# after A B: the first line matching B comes after the first matching A.
after() {
    local a b
    a=$(line_of "$1")
    b=$(line_of "$2")
    [ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]
}

# ---- a ready event for each kind, after what makes it true -----------------------------
cat >"$FS_TMP/ready.yaml" <<EOF
tasks:
  logged:
    cmd: [$F, child, serve, port=0, delay=300, ttl=3]
    ready: {log: "^listening on 127[.]0[.]0[.]1:[0-9]+\$"}
  tcp:
    cmd: [$F, child, serve, port=$P_TCP, tcp, delay=500, ttl=3]
    ready: {tcp: "127.0.0.1:$P_TCP", interval: 100ms}
  http:
    cmd: [$F, child, serve, port=$P_HTTP, http, delay=500, ttl=3]
    ready: {http: "http://127.0.0.1:$P_HTTP/health", interval: 100ms}
  shell:
    shell: sleep 0.5; echo touched; sleep 0.2; touch $FS_TMP/flag-shell; sleep 2
    ready: {shell: "test -e $FS_TMP/flag-shell", interval: 100ms}
  cmd:
    shell: sleep 0.5; echo touched; sleep 0.2; touch $FS_TMP/flag-cmd; sleep 2
    ready: {cmd: [test, -e, $FS_TMP/flag-cmd], interval: 100ms}
EOF
run_fs --headless --json -f "$FS_TMP/ready.yaml"
for k in logged tcp http shell cmd; do
    probe=$k
    [ "$k" = logged ] && probe=log
    if [ "$(nevs ready "$k")" = 1 ] && evs ready "$k" | grep -q "\"probe\":\"$probe\""; then
        ok "$k: one ready event, probe $probe"
    else
        not_ok "$k: ready events"; show "$FS_TMP/out"
    fi
done
check "log: ready after the line it matched" \
    after '"task":"logged".*listening on' '"ev":"ready","task":"logged"'
check "tcp: ready after the server listened" \
    after '"task":"tcp".*listening on' '"ev":"ready","task":"tcp"'
check "http: ready after the server listened" \
    after '"task":"http".*listening on' '"ev":"ready","task":"http"'
check "shell and cmd: ready after the file was made" \
    after '"task":"shell".*touched' '"ev":"ready","task":"shell"' &&
    after '"task":"cmd".*touched' '"ev":"ready","task":"cmd"'
check "the session ended by itself, status 0" test "$rc" -eq 0

# ---- forkscope check describes probes; a bad probe is a file error, status 2 ---------------------
"$F" check "$FS_TMP/ready.yaml" >"$FS_TMP/check.out" 2>&1
check "check: describes the tcp probe" \
    grep -qF "ready: tcp 127.0.0.1:$P_TCP, every 0.1s (timeout 1s), until it passes" "$FS_TMP/check.out"
printf 'tasks:\n  a:\n    shell: sleep 1\n    alive: {http: "https://h/"}\n' >"$FS_TMP/bad.yaml"
run_fs --headless --json -f "$FS_TMP/bad.yaml"
if [ "$rc" -eq 2 ] && grep -qF "bad.yaml:4:19: task 'a': 'http' probe: https is not supported" "$FS_TMP/err" &&
    ! grep -q '"ev":"start"' "$FS_TMP/out"; then
    ok "a bad probe: FILE:LINE:COL on standard error, status 2, nothing started"
else
    not_ok "bad probe: status $rc"; show "$FS_TMP/err"
fi

# ---- a readiness probe that never passes gives up, told once ------------------------------
cat >"$FS_TMP/never.yaml" <<EOF
tasks:
  never:
    shell: sleep 2
    ready: {tcp: $P_DEAD, interval: 50ms, retries: 5}
  slow:
    shell: echo \$\$ >$FS_TMP/slow.pid; exec sleep 1
    ready: {shell: "echo \$\$ >$FS_TMP/probe-slow.pid; exec sleep 30", timeout: 300ms, retries: 1}
EOF
run_fs --headless --json -f "$FS_TMP/never.yaml"
if evs not_ready never | grep -q '"failures":5' &&
    evs not_ready never | grep -q "connection refused"; then
    ok "never: a not_ready event after 5 failures, saying why"
else
    not_ok "never: not_ready"; show "$FS_TMP/out"
fi
check "never: one probe_failed event before it (the same error is not told again)" \
    test "$(nevs probe_failed never)" = 1
check "never: no ready event" test "$(nevs ready never)" = 0
if evs not_ready slow | grep -q 'no result within 0.3s'; then
    ok "slow: a probe process out of time fails the check"
else
    not_ok "slow: timeout"; show "$FS_TMP/out"
fi
pg=$(cat "$FS_TMP/probe-slow.pid" 2>/dev/null)
if [ -n "$pg" ] && wait_for 30 group_gone "$pg"; then
    ok "slow: the probe process was killed at its timeout"
else
    not_ok "slow: probe group '$pg' still alive"
fi

run_fs --headless -f "$FS_TMP/never.yaml"
if grep -q "^never \* not ready: readiness probe tcp gave up after 5 failures: 127.0.0.1:$P_DEAD: connection refused" "$FS_TMP/err"; then
    ok "text mode: the readiness probe's giving up on standard error"
else
    not_ok "text mode"; show "$FS_TMP/err"
fi

# ---- liveness: a task whose server starts failing is stopped and restarted --------------------
# The server listens before forkscope starts, beside it: however long a loaded
# machine takes to start a process, the first checks find it answering, and
# every failure is its HTTP 500.
"$F" child serve port=0 http fail_after=2 ttl=120 >"$FS_TMP/live-server" 2>&1 &
live_pid=$!
wait_for 30 grep -q listening "$FS_TMP/live-server"
P_LIVE=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$FS_TMP/live-server")
cat >"$FS_TMP/live.yaml" <<EOF
tasks:
  api:
    cmd: [sleep, "60"]
    restart: on-failure
    backoff: {base: 0.1, max: 1}
    stop_timeout: 10
    alive: {http: "http://127.0.0.1:$P_LIVE/", initial_delay: 1s, interval: 100ms, timeout: 10s, retries: 2}
EOF
run_fs --headless --json -f "$FS_TMP/live.yaml"
if [ "$(nevs unhealthy api)" = 2 ] && evs unhealthy api | grep -q '"error":"http://127.0.0.1:[0-9]*/: HTTP 500"'; then
    ok "live: an unhealthy event for each run, with the HTTP status"
else
    not_ok "live: unhealthy events"; show "$FS_TMP/out"
fi
if evs exit api | grep -q '"reason":"liveness probe http failed 2 times in a row'; then
    ok "live: the exit event's reason names the probe"
else
    not_ok "live: exit reason"; show "$FS_TMP/out"
fi
check "live: restarted once by its policy (2 starts, 1 restart)" \
    test "$(nevs start api)-$(nevs restart api)" = 2-1
check "live: the session ended with status 1 (a failure)" test "$rc" -eq 1
kill "$live_pid" 2>/dev/null
wait "$live_pid" 2>/dev/null

# ---- a probe process does not outlive a killed forkscope ---------------------------------------
cat >"$FS_TMP/kill.yaml" <<EOF
tasks:
  t:
    shell: exec sleep 60
    alive: {shell: "echo \$\$ >$FS_TMP/probe-kill.pid; exec sleep 60", timeout: 60s}
EOF
fs_bg --headless --json -f "$FS_TMP/kill.yaml"
if wait_for 30 test -s "$FS_TMP/probe-kill.pid"; then
    pg=$(cat "$FS_TMP/probe-kill.pid")
    kill -9 "$FPID"
    fs_wait 30
    if wait_for 30 group_gone "$pg"; then
        ok "kill: the watchdog killed the probe process when forkscope was killed"
    else
        not_ok "kill: probe group $pg survived forkscope"
        kill -9 -"$pg" 2>/dev/null
    fi
else
    not_ok "kill: the probe never ran"
    kill -9 "$FPID"
    fs_wait 30
fi

# ---- ... nor a forkscope that quits (SIGTERM) -------------------------------------------------
sed "s|probe-kill.pid|probe-quit.pid|" "$FS_TMP/kill.yaml" >"$FS_TMP/quit.yaml"
fs_bg --headless --json -f "$FS_TMP/quit.yaml"
if wait_for 30 test -s "$FS_TMP/probe-quit.pid"; then
    pg=$(cat "$FS_TMP/probe-quit.pid")
    kill -TERM "$FPID"
    fs_wait 30
    if [ "$rc" -ne 124 ] && wait_for 30 group_gone "$pg"; then
        ok "quit: forkscope ended, and the probe process with it"
    else
        not_ok "quit: status $rc, probe group $pg"
        kill -9 -"$pg" 2>/dev/null
    fi
else
    not_ok "quit: the probe never ran"
    kill -9 "$FPID"
    fs_wait 30
fi

# ---- process-compose: an exec readiness probe and a log line --------------------------------------
cat >"$FS_TMP/process-compose.yaml" <<EOF
processes:
  db:
    command: "sleep 0.3; echo up; sleep 0.2; touch $FS_TMP/flag-db; sleep 1"
    readiness_probe:
      exec: {command: "test -e $FS_TMP/flag-db"}
      period_seconds: 0.1
      failure_threshold: 100
  web:
    command: "echo 'server (v1) started'; sleep 1"
    ready_log_line: "(v1) started"
  api:
    command: "echo api up"
    depends_on:
      db: {condition: process_healthy}
EOF
run_fs --headless --json -f "$FS_TMP/process-compose.yaml"
if evs ready db | grep -q '"probe":"shell"' && after '"task":"db".*"up' '"ev":"ready","task":"db"'; then
    ok "compose: the exec probe made db ready after it was up"
else
    not_ok "compose: db"; show "$FS_TMP/out"; show "$FS_TMP/err"
fi
check "compose: ready_log_line matched as text" test "$(nevs ready web)" = 1
check "compose: api (process_healthy on db) waits, and starts after db's exec probe passed" \
    eval 'after "\"ev\":\"waiting\",\"task\":\"api\"" "\"ev\":\"ready\",\"task\":\"db\"" &&
          after "\"ev\":\"ready\",\"task\":\"db\"" "\"ev\":\"start\",\"task\":\"api\"" && [ "$rc" = 0 ]'

finish
