/*
 * The sampler: what the app uses to show /proc figures. It is created on a /proc
 * root (any directory, so tests run on fixture trees); the caller registers the
 * processes to watch under keys of its own (its task objects), calls
 * fs_sampler_sample() on a timer, and reads the figures back by key.
 *
 * A watch is a pid, or a pid and a TID: a worker thread of forkscope is watched
 * as (getpid(), its TID) and is read from /proc/PID/task/TID by the same code, so
 * showing a thread instead of a process is a question of data, not code.
 *
 * Each watch reads only what its flags ask for: stat always; status for context
 * switches; statm for shared/text/data; the tree scan (one listing of /proc per
 * sample, shared by every watch that wants it) for descendants; the thread list;
 * cmdline once per process. No stdio, no sscanf: openat + read into stack buffers
 * and hand-written parsers (see doc/proc-sampling.md).
 *
 * Plain C: no libuv, no curses, no clock of its own (the caller passes the time).
 * Not thread-safe: one thread samples and reads.
 */
#ifndef FS_SAMPLER_H
#define FS_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/desc.h"
#include "sample/machine.h"
#include "sample/pidstat.h"
#include "sample/threads.h"

/* What a watch reads besides stat. */
enum fs_sample_flag {
    FS_SAMPLE_CTXSW = 1u << 0,   /* status: context switches, totals and per second */
    FS_SAMPLE_STATM = 1u << 1,   /* statm: shared, text and data sizes */
    FS_SAMPLE_TREE = 1u << 2,    /* figures summed over the descendants (pid watches only) */
    FS_SAMPLE_THREADS = 1u << 3, /* the thread list, see fs_sampler_threads() */
    FS_SAMPLE_CMDLINE = 1u << 4  /* cmdline, once per process (again after an exec) */
};
#define FS_SAMPLE_ALL 0x1fu

/* Samples of CPU% and RSS kept per watch, for sparklines. */
#define FS_SAMPLER_HISTORY 60

struct fs_sampler_config {
    const char *proc_root; /* NULL: "/proc" */
    long clk_tck;          /* jiffies per second; 0: sysconf(_SC_CLK_TCK) */
    long page_size;        /* bytes; 0: sysconf(_SC_PAGESIZE) */
};

/* The figures of one watch after the last sample. Fields of a flag the watch does
 * not have stay 0 (or NAN for rates). Memory figures are per process, so a
 * thread watch shows its process's. */
struct fs_sample {
    pid_t pid;
    pid_t tid;           /* 0 for a process watch */
    int err;             /* 0; -ENOENT or -ESRCH: gone (normal); other: the read failed */
    bool alive;          /* the last sample read it */
    unsigned generation; /* processes seen by this watch: 1 at the first read, +1 on
                          * a reused pid or a new pid given to fs_sampler_watch() */
    double at;           /* time of the last read */
    /* stat */
    char comm[FS_PIDSTAT_COMM_MAX];
    char state; /* R S D T t Z X I ...; '?' before the first read */
    pid_t ppid;
    double cpu;         /* % where 100 is one core; NAN: unknown (first sample, zero period) */
    uint64_t cpu_ticks; /* utime + stime, jiffies */
    uint64_t rss;       /* bytes; 0 for a zombie */
    uint64_t vsize;     /* bytes */
    int64_t threads;
    uint64_t starttime; /* jiffies after boot */
    double start;       /* seconds after boot; age = machine uptime - start */
    /* FS_SAMPLE_CTXSW */
    uint64_t ctx_vol, ctx_invol;         /* totals */
    double ctx_vol_rate, ctx_invol_rate; /* per second; NAN unknown */
    /* FS_SAMPLE_STATM, bytes */
    uint64_t shared, text, data;
    /* FS_SAMPLE_TREE: descendants only, not the process itself */
    unsigned descendants;
    unsigned tree_cpu_unknown; /* descendants seen for the first time, not in tree_cpu */
    double tree_cpu;           /* sum of the descendants' known CPU% */
    uint64_t tree_rss;         /* bytes */
    int64_t tree_threads;
    /* FS_SAMPLE_CMDLINE: arguments joined by spaces, owned by the sampler; NULL
     * until read. Read once per process, again when its comm changes (an exec). */
    const char *cmdline;
};

struct fs_sampler;

/* Creates a sampler on cfg->proc_root (cfg may be NULL for the defaults). Returns
 * 0 and *out (freed with fs_sampler_free), or a negative errno when the root
 * cannot be opened. */
int fs_sampler_new(const struct fs_sampler_config *cfg, struct fs_sampler **out);
void fs_sampler_free(struct fs_sampler *s);

/* Points the sampler at another /proc root, keeping every watch and its previous
 * counters (tests switch between two fixture snapshots this way). Returns 0 or a
 * negative errno (the old root is then kept). */
int fs_sampler_set_root(struct fs_sampler *s, const char *path);

/* Watches pid (tid 0) or thread tid of process pid under key. Watching a key again
 * with another pid or tid starts over as for a new process but keeps the
 * history (a task restarted keeps its sparkline); with the same pid and tid it
 * only changes the flags. The first sample of a watch has no CPU% or rates.
 * Returns 0, or -EINVAL when pid <= 0 or tid < 0. */
int fs_sampler_watch(struct fs_sampler *s, const void *key, pid_t pid, pid_t tid, unsigned flags);

/* Stops watching key; what fs_sampler_get() returned for it becomes invalid.
 * Returns 0 or -ENOENT. */
int fs_sampler_unwatch(struct fs_sampler *s, const void *key);

/* key's run ended: its own figures, history and threads are gone (NULL, 0),
 * but its descendant list stays, updated by each sample, while it has rows
 * (ended descendants for FS_DESC_LINGER seconds, orphans of its group while
 * they live); then the watch goes. Watching key again starts afresh. Returns 0
 * or -ENOENT. */
int fs_sampler_retire(struct fs_sampler *s, const void *key);

/* Changes what a watch reads (FS_SAMPLE_*). A rate whose file was not read in the
 * previous sample is unknown in the next. Returns 0 or -ENOENT. */
int fs_sampler_set_flags(struct fs_sampler *s, const void *key, unsigned flags);

/* Samples every watch at time `now` (seconds, any monotonic origin), and the
 * machine. A vanished pid, a zombie or a reused pid are normal cases, shown in
 * the watch's fs_sample. Returns 0, or the negative errno of the machine files
 * (the watches are sampled anyway). */
int fs_sampler_sample(struct fs_sampler *s, double now);

/* The figures of key's watch, owned by the sampler, valid until it is unwatched
 * or the sampler freed (they change in place at each sample). NULL if unknown. */
const struct fs_sample *fs_sampler_get(const struct fs_sampler *s, const void *key);

/* Copies key's history, oldest first, into cpu and rss (arrays of
 * FS_SAMPLER_HISTORY; either may be NULL). An unknown CPU% is NAN; RSS is in
 * bytes. Returns the count copied (0 for an unknown key). */
size_t fs_sampler_history(const struct fs_sampler *s, const void *key, float *cpu, uint64_t *rss);

/* The thread list of key's watch (FS_SAMPLE_THREADS), sorted by TID, owned by
 * the sampler and valid until the next sample. Sets *n (and *omitted, if not
 * NULL: threads beyond FS_THREADS_MAX). NULL with *n = 0 without the flag. */
const struct fs_thread_sample *fs_sampler_threads(const struct fs_sampler *s, const void *key,
                                                  size_t *n, size_t *omitted);

/* The descendants of key's watch one by one (FS_SAMPLE_TREE, process watches),
 * owned by the sampler and valid until the next sample; NULL without the flag.
 * See sample/desc.h: the order, the cap and how long ended ones stay. */
const struct fs_desc_list *fs_sampler_descendants(const struct fs_sampler *s, const void *key);

/* forkscope reaped pid (not a task's own: an orphaned descendant it adopted)
 * with wait status `status` at `now`: the record of whichever watch lists it
 * gets the status. Returns whether one did. */
bool fs_sampler_reaped(struct fs_sampler *s, pid_t pid, int status, double now);
/* The same for one watch's descendants, when someone else reaped pid and
 * said how it ended (node's tracer: a child's exit event). */
bool fs_sampler_ended(struct fs_sampler *s, const void *key, pid_t pid, int status, double now);

/* Sets the free label of a descendant of key's watch (NULL clears it).
 * Returns 0, -ENOENT (no such watch) or -ESRCH (no such descendant). */
int fs_sampler_set_note(struct fs_sampler *s, const void *key, pid_t pid, const char *note);

/* The machine's figures (CPU%, memory, uptime) of the last sample, owned by the sampler. */
const struct fs_machine *fs_sampler_machine(const struct fs_sampler *s);

/* The number of watches. */
size_t fs_sampler_count(const struct fs_sampler *s);

#endif
