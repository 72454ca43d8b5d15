#!/bin/bash
# Each run's CPU time and peak memory, from wait4(2), on headless JSON `exit`
# events. The task measures itself: it touches 50 MiB (dd's block), burns some
# CPU, and just before exiting prints the CPU ticks /proc says it and its
# waited-for children used; forkscope's `cpu` must be at least that, and its
# `max_rss` at least the bytes touched. No figure depends on the machine's load.
. "$FS_SRCDIR/tests/lib.sh"
plan 7

# The shell's utime + stime + cutime + cstime, in clock ticks (fields 14-17 of
# /proc/PID/stat; after the command's closing parenthesis, words 12-15).
cat >"$FS_TMP/burn.sh" <<'SH'
dd if=/dev/zero of=/dev/null bs=50M count=1 status=none
i=0
while [ "$i" -lt 300000 ]; do i=$((i + 1)); done
read -r stat </proc/$$/stat
set -- ${stat##*) }
echo "ticks $((${12} + ${13} + ${14} + ${15})) hz $(getconf CLK_TCK)"
SH
run_fs --headless --json --names burn,quick,thread "sh $FS_TMP/burn.sh" 'true' 'worker:primes 1000'
check "exit status 0" test "$rc" = 0

ex=$(evs exit burn)
line=$(evs output burn | jfield data | tr -d '"')
ticks=$(echo "$line" | awk '{ print $2 }')
hz=$(echo "$line" | awk '{ print $4 }')
cpu=$(echo "$ex" | jfield cpu)
rss=$(echo "$ex" | jfield max_rss)
if [ "${ticks:-0}" -gt 0 ] && [ -n "$cpu" ] && fcmp "$cpu" '>=' "$(awk -v t="$ticks" -v h="$hz" 'BEGIN { print t / h }')" && fcmp "$cpu" '>' 0; then
    ok "burn: cpu $cpu s is at least the $ticks ticks (of $hz a second) it measured itself"
else
    not_ok "burn: cpu '$cpu' against $ticks ticks"
    show "$FS_TMP/out"
fi
if [ -n "$rss" ] && [ "$rss" -ge $((50 << 20)) ]; then
    ok "burn: max_rss $rss covers the 50 MiB its child touched"
else
    not_ok "burn: max_rss '$rss'"
fi
check "burn: max_rss is a whole number of bytes" grep -qE '^[0-9]+$' <<<"$rss"

# A run too short for any sample still has its figures.
ex=$(evs exit quick)
q=$(echo "$ex" | jfield max_rss)
if [ -n "$q" ] && [ "$q" -gt 0 ] && [ -n "$(echo "$ex" | jfield cpu)" ]; then
    ok "quick: an instant run has cpu and max_rss ($q bytes)"
else
    not_ok "quick: $ex"
fi

# A worker thread has no rusage of its own: no figures rather than forkscope's.
ex=$(evs exit thread)
if [ -n "$ex" ] && [ -z "$(echo "$ex" | jfield cpu)" ] && [ -z "$(echo "$ex" | jfield max_rss)" ]; then
    ok "thread: a worker's exit has neither cpu nor max_rss"
else
    not_ok "thread: '$ex'"
fi
# A worker module in a host process (worker-host) is a process: it has them.
run_fs --headless --json --names hosted 'worker:crash'
ex=$(evs exit hosted)
if [ -n "$(echo "$ex" | jfield max_rss)" ] && echo "$ex" | grep -q '"signal":"SIGSEGV"'; then
    ok "hosted: a module in its host process has its figures, even killed by SIGSEGV"
else
    not_ok "hosted: '$ex'"
fi
finish
