/*
 * The `counter` and `racer` workers: each adds 1 to the first 8 bytes of the
 * task's shared block N times. counter uses an atomic add, so two workers of N
 * end at exactly 2N; racer reads and writes through a volatile pointer with no
 * atomics (the C equivalent of `view[0]++` on a SharedArrayBuffer without
 * Atomics), so concurrent updates get lost. Both check for a stop request every
 * 65536 additions and post {"done":N,"counter":value} at the end.
 */
#include <config.h>

#include <stdatomic.h>
#include <stdint.h>

#include "worker/modules.h"

#define CHUNK 65536u

typedef uint64_t (*add_fn)(void *mem, uint64_t n);

static uint64_t
add_atomic(void *mem, uint64_t n)
{
    _Atomic uint64_t *c = mem;

    for (uint64_t i = 0; i < n; i++)
        atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
    return atomic_load_explicit(c, memory_order_relaxed);
}

/*
 * The race is the point: ThreadSanitizer is told not to instrument it, so the
 * sanitizer runs of the tests still check everything else.
 */
#if defined(__clang__) || defined(__GNUC__)
__attribute__((no_sanitize_thread))
#endif
static uint64_t
add_racy(void *mem, uint64_t n)
{
    volatile uint64_t *c = mem;

    for (uint64_t i = 0; i < n; i++)
        *c = *c + 1;
    return *c;
}

static int
run(struct fs_port *p, const char *module, const char *args, add_fn add)
{
    uint64_t n, done = 0, value = 0;
    size_t size;
    void *mem = fs_port_shared(p, &size);

    if (fs_worker_arg_u64(p, module, args, UINT64_MAX / 4, true, &n) != 0)
        return 2;
    if (mem == NULL || size < sizeof(uint64_t)) {
        fs_worker_post_error(p, mem == NULL ? "needs a shared block (shared: NAME)"
                                            : "the shared block is smaller than 8 bytes");
        return 2;
    }
    while (done < n) {
        uint64_t k = n - done < CHUNK ? n - done : CHUNK;
        value = add(mem, k);
        done += k;
        if (fs_port_stop_requested(p)) {
            fs_worker_postf(p, "{\"stopped\":true,\"done\":%llu,\"counter\":%llu}",
                            (unsigned long long)done, (unsigned long long)value);
            return 1;
        }
    }
    fs_worker_postf(p, "{\"done\":%llu,\"counter\":%llu}", (unsigned long long)done,
                    (unsigned long long)value);
    return 0;
}

int
fs_mod_counter(struct fs_port *p, const char *args)
{
    return run(p, "counter", args, add_atomic);
}

int
fs_mod_racer(struct fs_port *p, const char *args)
{
    return run(p, "racer", args, add_racy);
}
