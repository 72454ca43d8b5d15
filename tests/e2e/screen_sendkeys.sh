#!/bin/bash
# mprocs' `stop: {send-keys: [...]}` on the screen, where a proc runs on a pty:
# x types the keys into its terminal. <C-c> is byte 0x03, whose line discipline
# sends SIGINT to the proc (not forkscope's SIGTERM), as Ctrl-C in mprocs does;
# a proc that turned signals off on its terminal reads the bytes themselves.
. "$FS_SRCDIR/tests/lib.sh"
plan 6
screen_begin 6 sendkeys

cat >"$FS_TMP/mprocs.yaml" <<YAML
layout: {a: b}
procs:
  Int Proc:
    shell: "trap 'echo int >$FS_TMP/got; exit 0' INT; trap 'echo term >$FS_TMP/got; exit 0' TERM; echo int-ready; while :; do sleep 0.1; done"
    stop: {send-keys: ["<C-c>"]}
  raw:
    shell: "stty -isig -icanon -icrnl -echo; echo raw-ready; head -c 3 | od -An -tx1 >$FS_TMP/raw; exit 0"
    stop: {send-keys: ["<C-c>q<CR>"]}
YAML
screen_run_file mprocs.yaml
check "both procs run on the screen, the one named with a blank too" \
    eval 'shown int-ready && shown raw-ready'
check "the status line says the file's warning" shown "1 warning (on standard error"
T send-keys -t fs x
check "x stops the first: its trap ran" wait_for 30 test -s "$FS_TMP/got"
check "what stopped it was SIGINT from its terminal" test "$(cat "$FS_TMP/got" 2>/dev/null)" = int
T send-keys -t fs j
check "j selects the second proc" shown "> raw"
T send-keys -t fs x
if wait_for 30 test -s "$FS_TMP/raw" && [ "$(tr -d ' \n' <"$FS_TMP/raw")" = 03710d ]; then
    ok "x types the second's keys into its terminal: 03 71 0d"
else
    not_ok "the second proc read '$(cat "$FS_TMP/raw" 2>/dev/null)'"
fi
finish
