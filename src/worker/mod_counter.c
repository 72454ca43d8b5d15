/*
 * The `counter` and `racer` workers: each adds 1 to the first 8 bytes of the
 * task's shared block N times. counter uses an atomic add, so two workers of N
 * end at exactly 2N; racer reads and writes through a volatile pointer with no
 * atomics (the C equivalent of `view[0]++` on a SharedArrayBuffer without
 * Atomics), so concurrent updates get lost. Both check for a stop request every
 * 65536 additions and post {"done":N,"counter":value} at the end.
 *
 * `racer N PEERS` loses updates on every run, not only when the scheduler
 * happens to interleave it: it first waits (up to 5 s) until PEERS racers have
 * arrived at the block's second word, so they run together, and every 256
 * additions it yields the CPU between its read and its write, a window in
 * which the others' additions are overwritten.
 */
#include <config.h>

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

    for (uint64_t i = 0; i < n; i++) {
        if ((i & 255u) == 255u) {
            uint64_t v = *c;
            sched_yield();
            *c = v + 1;
        } else {
            *c = *c + 1;
        }
    }
    return *c;
}

/* Waits until `peers` racers of this round have arrived (the round counts on,
 * so a rerun of them all waits for all again), at most 5 s, or a stop. */
static void
wait_peers(struct fs_port *p, void *mem, size_t size, uint64_t peers)
{
    if (peers < 2 || size < 2 * sizeof(uint64_t))
        return;
    _Atomic uint64_t *arrived = (_Atomic uint64_t *)mem + 1;
    uint64_t me = atomic_fetch_add(arrived, 1);
    uint64_t want = (me / peers + 1) * peers;
    uint64_t end = fs_worker_now_ms() + 5000;
    while (atomic_load(arrived) < want && fs_worker_now_ms() < end && !fs_port_stop_requested(p))
        sched_yield();
}

/* The optional second number of the args: how many racers run together. */
static uint64_t
peers_arg(const char *args)
{
    args += strspn(args, " \t");
    const char *sp = strchr(args, ' ');
    return sp != NULL ? strtoull(sp + 1, NULL, 10) : 0;
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
    if (add == add_racy)
        wait_peers(p, mem, size, peers_arg(args));
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
