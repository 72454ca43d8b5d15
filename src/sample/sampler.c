/*
 * The sampler: the watches (sorted by key; each one's reading is in watch.c),
 * the /proc root fd, the machine figures and the shared tree scan, and what a
 * sample reads: only the watches that ran since the last one, and the tree only
 * when one of them could have gained a descendant. It owns all of them; callers
 * get const views (see sampler.h for how long they stay valid).
 */
#include <config.h>

#include "sample/sampler.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sample/desc.h"
#include "sample/procfs.h"
#include "sample/tree.h"
#include "sample/watch.h"
#include "util/xalloc.h"

#define HOLD_MIN_LIMIT 1024 /* files are kept open under at least this limit, */
#define HOLD_MAX 512        /* an eighth of it and at most this many (two a watch) */

struct fs_sampler {
    struct fs_watch_env e;
    struct fs_watch **watches; /* sorted by key */
    size_t n, cap;
    struct fs_machine machine;
    unsigned samples; /* taken so far: every FS_TREE_FULL_EVERY-th reads every watch */
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
    s->e.rootfd = fd;
    s->e.clk_tck = cfg->clk_tck > 0 ? cfg->clk_tck : sysconf(_SC_CLK_TCK);
    s->e.page_size = cfg->page_size > 0 ? cfg->page_size : sysconf(_SC_PAGESIZE);
    if (s->e.clk_tck <= 0)
        s->e.clk_tck = 100;
    if (s->e.page_size <= 0)
        s->e.page_size = 4096;
    fs_machine_init(&s->machine);
    fs_tree_init(&s->e.tree);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= HOLD_MIN_LIMIT)
        s->e.held_max = rl.rlim_cur / 8 < HOLD_MAX ? (size_t)(rl.rlim_cur / 8) : HOLD_MAX;
    *out = s;
    return 0;
}

void
fs_sampler_free(struct fs_sampler *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        fs_watch_free(&s->e, s->watches[i]);
    free(s->watches);
    fs_tree_fini(&s->e.tree);
    close(s->e.rootfd);
    free(s);
}

int
fs_sampler_set_root(struct fs_sampler *s, const char *path)
{
    int fd = fs_procfs_open_root(path);
    if (fd < 0)
        return fd;
    close(s->e.rootfd);
    s->e.rootfd = fd;
    for (size_t i = 0; i < s->n; i++)
        fs_watch_release(&s->e, s->watches[i]);
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

static struct fs_watch *
find_watch(const struct fs_sampler *s, const void *key)
{
    size_t at;
    return lookup(s, key, &at) ? s->watches[at] : NULL;
}

int
fs_sampler_watch(struct fs_sampler *s, const void *key, pid_t pid, pid_t tid, unsigned flags)
{
    if (pid <= 0 || tid < 0)
        return -EINVAL;
    size_t at;
    struct fs_watch *w;
    if (lookup(s, key, &at)) {
        w = s->watches[at];
        if (w->retired || w->s.pid != pid || w->s.tid != tid)
            fs_watch_aim(&s->e, w, pid, tid);
        w->retired = false;
    } else {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 16;
            s->watches = fs_xreallocarray(s->watches, s->cap, sizeof *s->watches);
        }
        memmove(&s->watches[at + 1], &s->watches[at], (s->n - at) * sizeof *s->watches);
        w = fs_watch_new(key);
        fs_watch_aim(&s->e, w, pid, tid);
        s->watches[at] = w;
        s->n++;
    }
    fs_watch_set_flags(w, flags);
    return 0;
}

int
fs_sampler_unwatch(struct fs_sampler *s, const void *key)
{
    size_t at;
    if (!lookup(s, key, &at))
        return -ENOENT;
    fs_watch_free(&s->e, s->watches[at]);
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
    struct fs_watch *w = s->watches[at];
    if (w->desc.n == 0 || !(w->flags & FS_SAMPLE_TREE) || w->s.tid != 0)
        return fs_sampler_unwatch(s, key);
    w->retired = true;
    w->s.alive = false;
    return 0;
}

/* The watch of key while its run is on (not retired), or NULL. */
static const struct fs_watch *
find_live(const struct fs_sampler *s, const void *key)
{
    const struct fs_watch *w = find_watch(s, key);
    return w != NULL && !w->retired ? w : NULL;
}

int
fs_sampler_set_flags(struct fs_sampler *s, const void *key, unsigned flags)
{
    struct fs_watch *w = find_watch(s, key);
    if (w == NULL)
        return -ENOENT;
    fs_watch_set_flags(w, flags);
    return 0;
}

/* Whether the watch is of a process and wants the tree. */
static bool
is_tree_watch(const struct fs_watch *w)
{
    return (w->flags & FS_SAMPLE_TREE) && w->s.tid == 0;
}

/* Returns whether any process watch wants the tree. */
static bool
tree_wanted(const struct fs_sampler *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (is_tree_watch(s->watches[i]))
            return true;
    return false;
}

/* Asks each watch whether it ran since the last sample (fs_watch_quiet), but
 * has every one read at every FS_TREE_FULL_EVERY-th sample, so that what can
 * change without a process running (its RSS, as pages are reclaimed) is not
 * stale for long. A process must run to fork, so the tree needs a scan only
 * when a tree watch ran or has descendants (or a retired one's rows), or when
 * the tree's full scan is due; a quiet process may be copied by the scan.
 * Returns whether to scan. */
static bool
check_watches(struct fs_sampler *s)
{
    bool full = s->samples++ % FS_TREE_FULL_EVERY == 0;
    bool scan = fs_tree_full_due(&s->e.tree);
    for (size_t i = 0; i < s->n; i++) {
        struct fs_watch *w = s->watches[i];
        w->quiet = !w->retired && fs_watch_quiet(&s->e, w) && !full;
        if (!is_tree_watch(w))
            continue;
        if (w->quiet)
            fs_tree_quiet(&s->e.tree, w->s.pid);
        if (!w->quiet || w->s.descendants != 0 || w->desc.n != 0)
            scan = true;
    }
    return scan;
}

/* Rebuilds each tree watch's descendant list from the scan just taken, within
 * FS_DESC_MAX a watch and FS_DESC_TOTAL in all. A watch whose process is gone
 * keeps only the descendants it adopted. */
static void
sample_descendants(struct fs_sampler *s, double now)
{
    size_t budget = FS_DESC_TOTAL;
    for (size_t i = 0; i < s->n; i++) {
        struct fs_watch *w = s->watches[i];
        if (!is_tree_watch(w))
            continue;
        struct fs_desc_ctx c = {s->e.rootfd, s->e.page_size, now, FS_DESC_LINGER,
                                budget < FS_DESC_MAX ? budget : FS_DESC_MAX};
        fs_desc_update(&w->desc, &s->e.tree, w->s.alive ? w->s.pid : 0, w->s.pid, &c);
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
        const struct fs_watch *w = s->watches[i];
        if (!is_tree_watch(w))
            continue;
        fs_tree_keep(&s->e.tree, w->s.pid, true);
        for (size_t k = 0; k < w->desc.n; k++)
            fs_tree_keep(&s->e.tree, w->desc.v[k].pid, false);
        groups[ngroups++] = w->s.pid;
    }
    fs_tree_keep_groups(&s->e.tree, groups, ngroups);
    free(groups);
}

int
fs_sampler_sample(struct fs_sampler *s, double now)
{
    int r = fs_machine_sample(&s->machine, s->e.rootfd);
    bool scan = check_watches(s), tree = false;
    if (tree_wanted(s)) {
        if (scan)
            tree = fs_tree_scan(&s->e.tree, s->e.rootfd, now, s->e.clk_tck) == 0;
        else
            fs_tree_skip(&s->e.tree);
    }
    for (size_t i = 0; i < s->n; i++) {
        struct fs_watch *w = s->watches[i];
        if (w->quiet)
            fs_watch_rest(&s->e, w, now, tree);
        else if (!w->retired)
            fs_watch_read(&s->e, w, now, tree);
    }
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
    const struct fs_watch *w = find_watch(s, key);
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
    struct fs_watch *w = find_watch(s, key);
    return w != NULL && fs_desc_reaped(&w->desc, pid, status, now);
}

int
fs_sampler_set_note(struct fs_sampler *s, const void *key, pid_t pid, const char *note)
{
    struct fs_watch *w = find_watch(s, key);
    return w != NULL ? fs_desc_set_note(&w->desc, pid, note) : -ENOENT;
}

const struct fs_sample *
fs_sampler_get(const struct fs_sampler *s, const void *key)
{
    const struct fs_watch *w = find_live(s, key);
    return w ? &w->s : NULL;
}

size_t
fs_sampler_history(const struct fs_sampler *s, const void *key, float *cpu, uint64_t *rss)
{
    const struct fs_watch *w = find_live(s, key);
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
    const struct fs_watch *w = find_live(s, key);
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
