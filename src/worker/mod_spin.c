/*
 * The `spin` worker: burns one CPU for N milliseconds (the thread shows at 100%
 * on the dashboard), looking at the clock and the stop flag every ~100k
 * iterations, posting {"progress":x}, then {"spun_ms":N,"iterations":I}.
 */
#include <config.h>

#include <stdint.h>

#include "worker/modules.h"

#define BATCH 100000u

/* Work the compiler cannot remove: a xorshift generator. */
static uint64_t
burn(uint64_t x, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

int
fs_mod_spin(struct fs_port *p, const char *args)
{
    uint64_t ms, start = fs_worker_now_ms(), elapsed = 0, iterations = 0;
    volatile uint64_t sink = 88172645463325252ull;
    double last = 0;

    if (fs_worker_arg_u64(p, "spin", args, UINT64_C(1) << 40, true, &ms) != 0)
        return 2;
    while (elapsed < ms) {
        sink = burn(sink, BATCH);
        iterations += BATCH;
        elapsed = fs_worker_now_ms() - start;
        if (fs_port_stop_requested(p)) {
            fs_worker_postf(p, "{\"stopped\":true,\"spun_ms\":%llu}", (unsigned long long)elapsed);
            return 1;
        }
        fs_worker_progress(p, elapsed >= ms ? 1.0 : (double)elapsed / (double)ms, &last);
    }
    fs_worker_postf(p, "{\"spun_ms\":%llu,\"iterations\":%llu}", (unsigned long long)elapsed,
                    (unsigned long long)iterations);
    return 0;
}
