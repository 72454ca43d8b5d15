#!/bin/bash
# Restart policies with exponential backoff: which exits restart, the delays
# (base * factor^n, capped), the maximum number of restarts, the wait between an
# exit and the next start, and reset_after.
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
plan 23

# session NAME YAML: writes $FS_TMP/NAME.yaml.
session() { printf '%s\n' "$2" >"$FS_TMP/$1.yaml"; }

# values EV TASK KEY: the KEY of each EV event of TASK, on one line.
values() { evs "$1" "$2" | jfield "$3" | tr '\n' ' ' | sed 's/ $//'; }

# same_numbers "A B C" "X Y Z": the two lists are equal as numbers.
same_numbers() {
    awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); m = split(b, y, " ");
        if (n != m) exit 1; for (i = 1; i <= n; i++) if (x[i] - y[i] > 1e-9 || y[i] - x[i] > 1e-9) exit 1 }'
}

# gaps_ok TASK: each start after a restart event comes at least its delay after
# the exit before it (t has millisecond resolution, hence the 0.001).
gaps_ok() {
    awk -v task="\"task\":\"$1\"" '
        index($0, task) == 0 { next }
        { match($0, /"t":[0-9.]+/); t = substr($0, RSTART + 4, RLENGTH - 4) + 0 }
        /"ev":"exit"/ { last_exit = t }
        /"ev":"restart"/ { match($0, /"delay":[0-9.e-]+/); d = substr($0, RSTART + 8, RLENGTH - 8) + 0; want = 1 }
        /"ev":"start"/ && want { if (t - last_exit < d - 0.001) bad = 1; want = 0; n++ }
        END { exit bad || n == 0 }' "$FS_TMP/out"
}

# ---- on-failure with backoff, as in the issue --------------------------------------
session flaky 'tasks:
  flaky:
    shell: echo run; exit 1
    restart: on-failure
    backoff: {base: 0.1, factor: 2, cap: 1, max: 3}'
run_fs --headless --json -f "$FS_TMP/flaky.yaml"
check "on-failure: 3 restart events (max: 3)" test "$(nevs restart flaky)" -eq 3
check "on-failure: 4 start events" test "$(nevs start flaky)" -eq 4
check "on-failure: 4 exit events, each with code 1" \
    test "$(values exit flaky code)" = "1 1 1 1"
if same_numbers "$(values restart flaky delay)" "0.1 0.2 0.4"; then
    ok "on-failure: delays 0.1, 0.2, 0.4 (base 0.1, factor 2)"
else
    not_ok "on-failure: delays are '$(values restart flaky delay)'"
fi
check "on-failure: attempts 1, 2, 3" test "$(values restart flaky attempt)" = "1 2 3"
if gaps_ok flaky; then
    ok "on-failure: each start comes at least its delay after the exit"
else
    not_ok "on-failure: a start came too early"; show "$FS_TMP/out"
fi
check "on-failure: every run has its own pid" \
    test "$(evs start flaky | jfield pid | sort -u | wc -l)" -eq 4
if tail -n 1 "$FS_TMP/out" | grep -q '"ev":"exit"' && [ "$rc" -eq 1 ]; then
    ok "on-failure: after the last restart it stays failed; exit status 1"
else
    not_ok "on-failure: end of the session (status $rc)"; show "$FS_TMP/out"
fi

# Text mode says the same.
session flaky-text 'tasks:
  flaky:
    shell: exit 1
    restart: on-failure
    backoff: {base: 0.2, max: 1}'
run_fs --headless -f "$FS_TMP/flaky-text.yaml"
if grep -qx 'flaky \* restarting in 0.2s (attempt 1)' "$FS_TMP/err" &&
    [ "$(grep -c '^flaky \* started (pid ' "$FS_TMP/err")" -eq 2 ] && [ "$rc" -eq 1 ]; then
    ok "text: 'restarting in 0.2s (attempt 1)', two starts, status 1"
else
    not_ok "text restart lines (status $rc)"; show "$FS_TMP/err"
fi

# The cap bounds the delay.
session capped 'tasks:
  capped:
    shell: exit 2
    restart: on-failure
    backoff: {base: 0.1, factor: 10, cap: 0.25, max: 3}'
run_fs --headless --json -f "$FS_TMP/capped.yaml"
if same_numbers "$(values restart capped delay)" "0.1 0.25 0.25"; then
    ok "cap: delays 0.1, 0.25, 0.25 (factor 10, cap 0.25)"
else
    not_ok "cap: delays are '$(values restart capped delay)'"
fi
check "cap: each start comes at least its delay after the exit" gaps_ok capped

# ---- which exits restart -------------------------------------------------------------
session always 'tasks:
  always:
    shell: echo ok
    restart: always
    backoff: {base: 0.05, max: 2}'
run_fs --headless --json -f "$FS_TMP/always.yaml"
check "always: a task that exits 0 restarts (3 starts, max: 2)" \
    test "$(nevs start always)" -eq 3
check "always: 2 restart events; exit status 0 (every run ended with 0)" \
    test "$(nevs restart always):$rc" = "2:0"

session never 'tasks:
  never:
    shell: exit 1
    restart: no
    backoff: {base: 0.05}'
run_fs --headless --json -f "$FS_TMP/never.yaml"
check "restart: no: a failing task is not restarted" \
    test "$(nevs start never):$(nevs restart never):$rc" = "1:0:1"

session default 'tasks:
  default:
    shell: exit 1'
run_fs --headless --json -f "$FS_TMP/default.yaml"
check "no restart key: a failing task is not restarted" \
    test "$(nevs start default):$(nevs restart default):$rc" = "1:0:1"

session fine 'tasks:
  fine:
    shell: echo fine
    restart: on-failure
    backoff: {base: 0.05}'
run_fs --headless --json -f "$FS_TMP/fine.yaml"
check "on-failure: exit 0 is not restarted; exit status 0" \
    test "$(nevs start fine):$(nevs restart fine):$rc" = "1:0:0"

session killed 'tasks:
  killed:
    shell: kill -9 $$
    restart: on-failure
    backoff: {base: 0.05, max: 1}'
run_fs --headless --json -f "$FS_TMP/killed.yaml"
check "on-failure: death by a signal is a failure and restarts" \
    test "$(nevs start killed):$(nevs restart killed)" = "2:1"
check "on-failure: both runs end with signal SIGKILL; status 1" \
    test "$(values exit killed signal):$rc" = '"SIGKILL" "SIGKILL":1'

# Restarts do not hold back the other tasks, and the session waits for them.
session mixed 'tasks:
  flaky:
    shell: exit 1
    restart: on-failure
    backoff: {base: 0.1, max: 2}
  steady:
    shell: echo steady'
run_fs --headless --json -f "$FS_TMP/mixed.yaml"
if has_steady=$(evs output steady | grep -c '"data":"steady"') && [ "$has_steady" -eq 1 ] &&
    [ "$(nevs start flaky)" -eq 3 ] && [ "$rc" -eq 1 ]; then
    ok "a restarting task beside a steady one: both run, the session waits for the restarts"
else
    not_ok "mixed session (status $rc)"; show "$FS_TMP/out"
fi

# ---- reset_after: a run that lasted long enough starts the backoff over ------------
session reset 'tasks:
  slowfail:
    shell: sleep 0.25; exit 1
    restart: on-failure
    backoff: {base: 0.1, factor: 4, max: 2, reset_after: 0.2}'
fs_bg --headless --json --control -f "$FS_TMP/reset.yaml"
if wait_evs 30 3 restart slowfail; then
    ok "reset_after: more restarts than max, since each run outlasts reset_after"
else
    not_ok "reset_after: only $(nevs restart slowfail) restarts"; show "$FS_TMP/out"
fi
ctl quit
fs_wait 30
if same_numbers "$(values restart slowfail delay | cut -d' ' -f1-3)" "0.1 0.1 0.1" &&
    [ "$(values restart slowfail attempt | cut -d' ' -f1-3)" = "1 1 1" ]; then
    ok "reset_after: the delay stays at base and the attempt at 1"
else
    not_ok "reset_after: delays '$(values restart slowfail delay)'"
fi
check "reset_after: quit ends the session" test "$rc" -ne 124

# Without reset_after reached, the same task gives up after max.
session noreset 'tasks:
  slowfail:
    shell: sleep 0.05; exit 1
    restart: on-failure
    backoff: {base: 0.1, factor: 4, max: 2, reset_after: 10}'
run_fs --headless --json -f "$FS_TMP/noreset.yaml"
if same_numbers "$(values restart slowfail delay)" "0.1 0.4"; then
    ok "short runs keep growing the delay (0.1, 0.4) and stop at max"
else
    not_ok "no reset: delays '$(values restart slowfail delay)'"
fi
finish
