#!/bin/bash
# Log files and env files, headless with real processes: a task's log holds its
# output without escape sequences; rotation keeps every file under `max`, keeps
# `keep` old ones and loses nothing in order; timestamps; log_dir; a log that
# cannot be written is one error event (and one when it works again) while the
# output still reaches standard output; SIGTERM leaves the log complete; tasks
# do not inherit the log's descriptor; env_file's override order, and a missing
# env file is a file error (status 2) that starts nothing.
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
plan 27
cd "$FS_TMP" || exit 1

# ---- plain text ----------------------------------------------------------------------------
cat >plain.yaml <<'YAML'
tasks:
  colours:
    shell: printf '\033[1;31mred\033[0m \033]0;title\007plain\r\nsecond\033[K line\n\033[2J\033[Hlast\n'; printf 'on stderr\n' >&2
    log: logs/colours.log
  unended:
    shell: printf 'no newline at the end'
    log: logs/unended.log
YAML
run_fs --headless --json -f plain.yaml
check "plain: status 0" test "$rc" -eq 0
# The two streams are two pipes: which is read first is not known, so their
# lines are compared as sets, each stream's own order checked by the first.
printf 'last\non stderr\nred plain\nsecond line\n' >want.txt
if sort logs/colours.log | cmp -s want.txt - && grep -v stderr logs/colours.log |
    tr '\n' ' ' | grep -qx 'red plain second line last '; then
    ok "plain: the log is the output without escape sequences, \\r\\n made \\n, both streams"
else
    not_ok "plain: log text"; od -c logs/colours.log | sed 's/^/#   /'
fi
check "plain: a run's last line without a newline gets one" \
    test "$(od -An -c logs/unended.log | tr -d ' \n')" = 'nonewlineattheend\n'
check "plain: the output events still carry the escape sequences" \
    grep -qi '"data":"\\u001b\[1;31mred' out

# ---- rotation ------------------------------------------------------------------------------
cat >rot.yaml <<'YAML'
tasks:
  counter:
    shell: seq 1 60000
    log: {file: rot/count.log, max: 20k, keep: 3}
YAML
run_fs check rot.yaml
check "forkscope check describes the log file" \
    grep -qx '    log: rot/count.log (rotated at 20480 bytes, 3 old files kept)' out
run_fs --headless -f rot.yaml
check "rotation: status 0" test "$rc" -eq 0
big=0
for f in rot/count.log rot/count.log.1 rot/count.log.2 rot/count.log.3; do
    [ -f "$f" ] || big=1
    [ -f "$f" ] && [ "$(stat -c %s "$f")" -gt 20480 ] && big=1
done
check "rotation: count.log and three old files, none over 20 KiB" test "$big" -eq 0
check "rotation: no fourth old file" test ! -e rot/count.log.4
check "rotation: the last line is in the current file" test "$(tail -n 1 rot/count.log)" = 60000
cat rot/count.log.3 rot/count.log.2 rot/count.log.1 rot/count.log >joined.txt
first=$(head -n 1 joined.txt)
seq "$first" 60000 >expect.txt
check "rotation: the old files and the current one are one run of lines, in order, nothing lost" \
    cmp -s joined.txt expect.txt
ends=0
for f in rot/count.log.1 rot/count.log.2 rot/count.log.3; do
    [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || ends=1
done
check "rotation: every old file ends at a line's end" test "$ends" -eq 0

# ---- timestamps and log_dir ----------------------------------------------------------------
cat >dir.yaml <<'YAML'
log_dir: all
tasks:
  one:
    shell: echo first; echo second
    timestamps: true
  two:
    shell: echo other
YAML
run_fs --headless -f dir.yaml
check "log_dir: status 0" test "$rc" -eq 0
stamp='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} '
if [ "$(grep -cE "${stamp}(first|second)\$" all/one.log)" = 2 ] && [ "$(wc -l <all/one.log)" = 2 ]; then
    ok "timestamps: each line after an ISO 8601 local time with milliseconds"
else
    not_ok "timestamps"; show all/one.log
fi
check "log_dir: the other task's file is DIR/NAME.log, without timestamps" \
    test "$(cat all/two.log)" = other

# ---- a log that cannot be written, then can ------------------------------------------------
: >blocker
cat >bad.yaml <<'YAML'
tasks:
  writer:
    shell: echo one; while [ ! -e go ]; do sleep 0.05; done; echo two
    log: blocker/w.log
YAML
fs_bg --headless --json -f bad.yaml
if wait_for 30 grep -q '"ev":"error".*blocker/w.log: Not a directory' out; then
    ok "unwritable: an error event names the file and why"
else
    not_ok "unwritable: no error event"; show out; show err
fi
wait_for 30 grep -q '"data":"one"' out
rm blocker
touch go
fs_wait 30
check "unwritable: status 0" test "$rc" -eq 0
check "unwritable: the output still reaches standard output" grep -q '"data":"two"' out
check "unwritable: one error event for the failure, one when it works again" \
    test "$(nevs error writer)" = 2
check "recovered: the event says so, and the later output is in the file" \
    sh -c 'grep -q "written again" out && test "$(cat blocker/w.log)" = two'

# ---- SIGTERM, and descriptors --------------------------------------------------------------
cat >term.yaml <<'YAML'
tasks:
  long:
    shell: seq 1 5000; for f in /proc/$$/fd/*; do readlink "$f"; done; echo ready; exec sleep 30
    log: term.log
YAML
fs_bg --headless -f term.yaml
wait_for 30 grep -q '| ready' out
kill -TERM "$FPID"
fs_wait 30
head -n 5000 term.log >got5000.txt
seq 1 5000 >want5000.txt
check "SIGTERM: the log holds every line written before" \
    sh -c "cmp -s got5000.txt want5000.txt && grep -qx ready term.log"
check "the task does not inherit the log file's descriptor" sh -c '! grep -q "term.log" term.log'

# ---- a writer that falls behind -------------------------------------------------------------
# The log is a fifo nobody reads yet: the writer thread waits in open(2) while
# the task writes 20 MB, more than the 16 MiB queue. What does not fit is
# dropped and counted; the reader then gets an unbroken start and one note.
mkfifo slow.log
cat >slow.yaml <<'YAML'
tasks:
  flood:
    shell: seq -f '%0999g' 1 20000; touch flooded
    log: {file: slow.log, max: 1G}
YAML
"$FORKSCOPE" --headless -f slow.yaml >/dev/null 2>slow.err &
FPID=$!
wait_for 60 test -e flooded
check "falling behind: the task ends without waiting for the log" test -e flooded
cat slow.log >slow.txt
fs_wait 60
missing=$(sed -n 's/^\[forkscope: \([0-9]*\) bytes of output are missing here: the log writer fell behind\]$/\1/p' slow.txt)
head -n -1 slow.txt | tr -d '\n' | fold -w 999 >kept.txt
if [ "$(grep -c 'missing here' slow.txt)" = 1 ] && [ "$(tail -n 1 slow.txt | grep -c 'missing here')" = 1 ]; then
    ok "falling behind: one note, at the end"
else
    not_ok "falling behind: notes"; grep -n 'forkscope' slow.txt | head -5 | sed 's/^/#   /'
fi
# Bytes kept (newlines included) plus bytes missing: the 20,000,000 the task wrote.
kept_bytes=$(head -n -1 slow.txt | wc -c)
partial=$(head -n -1 slow.txt | tail -n 1 | wc -c)
[ "$partial" -lt 1000 ] && kept_bytes=$((kept_bytes - 1)) # the newline before the note
seq -f '%0999g' 1 20000 | head -c "$kept_bytes" | tr -d '\n' | fold -w 999 >want_kept.txt
if [ -n "$missing" ] && [ "$((kept_bytes + missing))" = 20000000 ] && cmp -s kept.txt want_kept.txt; then
    ok "falling behind: what was kept is the start, in order; the note counts the rest"
else
    not_ok "falling behind: kept $kept_bytes + missing $missing"
fi

# ---- env_file ------------------------------------------------------------------------------
printf '# base\nexport A=from-a\nB="from a"\nC=from-a\n' >a.env
printf "B='from b'\nC = from-b # comment\n" >b.env
cat >env.yaml <<'YAML'
tasks:
  show:
    shell: echo "$A|$B|$C"
    env_file: [a.env, b.env]
    env: {C: own}
YAML
run_fs --headless -f env.yaml
check "env_file: later files override earlier ones, env overrides both" \
    grep -qx 'show | from-a|from b|own' out
cat >noenv.yaml <<'YAML'
tasks:
  never:
    shell: touch started
    env_file:
      - a.env
      - missing.env
YAML
run_fs --headless --json -f noenv.yaml
if [ "$rc" -eq 2 ] && grep -q "noenv.yaml:6:9: task 'never': env_file: .*missing.env: No such file" err; then
    ok "env_file: a missing file is exit 2 naming FILE:LINE:COL"
else
    not_ok "env_file missing: status $rc"; show err
fi
check "env_file: nothing started" sh -c '! test -e started && ! grep -q "\"ev\":\"start\"" out'
finish
