#!/bin/bash
# Probes on the screen: a failing readiness probe in the pane's bottom border,
# cleared once it passes, and the `ready` mark where the task's state shows.
. "$FS_SRCDIR/tests/lib.sh"
plan 3
screen_begin 3 probes

cat >"$FS_TMP/probes.yaml" <<YAML
tasks:
  db:
    shell: "echo waiting for the go file; while ! test -e $FS_TMP/go; do sleep 0.1; done; echo go; exec sleep 600"
    ready: {shell: "test -e $FS_TMP/go", interval: 100ms}
YAML
screen_run_file probes.yaml
check "a failing readiness probe shows in the pane's border" shown "ready? shell: exit 1 (1)"
touch "$FS_TMP/go"
check "the failure is cleared once the probe passes" gone "ready? shell"
check "the task shows as ready" shown_re "db.* ready "
finish
