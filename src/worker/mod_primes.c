/*
 * The `primes` worker: counts the primes up to N with a segmented sieve of
 * Eratosthenes (odd numbers only, 256 KiB segments), posting {"progress":x}
 * as it goes and {"count":C,"n":N} at the end. Checks for a stop request
 * after every segment, i.e. every millisecond or so.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "worker/modules.h"

#define SEGMENT (256u * 1024u) /* odd numbers per segment */
#define PRIMES_MAX UINT64_C(100000000000)

/* The odd primes up to sqrt(n) (a small plain sieve). Sets *count. */
static uint32_t *
base_primes(uint64_t limit, size_t *count)
{
    char *composite = fs_xcalloc(limit + 1, 1);
    uint32_t *primes = fs_xmalloc((limit / 2 + 1) * sizeof *primes);
    size_t n = 0;

    for (uint64_t i = 3; i <= limit; i += 2) {
        if (composite[i])
            continue;
        primes[n++] = (uint32_t)i;
        for (uint64_t j = i * i; j <= limit; j += 2 * i)
            composite[j] = 1;
    }
    free(composite);
    *count = n;
    return primes;
}

static uint64_t
isqrt(uint64_t n)
{
    uint64_t r = 0;

    while ((r + 1) * (r + 1) <= n)
        r++;
    return r;
}

/* Marks the odd composites in [lo, lo + 2 * len) and counts what is left. */
static uint64_t
sieve_segment(uint8_t *seg, uint64_t lo, size_t len, const uint32_t *primes, size_t np)
{
    uint64_t count = 0;

    memset(seg, 0, len);
    for (size_t k = 0; k < np; k++) {
        uint64_t p = primes[k];
        uint64_t start = p * p;
        if (start >= lo + 2 * len)
            break;
        if (start < lo) {
            start = (lo + p - 1) / p * p;
            if (start % 2 == 0)
                start += p;
        }
        for (uint64_t j = (start - lo) / 2; j < len; j += p)
            seg[j] = 1;
    }
    for (size_t i = 0; i < len; i++)
        count += seg[i] == 0;
    return count;
}

/* Counts the primes up to n; returns -1 if stopped. */
static int64_t
count_primes(struct fs_port *port, uint64_t n, double *last)
{
    size_t np;
    uint32_t *primes = base_primes(isqrt(n), &np);
    uint8_t *seg = fs_xmalloc(SEGMENT);
    uint64_t count = n >= 2 ? 1 : 0; /* 2, the only even prime */

    /* Odd numbers from 3: segment covers lo, lo + 2, ..., lo + 2 * (len - 1). */
    for (uint64_t lo = 3; lo <= n; lo += 2 * (uint64_t)SEGMENT) {
        size_t len = SEGMENT;
        if (lo + 2 * (uint64_t)(len - 1) > n)
            len = (size_t)((n - lo) / 2 + 1);
        count += sieve_segment(seg, lo, len, primes, np);
        if (fs_port_stop_requested(port)) {
            free(seg);
            free(primes);
            return -1;
        }
        fs_worker_progress(port, (double)(lo + 2 * len) / (double)n, last);
    }
    free(seg);
    free(primes);
    return (int64_t)count;
}

int
fs_mod_primes(struct fs_port *p, const char *args)
{
    uint64_t n;
    int64_t count;
    double last = 0;

    if (fs_worker_arg_u64(p, "primes", args, PRIMES_MAX, true, &n) != 0)
        return 2;
    count = count_primes(p, n, &last);
    if (count < 0) {
        fs_worker_postf(p, "{\"stopped\":true}");
        return 1;
    }
    fs_worker_progress(p, 1.0, &last);
    fs_worker_postf(p, "{\"count\":%lld,\"n\":%llu}", (long long)count, (unsigned long long)n);
    return 0;
}
