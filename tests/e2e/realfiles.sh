#!/bin/bash
# Files as real projects write them, run headless: an mprocs file (a byte order
# mark, CRLF, unknown keys as warnings, a name with a blank stopped through a
# quoted --control command, send-keys <C-c> as SIGINT, autorestart's rule) and
# a Procfile as foreman runs it (PORT, the .env beside it, --port-base,
# --env-file, --no-env-file).
. "$FS_SRCDIR/tests/lib.sh"
plan 16

# out_of TASK: the data of TASK's output events, one a line.
out_of() { evs output "$1" | jfield data; }

# ---- mprocs -------------------------------------------------------------------------
printf '\xef\xbb\xbfkeymap: {a: b}\r\nprocs:\r\n' >"$FS_TMP/mprocs.yaml"
cat >>"$FS_TMP/mprocs.yaml" <<EOF
  Int Proc:
    shell: "trap 'echo got INT; exit 0' INT; echo ready; while :; do sleep 0.1; done"
    stop: {send-keys: ["<C-c>"]}
    depends_on: [clean]
  Tailwind (v3):
    shell: "trap 'echo got TERM; exit 0' TERM; echo tw-ready; while :; do sleep 0.1; done"
  clean:
    shell: "exit 0"
    autorestart: true
  quick:
    shell: "exit 3"
    autorestart: true
  slow:
    shell: "if [ -e '$FS_TMP/ran' ]; then exit 0; fi; touch '$FS_TMP/ran'; sleep 1.5; exit 3"
    autorestart: true
EOF
fs_bg --headless --json --control -f "$FS_TMP/mprocs.yaml"
if wait_for 60 grep -q '"data":"ready"' "$FS_TMP/out" &&
    wait_for 60 grep -q '"data":"tw-ready"' "$FS_TMP/out"; then
    ctl 'stop "Int Proc"' 'stop tailwind-v3'
    ok "mprocs: a file with a BOM and CRLF starts; the proc with a blank in its name runs"
else
    not_ok "mprocs: no 'ready' from 'Int Proc'"; show "$FS_TMP/err"
fi
wait_evs 60 1 exit "Int Proc"
wait_evs 60 2 exit slow
ctl_close
fs_wait 60
check "mprocs: 'stop \"Int Proc\"' with send-keys <C-c> gives the proc SIGINT" \
    test "$(out_of "Int Proc" | tail -n 1)" = '"got INT"'
check "mprocs: 'stop tailwind-v3' (the short name) stops 'Tailwind (v3)'" \
    test "$(out_of "Tailwind (v3)" | tail -n 1)" = '"got TERM"'
check "mprocs: autorestart, clean exit: one run" test "$(nevs start clean)" -eq 1
check "mprocs: autorestart, crash under 1 s: one run, no restart event" \
    test "$(nevs start quick)$(nevs restart quick)" = 10
check "mprocs: autorestart, crash after 1.5 s: restarted once" \
    test "$(nevs restart slow)$(nevs start slow)" = 12
check "mprocs: its second run ended clean" test "$(evs exit slow | tail -n 1 | jfield code)" = 0
if grep -q "mprocs.yaml:1:1: warning: unknown key 'keymap' at the top level is ignored" \
    "$FS_TMP/err" && grep -q "mprocs.yaml:6:5: warning: unknown key 'depends_on' in proc 'Int Proc'" \
    "$FS_TMP/err"; then
    ok "mprocs: unknown keys are warnings with their lines on standard error"
else
    not_ok "mprocs: warnings"; show "$FS_TMP/err"
fi
if [ "$(head -n 2 "$FS_TMP/out" | grep -c '"ev":"warning","msg":"[^"]*mprocs.yaml:[0-9]*:[0-9]*: warning: unknown key')" -eq 2 ] &&
    [ "$(nevs warning)" -eq 2 ]; then
    ok "mprocs: with --json the two warnings are the first events"
else
    not_ok "mprocs: warning events"; show "$FS_TMP/out"
fi

# ---- Procfile -------------------------------------------------------------------------
mkdir -p "$FS_TMP/app"
printf 'web: echo "port=$PORT a=$A b=$B"\nworker: echo "port=$PORT"\n  indented: echo no\n' \
    >"$FS_TMP/app/Procfile"
printf '# settings\nA=from-env\nexport B="two words"\n' >"$FS_TMP/app/.env"
printf 'A=other\n' >"$FS_TMP/other.env"

A=outer run_fs --headless --json --procfile "$FS_TMP/app/Procfile"
check "Procfile: PORT 5000 for the first entry, .env values over forkscope's environment" \
    test "$(out_of web)" = '"port=5000 a=from-env b=two words"'
check "Procfile: PORT 5100 for the second entry" test "$(out_of worker)" = '"port=5100"'
if [ "$rc" -eq 0 ] && [ "$(nevs start)" -eq 2 ] &&
    grep -q "Procfile:3: warning: an indented line is ignored" "$FS_TMP/err"; then
    ok "Procfile: the indented line is a warning, not a task; status 0"
else
    not_ok "Procfile: status $rc"; show "$FS_TMP/err"
fi

A=outer run_fs --headless --json --port-base 7000 --env-file "$FS_TMP/other.env" \
    --procfile "$FS_TMP/app/Procfile"
check "Procfile: --port-base and --env-file" \
    test "$(out_of web)$(out_of worker)" = '"port=7000 a=other b="''"port=7100"'

A=outer run_fs --headless --json --no-env-file --procfile "$FS_TMP/app/Procfile"
check "Procfile: --no-env-file leaves forkscope's environment" \
    test "$(out_of web)" = '"port=5000 a=outer b="'

run_fs --headless --json --env-file "$FS_TMP/none.env" --procfile "$FS_TMP/app/Procfile"
if [ "$rc" -eq 2 ] && grep -qF "forkscope: $FS_TMP/none.env: No such file or directory" \
    "$FS_TMP/err" && [ ! -s "$FS_TMP/out" ]; then
    ok "Procfile: a missing --env-file is an error (status 2), nothing starts"
else
    not_ok "Procfile: missing --env-file: status $rc"; show "$FS_TMP/err"
fi

run_fs --headless --json --port-base 0 --procfile "$FS_TMP/app/Procfile"
if [ "$rc" -eq 2 ] && grep -q -- "--port-base: '0' is not a port" "$FS_TMP/err"; then
    ok "Procfile: --port-base 0 is a usage error (status 2)"
else
    not_ok "Procfile: --port-base 0: status $rc"; show "$FS_TMP/err"
fi

finish
