#!/bin/bash
# The screen, driven like a person would: forkscope runs in a detached tmux of
# fixed size; keys go in with send-keys and the screen is read back with
# capture-pane.
. "$FS_SRCDIR/tests/lib.sh"
plan 23

screen_begin 23 e2e
screen() { T capture-pane -p -t fs; }

cat >"$FS_TMP/s.yaml" <<'YAML'
tasks:
  alpha:
    shell: echo alpha-says-hello; sleep 1000
    stop_timeout: 1
  beta:
    shell: echo beta-was-here; exit 3
  gamma:
    shell: for i in $(seq 100); do printf '\rprogress %d%%' $i; sleep 0.01; done; echo; sleep 1000
    stop_timeout: 1
YAML

screen_run_file s.yaml

check "three tasks in three panes: alpha's output" shown "alpha-says-hello"
check "beta's output" shown "beta-was-here"
check "beta's exit status on its border and in the table" shown "exited 3"
# The progress bar: \r rewrites one line, which ends reading 100%.
check "a \\r progress bar ends as one line reading 100%" shown "progress 100%"
if screen | grep -q "progress 99%"; then not_ok "progress bar left earlier states"; else ok "progress bar left no earlier states"; fi

# Stop alpha (selected first): it ends by SIGTERM, shown on its border.
T send-keys -t fs x
check "stop: alpha killed by SIGTERM shown" shown "killed by SIGTERM"
# Restart it: running again, its output again.
T send-keys -t fs r
# The pane keeps the old run's output and shows the new run's below it.
if wait_for 30 sh -c "test \$(tmux -L '$SOCK' capture-pane -p -t fs | grep -c alpha-says-hello) -ge 2"; then
    ok "restart: alpha's output of the new run appears under the old"
else
    not_ok "restart: no second run output"
fi
if wait_for 30 sh -c "tmux -L '$SOCK' capture-pane -p -t fs | grep -E '^alpha' | grep -q running"; then
    ok "restart: the table shows alpha running"
else
    not_ok "restart: alpha not running"; screen | sed 's/^/# /' | head -8
fi

# Zoom and back.
T send-keys -t fs j z
if wait_for 30 sh -c "! tmux -L '$SOCK' capture-pane -p -t fs | grep -q '^NAME'"; then
    ok "zoom: the table is hidden, one pane fills the screen"
else
    not_ok "zoom: the table is still shown"
fi
check "zoom: the zoomed pane is beta's" shown "beta-was-here"
T send-keys -t fs z
check "zoom back: the table returns" shown "NAME"

# Help overlay lists the keys.
# The panes, from the first border to above the status line (the table's
# figures change by themselves; the panes' text does not).
panes() { screen | sed -n '/┌/,$p' | sed '$d'; }
panes >"$FS_TMP/panes-before"
T send-keys -t fs '?'
check "help overlay: lists zoom" shown "zoom the selected pane"
check "help overlay: lists the signal list key" shown "send a signal"
T send-keys -t fs Escape
check "help overlay closes" gone "this help"
# A frame leaves the panes that did not change as they are: not those that
# the overlay covered.
same_panes() { panes | cmp -s - "$FS_TMP/panes-before"; }
if wait_for 30 same_panes; then
    ok "help overlay closed: the panes under it are drawn again"
else
    not_ok "help overlay closed: the panes differ from before it opened"
    diff "$FS_TMP/panes-before" <(panes) | sed 's/^/# /' | head -20
fi

# Theme switch.
T send-keys -t fs t
check "theme: the status line names the new theme" shown "theme: dark"

# Resize down to 20x6 and back: no crash, the screen comes back.
# Each size is waited for until forkscope has drawn it: at 20 columns the header
# is cut after "machine"; at full width it goes on to the sampling interval.
T resize-window -t fs -x 20 -y 6
check "resize to 20x6: the screen is drawn at that size" shown_re '^ forkscope +machine$'
T resize-window -t fs -x 160 -y 48
check "resize back to 160x48: the header is whole again" shown "sampling every"
if [ -n "$FPID" ] && kill -0 "$FPID" 2>/dev/null; then ok "resize to 20x6 and back: still running"; else not_ok "resize: forkscope died"; fi
check "resize back: the table is drawn again" shown "NAME"

# Quit: every task stops, forkscope exits, nothing is left.
T send-keys -t fs q
check "quit: forkscope exits" shown "forkscope-exited-"
if pgrep -f "alpha-says-hello" >/dev/null || pgrep -f "progress %d" >/dev/null; then
    not_ok "quit: task processes survive: $(pgrep -af 'alpha-says-hello|progress' | tr '\n' ';')"
else
    ok "quit: no process of the tasks survives"
fi
# A sane terminal: the shell's output after forkscope is plain text at the left
# margin, not inside the alternate screen.
if screen | grep -q "^forkscope-exited-"; then ok "quit: the terminal is restored"; else not_ok "quit: terminal not restored"; screen | sed 's/^/# /' | tail -5; fi
finish
