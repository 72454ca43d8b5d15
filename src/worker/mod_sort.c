/*
 * The `sort` worker: fills an array with N pseudo-random 64-bit numbers and
 * sorts it with a bottom-up merge sort (runs of 4096 sorted with qsort first),
 * checking for a stop request between runs and between merges so a stop is
 * honoured within milliseconds even for large N. Posts {"progress":x}, then
 * {"sorted":N,"ok":true} after checking the order.
 */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "worker/modules.h"

#define RUN 4096u
#define SORT_MAX (UINT64_C(1) << 28) /* 2 GiB of numbers and as much scratch */

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* Merges a and b into out; returns false if stopped (checked every 64Ki numbers). */
static bool
merge(struct fs_port *p, const uint64_t *a, size_t na, const uint64_t *b, size_t nb, uint64_t *out)
{
    size_t i = 0, j = 0, k = 0;

    while (i < na && j < nb) {
        out[k++] = b[j] < a[i] ? b[j++] : a[i++];
        if (k % 65536 == 0 && fs_port_stop_requested(p))
            return false;
    }
    memcpy(out + k, a + i, (na - i) * sizeof *a);
    memcpy(out + k + (na - i), b + j, (nb - j) * sizeof *b);
    return true;
}

/* Sorts v (n numbers) using tmp; returns the sorted array (v or tmp), NULL if stopped. */
static uint64_t *
merge_sort(struct fs_port *p, uint64_t *v, uint64_t *tmp, size_t n)
{
    double last = 0, passes = 1, pass = 0;

    for (size_t w = RUN; w < n; w *= 2)
        passes++;
    for (size_t i = 0; i < n; i += RUN) {
        qsort(v + i, n - i < RUN ? n - i : RUN, sizeof *v, cmp_u64);
        if (fs_port_stop_requested(p))
            return NULL;
    }
    for (size_t w = RUN; w < n; w *= 2) {
        fs_worker_progress(p, ++pass / passes, &last);
        for (size_t i = 0; i < n; i += 2 * w) {
            size_t na = n - i < w ? n - i : w;
            size_t nb = n - i - na < w ? n - i - na : w;
            /* Before each merge too: merge() looks only every 64Ki numbers, and in
             * the early passes no merge is that long. */
            if (fs_port_stop_requested(p) || !merge(p, v + i, na, v + i + na, nb, tmp + i))
                return NULL;
        }
        uint64_t *t = v;
        v = tmp;
        tmp = t;
    }
    return v;
}

int
fs_mod_sort(struct fs_port *p, const char *args)
{
    uint64_t n, x = 0x9E3779B97F4A7C15ull;
    uint64_t *v, *tmp, *sorted;
    bool ok = true;

    if (fs_worker_arg_u64(p, "sort", args, SORT_MAX, true, &n) != 0)
        return 2;
    v = malloc((n + 1) * sizeof *v);
    tmp = malloc((n + 1) * sizeof *tmp);
    if (v == NULL || tmp == NULL) {
        free(v);
        free(tmp);
        fs_worker_post_error(p, "sort: not enough memory");
        return 1;
    }
    for (uint64_t i = 0; i < n; i++) {
        /* As often as merge() looks: filling fresh memory is page faults, slow
         * in sanitizer builds (each page has shadow pages to fault in too). */
        if (i % 65536 == 0 && fs_port_stop_requested(p))
            break;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v[i] = x;
    }
    sorted = fs_port_stop_requested(p) ? NULL : merge_sort(p, v, tmp, (size_t)n);
    for (uint64_t i = 1; sorted != NULL && i < n; i++)
        ok = ok && sorted[i - 1] <= sorted[i];
    free(v);
    free(tmp);
    if (sorted == NULL) {
        fs_worker_postf(p, "{\"stopped\":true}");
        return 1;
    }
    fs_worker_postf(p, "{\"progress\":1.00}");
    fs_worker_postf(p, "{\"sorted\":%llu,\"ok\":%s}", (unsigned long long)n, ok ? "true" : "false");
    return ok ? 0 : 1;
}
