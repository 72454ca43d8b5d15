/*
 * The sampler: the watches (sorted by key), the /proc root fd, the machine
 * figures, the shared tree scan, and for each watch its previous counters, its
 * history ring and optionally its thread list and cmdline. It owns all of them;
 * callers get const views (see sampler.h for how long they stay valid).
 */
#include <config.h>

#include "sample/sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sample/desc.h"
#include "sample/procfs.h"
#include "sample/tree.h"
#include "util/xalloc.h"

#define CMDLINE_BUF 4096

struct watch {
    const void *key;
    unsigned flags;
    /* Its run ended (fs_sampler_retire): kept, unread, while its descendant
     * list still has rows (ended ones lingering, adopted orphans). */
    bool retired;
    char dir[FS_PROCFS_PATH_MAX]; /* "PID" or "PID/task/TID" */
    size_t dirlen;
    struct fs_sample s;
    /* Counters of the previous read of the same process. */
    bool have_ticks, have_ctx;
    uint64_t prev_ticks, prev_vol, prev_invol;
    double prev_at, prev_ctx_at;
    bool known; /* s.starttime identifies the process at the pid */
    /* cmdline (FS_SAMPLE_CMDLINE) and the comm it was read under. */
    char *cmdline;
    char cmdline_comm[FS_PIDSTAT_COMM_MAX];
    /* FS_SAMPLE_TREE: the descendants one by one. */
    struct fs_desc_list desc;
    /* FS_SAMPLE_THREADS; NULL until the flag is set. */
    struct fs_threads *threads;
    /* The process's status file, kept open and read again from its start at
     * each sample (an open and a close less), or -1 (held_status). */
    int status_fd;
    /* The history ring: `hlen` entries ending just before `hhead`. */
    float hcpu[FS_SAMPLER_HISTORY];
    uint64_t hrss[FS_SAMPLER_HISTORY];
    unsigned hhead, hlen;
};

#define HOLD_MIN_LIMIT 1024 /* status files are kept open under at least this limit, */
#define HOLD_MAX 256        /* an eighth of it and at most this many */

struct fs_sampler {
    int rootfd;
    long clk_tck;
    long page_size;
    struct watch **watches; /* sorted by key */
    size_t n, cap;
    struct fs_machine machine;
    /* Status files kept open, and how many may be: none under a low limit
     * of descriptors, where the tasks need every one. */
    size_t held, held_max;
    struct fs_tree tree;
};

int
fs_sampler_new(const struct fs_sampler_config *cfg, struct fs_sampler **out)
{
    struct fs_sampler_config def = {NULL, 0, 0};
    if (cfg == NULL)
        cfg = &def;
    int fd = fs_procfs_open_root(cfg->proc_root);
    if (fd < 0)
        return fd;
    struct fs_sampler *s = fs_xcalloc(1, sizeof *s);
    s->rootfd = fd;
    s->clk_tck = cfg->clk_tck > 0 ? cfg->clk_tck : sysconf(_SC_CLK_TCK);
    s->page_size = cfg->page_size > 0 ? cfg->page_size : sysconf(_SC_PAGESIZE);
    if (s->clk_tck <= 0)
        s->clk_tck = 100;
    if (s->page_size <= 0)
        s->page_size = 4096;
    fs_machine_init(&s->machine);
    fs_tree_init(&s->tree);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= HOLD_MIN_LIMIT)
        s->held_max = rl.rlim_cur / 8 < HOLD_MAX ? (size_t)(rl.rlim_cur / 8) : HOLD_MAX;
    *out = s;
    return 0;
}

/* Closes the watch's status file if it is kept open. */
static void
release_status(struct fs_sampler *s, struct watch *w)
{
    if (w->status_fd < 0)
        return;
    close(w->status_fd);
    w->status_fd = -1;
    s->held--;
}

static void
watch_free(struct watch *w)
{
    if (w->threads != NULL) {
        fs_threads_fini(w->threads);
        free(w->threads);
    }
    fs_desc_fini(&w->desc);
    free(w->cmdline);
    free(w);
}

void
fs_sampler_free(struct fs_sampler *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++) {
        release_status(s, s->watches[i]);
        watch_free(s->watches[i]);
    }
    free(s->watches);
    fs_tree_fini(&s->tree);
    close(s->rootfd);
    free(s);
}

int
fs_sampler_set_root(struct fs_sampler *s, const char *path)
{
    int fd = fs_procfs_open_root(path);
    if (fd < 0)
        return fd;
    close(s->rootfd);
    s->rootfd = fd;
    for (size_t i = 0; i < s->n; i++)
        release_status(s, s->watches[i]);
    return 0;
}

/* Finds key's position: sets *at to where it is or would be inserted. */
static bool
lookup(const struct fs_sampler *s, const void *key, size_t *at)
{
    uintptr_t k = (uintptr_t)key;
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uintptr_t m = (uintptr_t)s->watches[mid]->key;
        if (m == k) {
            *at = mid;
            return true;
        }
        if (m < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return false;
}

static struct watch *
find_watch(const struct fs_sampler *s, const void *key)
{
    size_t at;
    return lookup(s, key, &at) ? s->watches[at] : NULL;
}

/* Forgets everything learnt about the process at the watch's pid (not the history). */
static void
forget_process(struct fs_sampler *s, struct watch *w)
{
    release_status(s, w);
    w->known = false;
    w->have_ticks = false;
    w->have_ctx = false;
    free(w->cmdline);
    w->cmdline = NULL;
    w->s.cmdline = NULL;
    if (w->threads != NULL)
        fs_threads_reset(w->threads);
}

/* Starts a watch over on pid/tid: the figures of the old process are dropped. */
static void
aim(struct fs_sampler *s, struct watch *w, pid_t pid, pid_t tid)
{
    forget_process(s, w);
    fs_desc_clear(&w->desc);
    unsigned generation = w->s.generation;
    memset(&w->s, 0, sizeof w->s);
    w->s.pid = pid;
    w->s.tid = tid;
    w->s.state = '?';
    w->s.generation = generation;
    w->s.cpu = w->s.ctx_vol_rate = w->s.ctx_invol_rate = NAN;
    w->dirlen = fs_procfs_pid_path(w->dir, pid, tid);
}

/* Applies new flags: creates or drops the thread list, forgets rates not read. */
static void
apply_flags(struct watch *w, unsigned flags)
{
    /* Figures no longer read are cleared rather than left to go stale. */
    if (!(flags & FS_SAMPLE_CTXSW)) {
        w->have_ctx = false;
        w->s.ctx_vol = w->s.ctx_invol = 0;
        w->s.ctx_vol_rate = w->s.ctx_invol_rate = NAN;
    }
    if (!(flags & FS_SAMPLE_STATM))
        w->s.shared = w->s.text = w->s.data = 0;
    if (!(flags & FS_SAMPLE_TREE)) {
        w->s.descendants = w->s.tree_cpu_unknown = 0;
        w->s.tree_cpu = 0;
        w->s.tree_rss = 0;
        w->s.tree_threads = 0;
        fs_desc_clear(&w->desc);
    }
    if ((flags & FS_SAMPLE_THREADS) && w->threads == NULL) {
        w->threads = fs_xmalloc(sizeof *w->threads);
        fs_threads_init(w->threads);
    } else if (!(flags & FS_SAMPLE_THREADS) && w->threads != NULL) {
        fs_threads_fini(w->threads);
        free(w->threads);
        w->threads = NULL;
    }
    w->flags = flags;
}

int
fs_sampler_watch(struct fs_sampler *s, const void *key, pid_t pid, pid_t tid, unsigned flags)
{
    if (pid <= 0 || tid < 0)
        return -EINVAL;
    size_t at;
    struct watch *w;
    if (lookup(s, key, &at)) {
        w = s->watches[at];
        if (w->retired || w->s.pid != pid || w->s.tid != tid)
            aim(s, w, pid, tid);
        w->retired = false;
    } else {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 16;
            s->watches = fs_xreallocarray(s->watches, s->cap, sizeof *s->watches);
        }
        memmove(&s->watches[at + 1], &s->watches[at], (s->n - at) * sizeof *s->watches);
        w = fs_xcalloc(1, sizeof *w);
        w->key = key;
        w->status_fd = -1;
        aim(s, w, pid, tid);
        s->watches[at] = w;
        s->n++;
    }
    apply_flags(w, flags);
    return 0;
}

int
fs_sampler_unwatch(struct fs_sampler *s, const void *key)
{
    size_t at;
    if (!lookup(s, key, &at))
        return -ENOENT;
    release_status(s, s->watches[at]);
    watch_free(s->watches[at]);
    memmove(&s->watches[at], &s->watches[at + 1], (s->n - at - 1) * sizeof *s->watches);
    s->n--;
    return 0;
}

int
fs_sampler_retire(struct fs_sampler *s, const void *key)
{
    size_t at;
    if (!lookup(s, key, &at))
        return -ENOENT;
    struct watch *w = s->watches[at];
    if (w->desc.n == 0 || !(w->flags & FS_SAMPLE_TREE) || w->s.tid != 0)
        return fs_sampler_unwatch(s, key);
    w->retired = true;
    w->s.alive = false;
    return 0;
}

/* The watch of key while its run is on (not retired), or NULL. */
static const struct watch *
find_live(const struct fs_sampler *s, const void *key)
{
    const struct watch *w = find_watch(s, key);
    return w != NULL && !w->retired ? w : NULL;
}

int
fs_sampler_set_flags(struct fs_sampler *s, const void *key, unsigned flags)
{
    struct watch *w = find_watch(s, key);
    if (w == NULL)
        return -ENOENT;
    apply_flags(w, flags);
    return 0;
}

/* Reads the process's cmdline (a thread has its process's) into the watch,
 * arguments joined by spaces. */
static void
read_cmdline(struct fs_sampler *s, struct watch *w)
{
    char buf[CMDLINE_BUF];
    ssize_t n = fs_procfs_cmdline(s->rootfd, w->s.pid, buf, sizeof buf);
    if (n < 0)
        return;
    free(w->cmdline);
    w->cmdline = fs_xstrndup(buf, (size_t)n);
    w->s.cmdline = w->cmdline;
    memcpy(w->cmdline_comm, w->s.comm, sizeof w->cmdline_comm);
}

/* Reads the watch's status file: from the start of the one kept open, when
 * there is one or room for one (a process that is gone fails that read, as
 * it would fail an open; the file is then let go), otherwise opened anew. */
static int
read_status(struct fs_sampler *s, struct watch *w, struct fs_pidstatus *st)
{
    if (w->status_fd < 0 && s->held < s->held_max) {
        char path[FS_PROCFS_PATH_MAX];
        if (fs_procfs_join(path, w->dir, w->dirlen, "status") == 0)
            w->status_fd = openat(s->rootfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (w->status_fd >= 0)
            s->held++;
    }
    if (w->status_fd < 0)
        return fs_pidstat_read_status(s->rootfd, w->dir, w->dirlen, st);
    int r = fs_pidstat_reread_status(w->status_fd, st);
    if (r != 0 && r != -ENODATA)
        release_status(s, w);
    return r;
}

/* Reads status for the context switches and their rates. */
static void
sample_ctxsw(struct fs_sampler *s, struct watch *w, double now)
{
    struct fs_pidstatus st;
    if (read_status(s, w, &st) != 0) {
        w->have_ctx = false;
        w->s.ctx_vol_rate = w->s.ctx_invol_rate = NAN;
        return;
    }
    if (w->have_ctx) {
        double dt = now - w->prev_ctx_at;
        w->s.ctx_vol_rate = fs_pidstat_rate(w->prev_vol, st.ctx_vol, dt);
        w->s.ctx_invol_rate = fs_pidstat_rate(w->prev_invol, st.ctx_invol, dt);
    } else {
        w->s.ctx_vol_rate = w->s.ctx_invol_rate = NAN;
    }
    w->s.ctx_vol = w->prev_vol = st.ctx_vol;
    w->s.ctx_invol = w->prev_invol = st.ctx_invol;
    w->prev_ctx_at = now;
    w->have_ctx = true;
}

static void
sample_statm(struct fs_sampler *s, struct watch *w)
{
    struct fs_pidstatm m;
    if (fs_pidstat_read_statm(s->rootfd, w->dir, w->dirlen, &m) != 0)
        return;
    uint64_t page = (uint64_t)s->page_size;
    w->s.shared = m.shared * page;
    w->s.text = m.text * page;
    w->s.data = m.data * page;
}

static void
sample_tree(struct fs_sampler *s, struct watch *w)
{
    struct fs_tree_sum sum;
    fs_tree_sum(&s->tree, w->s.pid, &sum); /* zeroes sum when the pid was not seen */
    w->s.descendants = sum.count;
    w->s.tree_cpu_unknown = sum.cpu_unknown;
    w->s.tree_cpu = sum.cpu;
    w->s.tree_rss = sum.rss * (uint64_t)s->page_size;
    w->s.tree_threads = sum.threads;
}

static void
history_push(struct watch *w, double cpu, uint64_t rss)
{
    w->hcpu[w->hhead] = (float)cpu;
    w->hrss[w->hhead] = rss;
    w->hhead = (w->hhead + 1) % FS_SAMPLER_HISTORY;
    if (w->hlen < FS_SAMPLER_HISTORY)
        w->hlen++;
}

/* Copies what stat says into the sample, with the CPU% against the previous read. */
static void
apply_stat(struct fs_sampler *s, struct watch *w, const struct fs_pidstat *st, double now)
{
    if (!w->known || st->starttime != w->s.starttime) {
        /* A new process at this pid: the first read, or the pid was reused. */
        forget_process(s, w);
        w->known = true;
        w->s.generation++;
    }
    uint64_t ticks = st->utime + st->stime;
    /* A counter that went backwards gives NAN: counted as a first sample. */
    w->s.cpu = w->have_ticks
                   ? fs_pidstat_cpu_pct(w->prev_ticks, ticks, now - w->prev_at, s->clk_tck)
                   : NAN;
    w->prev_ticks = ticks;
    w->prev_at = now;
    w->have_ticks = true;

    memcpy(w->s.comm, st->comm, sizeof w->s.comm);
    w->s.state = st->state;
    w->s.ppid = st->ppid;
    w->s.cpu_ticks = ticks;
    w->s.rss = st->rss * (uint64_t)s->page_size;
    w->s.vsize = st->vsize;
    w->s.threads = st->threads;
    w->s.starttime = st->starttime;
    w->s.start = (double)st->starttime / (double)s->clk_tck;
}

/* What the tree scan just read of a process, when it read it and did not cut
 * its name: the watch need not read the same stat again. */
static bool
stat_from_tree(const struct fs_sampler *s, pid_t pid, struct fs_pidstat *st)
{
    const struct fs_tree_proc *p = fs_tree_find(&s->tree, pid);
    if (p == NULL || !p->fresh || strlen(p->comm) >= sizeof p->comm - 1)
        return false;
    memset(st, 0, sizeof *st);
    memcpy(st->comm, p->comm, sizeof p->comm);
    st->state = p->state;
    st->ppid = p->ppid;
    st->pgrp = p->pgrp;
    st->utime = p->ticks;
    st->threads = p->threads;
    st->starttime = p->starttime;
    st->vsize = p->vsize;
    st->rss = p->rss;
    return true;
}

static void
sample_watch(struct fs_sampler *s, struct watch *w, double now, bool tree)
{
    struct fs_pidstat st;
    int r = 0;
    if (!(tree && w->s.tid == 0 && stat_from_tree(s, w->s.pid, &st)))
        r = fs_pidstat_read(s->rootfd, w->dir, w->dirlen, &st);
    w->s.err = r;
    w->s.alive = r == 0;
    if (r != 0) {
        /* Gone: the next process seen at this pid is a new one. Another error
         * (EMFILE, say) keeps what is known; the figures of the last read stay. */
        if (r == -ENOENT || r == -ESRCH)
            forget_process(s, w);
        w->s.cpu = w->s.ctx_vol_rate = w->s.ctx_invol_rate = NAN;
        return;
    }
    apply_stat(s, w, &st, now);
    w->s.at = now;
    if (w->flags & FS_SAMPLE_CTXSW)
        sample_ctxsw(s, w, now);
    if (w->flags & FS_SAMPLE_STATM)
        sample_statm(s, w);
    if ((w->flags & FS_SAMPLE_TREE) && w->s.tid == 0)
        sample_tree(s, w);
    if ((w->flags & FS_SAMPLE_CMDLINE) &&
        (w->cmdline == NULL || strcmp(w->cmdline_comm, w->s.comm) != 0))
        read_cmdline(s, w);
    if (w->threads != NULL)
        fs_threads_sample(w->threads, s->rootfd, w->s.pid, w->s.tid, now, s->clk_tck);
    history_push(w, w->s.cpu, w->s.rss);
}

/* Returns whether any process watch wants the tree. */
static bool
tree_wanted(const struct fs_sampler *s)
{
    for (size_t i = 0; i < s->n; i++)
        if ((s->watches[i]->flags & FS_SAMPLE_TREE) && s->watches[i]->s.tid == 0)
            return true;
    return false;
}

/* Rebuilds each tree watch's descendant list from the scan just taken, within
 * FS_DESC_MAX a watch and FS_DESC_TOTAL in all. A watch whose process is gone
 * keeps only the descendants it adopted. */
static void
sample_descendants(struct fs_sampler *s, double now)
{
    size_t budget = FS_DESC_TOTAL;
    for (size_t i = 0; i < s->n; i++) {
        struct watch *w = s->watches[i];
        if (!(w->flags & FS_SAMPLE_TREE) || w->s.tid != 0)
            continue;
        struct fs_desc_ctx c = {s->rootfd, s->page_size, now, FS_DESC_LINGER,
                                budget < FS_DESC_MAX ? budget : FS_DESC_MAX};
        fs_desc_update(&w->desc, &s->tree, w->s.alive ? w->s.pid : 0, w->s.pid, &c);
        /* Ended ones included; an update keeps no more than c.max. */
        budget -= w->desc.n < budget ? w->desc.n : budget;
    }
}

/* Marks what the next tree scan must read again: each tree watch's process,
 * its descendants, the processes of its list (adopted ones included) and the
 * members of its group. The others are nobody's, and may be copied. */
static void
keep_watched(struct fs_sampler *s)
{
    pid_t *groups = fs_xreallocarray(NULL, s->n ? s->n : 1, sizeof *groups);
    size_t ngroups = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct watch *w = s->watches[i];
        if (!(w->flags & FS_SAMPLE_TREE) || w->s.tid != 0)
            continue;
        fs_tree_keep(&s->tree, w->s.pid, true);
        for (size_t k = 0; k < w->desc.n; k++)
            fs_tree_keep(&s->tree, w->desc.v[k].pid, false);
        groups[ngroups++] = w->s.pid;
    }
    fs_tree_keep_groups(&s->tree, groups, ngroups);
    free(groups);
}

int
fs_sampler_sample(struct fs_sampler *s, double now)
{
    int r = fs_machine_sample(&s->machine, s->rootfd);
    bool tree = tree_wanted(s) && fs_tree_scan(&s->tree, s->rootfd, now, s->clk_tck) == 0;
    for (size_t i = 0; i < s->n; i++)
        if (!s->watches[i]->retired)
            sample_watch(s, s->watches[i], now, tree);
    if (tree) {
        sample_descendants(s, now);
        keep_watched(s);
    }
    /* A retired watch goes once nothing of it is left to show. */
    for (size_t i = s->n; i-- > 0;)
        if (s->watches[i]->retired && s->watches[i]->desc.n == 0)
            fs_sampler_unwatch(s, s->watches[i]->key);
    return r;
}

const struct fs_desc_list *
fs_sampler_descendants(const struct fs_sampler *s, const void *key)
{
    const struct watch *w = find_watch(s, key);
    return w != NULL && (w->flags & FS_SAMPLE_TREE) && w->s.tid == 0 ? &w->desc : NULL;
}

bool
fs_sampler_reaped(struct fs_sampler *s, pid_t pid, int status, double now)
{
    for (size_t i = 0; i < s->n; i++)
        if (fs_desc_reaped(&s->watches[i]->desc, pid, status, now))
            return true;
    return false;
}

bool
fs_sampler_ended(struct fs_sampler *s, const void *key, pid_t pid, int status, double now)
{
    struct watch *w = find_watch(s, key);
    return w != NULL && fs_desc_reaped(&w->desc, pid, status, now);
}

int
fs_sampler_set_note(struct fs_sampler *s, const void *key, pid_t pid, const char *note)
{
    struct watch *w = find_watch(s, key);
    return w != NULL ? fs_desc_set_note(&w->desc, pid, note) : -ENOENT;
}

const struct fs_sample *
fs_sampler_get(const struct fs_sampler *s, const void *key)
{
    const struct watch *w = find_live(s, key);
    return w ? &w->s : NULL;
}

size_t
fs_sampler_history(const struct fs_sampler *s, const void *key, float *cpu, uint64_t *rss)
{
    const struct watch *w = find_live(s, key);
    if (w == NULL)
        return 0;
    unsigned first = (w->hhead + FS_SAMPLER_HISTORY - w->hlen) % FS_SAMPLER_HISTORY;
    for (unsigned i = 0; i < w->hlen; i++) {
        unsigned j = (first + i) % FS_SAMPLER_HISTORY;
        if (cpu)
            cpu[i] = w->hcpu[j];
        if (rss)
            rss[i] = w->hrss[j];
    }
    return w->hlen;
}

const struct fs_thread_sample *
fs_sampler_threads(const struct fs_sampler *s, const void *key, size_t *n, size_t *omitted)
{
    const struct watch *w = find_live(s, key);
    *n = 0;
    if (omitted)
        *omitted = 0;
    if (w == NULL || w->threads == NULL)
        return NULL;
    const struct fs_thread_sample *list = fs_threads_list(w->threads, n);
    if (omitted && list != NULL)
        *omitted = w->threads->omitted;
    return list;
}

const struct fs_machine *
fs_sampler_machine(const struct fs_sampler *s)
{
    return &s->machine;
}

size_t
fs_sampler_count(const struct fs_sampler *s)
{
    return s->n;
}
