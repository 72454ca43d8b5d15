#!/bin/bash
# The pools demo, headless (the other demos: demos.sh, demos_stacks.sh): a pool
# of 2 against 20 at once, 200 threads against 200 processes, from the pools'
# exit and job events.
. "$FS_SRCDIR/tests/lib.sh"
plan 5

# ---- pools: 2 at once against 20; 200 threads against 200 processes ----
demo pools
# The most jobs of POOL running at once, from its job events in order.
at_once() { evs job "$1" | awk '/"state":"start"/ { n++; if (n > m) m = n } /"state":"(done|failed)"/ { n-- } END { print m + 0 }'; }
# A number of POOL's exit event: pool_field POOL FIELD.
pool_field() { evs exit "$1" | jfield "$2"; }
m=$(at_once pool-of-2)
a=$(at_once all-at-once)
check "pools: status 0, every pool did all its jobs" \
    sh -c "[ $rc = 0 ] && [ '$(pool_field pool-of-2 done)/$(pool_field all-at-once done)' = 20/20 ] &&
           [ '$(pool_field threads-200 done)/$(pool_field processes-200 done)' = 200/200 ]"
check "pools: the pool of 2 ran 2 at once, never more ($m)" test "$m" = 2
# All 20 together when starting a process is quick; on a busy machine the
# first jobs may end before the last process could start.
check "pools: all-at-once ran more jobs at once than the pool of 2 ($a)" test "$a" -gt 2
# (Their peak memory is sampled: on a busy machine, where the short jobs of
# all-at-once hardly overlap, a sample can miss every overlap. The 200
# processes against the 200 threads below overlap for seconds.)
ut=$(pool_field threads-200 up)
up=$(pool_field processes-200 up)
if [ -n "$ut" ] && [ -n "$up" ] && fcmp "$up" '>' "$ut"; then
    ok "pools: 200 processes took longer to start than 200 threads ($up s > $ut s)"
else
    not_ok "pools: start times: processes '$up', threads '$ut'"
fi
pt=$(pool_field threads-200 peak_rss)
pp=$(pool_field processes-200 peak_rss)
if ldd "$FORKSCOPE" 2>/dev/null | grep -q libasan; then
    skip "pools: threads against processes in memory: AddressSanitizer's shadow memory inflates forkscope's own, which the threads share"
else
    check "pools: 200 processes peaked higher in memory than 200 threads ($pp > $pt bytes)" \
        test "${pp:-0}" -gt "${pt:-0}"
fi

finish
