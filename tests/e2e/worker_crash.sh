#!/bin/bash
# A worker plugin that segfaults on its thread, inside forkscope, on the screen:
# the crash takes forkscope down (a thread cannot die alone), but the fatal-signal
# handler still runs on the crashing thread, so the terminal is given back
# (modes, alternate screen), forkscope says what killed it, and its tasks die
# with it.
. "$FS_SRCDIR/tests/lib.sh"
plan 6
CRASH="$FS_HELPERS/../libcrash.so"

screen_begin 6 crash
SCREEN_WAIT=30

# The pane runs forkscope, then shows how it ended and the terminal's modes as
# forkscope left them (sh: no interactive shell resets them in between). sh
# reports the status of a process killed by signal N as 128+N.
cat >"$FS_TMP/run.sh" <<EOF
cd "$FS_TMP" || exit 1
"$FORKSCOPE" --names boom,bystander "worker:$CRASH $FS_TMP/go" \
    'echo \$\$ >bystander.pid; exec sleep 1000'
echo forkscope-exited-\$?
stty -a | tr -s ' ;' '\n\n' | grep -E '^-?(icanon|echo)$' | sed 's/^/mode:/'
exec sleep 1000
EOF
T new-session -d -s fs -x 140 -y 40 "sh '$FS_TMP/run.sh'"

if shown "bystander" && wait_for 30 test -s "$FS_TMP/bystander.pid"; then
    ok "the screen is up with both tasks"
else
    not_ok "the screen did not come up"; T capture-pane -p -t fs | sed 's/^/#   /'
fi
BYSTANDER=$(cat "$FS_TMP/bystander.pid" 2>/dev/null)

touch "$FS_TMP/go"
if shown "forkscope-exited-139"; then
    ok "forkscope died of SIGSEGV (status 139)"
else
    not_ok "forkscope did not end by SIGSEGV"; T capture-pane -p -t fs | sed 's/^/#   /'
fi
if screen_grep -F "forkscope: killed by SIGSEGV"; then ok "it said what killed it"; else not_ok "no message"; T capture-pane -p -t fs | sed "s/^/#   /"; fi
if shown_re '^mode:-?icanon$' && screen_grep -qx 'mode:icanon' && screen_grep -qx 'mode:echo'; then
    ok "the terminal's modes are restored (icanon, echo)"
else
    not_ok "the terminal is left raw"; T capture-pane -p -t fs | grep mode: | tr '\n' ' ' | sed 's/^/#   /'
    echo
fi
check "the alternate screen is left" test "$(T display-message -p -t fs '#{alternate_on}')" = 0
if [ -n "$BYSTANDER" ] && wait_for 30 sh -c "! kill -0 $BYSTANDER 2>/dev/null"; then
    ok "the other task died with forkscope"
else
    not_ok "the other task (pid '$BYSTANDER') outlived forkscope"
    [ -n "$BYSTANDER" ] && kill -9 "$BYSTANDER" 2>/dev/null
fi

finish
