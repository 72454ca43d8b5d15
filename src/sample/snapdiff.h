/*
 * Two snapshots of processes or threads, the last one and the one before it,
 * each an array sorted by pid (or tid), and the CPU% of every entry of the last
 * one against its previous self: the same id AND the same start time, so a
 * reused id never yields a bogus delta. The process tree and the thread list
 * are both such a pair, over entries of their own types; a layout says where
 * in an entry the fields the diff needs are.
 *
 * A struct fs_snapdiff is embedded in its owner (fs_snapdiff_init / _fini) and
 * owns both arrays, which swap roles and are reused from snapshot to snapshot.
 */
#ifndef FS_SNAPDIFF_H
#define FS_SNAPDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Where the fields are in an entry. Every entry STARTS with its pid_t id, the
 * sort key (users check it with a static assertion). */
struct fs_snapdiff_layout {
    size_t size;      /* of one entry */
    size_t starttime; /* offset of a uint64_t: jiffies after boot */
    size_t ticks;     /* offset of a uint64_t: utime + stime */
    size_t cpu;       /* offset of a double: % of one core, set by fs_snapdiff_end */
    size_t first_cap; /* entries of the first allocation */
};

/* The layout of an entry type whose fields are named starttime, ticks and cpu,
 * as the tree's and the thread list's are. */
#define FS_SNAPDIFF_LAYOUT(type, first_cap)                                                        \
    {                                                                                              \
        sizeof(type), offsetof(type, starttime), offsetof(type, ticks), offsetof(type, cpu),       \
            first_cap                                                                              \
    }

struct fs_snapdiff {
    const struct fs_snapdiff_layout *layout;
    void *cur; /* the last snapshot: `n` entries, sorted by id once ended */
    size_t n, cap;
    void *prev; /* the one before it: `prev_n` entries, sorted by id */
    size_t prev_n, prev_cap;
    double at;  /* when the last complete snapshot was taken */
    bool valid; /* the last snapshot is complete */
};

void fs_snapdiff_init(struct fs_snapdiff *d, const struct fs_snapdiff_layout *layout);
void fs_snapdiff_fini(struct fs_snapdiff *d);

/* Forgets both snapshots: the next one has no CPU%s (a new process). */
void fs_snapdiff_reset(struct fs_snapdiff *d);

/* Starts a snapshot: the last one becomes the previous one (none, when it was
 * not complete) and the new one is empty, marked incomplete until it ends. */
void fs_snapdiff_begin(struct fs_snapdiff *d);

/* Appends an entry to the snapshot being taken and returns it, uninitialised, for
 * the caller to fill (id first). Valid until the next add or begin. */
void *fs_snapdiff_add(struct fs_snapdiff *d);

/* Ends the snapshot taken at `now` (seconds, any monotonic origin): sorts it by
 * id, sets the CPU% of each entry found in the previous snapshot with the same
 * start time (others keep what the caller set, NAN) and marks it complete. */
void fs_snapdiff_end(struct fs_snapdiff *d, double now, long clk_tck);

/* Returns the index of `id` in the last snapshot (once ended), or -1. */
int fs_snapdiff_find(const struct fs_snapdiff *d, pid_t id);
/* Returns the entry of `id` in the previous snapshot, or NULL; while a
 * snapshot is being taken, that is the last complete one. */
const void *fs_snapdiff_find_prev(const struct fs_snapdiff *d, pid_t id);

#endif
