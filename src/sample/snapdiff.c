/*
 * The last two snapshots of processes or threads and the CPU% diff between
 * them: the arrays swap roles at each snapshot, an ended one is sorted by id and
 * each entry is matched in the previous one by binary search. Owns both arrays
 * inside struct fs_snapdiff; knows an entry only through its layout.
 */
#include <config.h>

#include "sample/snapdiff.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sample/pidstat.h"
#include "util/xalloc.h"

void
fs_snapdiff_init(struct fs_snapdiff *d, const struct fs_snapdiff_layout *layout)
{
    memset(d, 0, sizeof *d);
    d->layout = layout;
}

void
fs_snapdiff_fini(struct fs_snapdiff *d)
{
    free(d->cur);
    free(d->prev);
    fs_snapdiff_init(d, d->layout);
}

void
fs_snapdiff_reset(struct fs_snapdiff *d)
{
    d->n = 0;
    d->prev_n = 0;
    d->valid = false;
}

void
fs_snapdiff_begin(struct fs_snapdiff *d)
{
    void *tmp = d->prev;
    size_t tmp_cap = d->prev_cap;
    d->prev = d->cur;
    d->prev_n = d->valid ? d->n : 0;
    d->prev_cap = d->cap;
    d->cur = tmp;
    d->cap = tmp_cap;
    d->n = 0;
    d->valid = false;
}

void *
fs_snapdiff_add(struct fs_snapdiff *d)
{
    size_t size = d->layout->size;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : d->layout->first_cap;
        d->cur = fs_xreallocarray(d->cur, d->cap, size);
    }
    return (char *)d->cur + d->n++ * size;
}

/* The id an entry starts with. */
static pid_t
id_of(const void *entry)
{
    pid_t id;
    memcpy(&id, entry, sizeof id);
    return id;
}

static uint64_t
u64_at(const void *entry, size_t offset)
{
    uint64_t v;
    memcpy(&v, (const char *)entry + offset, sizeof v);
    return v;
}

static int
cmp_id(const void *a, const void *b)
{
    pid_t x = id_of(a), y = id_of(b);
    return (x > y) - (x < y);
}

/* Binary search of an id-sorted array; returns the index or -1. */
static int
find_in(const void *array, size_t n, size_t size, pid_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        pid_t at = id_of((const char *)array + mid * size);
        if (at == id)
            return (int)mid;
        if (at < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int
fs_snapdiff_find(const struct fs_snapdiff *d, pid_t id)
{
    return find_in(d->cur, d->n, d->layout->size, id);
}

const void *
fs_snapdiff_find_prev(const struct fs_snapdiff *d, pid_t id)
{
    int i = find_in(d->prev, d->prev_n, d->layout->size, id);
    return i < 0 ? NULL : (const char *)d->prev + (size_t)i * d->layout->size;
}

/* Whether the snapshot came sorted, as a /proc listing usually does. */
static bool
sorted(const struct fs_snapdiff *d)
{
    size_t size = d->layout->size;
    for (size_t i = 1; i < d->n; i++)
        if (id_of((const char *)d->cur + i * size) < id_of((const char *)d->cur + (i - 1) * size))
            return false;
    return true;
}

void
fs_snapdiff_end(struct fs_snapdiff *d, double now, long clk_tck)
{
    const struct fs_snapdiff_layout *l = d->layout;
    if (!sorted(d))
        qsort(d->cur, d->n, l->size, cmp_id);
    for (size_t i = 0; i < d->n; i++) {
        char *e = (char *)d->cur + i * l->size;
        double cpu = NAN;
        int j = find_in(d->prev, d->prev_n, l->size, id_of(e));
        const char *old = j < 0 ? NULL : (const char *)d->prev + (size_t)j * l->size;
        if (old != NULL && u64_at(old, l->starttime) == u64_at(e, l->starttime))
            cpu = fs_pidstat_cpu_pct(u64_at(old, l->ticks), u64_at(e, l->ticks), now - d->at,
                                     clk_tck);
        memcpy(e + l->cpu, &cpu, sizeof cpu);
    }
    d->at = now;
    d->valid = true;
}
