#!/bin/bash
# Probes on the screen: a failing readiness probe in the pane's bottom border,
# cleared once it passes, and the `ready` mark where the task's state shows.
. "$FS_SRCDIR/tests/lib.sh"
plan 4
screen_begin 4 probes

cat >"$FS_TMP/coloured.sh" <<'SH'
printf '\033[1;32mlistening\033[0m on 1\n'
exec sleep 600
SH
cat >"$FS_TMP/probes.yaml" <<YAML
tasks:
  db:
    shell: "echo waiting for the go file; while ! test -e $FS_TMP/go; do sleep 0.1; done; echo go; exec sleep 600"
    ready: {shell: "test -e $FS_TMP/go", interval: 100ms}
  coloured:
    shell: "sh $FS_TMP/coloured.sh"
    ready: {log: "^listening on 1$"}
YAML
screen_run_file probes.yaml
check "a failing readiness probe shows in the pane's border" shown "ready? shell: exit 1 (1)"
touch "$FS_TMP/go"
check "the failure is cleared once the probe passes" gone "ready? shell"
check "the task shows as ready" shown_re "db.* ready "
check "a log probe matches a coloured line on a pty" shown_re "coloured.* ready "
finish
