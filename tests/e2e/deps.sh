#!/bin/bash
# Dependencies between tasks (depends_on), headless with real processes: start
# order against start and exit events for started, ready (no probe), exited and
# succeeded; a failed dependency holding its dependent back with the reason; a
# dependency in backoff that succeeds on its next run; a cycle and an unknown
# name as file errors (exit 2, nothing started); the reverse stop order on
# quit; a session whose waiting task can never start still ends; starting a
# waiting task by hand.
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
plan 32

# session NAME YAML: writes $FS_TMP/NAME.yaml.
session() { printf '%s\n' "$2" >"$FS_TMP/$1.yaml"; }

# at EV TASK: the line number of the first EV event of TASK in the output (0: none).
at() {
    local n
    n=$(grep -n "\"ev\":\"$1\"" "$FS_TMP/out" | grep "\"task\":\"$2\"" | head -n 1 | cut -d: -f1)
    echo "${n:-0}"
}

# before EV1 TASK1 EV2 TASK2: both events happened, the first one earlier.
before() {
    local a b
    a=$(at "$1" "$2")
    b=$(at "$3" "$4")
    [ "$a" -gt 0 ] && [ "$b" -gt 0 ] && [ "$a" -lt "$b" ]
}

# blocked_ok DESCRIPTION TASK FIELDS: one check that TASK has a blocked event
# holding the JSON text FIELDS and never started.
blocked_ok() {
    if evs blocked "$2" | grep -qF -- "$3" && [ "$(nevs start "$2")" -eq 0 ]; then
        ok "$1"
    else
        not_ok "$1"; show "$FS_TMP/out"
    fi
}

# ---- the four conditions -----------------------------------------------------------------
session order 'tasks:
  db:
    shell: echo db up; sleep 0.3; echo db done
  cache:
    shell: echo cache up; sleep 0.3
  job:
    shell: exit 4
  mig:
    shell: echo migrated
    depends_on: {db: started}
  api:
    shell: echo api
    depends_on:
      mig: succeeded
      cache: ready
  report:
    shell: echo report
    depends_on: {job: exited, db: exited}
  listed:
    shell: echo listed
    depends_on: [db, cache]'
run_fs --headless --json -f "$FS_TMP/order.yaml"
check "conditions: the session ends, status 1 (job exited with 4)" test "$rc" -eq 1
if evs waiting api | grep -q '"for":\[{"task":"mig","condition":"succeeded"},{"task":"cache","condition":"ready"}\]'; then
    ok "conditions: a waiting event lists what api waits for"
else
    not_ok "conditions: api's waiting event"; show "$FS_TMP/out"
fi
check "conditions: one waiting event each" test "$(nevs waiting)" -eq 4
check "started: mig starts after db started" before start db start mig
check "succeeded: api starts after mig exited" before exit mig start api
check "ready (no probe): api starts after cache started" before start cache start api
check "exited: report starts after job's exit (code 4)" before exit job start report
check "exited: report starts after db's exit" before exit db start report
if before start db start listed && before start cache start listed; then
    ok "a list of names: listed starts after db and cache started"
else
    not_ok "a list of names: listed's start"; show "$FS_TMP/out"
fi
check "conditions: every task started once" test "$(nevs start)" -eq 7
check "conditions: nothing was blocked" test "$(nevs blocked)" -eq 0

# ---- a failed dependency -------------------------------------------------------------------
session failed 'tasks:
  mig:
    shell: echo failing; exit 1
  web:
    shell: echo never
    depends_on: {mig: succeeded}
  front:
    shell: echo never either
    depends_on: {web: started}'
run_fs --headless --json -f "$FS_TMP/failed.yaml"
check "failed: the session ends (status 1)" test "$rc" -eq 1
blocked_ok "failed: web is blocked, naming mig, the condition and why" web '"dep":"mig","condition":"succeeded","reason":"mig exited with 1"'
blocked_ok "failed: what depends on a blocked task is blocked too" front '"dep":"web","condition":"started","reason":"web is blocked"'
check "failed: neither web nor front started" test "$(nevs start web)$(nevs start front)" = 00
run_fs --headless -f "$FS_TMP/failed.yaml"
check "failed (text): web * blocked: mig (succeeded) can no longer hold: mig exited with 1" \
    grep -q '^web *\* blocked: mig (succeeded) can no longer hold: mig exited with 1$' "$FS_TMP/err"

# ---- a dependency that fails, then succeeds on its restart -----------------------------------
session flaky "tasks:
  flaky:
    shell: test -e $FS_TMP/flaky.mark || { touch $FS_TMP/flaky.mark; exit 1; }
    restart: on-failure
    backoff: {base: 0.1}
  web:
    shell: echo after the retry
    depends_on: {flaky: succeeded}"
run_fs --headless --json -f "$FS_TMP/flaky.yaml"
check "backoff: flaky ran twice" test "$(nevs start flaky)" -eq 2
check "backoff: a failure that will be retried does not block web" test "$(nevs blocked)" -eq 0
if [ "$(nevs start web)" -eq 1 ] && [ "$(grep -n '"ev":"start"' "$FS_TMP/out" | tail -n 1 | grep -c '"task":"web"')" -eq 1 ]; then
    ok "backoff: web starts after flaky's second run"
else
    not_ok "backoff: web's start"; show "$FS_TMP/out"
fi

# ---- file errors ---------------------------------------------------------------------------------
session cycle 'tasks:
  a:
    shell: echo a
    depends_on: {b: started}
  b:
    shell: echo b
    depends_on: {c: ready}
  c:
    shell: echo c
    depends_on: {a: exited}'
run_fs --headless --json -f "$FS_TMP/cycle.yaml"
check "cycle: exit status 2, nothing started" test "$rc-$(nevs start)" = "2-0"
check "cycle: FILE:LINE:COL and the cycle" \
    grep -qF "$FS_TMP/cycle.yaml:10:18: task 'c': dependency cycle: a -> b -> c -> a" "$FS_TMP/err"
session unknown 'tasks:
  a:
    shell: echo a
    depends_on:
      dbb: ready'
run_fs --headless --json -f "$FS_TMP/unknown.yaml"
if [ "$rc" -eq 2 ] && [ "$(nevs start)" -eq 0 ] &&
    grep -qF "$FS_TMP/unknown.yaml:5:7: task 'a': depends on 'dbb', which is not a task" "$FS_TMP/err"; then
    ok "unknown name: exit status 2 naming FILE:LINE:COL, nothing started"
else
    not_ok "unknown name (status $rc)"; show "$FS_TMP/err"
fi

# ---- the stop order on quit ------------------------------------------------------------------------
# web takes a while to stop: had db been stopped at the same time, it would end first.
session stop 'tasks:
  db:
    shell: echo db; while :; do sleep 0.1; done
  api:
    shell: echo api; while :; do sleep 0.1; done
    depends_on: {db: started}
  web:
    shell: trap "sleep 0.5; exit 0" TERM; echo web; while :; do sleep 0.1; done
    depends_on: {api: started}'
fs_bg --headless --json --control -f "$FS_TMP/stop.yaml"
if wait_for 30 grep -q '"data":"web"' "$FS_TMP/out"; then
    ctl quit
    fs_wait 60
    check "stop order: web ends before api" before exit web exit api
    check "stop order: api ends before db" before exit api exit db
else
    not_ok "stop order: web did not start"; not_ok "stop order: skipped"; show "$FS_TMP/out"
    fs_wait 5
fi

# ---- a waiting task that can never start -----------------------------------------------------------
session never 'tasks:
  db:
    shell: echo db
    autostart: false
  web:
    shell: echo web
    depends_on: {db: started}'
run_fs --headless --json -f "$FS_TMP/never.yaml"
check "never: the session ends by itself" test "$rc" -ne 124
blocked_ok "never: web is blocked: db was never started" web '"reason":"db was never started"'

# ---- starting a waiting task by hand -----------------------------------------------------------------
fs_bg --headless --json --control -f "$FS_TMP/never.yaml"
if wait_for 30 grep -q '"ev":"waiting"' "$FS_TMP/out"; then
    ctl "start web"
    wait_for 30 grep -q '"data":"web"' "$FS_TMP/out"
fi
fs_wait 60
check "by hand: 'start web' starts it now, db still not started" \
    test "$(nevs start web)-$(nevs start db)" = "1-0"
check "by hand: then the session ends (status 0)" test "$rc" -eq 0

# ---- a dependency that cannot start, one stopped by the user ----------------------------------------
session nostart 'tasks:
  db:
    cmd: [/nonexistent/db]
  web:
    shell: echo never
    depends_on: {db: started}'
run_fs --headless --json -f "$FS_TMP/nostart.yaml"
blocked_ok "could not start: web is blocked: db could not start" web '"dep":"db","condition":"started","reason":"db could not start"'
session stopped 'tasks:
  db:
    shell: echo db; exec sleep 1000
  web:
    shell: echo never
    depends_on: {db: succeeded}'
fs_bg --headless --json --control -f "$FS_TMP/stopped.yaml"
if wait_for 30 grep -q '"data":"db"' "$FS_TMP/out"; then
    ctl "stop db"
    wait_for 30 grep -q '"ev":"blocked"' "$FS_TMP/out"
fi
fs_wait 60
blocked_ok "stopped: web is blocked: db was stopped" web '"dep":"db","condition":"succeeded","reason":"db was stopped"'

# ---- process-compose's conditions ------------------------------------------------------------------
cat >"$FS_TMP/process-compose.yaml" <<'EOF'
processes:
  mig:
    command: echo migrated
  db:
    command: echo db
  web:
    command: echo web
    depends_on:
      mig: {condition: process_completed_successfully}
      db: {condition: process_healthy}
EOF
run_fs --headless --json -f "$FS_TMP/process-compose.yaml"
check "process-compose: no warning for depends_on" test "$(nevs warning)" -eq 0
if before exit mig start web && before start db start web && [ "$rc" -eq 0 ]; then
    ok "process-compose: web starts after mig succeeded and db is healthy (no probe: started)"
else
    not_ok "process-compose: web's start (status $rc)"; show "$FS_TMP/out"; show "$FS_TMP/err"
fi

finish
