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
 * Reading every process's stat at every scan is most of what watching idle
 * tasks costs, so a scan may reuse what the one before it read: a process that
 * the owner did not mark as kept (fs_tree_keep: the tasks, their descendants
 * and group members), still under the same /proc inode (a new process at a
 * reused pid gets a new one), is copied rather than read again, except at
 * every FS_TREE_FULL_EVERY-th scan, which reads them all. Nothing of a quiet
 * process is shown; only a change of parent or group could make it matter.
 * The owner may also unmark a kept process it knows did not run (fs_tree_quiet)
 * and skip a scan altogether when nothing it watches ran (fs_tree_skip).
 *
 * A struct fs_tree is embedded in its owner (fs_tree_init / fs_tree_fini); it
 * owns its arrays, which are reused from scan to scan.
 */
#ifndef FS_TREE_H
#define FS_TREE_H

#include <stdbool.h>
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
    uint64_t ino;   /* of its /proc directory: which process this pid is */
    uint64_t vsize; /* bytes */
    double cpu; /* % of one core since the previous scan; NAN when new, copied or just read after
                   copies */
    int first_child;  /* index in the scan, -1 for none */
    int next_sibling; /* index in the scan, -1 for none */
    bool fresh;       /* read by this scan, not copied from the one before */
    bool kept;        /* marked by fs_tree_keep: the next scan reads it again */
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
    unsigned scans_done;
    bool marked; /* fs_tree_keep was called since the last scan */
};

/* Every this many scans, quiet processes are read again too. */
#define FS_TREE_FULL_EVERY 8

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

/* Marks pid (and with `subtree`, every descendant of it) in the last scan as
 * kept: the next scan reads it again. Once anything is marked, the next scan
 * may copy the processes that were not (see the top of this file). */
void fs_tree_keep(struct fs_tree *t, pid_t pid, bool subtree);

/* Marks as kept every process of the last scan whose process group is one of
 * the n pids of `groups` (which it sorts). */
void fs_tree_keep_groups(struct fs_tree *t, pid_t *groups, size_t n);

/* Unmarks pid, kept by the calls above: the owner knows it has not run since
 * the last scan (its schedstat), so the next scan may copy it. */
void fs_tree_quiet(struct fs_tree *t, pid_t pid);

/* Whether the next scan is one of the FS_TREE_FULL_EVERY-th, reading all. */
bool fs_tree_full_due(const struct fs_tree *t);

/* A sample without a scan (the owner knows nothing it watches can have
 * changed): counts as a scan towards FS_TREE_FULL_EVERY, so that a process
 * joining a watched group from outside is still seen within that many. */
void fs_tree_skip(struct fs_tree *t);

#endif
