#!/bin/bash
# The table after a run ended: its CPU% column shows the CPU seconds the run
# used and RSS its peak (wait4's figures), not '-', even for a run too short
# for any sample.
. "$FS_SRCDIR/tests/lib.sh"
N=3
plan $N
screen_begin $N usage

cat >"$FS_TMP/u.yaml" <<'YAML'
tasks:
  quick:
    shell: "true"
  mem:
    shell: dd if=/dev/zero of=/dev/null bs=50M count=1 status=none
  live:
    shell: exec sleep 1000
YAML
screen_run_file u.yaml
check "an instant run shows its CPU seconds and peak RSS" \
    shown_re '^ *quick .* [0-9]+\.[0-9]+s +[0-9.]+[KM] '
check "a run that touched 50 MiB shows a peak of at least 50M" \
    shown_re '^ *mem .* [0-9]+\.[0-9]+s +([5-9][0-9]|[0-9]{3})M '
check "a live task still shows its share of a core, not seconds" \
    shown_re '^ *live .* [0-9]+\.[0-9] +[0-9.]+[KM] '
T send-keys -t fs q
finish
