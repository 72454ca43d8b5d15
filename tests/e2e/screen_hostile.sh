#!/bin/bash
# Hostile output in a pane: escape sequences that crash libvterm 0.1.4 when it
# is fed them alone (an SGR of 18 parameters, an unknown DECRQSS, huge
# arguments, overlong strings). forkscope on screen in tmux runs a task that
# prints them; it must survive, answer the DECRQSS as xterm does (read back by
# the task from its terminal) and keep drawing. src/term/guard.c, doc/terminal.md.
. "$FS_SRCDIR/tests/lib.sh"
plan 7

screen_begin 7 hostile
screen() { T capture-pane -p -t fs; }
# Generous: it only matters when something is wrong.
SCREEN_WAIT=30

cat >"$FS_TMP/hostile.sh" <<'SH'
# The terminal's answer is read without waiting for a line (10 s at most).
stty -icanon -echo min 0 time 100
printf '\033[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1mbold\033[m\n'
echo sgr-survived
printf '\033P$qx\033\\'
printf 'decrqss-answer:%s\n' "$(dd bs=1 count=7 2>/dev/null | od -An -tx1 | tr -d ' \n')"
printf '\033[4:3:3:3:3:3:3:3:3:3:3:3:3:3:3:3:3:3:3:3m\033[m'
printf '\033[99999999999999999999C\033[2147483647@\033[4294967296;4294967296H\033[H'
printf '\033]2;%s\007' "$(head -c 100000 /dev/zero | tr '\0' t)"
printf '\033_%s\033\\' "$(head -c 5000 /dev/zero | tr '\0' a)"
echo class-survived
exec sleep 1000
SH
cat >"$FS_TMP/s.yaml" <<'YAML'
tasks:
  hostile:
    shell: sh hostile.sh
    stop_timeout: 1
YAML

screen_run_file s.yaml

check "an SGR of 18 parameters: the text after it is drawn" shown "sgr-survived"
# ESC P 0 $ r ESC \: what xterm answers to a request it does not know.
check "an unknown DECRQSS is answered as invalid" shown "decrqss-answer:1b503024721b5c"
check "sub-parameters, huge arguments, a 100 kB title, an APC: the text after them is drawn" \
    shown "class-survived"
if [ -n "$FPID" ] && kill -0 "$FPID" 2>/dev/null; then
    ok "forkscope is still running"
else
    not_ok "forkscope died"; screen | sed 's/^/# /' | tail -5
fi
# It keeps drawing: a key still changes the screen.
T send-keys -t fs '?'
check "it keeps drawing: the help overlay opens" shown "zoom the selected pane"
T send-keys -t fs Escape
check "the help overlay closes" gone "zoom the selected pane"
T send-keys -t fs q
check "quit: forkscope exits" shown "forkscope-exited-"
finish
