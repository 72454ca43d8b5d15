/*
 * The `sleep` worker: sleeps N milliseconds in slices of at most 50 ms,
 * checking for a stop request between them, then posts {"slept_ms":N}.
 * A thread that shows on the dashboard with no CPU use.
 */
#include <config.h>

#include <stdint.h>
#include <time.h>

#include "worker/modules.h"

#define SLICE_MS 50

static void
sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0)
        ;
}

int
fs_mod_sleep(struct fs_port *p, const char *args)
{
    uint64_t ms, start = fs_worker_now_ms(), now;

    if (fs_worker_arg_u64(p, "sleep", args, UINT64_C(1) << 40, true, &ms) != 0)
        return 2;
    while ((now = fs_worker_now_ms()) - start < ms) {
        uint64_t left = ms - (now - start);
        if (fs_port_stop_requested(p)) {
            fs_worker_postf(p, "{\"stopped\":true,\"slept_ms\":%llu}",
                            (unsigned long long)(now - start));
            return 1;
        }
        sleep_ms(left < SLICE_MS ? left : SLICE_MS);
    }
    fs_worker_postf(p, "{\"slept_ms\":%llu}", (unsigned long long)ms);
    return 0;
}
