#!/bin/bash
# Demo durations: each built-in demo run headless to its end, with its wall
# time against the target of 60 s (a demo ends by itself, within a lesson's
# attention span), and the machine's load average at the time: a busy machine
# stretches every figure, so read them next to it.
# The ipc demo is interactive (its echo tasks wait for what the screen's M
# sends; doc/tutorial.md) and never ends headless: it is listed as skipped.
# Usage: bench/demo-times.sh   (from the build directory; FORKSCOPE to override)
set -u
FORKSCOPE=${FORKSCOPE:-./forkscope}
worst=0
printf '%-22s %8s  %s\n' demo seconds "load (1 min)"
for d in $("$FORKSCOPE" demo | awk 'NR > 1 && /^  [a-z]/ { print $1 }'); do
    if [ "$d" = ipc ]; then
        printf '%-22s %8s  %s\n' "$d" SKIP "interactive: runs until stopped headless"
        continue
    fi
    start=$(date +%s.%N)
    timeout -k 5 600 "$FORKSCOPE" --headless --json demo "$d" >/dev/null 2>&1
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    printf '%-22s %8.1f  %s%s\n' "$d" "$secs" "$(cut -d' ' -f1 /proc/loadavg)" \
        "$([ "$rc" = 124 ] && echo '  (killed after 600 s)')"
    worst=$(awk -v a="$secs" -v b="$worst" 'BEGIN { print (a > b ? a : b) }')
done
printf 'longest: %.1f s (target: at most 60 s)\n' "$worst"
