/*
 * The process tree: one scan of /proc/[0-9]* reading each stat, parent/child
 * links by index, and sums over a process's descendants. The scans and the CPU%
 * of every process against the previous scan (matched by pid and start time)
 * are a struct fs_snapdiff; the tree owns it and the walk's stack.
 */
#include <config.h>

#include "sample/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample/pidstat.h"
#include "sample/procfs.h"
#include "util/xalloc.h"

_Static_assert(offsetof(struct fs_tree_proc, pid) == 0, "fs_snapdiff wants the id first");

static const struct fs_snapdiff_layout layout = FS_SNAPDIFF_LAYOUT(struct fs_tree_proc, 256);

void
fs_tree_init(struct fs_tree *t)
{
    memset(t, 0, sizeof *t);
    fs_snapdiff_init(&t->scans, &layout);
}

void
fs_tree_fini(struct fs_tree *t)
{
    fs_snapdiff_fini(&t->scans);
    free(t->stack);
    memset(t, 0, sizeof *t);
}

/* The processes of the last scan, sorted by pid. */
static struct fs_tree_proc *
procs(const struct fs_tree *t)
{
    return t->scans.cur;
}

const struct fs_tree_proc *
fs_tree_find(const struct fs_tree *t, pid_t pid)
{
    int i = fs_snapdiff_find(&t->scans, pid);
    return i < 0 ? NULL : &procs(t)[i];
}

const struct fs_tree_proc *
fs_tree_procs(const struct fs_tree *t, size_t *n)
{
    *n = t->scans.valid ? t->scans.n : 0;
    return procs(t);
}

/* Copies the previous scan's record of a quiet process that is still the same
 * one (its /proc inode); returns false when it has to be read. */
static bool
reuse_proc(struct fs_tree *t, pid_t pid, uint64_t ino)
{
    const struct fs_tree_proc *old = fs_snapdiff_find_prev(&t->scans, pid);
    if (old == NULL || old->kept || old->ino != ino)
        return false;
    struct fs_tree_proc *p = fs_snapdiff_add(&t->scans);
    *p = *old;
    p->first_child = -1;
    p->next_sibling = -1;
    p->fresh = false;
    return true;
}

/* Appends one process read from "NAME/stat"; a vanished or unreadable one is skipped. */
static void
add_proc(struct fs_tree *t, int rootfd, pid_t pid, uint64_t ino, const char *name)
{
    struct fs_pidstat st;
    if (fs_pidstat_read(rootfd, name, strlen(name), &st) != 0)
        return;
    struct fs_tree_proc *p = fs_snapdiff_add(&t->scans);
    p->pid = pid;
    p->ppid = st.ppid;
    p->pgrp = st.pgrp;
    p->state = st.state;
    p->exit_code = st.exit_code;
    size_t cl = strnlen(st.comm, sizeof p->comm - 1);
    memcpy(p->comm, st.comm, cl);
    p->comm[cl] = '\0';
    p->starttime = st.starttime;
    p->ticks = st.utime + st.stime;
    p->rss = st.rss;
    p->threads = st.threads;
    p->ino = ino;
    p->vsize = st.vsize;
    p->first_child = -1;
    p->next_sibling = -1;
    p->fresh = true;
    p->kept = false;
}

/* Lists the root and reads every process. */
static int
list_procs(struct fs_tree *t, int rootfd, bool reuse)
{
    int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    DIR *dir = fdopendir(fd);
    if (dir == NULL) {
        int err = -errno;
        close(fd);
        return err;
    }
    for (struct dirent *de = readdir(dir); de != NULL; de = readdir(dir)) {
        pid_t pid = fs_procfs_name_pid(de->d_name);
        if (pid != 0 && !(reuse && reuse_proc(t, pid, de->d_ino)))
            add_proc(t, rootfd, pid, de->d_ino, de->d_name);
    }
    closedir(dir);
    return 0;
}

/* A copied process has no CPU% of its own, and one read again after being
 * copied would have the ticks of several intervals over one: neither is known. */
static void
forget_stale_cpu(struct fs_tree *t)
{
    struct fs_tree_proc *all = procs(t);
    for (size_t k = 0; k < t->scans.n; k++) {
        const struct fs_tree_proc *old = NULL;
        if (all[k].fresh)
            old = fs_snapdiff_find_prev(&t->scans, all[k].pid);
        if (!all[k].fresh || (old != NULL && !old->fresh))
            all[k].cpu = NAN;
    }
}

/* Links every process to its parent's child list, in pid order. */
static void
link_children(struct fs_tree *t)
{
    struct fs_tree_proc *all = procs(t);
    for (size_t k = t->scans.n; k-- > 0;) {
        struct fs_tree_proc *p = &all[k];
        int parent = fs_snapdiff_find(&t->scans, p->ppid);
        if (parent < 0 || (size_t)parent == k)
            continue;
        p->next_sibling = all[parent].first_child;
        all[parent].first_child = (int)k;
    }
}

int
fs_tree_scan(struct fs_tree *t, int rootfd, double now, long clk_tck)
{
    bool reuse = t->marked && !fs_tree_full_due(t);
    t->marked = false;
    fs_snapdiff_begin(&t->scans);
    int r = list_procs(t, rootfd, reuse);
    if (r != 0)
        return r;
    fs_snapdiff_end(&t->scans, now, clk_tck);
    forget_stale_cpu(t);
    link_children(t);
    t->scans_done++;
    return 0;
}

/* Pushes i on the walk's stack, growing it as needed. */
static void
push(struct fs_tree *t, size_t *top, int i)
{
    if (*top == t->stack_cap) {
        t->stack_cap = t->stack_cap ? t->stack_cap * 2 : 64;
        t->stack = fs_xreallocarray(t->stack, t->stack_cap, sizeof *t->stack);
    }
    t->stack[(*top)++] = i;
}

/* A walk over the descendants of the process at index root: walk_start pushes
 * its children, walk_next pops one and pushes its own. The links come from stat
 * files read at different instants, so a walk is bounded by the process count
 * rather than trusting them to form a tree. */
static void
walk_start(struct fs_tree *t, int root, size_t *top, size_t *budget)
{
    const struct fs_tree_proc *all = procs(t);
    *top = 0;
    *budget = t->scans.n;
    for (int c = all[root].first_child; c >= 0; c = all[c].next_sibling)
        push(t, top, c);
}

static struct fs_tree_proc *
walk_next(struct fs_tree *t, size_t *top, size_t *budget)
{
    if (*top == 0 || *budget == 0)
        return NULL;
    (*budget)--;
    struct fs_tree_proc *all = procs(t), *p = &all[t->stack[--*top]];
    for (int c = p->first_child; c >= 0; c = all[c].next_sibling)
        push(t, top, c);
    return p;
}

int
fs_tree_sum(struct fs_tree *t, pid_t pid, struct fs_tree_sum *out)
{
    memset(out, 0, sizeof *out);
    int root = fs_snapdiff_find(&t->scans, pid);
    if (root < 0)
        return -ESRCH;
    size_t top, budget;
    walk_start(t, root, &top, &budget);
    for (const struct fs_tree_proc *p; (p = walk_next(t, &top, &budget)) != NULL;) {
        out->count++;
        out->rss += p->rss;
        out->threads += p->threads;
        if (isnan(p->cpu))
            out->cpu_unknown++;
        else
            out->cpu += p->cpu;
    }
    return 0;
}

void
fs_tree_keep(struct fs_tree *t, pid_t pid, bool subtree)
{
    int root = fs_snapdiff_find(&t->scans, pid);
    t->marked = true;
    if (root < 0)
        return;
    procs(t)[root].kept = true;
    if (!subtree)
        return;
    size_t top, budget;
    walk_start(t, root, &top, &budget);
    for (struct fs_tree_proc *p; (p = walk_next(t, &top, &budget)) != NULL;)
        p->kept = true;
}

static int
cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

void
fs_tree_keep_groups(struct fs_tree *t, pid_t *groups, size_t n)
{
    struct fs_tree_proc *all = procs(t);
    qsort(groups, n, sizeof *groups, cmp_pid);
    t->marked = true;
    for (size_t i = 0; n > 0 && i < t->scans.n; i++)
        if (bsearch(&all[i].pgrp, groups, n, sizeof *groups, cmp_pid) != NULL)
            all[i].kept = true;
}

void
fs_tree_quiet(struct fs_tree *t, pid_t pid)
{
    int i = fs_snapdiff_find(&t->scans, pid);
    if (i >= 0)
        procs(t)[i].kept = false;
}

bool
fs_tree_full_due(const struct fs_tree *t)
{
    return t->scans_done % FS_TREE_FULL_EVERY == 0;
}

void
fs_tree_skip(struct fs_tree *t)
{
    t->scans_done++;
}
