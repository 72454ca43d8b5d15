#!/bin/bash
# Headless basics: JSON events and text lines, stdout and stderr, exit codes and
# signals, task kinds and names, programs that cannot start, env and cwd, and
# where tasks come from (arguments, -f, ./forkscope.yaml, mprocs.yaml, Procfile).
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
FIX=$FS_SRCDIR/tests/fixtures/e2e
plan 59

# has_ev EV TASK PATTERN: an EV event of TASK whose line contains PATTERN.
has_ev() { evs "$1" "$2" | grep -qF -- "$3"; }

# ---- the example of the issue --------------------------------------------------
run_fs --headless --json 'echo hi' 'sh -c "exit 3"'
check "issue example: exit status 1 (one task failed)" test "$rc" -eq 1
if [ "$(nevs start)" -eq 2 ] && has_ev start echo '"kind":"shell"' &&
    has_ev start echo '"cmd":"echo hi"' && has_ev start sh '"cmd":"sh -c \"exit 3\""'; then
    ok "issue example: a start event per task with kind and cmd"
else
    not_ok "issue example: start events"; show "$FS_TMP/out"
fi
# Every start event has all of t, ev, task, kind, pid (a number), cmd.
bad_start=0
while IFS= read -r line; do
    for k in t ev task kind pid cmd; do
        [ -n "$(printf '%s\n' "$line" | jfield "$k")" ] || bad_start=1
    done
    printf '%s\n' "$line" | jfield pid | grep -qE '^[1-9][0-9]*$' || bad_start=1
done < <(evs start)
check "issue example: start events carry t, ev, task, kind, pid, cmd" test "$bad_start" -eq 0
if [ "$(nevs output)" -eq 1 ] && has_ev output echo '"stream":"stdout","data":"hi"'; then
    ok "issue example: one output event, stdout \"hi\" of task echo"
else
    not_ok "issue example: output events"; show "$FS_TMP/out"
fi
if has_ev exit echo '"code":0,"signal":null' &&
    [ "$(evs exit echo | jfield pid)" = "$(task_pid echo)" ]; then
    ok "issue example: echo exits with code 0, signal null, its pid"
else
    not_ok "issue example: exit event of echo"; show "$FS_TMP/out"
fi
check "issue example: sh exits with code 3, signal null" has_ev exit sh '"code":3,"signal":null'
# The output of a run comes before its exit event.
check "issue example: output before exit" \
    test "$(grep -n '"ev":"output"' "$FS_TMP/out" | cut -d: -f1)" -lt \
    "$(grep -n '"ev":"exit"' "$FS_TMP/out" | grep '"task":"echo"' | cut -d: -f1)"
# Every stdout line is an event; t is seconds since start and never goes back.
if awk '!/^\{"t":[0-9]+(\.[0-9]+)?,"ev":"[a-z]+"/ { bad = 1 }
        { split($0, a, /[:,]/); if (a[2] + 0 < last) bad = 1; last = a[2] + 0 }
        END { exit bad }' "$FS_TMP/out" && [ -s "$FS_TMP/out" ]; then
    ok "every line is an event with t first; t never decreases"
else
    not_ok "event lines or their t"; show "$FS_TMP/out"
fi

# t stays non-decreasing over a busier run, and is seconds (a 0.3 s task ends at t >= 0.3).
run_fs --headless --json 'for i in 1 2 3 4 5; do echo $i; sleep 0.06; done' \
    'sleep 0.3; echo late >&2' 'seq 1 200'
if awk '{ split($0, a, /[:,]/); if (a[2] + 0 < last) bad = 1; last = a[2] + 0 } END { exit bad }' \
    "$FS_TMP/out" && fcmp "$(evs exit sleep | jfield t)" '>=' 0.299 &&
    fcmp "$(evs exit sleep | jfield t)" '<' 5; then
    ok "t is in seconds and non-decreasing across three tasks"
else
    not_ok "t across tasks"; show "$FS_TMP/out"
fi

# ---- exit status and streams ---------------------------------------------------
run_fs --headless --json 'true' 'echo fine'
check "every task ends with 0: exit status 0" test "$rc" -eq 0

run_fs --headless --json 'echo out; echo err >&2'
if has_ev output echo '"stream":"stdout","data":"out"' &&
    has_ev output echo '"stream":"stderr","data":"err"'; then
    ok "stdout and stderr lines keep their stream"
else
    not_ok "streams"; show "$FS_TMP/out"
fi

run_fs --headless --json 'kill -9 $$'
check "a task killed by a signal: code null, signal SIGKILL" \
    has_ev exit kill '"code":null,"signal":"SIGKILL"'
check "a task killed by a signal: exit status 1" test "$rc" -eq 1

# ---- text mode -----------------------------------------------------------------
run_fs --headless 'echo hi; echo err >&2' 'sh -c "exit 3"' 'kill -9 $$'
check "text: exit status 1" test "$rc" -eq 1
check "text: stdout holds exactly the task's stdout line, prefixed" \
    test "$(cat "$FS_TMP/out")" = "echo | hi"
check "text: the task's stderr line on stderr, prefixed" grep -qx 'echo | err' "$FS_TMP/err"
check "text: started line with pid and command" \
    grep -qE '^echo \* started \(pid [1-9][0-9]*\): echo hi; echo err >&2$' "$FS_TMP/err"
check "text: names padded to the longest name" \
    grep -qE '^sh   \* started \(pid [1-9][0-9]*\): sh -c "exit 3"$' "$FS_TMP/err"
if grep -qx 'echo \* exited with code 0' "$FS_TMP/err" &&
    grep -qx 'sh   \* exited with code 3' "$FS_TMP/err"; then
    ok "text: exited with code N"
else
    not_ok "text: exit lines"; show "$FS_TMP/err"
fi
check "text: killed by SIGKILL" grep -qx 'kill \* killed by SIGKILL' "$FS_TMP/err"
check "text: no JSON anywhere" sh -c "! grep -q '\"ev\":' '$FS_TMP/out' '$FS_TMP/err'"

# ---- kinds ------------------------------------------------------------------------
run_fs --headless --json 'cmd:printf %s\\n "a b"' 'cmd:echo $HOME' 'shell:echo $((1+2))' \
    'echo $((2+3))'
check "cmd: runs without a shell, quotes group words" \
    has_ev output printf '"data":"a b"'
check "cmd: kind is cmd" has_ev start printf '"kind":"cmd"'
check "cmd: nothing is interpolated (\$HOME stays)" has_ev output echo '"data":"$HOME"'
if has_ev start echo-2 '"kind":"shell"' && has_ev output echo-2 '"data":"3"'; then
    ok "shell: prefix runs a shell"
else
    not_ok "shell: prefix"; show "$FS_TMP/out"
fi
if has_ev start echo-3 '"kind":"shell"' && has_ev output echo-3 '"data":"5"'; then
    ok "no prefix runs a shell"
else
    not_ok "no prefix"; show "$FS_TMP/out"
fi

# ---- names ------------------------------------------------------------------------
run_fs --headless --json --names first,second 'echo 1' 'echo 2'
if has_ev output first '"data":"1"' && has_ev output second '"data":"2"' &&
    [ "$(nevs start echo)" -eq 0 ]; then
    ok "--names names the tasks in order"
else
    not_ok "--names"; show "$FS_TMP/out"
fi
rm -f "$FS_TMP/started"
run_fs --headless --json --names a,b,c 'touch "$FS_TMP/started"' 'true'
if [ "$rc" -eq 2 ] && grep -q 'names' "$FS_TMP/err" && [ ! -e "$FS_TMP/started" ] &&
    [ ! -s "$FS_TMP/out" ]; then
    ok "--names count mismatch: status 2, a message, nothing started"
else
    not_ok "--names mismatch: status $rc"; show "$FS_TMP/err"
fi
run_fs --headless --json 'echo 1' 'echo 2' '/bin/echo 3' 'FOO=7 printenv FOO'
check "derived names: base name of the program, duplicates get -2, -3" \
    test "$(evs start | jfield task | tr '\n' ' ')" = '"echo" "echo-2" "echo-3" "printenv" '
check "derived names: FOO=7 printenv FOO runs with FOO set" has_ev output printenv '"data":"7"'
# The first word as the shell reads it: an operator right after it is not part of it.
run_fs --headless --json 'true; echo a' 'sleep 0&&echo b' 'date>/dev/null'
check "derived names: shell operators end the first word (true, sleep, date)" \
    test "$(evs start | jfield task | tr '\n' ' ')" = '"true" "sleep" "date" '

# ---- programs that cannot be started ---------------------------------------------
run_fs --headless --json 'cmd:/nonexistent/prog' 'cmd:no-such-program-xyz' 'echo still'
check "missing program: exit status 1, no crash" test "$rc" -eq 1
check "missing program by path: error event names the task and the program" \
    has_ev error prog '/nonexistent/prog'
check "missing program on PATH: error event names the task and the program" \
    has_ev error no-such-program-xyz "'no-such-program-xyz'"
if has_ev output echo '"data":"still"' && has_ev exit echo '"code":0'; then
    ok "missing program: the other task still runs"
else
    not_ok "missing program: other task"; show "$FS_TMP/out"
fi
run_fs --headless 'cmd:/nonexistent/prog'
if [ "$rc" -eq 1 ] && grep -q "prog" "$FS_TMP/err" && grep -qF "/nonexistent/prog" "$FS_TMP/err"; then
    ok "missing program, text mode: message on stderr names task and program"
else
    not_ok "missing program, text mode: status $rc"; show "$FS_TMP/err"
fi

# ---- what a task inherits ---------------------------------------------------------
# The same descriptors as a shell started here: none of forkscope's own (its
# event loop, pipes, the watchdog's) leak into tasks; stdin is /dev/null.
want_fds=$(sh -c 'ls /proc/self/fd' 2>/dev/null </dev/null | sort -n | tr '\n' ' ')
run_fs --headless 'ls /proc/self/fd; readlink /proc/self/fd/0'
got_fds=$(sed -n 's/^ls | \([0-9]*\)$/\1/p' "$FS_TMP/out" | sort -n | tr '\n' ' ')
if [ "$got_fds" = "$want_fds" ] && grep -qx 'ls | /dev/null' "$FS_TMP/out"; then
    ok "a task inherits no descriptor of forkscope's own; stdin is /dev/null"
else
    not_ok "task descriptors: got '$got_fds', want '$want_fds'"; show "$FS_TMP/out"
fi

# ---- env and cwd -------------------------------------------------------------------
mkdir -p "$FS_TMP/run/sub"
cat >"$FS_TMP/run/envcwd.yaml" <<'YAML'
tasks:
  envy:
    shell: echo "FOO=$FOO N=$N ON=$ON INHERITED=$FS_E2E_INHERITED HOME=${HOME-unset}"
    env: { FOO: "bar baz", N: 42, ON: true, HOME: null }
  here:
    cmd: [pwd, -P]
    cwd: sub
  badcwd:
    shell: touch "$FS_TMP/badcwd-started"
    cwd: no/such/dir
YAML
(cd "$FS_TMP/run" && FS_E2E_INHERITED=yes run_fs --headless --json -f envcwd.yaml &&
    echo "$rc" >"$FS_TMP/rc")
rc=$(cat "$FS_TMP/rc")
check "env: set, numeric, boolean, inherited and unset (null) variables" \
    has_ev output envy '"data":"FOO=bar baz N=42 ON=true INHERITED=yes HOME=unset"'
check "cwd: the task runs in its directory" \
    has_ev output here "\"data\":\"$(cd "$FS_TMP/run/sub" && pwd -P)\""
if has_ev error badcwd 'no/such/dir' && [ ! -e "$FS_TMP/badcwd-started" ]; then
    ok "bad cwd: an error event names the task and the directory; it does not run"
else
    not_ok "bad cwd"; show "$FS_TMP/out"
fi
if [ "$rc" -eq 1 ] && has_ev exit envy '"code":0' && has_ev exit here '"code":0'; then
    ok "bad cwd: exit status 1, the other tasks ran"
else
    not_ok "bad cwd: status $rc"; show "$FS_TMP/out"
fi

# A relative cwd in a forkscope file is relative to the file's directory
# (doc/session-file.md), wherever forkscope runs; by default tasks run there.
mkdir -p "$FS_TMP/elsewhere"
(cd "$FS_TMP/elsewhere" && run_fs --headless --json -f ../run/envcwd.yaml && echo "$rc" >"$FS_TMP/rc")
check "cwd: relative to the file's directory when run from elsewhere" \
    has_ev output here "\"data\":\"$(cd "$FS_TMP/run/sub" && pwd -P)\""
cat >"$FS_TMP/run/mprocs-cwd.yaml" <<'YAML'
procs:
  here:
    cmd: [pwd, -P]
    cwd: sub
  there:
    cmd: [pwd, -P]
    cwd: <CONFIG_DIR>/sub
YAML
mkdir -p "$FS_TMP/elsewhere/sub"
(cd "$FS_TMP/elsewhere" && run_fs --headless --json -f ../run/mprocs-cwd.yaml && echo "$rc" >"$FS_TMP/rc")
if has_ev output here "\"data\":\"$(cd "$FS_TMP/elsewhere/sub" && pwd -P)\"" &&
    has_ev output there "\"data\":\"$(cd "$FS_TMP/run/sub" && pwd -P)\""; then
    ok "mprocs cwd: relative to where forkscope runs; <CONFIG_DIR> is the file's directory"
else
    not_ok "mprocs cwd"; show "$FS_TMP/out"; show "$FS_TMP/err"
fi

# replicas: N copies named NAME-1 ... NAME-N.
printf 'tasks:\n  rep:\n    shell: echo copy\n    replicas: 3\n' >"$FS_TMP/rep.yaml"
run_fs --headless --json -f "$FS_TMP/rep.yaml"
check "replicas: 3 copies named rep-1, rep-2, rep-3" \
    test "$(evs output | grep '"data":"copy"' | jfield task | sort | tr '\n' ' ')" = '"rep-1" "rep-2" "rep-3" '

# ---- where tasks come from ---------------------------------------------------------
(cd "$FIX/discover" && run_fs --headless --json && echo "$rc" >"$FS_TMP/rc")
rc=$(cat "$FS_TMP/rc")
check "./forkscope.yaml is found when no task is given" \
    has_ev output found '"data":"found forkscope.yaml"'
if [ "$rc" -eq 0 ] && has_ev output where "\"data\":\"$(cd "$FIX/discover" && pwd -P)\""; then
    ok "./forkscope.yaml: its tasks run in its directory; status 0"
else
    not_ok "./forkscope.yaml: status $rc"; show "$FS_TMP/out"
fi

rm -f "$FS_TMP/lazy-started"
(cd "$FIX/discover-mprocs" && FS_E2E_GONE=present run_fs --headless --json &&
    echo "$rc" >"$FS_TMP/rc")
rc=$(cat "$FS_TMP/rc")
check "mprocs.yaml is found; a string proc is a shell task" \
    has_ev output hello '"data":"hello from mprocs"'
check "mprocs.yaml: env sets and unsets (null)" has_ev output envy '"data":"SET=yes GONE=unset"'
check "mprocs.yaml: cmd list runs without a shell" has_ev output argv '"data":"a b|$HOME|"'
if [ "$(nevs start lazy)" -eq 0 ] && [ ! -e "$FS_TMP/lazy-started" ] && [ "$rc" -eq 0 ]; then
    ok "mprocs.yaml: autostart: false does not start; status 0"
else
    not_ok "mprocs.yaml autostart: status $rc"; show "$FS_TMP/out"
fi
# -f reads an mprocs file too.
FS_E2E_GONE=present run_fs --headless --json -f "$FIX/discover-mprocs/mprocs.yaml"
check "-f mprocs.yaml reads procs:" has_ev output envy '"data":"SET=yes GONE=unset"'

# ./process-compose.yml, then ./process-compose.yaml; an mprocs.yaml beside
# them comes first.
mkdir -p "$FS_TMP/pc" "$FS_TMP/pc2"
printf 'processes:\n  pc:\n    command: "echo from process-compose.yml"\n' >"$FS_TMP/pc/process-compose.yml"
printf 'processes:\n  pc:\n    command: "echo from the .yaml"\n' >"$FS_TMP/pc/process-compose.yaml"
(cd "$FS_TMP/pc" && run_fs --headless --json && echo "$rc" >"$FS_TMP/rc")
if [ "$(cat "$FS_TMP/rc")" -eq 0 ] && has_ev output pc '"data":"from process-compose.yml"' &&
    ! has_ev output pc '"data":"from the .yaml"'; then
    ok "./process-compose.yml is found when no task is given, before .yaml; status 0"
else
    not_ok "./process-compose.yml: status $(cat "$FS_TMP/rc")"; show "$FS_TMP/out"
fi
printf 'processes:\n  pc:\n    command: "echo from the .yaml"\n' >"$FS_TMP/pc2/process-compose.yaml"
printf 'procs:\n  mp:\n    shell: "echo from mprocs"\n' >"$FS_TMP/pc2/mprocs.yaml"
(cd "$FS_TMP/pc2" && run_fs --headless --json && echo "$rc" >"$FS_TMP/rc")
if [ "$(cat "$FS_TMP/rc")" -eq 0 ] && has_ev output mp '"data":"from mprocs"' &&
    [ "$(nevs start pc)" -eq 0 ]; then
    ok "./mprocs.yaml comes before ./process-compose.yaml"
else
    not_ok "mprocs.yaml beside process-compose.yaml: status $(cat "$FS_TMP/rc")"; show "$FS_TMP/out"
fi
rm -f "$FS_TMP/pc2/mprocs.yaml"
(cd "$FS_TMP/pc2" && run_fs --headless --json && echo "$rc" >"$FS_TMP/rc")
check "./process-compose.yaml is found alone" has_ev output pc '"data":"from the .yaml"'

FS_E2E_GREETING=hello run_fs --headless --json --procfile "$FIX/Procfile"
check "Procfile: each line is a task named by it" has_ev output web '"data":"web says hello"'
check "Procfile: stderr of a task" has_ev output worker '"stream":"stderr","data":"working"'
if [ "$rc" -eq 0 ] && has_ev output where "\"data\":\"$(cd "$FIX" && pwd -P)\""; then
    ok "Procfile: tasks run in the Procfile's directory; status 0"
else
    not_ok "Procfile: status $rc"; show "$FS_TMP/out"
fi

# Two session files: both are read (or the second -f is refused), never one
# dropped without a word.
printf 'tasks:\n  fromA:\n    shell: echo from-a\n' >"$FS_TMP/a.yaml"
printf 'tasks:\n  fromB:\n    shell: echo from-b\n' >"$FS_TMP/b.yaml"
run_fs --headless --json -f "$FS_TMP/a.yaml" -f "$FS_TMP/b.yaml"
if { has_ev output fromA '"data":"from-a"' && has_ev output fromB '"data":"from-b"'; } ||
    { [ "$rc" -eq 2 ] && grep -q -- '-f' "$FS_TMP/err" && [ ! -s "$FS_TMP/out" ]; }; then
    ok "-f twice: the tasks of both files run (or a usage error)"
else
    not_ok "-f twice: status $rc, only: $(evs start | jfield task | tr '\n' ' ')"
fi

# A file and commands together: both run.
run_fs --headless --json -f "$FIX/discover/forkscope.yaml" 'echo extra'
if has_ev output found '"data":"found forkscope.yaml"' && has_ev output echo '"data":"extra"'; then
    ok "-f FILE and commands together: all their tasks run"
else
    not_ok "-f and commands"; show "$FS_TMP/out"; show "$FS_TMP/err"
fi
finish
