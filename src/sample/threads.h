/*
 * The thread list of one process: TID, name, state and CPU% of every
 * /proc/PID/task/TID, each thread's CPU% computed against the previous listing
 * (matched by TID and start time). With a TID filter it lists just that thread
 * of the process, which is how a worker thread of forkscope is shown: the same
 * reader with other data.
 *
 * A struct fs_threads is embedded in its owner (fs_threads_init / _fini) and
 * owns its arrays, reused from listing to listing.
 */
#ifndef FS_THREADS_H
#define FS_THREADS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/pidstat.h"
#include "sample/snapdiff.h"

/* At most this many threads are listed; the rest are counted in `omitted`. */
#define FS_THREADS_MAX 4096

struct fs_thread_sample {
    pid_t tid; /* first: the id of fs_snapdiff */
    char name[FS_PIDSTAT_COMM_MAX];
    char state;
    uint64_t starttime; /* jiffies after boot */
    uint64_t ticks;     /* utime + stime of this thread alone */
    double cpu;         /* % of one core since the previous listing; NAN when new */
};

struct fs_threads {
    struct fs_snapdiff lists; /* of struct fs_thread_sample: the last listing and the one before */
    size_t omitted;           /* threads beyond FS_THREADS_MAX in the last listing */
};

void fs_threads_init(struct fs_threads *t);
void fs_threads_fini(struct fs_threads *t);

/* Forgets the previous listing: the next one has no CPU%s (a new process). */
void fs_threads_reset(struct fs_threads *t);

/* Lists the threads of pid (only thread `only_tid` when it is > 0) at time `now`.
 * A thread that ends between the listing and the read is skipped. Returns 0, or
 * a negative errno (-ENOENT: the process is gone; the list is then empty). */
int fs_threads_sample(struct fs_threads *t, int rootfd, pid_t pid, pid_t only_tid, double now,
                      long clk_tck);

/* Returns the last listing, sorted by tid, and its length in *n; NULL (and 0) when
 * the last listing failed or there was none. Valid until the next listing. */
const struct fs_thread_sample *fs_threads_list(const struct fs_threads *t, size_t *n);

#endif
