#!/bin/bash
# `forkscope check FILE...`: reads session files, mprocs files, process-compose
# files and Procfiles without running anything, prints each task (kind, argv,
# cwd, environment, policies) and every warning, and exits 0 (clean), 1
# (warnings) or 2 (errors). Every file holds a task that would touch a marker,
# so "nothing ran" is checked. One process-compose file is also run headless.
. "$FS_SRCDIR/tests/lib.sh"
plan 15

M=$FS_TMP/ran

# has TEXT: the report on standard output holds the line TEXT.
has() { grep -qxF -- "$1" "$FS_TMP/out"; }

cat >"$FS_TMP/clean.yaml" <<EOF
tasks:
  web:
    cmd: [touch, "$M"]
    cwd: sub
    env: {A: "1", B: null}
    restart: on-failure
    stop_signal: INT
EOF
run_fs check "$FS_TMP/clean.yaml"
check "clean file: status 0" test "$rc" -eq 0
if has "$FS_TMP/clean.yaml: 1 task, 0 warnings" && has "  web" && has "    kind: cmd" &&
    has "    argv: touch $M" && has "    cwd: $FS_TMP/sub" && has "    env: A=1" &&
    has "    unset: B" && has "    restart: on-failure, backoff 1s x2 up to 30s" &&
    has "    stop: SIGINT, SIGKILL after 5s" && has "    autostart: yes"; then
    ok "clean file: the task's kind, argv, cwd, environment and policies"
else
    not_ok "clean file: report"; show "$FS_TMP/out"
fi

cat >"$FS_TMP/mprocs.yaml" <<EOF
layout: {x: 1}
procs:
  Rust Server:
    shell: touch "$M"
    stop: {send-keys: ["<C-c>"]}
    autorestart: true
    depends_on: [db]
EOF
run_fs check "$FS_TMP/mprocs.yaml"
check "mprocs file with warnings: status 1" test "$rc" -eq 1
if has "$FS_TMP/mprocs.yaml: 1 task, 2 warnings" && has "  Rust Server" &&
    has "    argv: /bin/sh -c 'touch \"$M\"'" &&
    has "    restart: on-failure (only after runs of 1s or more), backoff 1s x2 up to 30s" &&
    has '    stop: types "\x03" on a terminal, else SIGINT, SIGKILL after 5s' &&
    has "$FS_TMP/mprocs.yaml:1:1: warning: unknown key 'layout' at the top level is ignored (mprocs ignores it too)" &&
    has "$FS_TMP/mprocs.yaml:7:5: warning: unknown key 'depends_on' in proc 'Rust Server' is ignored (mprocs ignores it too)"; then
    ok "mprocs file: the proc, its mprocs policies and both warnings"
else
    not_ok "mprocs file: report"; show "$FS_TMP/out"
fi

mkdir -p "$FS_TMP/app"
printf 'web: touch "%s"\nweb: touch "%s"\n' "$M" "$M" >"$FS_TMP/app/Procfile"
printf 'A=from-env\n' >"$FS_TMP/app/.env"
run_fs --port-base 6000 check "$FS_TMP/app/Procfile"
check "Procfile with a repeated name: status 1" test "$rc" -eq 1
if has "    env: A=from-env PORT=6000" && has "  web-2" && has "    env: A=from-env PORT=6100" &&
    has "    cwd: $FS_TMP/app"; then
    ok "Procfile: PORT from --port-base, the .env's variables, the second entry as web-2"
else
    not_ok "Procfile: report"; show "$FS_TMP/out"
fi

printf 'tasks:\n  a: {shell: x, colour: red}\n' >"$FS_TMP/typo.yaml"
run_fs check "$FS_TMP/clean.yaml" "$FS_TMP/typo.yaml"
check "a file with an error: status 2 (the worst of the files)" test "$rc" -eq 2
if grep -qF "forkscope: $FS_TMP/typo.yaml:2:17: unknown key 'colour' in task 'a'" "$FS_TMP/err" &&
    has "$FS_TMP/clean.yaml: 1 task, 0 warnings"; then
    ok "a file with an error: the error on standard error, the good file still reported"
else
    not_ok "a file with an error"; show "$FS_TMP/err"
fi

cat >"$FS_TMP/process-compose.yaml" <<EOF
version: "0.5"
log_level: debug
environment: ["GREETING=hi"]
processes:
  web:
    command: touch "$M"
    working_dir: sub
    availability: {restart: on_failure, max_restarts: 3}
    shutdown: {signal: 2, timeout_seconds: 4, command: ./drain}
    depends_on: {db: {condition: process_healthy}}
    readiness_probe: {exec: {command: "true"}}
    is_daemon: false
  db:
    command: touch "$M"
    disabled: true
    colour: red
EOF
P=$FS_TMP/process-compose.yaml
run_fs check "$P"
check "process-compose file: status 1 (warnings)" test "$rc" -eq 1
W="warning: task 'web': "
if has "$P: 2 tasks, 3 warnings" && has "  web" && has "    argv: /bin/sh -c 'touch \"$M\"'" &&
    has "    cwd: sub" && has "    env: GREETING=hi" &&
    has "    restart: on-failure, backoff 1s x1 up to 1s, at most 3 restarts in a row" &&
    has "    stop: SIGINT, SIGKILL after 4s" && has "  db" && has "    autostart: no" &&
    has "$P:2:1: warning: 'log_level' is not honoured: forkscope has no log levels" &&
    has "$P:9:47: $W'shutdown.command' is not honoured: forkscope has no stop command; it stops the process with its signal" &&
    has "    depends on: db (ready)" &&
    has "    ready: shell true, every 10s (timeout 1s), gives up after 3 failures in a row" &&
    has "$P:16:5: warning: unknown key 'colour' in process 'db' is ignored" &&
    [ "$(grep -c ': warning: ' "$FS_TMP/out")" -eq 3 ]; then
    ok "process-compose file: its tasks, dependencies and probe, one warning for each key not honoured or unknown"
else
    not_ok "process-compose file: report"; show "$FS_TMP/out"; show "$FS_TMP/err"
fi

cat >"$FS_TMP/greet.yaml" <<'EOF'
environment: ["GREETING=hello from the file"]
processes:
  hi:
    command: echo "greeting=$GREETING own=$OWN"
    environment: ["OWN=1"]
  off:
    command: echo should not run
    disabled: true
EOF
run_fs --headless --json -f "$FS_TMP/greet.yaml"
if [ "$rc" -eq 0 ] && [ "$(nevs start)" -eq 1 ] &&
    [ "$(evs output hi | jfield data)" = '"greeting=hello from the file own=1"' ]; then
    ok "process-compose run headless: the file's environment reaches the process; disabled waits"
else
    not_ok "process-compose run: status $rc"; show "$FS_TMP/out"; show "$FS_TMP/err"
fi

run_fs check
check "check without files: usage error (status 2)" test "$rc" -eq 2

printf 'tasks:\n  w: {worker: no-such-module}\n' >"$FS_TMP/worker.yaml"
run_fs check "$FS_TMP/worker.yaml"
if [ "$rc" -eq 2 ] && grep -qF "worker.yaml:2:3: task 'w': unknown worker module 'no-such-module'" \
    "$FS_TMP/err"; then
    ok "unknown worker module: status 2, as a run would refuse it"
else
    not_ok "unknown worker module: status $rc"; show "$FS_TMP/err"
fi

printf '\xff\xfet\0a\0' >"$FS_TMP/utf16.yaml"
run_fs check "$FS_TMP/utf16.yaml"
if [ "$rc" -eq 2 ] && grep -qF "utf16.yaml:1:1: the file is UTF-16" "$FS_TMP/err"; then
    ok "UTF-16 file: status 2, says so"
else
    not_ok "UTF-16 file: status $rc"; show "$FS_TMP/err"
fi

check "nothing ran" test ! -e "$M"

finish
