/*
 * One watch of the sampler: a process (or a thread) under a key, what was read
 * of it last (its struct fs_sample), the counters of the previous read, its
 * history ring, thread list, cmdline and descendant list, and the files it keeps
 * open (status and schedstat). At a sample the sampler asks each watch whether
 * it ran since the last one (fs_watch_quiet, a read of schedstat), then either
 * reads it (fs_watch_read: stat and what its flags ask for) or, when it did not
 * run, reads nothing and keeps its figures (fs_watch_rest).
 *
 * The sampler owns the watches; the environment (struct fs_watch_env) holds what
 * they share: the /proc root, the units, the budget of files kept open and the
 * last tree scan.
 */
#ifndef FS_WATCH_H
#define FS_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/desc.h"
#include "sample/pidstat.h"
#include "sample/procfs.h"
#include "sample/sampler.h"
#include "sample/threads.h"
#include "sample/tree.h"

struct fs_watch_env {
    int rootfd;
    long clk_tck;
    long page_size;
    /* Files kept open by all watches, and how many may be: none under a low
     * limit of descriptors, where the tasks need every one. */
    size_t held, held_max;
    struct fs_tree tree; /* the last scan */
};

struct fs_watch {
    const void *key;
    unsigned flags;
    /* Its run ended (fs_sampler_retire): kept, unread, while its descendant
     * list still has rows (ended ones lingering, adopted orphans). */
    bool retired;
    /* It did not run since the previous sample: this sample reads nothing of it. */
    bool quiet;
    char dir[FS_PROCFS_PATH_MAX]; /* "PID" or "PID/task/TID" */
    size_t dirlen;
    struct fs_sample s;
    /* Counters of the previous read of the same process. */
    bool have_ticks, have_ctx;
    uint64_t prev_ticks, prev_vol, prev_invol;
    double prev_at, prev_ctx_at;
    bool known; /* s.starttime identifies the process at the pid */
    /* schedstat at the previous sample (have_sched), to tell whether it ran. */
    bool have_sched;
    struct fs_pidsched sched;
    /* cmdline (FS_SAMPLE_CMDLINE) and the comm it was read under. */
    char *cmdline;
    char cmdline_comm[FS_PIDSTAT_COMM_MAX];
    /* FS_SAMPLE_TREE: the descendants one by one. */
    struct fs_desc_list desc;
    /* FS_SAMPLE_THREADS; NULL until the flag is set. */
    struct fs_threads *threads;
    /* The process's status and schedstat files, kept open and read again from
     * their start at each sample (an open and a close less), or -1. */
    int status_fd, sched_fd;
    /* The history ring: `hlen` entries ending just before `hhead`. */
    float hcpu[FS_SAMPLER_HISTORY];
    uint64_t hrss[FS_SAMPLER_HISTORY];
    unsigned hhead, hlen;
};

/* A new watch of key, aimed at nothing yet (fs_watch_aim). */
struct fs_watch *fs_watch_new(const void *key);
/* Closes its files and frees it. */
void fs_watch_free(struct fs_watch_env *e, struct fs_watch *w);
/* Closes the files it keeps open (the root changed); they are opened again. */
void fs_watch_release(struct fs_watch_env *e, struct fs_watch *w);

/* Starts the watch over on pid/tid: the figures of the old process are
 * dropped, not the history. */
void fs_watch_aim(struct fs_watch_env *e, struct fs_watch *w, pid_t pid, pid_t tid);
/* Applies new flags: creates or drops the thread list, clears figures no
 * longer read. */
void fs_watch_set_flags(struct fs_watch *w, unsigned flags);

/* Reads schedstat and returns whether the process certainly did not run since
 * the previous sample and nothing else of it can have changed: a process watch
 * of one thread (schedstat is the main thread's), not running (state R) at the
 * last read, without a thread list shown, whose three numbers are those of
 * the previous sample. False whenever schedstat is missing, unreadable or
 * all zero (a kernel without sched_info): the watch is then read. */
bool fs_watch_quiet(struct fs_watch_env *e, struct fs_watch *w);

/* Reads the watch at `now`: stat (from the scan just taken when `tree` and the
 * scan read it), then status, statm, cmdline and the thread list as its flags
 * ask, the tree sums when `tree`, and pushes its history. */
void fs_watch_read(struct fs_watch_env *e, struct fs_watch *w, double now, bool tree);

/* A sample at `now` of a watch that did not run: CPU% and rates are 0, every
 * other figure stays; the tree sums are taken again when `tree` (a scan was
 * made for others). Pushes its history. */
void fs_watch_rest(struct fs_watch_env *e, struct fs_watch *w, double now, bool tree);

#endif
