/*
 * One watch of the sampler: reading a process or thread at a sample (stat,
 * status, statm, cmdline, thread list, tree sums, history), telling from its
 * schedstat whether it ran at all since the last sample, and the files it keeps
 * open. Owns the watch's allocations; the sampler owns the watches.
 */
#include <config.h>

#include "sample/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

#define CMDLINE_BUF 4096

struct fs_watch *
fs_watch_new(const void *key)
{
    struct fs_watch *w = fs_xcalloc(1, sizeof *w);
    w->key = key;
    w->status_fd = w->sched_fd = -1;
    return w;
}

/* Closes a file kept open, if it is. */
static void
let_go(struct fs_watch_env *e, int *fd)
{
    if (*fd < 0)
        return;
    close(*fd);
    *fd = -1;
    e->held--;
}

/* Opens the watch's file `name` to keep, when there is room for one more. */
static void
hold(struct fs_watch_env *e, const struct fs_watch *w, const char *name, int *fd)
{
    char path[FS_PROCFS_PATH_MAX];
    if (*fd >= 0 || e->held >= e->held_max || fs_procfs_join(path, w->dir, w->dirlen, name) != 0)
        return;
    *fd = openat(e->rootfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (*fd >= 0)
        e->held++;
}

void
fs_watch_release(struct fs_watch_env *e, struct fs_watch *w)
{
    let_go(e, &w->status_fd);
    let_go(e, &w->sched_fd);
    w->have_sched = false;
}

void
fs_watch_free(struct fs_watch_env *e, struct fs_watch *w)
{
    fs_watch_release(e, w);
    if (w->threads != NULL) {
        fs_threads_fini(w->threads);
        free(w->threads);
    }
    fs_desc_fini(&w->desc);
    free(w->cmdline);
    free(w);
}

/* Forgets everything learnt about the process at the watch's pid (not the history). */
static void
forget_process(struct fs_watch_env *e, struct fs_watch *w)
{
    fs_watch_release(e, w);
    w->known = false;
    w->have_ticks = false;
    w->have_ctx = false;
    free(w->cmdline);
    w->cmdline = NULL;
    w->s.cmdline = NULL;
    if (w->threads != NULL)
        fs_threads_reset(w->threads);
}

void
fs_watch_aim(struct fs_watch_env *e, struct fs_watch *w, pid_t pid, pid_t tid)
{
    forget_process(e, w);
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

void
fs_watch_set_flags(struct fs_watch *w, unsigned flags)
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
    /* A flag just set has nothing read yet: the next sample reads. */
    if (flags & ~w->flags)
        w->have_sched = false;
    w->flags = flags;
}

bool
fs_watch_quiet(struct fs_watch_env *e, struct fs_watch *w)
{
    if (w->s.tid != 0 || !w->known)
        return false;
    hold(e, w, "schedstat", &w->sched_fd);
    struct fs_pidsched now;
    int r = fs_pidstat_read_schedstat(e->rootfd, w->sched_fd, w->dir, w->dirlen, &now);
    if (r != 0 || now.run_ns == 0) {
        /* Gone (the read below says so), or no sched_info: read as before. */
        fs_watch_release(e, w);
        return false;
    }
    bool same = w->have_sched && now.run_ns == w->sched.run_ns && now.wait_ns == w->sched.wait_ns &&
                now.slices == w->sched.slices;
    w->sched = now;
    w->have_sched = true;
    return same && w->s.alive && w->s.threads == 1 && w->s.state != 'R' && w->threads == NULL;
}

/* Reads the process's cmdline (a thread has its process's) into the watch,
 * arguments joined by spaces. */
static void
read_cmdline(struct fs_watch_env *e, struct fs_watch *w)
{
    char buf[CMDLINE_BUF];
    ssize_t n = fs_procfs_cmdline(e->rootfd, w->s.pid, buf, sizeof buf);
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
read_status(struct fs_watch_env *e, struct fs_watch *w, struct fs_pidstatus *st)
{
    hold(e, w, "status", &w->status_fd);
    if (w->status_fd < 0)
        return fs_pidstat_read_status(e->rootfd, w->dir, w->dirlen, st);
    int r = fs_pidstat_reread_status(w->status_fd, st);
    if (r != 0 && r != -ENODATA)
        let_go(e, &w->status_fd);
    return r;
}

/* Reads status for the context switches and their rates. */
static void
sample_ctxsw(struct fs_watch_env *e, struct fs_watch *w, double now)
{
    struct fs_pidstatus st;
    if (read_status(e, w, &st) != 0) {
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
sample_statm(struct fs_watch_env *e, struct fs_watch *w)
{
    struct fs_pidstatm m;
    if (fs_pidstat_read_statm(e->rootfd, w->dir, w->dirlen, &m) != 0)
        return;
    uint64_t page = (uint64_t)e->page_size;
    w->s.shared = m.shared * page;
    w->s.text = m.text * page;
    w->s.data = m.data * page;
}

static void
sample_tree(struct fs_watch_env *e, struct fs_watch *w)
{
    struct fs_tree_sum sum;
    fs_tree_sum(&e->tree, w->s.pid, &sum); /* zeroes sum when the pid was not seen */
    w->s.descendants = sum.count;
    w->s.tree_cpu_unknown = sum.cpu_unknown;
    w->s.tree_cpu = sum.cpu;
    w->s.tree_rss = sum.rss * (uint64_t)e->page_size;
    w->s.tree_threads = sum.threads;
}

static void
history_push(struct fs_watch *w, double cpu, uint64_t rss)
{
    w->hcpu[w->hhead] = (float)cpu;
    w->hrss[w->hhead] = rss;
    w->hhead = (w->hhead + 1) % FS_SAMPLER_HISTORY;
    if (w->hlen < FS_SAMPLER_HISTORY)
        w->hlen++;
}

/* Copies what stat says into the sample, with the CPU% against the previous read. */
static void
apply_stat(struct fs_watch_env *e, struct fs_watch *w, const struct fs_pidstat *st, double now)
{
    if (!w->known || st->starttime != w->s.starttime) {
        /* A new process at this pid: the first read, or the pid was reused. */
        forget_process(e, w);
        w->known = true;
        w->s.generation++;
    }
    uint64_t ticks = st->utime + st->stime;
    /* A counter that went backwards gives NAN: counted as a first sample. */
    w->s.cpu = w->have_ticks
                   ? fs_pidstat_cpu_pct(w->prev_ticks, ticks, now - w->prev_at, e->clk_tck)
                   : NAN;
    w->prev_ticks = ticks;
    w->prev_at = now;
    w->have_ticks = true;

    memcpy(w->s.comm, st->comm, sizeof w->s.comm);
    w->s.state = st->state;
    w->s.ppid = st->ppid;
    w->s.cpu_ticks = ticks;
    w->s.rss = st->rss * (uint64_t)e->page_size;
    w->s.vsize = st->vsize;
    w->s.threads = st->threads;
    w->s.starttime = st->starttime;
    w->s.start = (double)st->starttime / (double)e->clk_tck;
}

/* What the tree scan just read of a process, when it read it and did not cut
 * its name: the watch need not read the same stat again. */
static bool
stat_from_tree(const struct fs_watch_env *e, pid_t pid, struct fs_pidstat *st)
{
    const struct fs_tree_proc *p = fs_tree_find(&e->tree, pid);
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

void
fs_watch_read(struct fs_watch_env *e, struct fs_watch *w, double now, bool tree)
{
    struct fs_pidstat st;
    int r = 0;
    if (!(tree && w->s.tid == 0 && stat_from_tree(e, w->s.pid, &st)))
        r = fs_pidstat_read(e->rootfd, w->dir, w->dirlen, &st);
    w->s.err = r;
    w->s.alive = r == 0;
    if (r != 0) {
        /* Gone: the next process seen at this pid is a new one. Another error
         * (EMFILE, say) keeps what is known; the figures of the last read stay. */
        if (r == -ENOENT || r == -ESRCH)
            forget_process(e, w);
        w->s.cpu = w->s.ctx_vol_rate = w->s.ctx_invol_rate = NAN;
        return;
    }
    apply_stat(e, w, &st, now);
    w->s.at = now;
    if (w->flags & FS_SAMPLE_CTXSW)
        sample_ctxsw(e, w, now);
    if (w->flags & FS_SAMPLE_STATM)
        sample_statm(e, w);
    if ((w->flags & FS_SAMPLE_TREE) && w->s.tid == 0)
        sample_tree(e, w);
    if ((w->flags & FS_SAMPLE_CMDLINE) &&
        (w->cmdline == NULL || strcmp(w->cmdline_comm, w->s.comm) != 0))
        read_cmdline(e, w);
    if (w->threads != NULL)
        fs_threads_sample(w->threads, e->rootfd, w->s.pid, w->s.tid, now, e->clk_tck);
    history_push(w, w->s.cpu, w->s.rss);
}

void
fs_watch_rest(struct fs_watch_env *e, struct fs_watch *w, double now, bool tree)
{
    /* Its counters are those of the last read, and they are still true at
     * `now`: the next read's rates run from here. */
    w->s.cpu = 0;
    w->prev_at = now;
    if (w->have_ctx) {
        w->s.ctx_vol_rate = w->s.ctx_invol_rate = 0;
        w->prev_ctx_at = now;
    }
    w->s.at = now;
    if (tree && (w->flags & FS_SAMPLE_TREE))
        sample_tree(e, w);
    history_push(w, w->s.cpu, w->s.rss);
}
