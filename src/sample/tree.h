/*
 * The process tree, for the figures summed over a task's descendants
 * (grandchildren started through `sh -c`, build tools, ...). One scan lists the
 * numeric entries of the /proc root and reads each one's stat (ppid, CPU ticks,
 * RSS, threads, start time), then links every process to its parent. A
 * descendant's CPU% comes from its ticks in the previous scan, matched by pid
 * AND start time, so a reused pid never yields a bogus delta; a process seen for
 * the first time has no CPU% yet (it counts from its second scan) but its RSS and
 * threads count at once.
 *
 * A struct fs_tree is embedded in its owner (fs_tree_init / fs_tree_fini); it
 * owns its arrays, which are reused from scan to scan.
 */
#ifndef FS_TREE_H
#define FS_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/snapdiff.h"

/* One process as seen by the last scan. */
struct fs_tree_proc {
    pid_t pid; /* first: the id of fs_snapdiff */
    pid_t ppid;
    pid_t pgrp; /* its process group */
    char state;
    int exit_code;      /* a zombie's wait status; -1 when not known (fs_pidstat) */
    char comm[16];      /* the command name, cut to 15 bytes */
    uint64_t starttime; /* jiffies after boot */
    uint64_t ticks;     /* utime + stime */
    uint64_t rss;       /* pages */
    int64_t threads;
    double cpu;       /* % of one core since the previous scan; NAN when new */
    int first_child;  /* index in the scan, -1 for none */
    int next_sibling; /* index in the scan, -1 for none */
};

/* Figures summed over the descendants of one process (not the process itself). */
struct fs_tree_sum {
    unsigned count;       /* descendants, zombies included */
    unsigned cpu_unknown; /* of which seen for the first time: no CPU% yet */
    double cpu;           /* sum of the known CPU%s */
    uint64_t rss;         /* pages */
    int64_t threads;
};

struct fs_tree {
    struct fs_snapdiff scans; /* of struct fs_tree_proc: the last scan and the one before */
    int *stack;               /* the walk's stack, kept for reuse */
    size_t stack_cap;
};

void fs_tree_init(struct fs_tree *t);
void fs_tree_fini(struct fs_tree *t);

/* Scans the /proc root at rootfd at time `now` (seconds, any monotonic origin).
 * Processes that vanish between the listing and the read are skipped quietly.
 * Returns 0, or a negative errno when the root cannot be listed. */
int fs_tree_scan(struct fs_tree *t, int rootfd, double now, long clk_tck);

/* Returns the process `pid` of the last scan, or NULL. Valid until the next scan. */
const struct fs_tree_proc *fs_tree_find(const struct fs_tree *t, pid_t pid);

/* The processes of the last scan, sorted by pid, and their count in *n; the
 * links (first_child, next_sibling) are indices into it. Valid until the next
 * scan. */
const struct fs_tree_proc *fs_tree_procs(const struct fs_tree *t, size_t *n);

/* Sums the figures of pid's descendants in the last scan into *out. Returns 0, or
 * -ESRCH when pid was not in the scan (out is then zeroed). */
int fs_tree_sum(struct fs_tree *t, pid_t pid, struct fs_tree_sum *out);

#endif
