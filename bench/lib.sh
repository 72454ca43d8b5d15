# Helpers of the benchmark scripts (sourced): the machine's load before each
# run, CPU time of a process from /proc, medians with min and max.
# Figures go one per line into a file per contender; `stats FILE` prints them.

NCPU=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

# The 1-minute load average.
load1() { awk '{ print $1 }' /proc/loadavg; }

# Prints the load before a run and says whether the machine is busy (a load
# above its CPU count): a figure taken then says so. Sets BUSY to 1 once any
# run of the script was on a busy machine.
BUSY=0
note_load() {
    local l
    l=$(load1)
    if awk -v l="$l" -v n="$NCPU" 'BEGIN { exit !(l > n) }'; then
        BUSY=1
        echo "  [$1] load $l on $NCPU CPUs: busy machine"
    else
        echo "  [$1] load $l on $NCPU CPUs"
    fi
}

# CPU time in milliseconds used so far by every thread of process $1 (its
# children not included): the nanoseconds of /proc/PID/task/*/schedstat, or
# the clock ticks of /proc/PID/stat where schedstat is missing.
cpu_ms() {
    if [ -r "/proc/$1/schedstat" ]; then
        cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }'
    else
        awk -v t="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.1f", ($12 + $13) * 1000 / t }' \
            /proc/"$1"/stat
    fi
}

# CPU seconds (user + system) that the children waited for by the shell used,
# from `times`: call before and after a run and subtract.
children_cpu() { times | awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'; }

# stats FILE: "median M (min A, max B, N runs)" of the numbers in FILE.
stats() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "no runs"; exit }
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "median %g (min %g, max %g, %d runs)", m, v[1], v[NR], NR }'
}

# median FILE: the median alone.
median_of() {
    sort -g "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Says, at the end, whether any figure was taken on a busy machine.
busy_verdict() {
    if [ "$BUSY" = 1 ]; then
        echo "NOTE: some runs were on a busy machine (load above $NCPU): compare the ratios, not the rates"
    fi
}
