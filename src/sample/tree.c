/*
 * The process tree: one scan of /proc/[0-9]* reading each stat, parent/child
 * links by index, CPU% of every process against the previous scan (matched by
 * pid and start time), and sums over a process's descendants. Owns the scan
 * arrays inside struct fs_tree.
 */
#include <config.h>

#include "sample/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample/pidstat.h"
#include "sample/procfs.h"
#include "util/xalloc.h"

void
fs_tree_init(struct fs_tree *t)
{
    memset(t, 0, sizeof *t);
}

void
fs_tree_fini(struct fs_tree *t)
{
    free(t->procs);
    free(t->prev);
    free(t->stack);
    memset(t, 0, sizeof *t);
}

/* Binary search of a pid-sorted array; returns the index or -1. */
static int
find_index(const struct fs_tree_proc *procs, size_t n, pid_t pid)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (procs[mid].pid == pid)
            return (int)mid;
        if (procs[mid].pid < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const struct fs_tree_proc *
fs_tree_find(const struct fs_tree *t, pid_t pid)
{
    int i = find_index(t->procs, t->n, pid);
    return i < 0 ? NULL : &t->procs[i];
}

static int
cmp_pid(const void *a, const void *b)
{
    pid_t x = ((const struct fs_tree_proc *)a)->pid;
    pid_t y = ((const struct fs_tree_proc *)b)->pid;
    return (x > y) - (x < y);
}

/* Appends one process read from "NAME/stat"; a vanished or unreadable one is skipped. */
static void
add_proc(struct fs_tree *t, int rootfd, pid_t pid, const char *name)
{
    struct fs_pidstat st;
    if (fs_pidstat_read(rootfd, name, strlen(name), &st) != 0)
        return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->procs = fs_xreallocarray(t->procs, t->cap, sizeof *t->procs);
    }
    struct fs_tree_proc *p = &t->procs[t->n++];
    p->pid = pid;
    p->ppid = st.ppid;
    p->state = st.state;
    p->starttime = st.starttime;
    p->ticks = st.utime + st.stime;
    p->rss = st.rss;
    p->threads = st.threads;
    p->cpu = NAN;
    p->first_child = -1;
    p->next_sibling = -1;
}

/* Lists the root and reads every process; returns whether the list came sorted. */
static int
list_procs(struct fs_tree *t, int rootfd, bool *sorted)
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
    pid_t last = 0;
    *sorted = true;
    for (struct dirent *de = readdir(dir); de != NULL; de = readdir(dir)) {
        pid_t pid = fs_procfs_name_pid(de->d_name);
        if (pid == 0)
            continue;
        if (pid < last)
            *sorted = false;
        last = pid;
        add_proc(t, rootfd, pid, de->d_name);
    }
    closedir(dir);
    return 0;
}

/* Sets each process's CPU% from its entry in the previous scan, if the same process. */
static void
compute_cpu(struct fs_tree *t, double seconds, long clk_tck)
{
    for (size_t i = 0; i < t->n; i++) {
        struct fs_tree_proc *p = &t->procs[i];
        int j = find_index(t->prev, t->prev_n, p->pid);
        if (j < 0 || t->prev[j].starttime != p->starttime)
            continue;
        p->cpu = fs_pidstat_cpu_pct(t->prev[j].ticks, p->ticks, seconds, clk_tck);
    }
}

/* Links every process to its parent's child list, in pid order. */
static void
link_children(struct fs_tree *t)
{
    for (size_t k = t->n; k-- > 0;) {
        struct fs_tree_proc *p = &t->procs[k];
        int parent = find_index(t->procs, t->n, p->ppid);
        if (parent < 0 || (size_t)parent == k)
            continue;
        p->next_sibling = t->procs[parent].first_child;
        t->procs[parent].first_child = (int)k;
    }
}

int
fs_tree_scan(struct fs_tree *t, int rootfd, double now, long clk_tck)
{
    /* The last scan becomes the previous one; its array is refilled. */
    struct fs_tree_proc *tmp = t->prev;
    size_t tmp_cap = t->prev_cap;
    t->prev = t->procs;
    t->prev_n = t->scanned ? t->n : 0;
    t->prev_cap = t->cap;
    t->procs = tmp;
    t->cap = tmp_cap;
    t->n = 0;

    bool sorted = true;
    int r = list_procs(t, rootfd, &sorted);
    if (r != 0) {
        t->scanned = false;
        return r;
    }
    if (!sorted)
        qsort(t->procs, t->n, sizeof *t->procs, cmp_pid);
    compute_cpu(t, now - t->at, clk_tck);
    link_children(t);
    t->at = now;
    t->scanned = true;
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

int
fs_tree_sum(struct fs_tree *t, pid_t pid, struct fs_tree_sum *out)
{
    memset(out, 0, sizeof *out);
    int root = find_index(t->procs, t->n, pid);
    if (root < 0)
        return -ESRCH;
    size_t top = 0;
    for (int c = t->procs[root].first_child; c >= 0; c = t->procs[c].next_sibling)
        push(t, &top, c);
    /* The links come from stat files read at different instants, so the walk is
     * bounded by the process count rather than trusting them to form a tree. */
    size_t budget = t->n;
    while (top > 0 && budget-- > 0) {
        const struct fs_tree_proc *p = &t->procs[t->stack[--top]];
        out->count++;
        out->rss += p->rss;
        out->threads += p->threads;
        if (isnan(p->cpu))
            out->cpu_unknown++;
        else
            out->cpu += p->cpu;
        for (int c = p->first_child; c >= 0; c = t->procs[c].next_sibling)
            push(t, &top, c);
    }
    return 0;
}
