#!/bin/bash
# Dependencies on the screen: a task waiting for a dependency shows
# `waiting db(ready)` in the table, a blocked one says why, starting the
# dependency by hand lets the waiting task start, and the `w` key shows the
# dependency graph with each condition and whether it holds.
. "$FS_SRCDIR/tests/lib.sh"
N=8
plan $N
screen_begin $N deps

cat >"$FS_TMP/d.yaml" <<'YAML'
tasks:
  db:
    shell: echo db is up; exec sleep 1000
    autostart: false
  web:
    shell: echo web is up; exec sleep 1000
    depends_on: {db: ready}
  mig:
    shell: exit 3
  api:
    shell: echo never
    depends_on: {mig: succeeded}
YAML
screen_run_file d.yaml
check "the table shows web waiting db(ready)" shown_re '^ *web .*waiting db\(ready\)'
check "the table shows api blocked: mig..." shown_re '^ *api .*blocked: mig'
check "api's pane border says why: blocked: mig exited with 3" shown "blocked: mig exited with 3"
T send-keys -t fs w
check "w shows the graph: web's condition on db does not hold yet" \
    shown "-> db (ready): not yet"
check "the graph says why api's condition can no longer hold" \
    shown "-> mig (succeeded): can no longer hold: mig exited with 3"
T send-keys -t fs q
check "any key closes the graph" gone "-> db (ready)"
# Start db by hand (the first row, selected), then web starts by itself.
T send-keys -t fs s
check "once db started, web starts" shown "web is up"
T send-keys -t fs w
check "the graph then says web's condition holds" shown "-> db (ready): holds"
T send-keys -t fs q q
finish
