#!/bin/bash
# A log file that cannot be written is marked on the task's pane border while
# it fails, and the mark goes once it works again; the pane still shows the
# output, and the colours on screen stay out of the file.
. "$FS_SRCDIR/tests/lib.sh"
N=4
plan $N
screen_begin $N logfile

: >"$FS_TMP/blocker"
cat >"$FS_TMP/l.yaml" <<'YAML'
tasks:
  writer:
    shell: printf '\033[32mgreen one\033[0m\n'; while [ ! -e go ]; do sleep 0.05; done; echo two; exec sleep 1000
    log: blocker/w.log
YAML
screen_run_file l.yaml
check "the pane shows the output" shown 'green one'
check "the border marks the failing log file" shown '[log: Not a directory]'
rm "$FS_TMP/blocker"
touch "$FS_TMP/go"
check "the mark goes once the file is written again" gone '[log: Not a directory]'
check "the file holds the later output, as plain text" \
    wait_for 30 sh -c "test \"\$(cat '$FS_TMP/blocker/w.log' 2>/dev/null)\" = two"
T send-keys -t fs q
finish
