#!/bin/bash
# Every key of the help overlay does what it says, checked on the screen in a
# detached tmux; plus NO_COLOR and a broken theme file.
. "$FS_SRCDIR/tests/lib.sh"
N=30
plan $N
if ! command -v tmux >/dev/null; then
    skip_missing $N tmux
    finish
fi
SOCK0="fs-keys-$$"
SOCK=$SOCK0
trap 'for s in "$SOCK0" "$SOCK0-nc" "$SOCK0-th"; do tmux -L "$s" kill-server 2>/dev/null; done; _fs_cleanup' EXIT
row() { T capture-pane -p -t fs | grep -E "^$1 "; }
row_has() { wait_for 30 sh -c "tmux -L '$SOCK' capture-pane -p -t fs | grep -E '^$1 ' | grep -qF -- \"\$2\"" _ "$2"; }

cat >"$FS_TMP/k.yaml" <<'YAML'
tasks:
  one:
    shell: trap 'echo got-usr1' USR1; trap 'echo got-term; exit 0' TERM; seq 1 300; while :; do sleep 0.1; done
    stop_timeout: 1
  two:
    cmd: [cat]
  three:
    shell: sleep 1000
    autostart: false
YAML
T new-session -d -s fs -x 160 -y 48 "cd '$FS_TMP' && '$FORKSCOPE' -f k.yaml; echo forkscope-exited; sleep 1000"
check "the session is up" shown "300"

# Selection: j/k move the > marker between panes.
T send-keys -t fs j
check "j selects the next task" shown "> two"
T send-keys -t fs k
check "k selects the previous task" shown "> one"

# Scrollback: PgUp scrolls back, End follows again; g goes to the oldest line.
T send-keys -t fs PPage
check "PgUp scrolls the pane back" shown "scrolled"
T send-keys -t fs End
check "End follows the output again" gone "scrolled"
T send-keys -t fs g
check "g shows the oldest lines" shown "scrolled"
T send-keys -t fs G

# Search: / finds a line in the scrollback and scrolls to it; a miss says so.
T send-keys -t fs / 1 3 7 Enter
check "/ searches the scrollback and scrolls to the match" shown "scrolled"
T send-keys -t fs / n o - s u c h - t e x t Enter
check "a search that finds nothing says so" shown "not found"
T send-keys -t fs G

# Signals: S opens the list; choosing SIGUSR1 sends it.
T send-keys -t fs S
check "S lists signals" shown "send signal"
T send-keys -t fs Down Down Down Down Enter
check "the chosen signal is sent (the task traps SIGUSR1)" shown "got-usr1"

# Pause and resume.
T send-keys -t fs p
check "p pauses the task" row_has one paused
T send-keys -t fs p
check "p again resumes it" row_has one running

# Stop: the task's TERM trap runs, it exits 0.
T send-keys -t fs x
check "x stops the task (its TERM trap ran)" shown "got-term"
check "the stopped task shows exited 0" row_has one "exited 0"
T send-keys -t fs s
check "s starts it again" row_has one running
T send-keys -t fs r
check "r restarts it (one restart counted)" wait_for 30 sh -c "tmux -L '$SOCK' capture-pane -p -t fs | grep -E '^one ' | grep -qE 'running.* 1 '"
T send-keys -t fs K
check "K kills it with SIGKILL" row_has one "killed by SIGKILL"

# Input mode: typed keys reach cat on task two, which echoes them back.
T send-keys -t fs j i
check "i enters input mode" shown "INPUT"
T send-keys -t fs h e l l o - c a t Enter
check "typed keys reach the task's terminal" wait_for 30 sh -c "test \$(tmux -L '$SOCK' capture-pane -p -t fs | grep -c hello-cat) -ge 2"
T send-keys -t fs C-]
check "Ctrl-] leaves input mode" gone "INPUT"

# Add a task, then remove a stopped one.
T send-keys -t fs a
T send-keys -t fs -l 'echo added-task-output'
T send-keys -t fs Enter
check "a adds a task that starts at once" shown "added-task-output"
# Task three never started; D removes it, and refuses to remove a running one.
T send-keys -t fs k
check "the idle task is selected" shown "> three"
T send-keys -t fs D
check "D removes a task that is not running" wait_for 30 sh -c "! tmux -L '$SOCK' capture-pane -p -t fs | grep -qE '^three '"
T send-keys -t fs k D
check "D refuses a running task" shown "stop it before removing it"

# Threads, interval, layout.
T send-keys -t fs T
check "T lists the selected task's threads" shown "thread"
T send-keys -t fs +
check "+ samples less often" shown "sampling every 2s"
T send-keys -t fs l
check "l cycles the layout" shown "layout: columns"

T send-keys -t fs q
check "q quits" shown "forkscope-exited"
T kill-server 2>/dev/null
# Each part has a server of its own: a new session on a server still shutting
# down can fail.
SOCK="$SOCK0-nc"

# NO_COLOR: no colour sequences at all on the screen.
T new-session -d -s fs -x 100 -y 30 "cd '$FS_TMP' && NO_COLOR=1 '$FORKSCOPE' 'echo plain'; sleep 1000"
shown "plain" >/dev/null
if T capture-pane -p -e -t fs | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)'; then
    not_ok "NO_COLOR: colour sequences on the screen"
else
    ok "NO_COLOR: a monochrome screen"
fi
T send-keys -t fs q
T kill-server 2>/dev/null
SOCK="$SOCK0-th"

# A broken theme file names its line and the screen falls back to the default.
printf 'name = broken\nnormal = default\ntable.header = purple-ish\n' >"$FS_TMP/bad.theme"
T new-session -d -s fs -x 160 -y 30 "cd '$FS_TMP' && '$FORKSCOPE' --theme '$FS_TMP/bad.theme' 'echo themed'; sleep 1000"
check "a broken theme names its file and line" shown "bad.theme:3"
T send-keys -t fs q
finish
