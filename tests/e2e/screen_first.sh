#!/bin/bash
# What a newcomer meets at 80x24: the hint line keeps `?` and `q`; `?` scrolls
# to its last entry with no description cut; every action says what it did,
# and the mode tag stays next to a message; the traffic view keeps its log on
# g, finds a task by a lowercase part of its name, shows floats shortest, and
# a flood does not push the other channels' messages out of the log.
. "$FS_SRCDIR/tests/lib.sh"
N=20
plan $N
screen_begin $N first first_cleanup
first_cleanup() { tmux -L "fs-first2-$$" kill-server 2>/dev/null; }

S="$FS_TMP/s.yaml"
cat >"$S" <<'YAML'
tasks:
  racer-1:
    fork: sh -c 'echo "{\"value\":0.7,\"third\":0.3333333333333333}" >&3; exec sleep 1000'
  flood:
    fork: sh -c 'i=0; while [ $i -lt 30000 ]; do echo "{\"i\":$i}"; i=$((i+1)); done >&3; exec sleep 1000'
  shell:
    shell: exec sleep 1000
  napper:
    worker: sleep
    args: "100"
YAML
T new-session -d -s fs -x 80 -y 24 "cd '$FS_TMP' && '$FORKSCOPE' --message-log 100 -f s.yaml; sleep 1000"
check "a worker thread's pane shows the message it posts" shown '{"slept_ms":100}'
check "80 columns: the hint line shows ?:help" shown_re '^\?:help .*q:quit *$'
check "80 columns: ... and q:quit, and what fits between" shown_re 'j/k:select .*x:stop'

T send-keys -t fs '?'
check "? opens the keys, saying it scrolls" shown 'j/k scroll, q closes'
T send-keys -t fs G
check "G in the help shows its last entry" shown 'quit: stop every task (again: kill them)'
check "the longest description is whole at 80 columns" shown "every task's messages / the selected one's"
T send-keys -t fs g
check "g in the help goes back to its first entry" shown 'select the next row'
T send-keys -t fs Escape
gone 'j/k scroll, q closes' || diag "the help did not close"

# The third task, a shell on a pty: x says what it does.
T send-keys -t fs j j
T send-keys -t fs x
check "x says what it did" shown 'stopping shell: SIGTERM, SIGKILL after'
T send-keys -t fs s
check "s says what it did, replacing the last message" shown 'started shell'
T send-keys -t fs i
check "the INPUT tag stands beside the message" shown_re '^ INPUT +started shell'
T send-keys -t fs C-]

# The traffic view of every task, a log of 100 messages.
T send-keys -t fs k k m A
check "the flood's 30000 messages are counted" shown_re '^ flood +30000 '
T send-keys -t fs g
check "g keeps the log on screen, the first task's message in it despite the flood" \
    shown '"value":0.7,"third":0.3333333333333333'
T send-keys -t fs G /
T send-keys -t fs -l 'RACER'
T send-keys -t fs Enter
check "an uppercase search is exact: RACER is not found" shown "'RACER' not found above"
T send-keys -t fs /
T send-keys -t fs -l 'racer'
T send-keys -t fs Enter
check "a lowercase search ignores case and matches a task's name" shown "'racer' found above"
check "the message found is pretty-printed, its floats shortest" shown_re '^ +"value": 0.7,? *$'
check "... every float" shown_re '^ +"third": 0.3333333333333333,? *$'
T send-keys -t fs a
check "the add prompt names every kind's prefix" shown 'shell:, cmd:, fork:, worker: prefix'
T send-keys -t fs Escape m
T send-keys -t fs d
check "d closes the selected task's channel and says so" shown "closed racer-1's channel"
T send-keys -t fs R
check "R restarts every task together" shown 'restarting all 4 tasks together'
T kill-server 2>/dev/null

# A wide screen shows a long name whole (it was cut at 14 characters).
SOCK="fs-first2-$$"
T new-session -d -s fs -x 160 -y 24 "'$FORKSCOPE' --names a-rather-long-task-name-28ch 'sleep 1000'; sleep 1000"
check "160 columns: a 28-character name is whole" shown_re '^a-rather-long-task-name-28ch +shell'
T kill-server 2>/dev/null
finish
