/*
 * A task's descendants as records in tree order, rebuilt at each update from
 * the process tree's last scan: a preorder walk from the task's process (and
 * from each adopted descendant), records of processes seen before carried
 * over, ended ones kept under their parent while they linger. The list owns
 * its records, their strings, the previous update's array and the walk's stack.
 */
#include <config.h>

#include "sample/desc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sample/procfs.h"
#include "util/signame.h"
#include "util/xalloc.h"

void
fs_desc_init(struct fs_desc_list *l)
{
    memset(l, 0, sizeof *l);
}

static void
record_free(struct fs_desc *d)
{
    free(d->cmd);
    free(d->note);
    d->cmd = d->note = NULL;
}

void
fs_desc_clear(struct fs_desc_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        record_free(&l->v[i]);
    l->n = l->live = l->cut = 0;
}

void
fs_desc_fini(struct fs_desc_list *l)
{
    fs_desc_clear(l);
    free(l->v);
    free(l->old);
    free(l->stack);
    memset(l, 0, sizeof *l);
}

/* Appends a zeroed record and returns it. */
static struct fs_desc *
append(struct fs_desc_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = fs_xreallocarray(l->v, l->cap, sizeof *l->v);
    }
    struct fs_desc *d = &l->v[l->n++];
    memset(d, 0, sizeof *d);
    return d;
}

/* Reads the command line of d's process, "[comm]" when it has none. */
static void
read_cmd(struct fs_desc *d, int rootfd)
{
    char buf[FS_DESC_CMD_MAX];
    ssize_t n = fs_procfs_cmdline(rootfd, d->pid, buf, sizeof buf);
    free(d->cmd);
    d->cmd = n > 0 ? fs_xstrndup(buf, (size_t)n) : fs_xasprintf("[%s]", d->comm);
}

/* The record of the previous update for the process p (same pid and start
 * time, not ended), or NULL. */
static struct fs_desc *
old_record(struct fs_desc *old, size_t nold, const struct fs_tree_proc *p)
{
    for (size_t k = 0; k < nold; k++)
        if (old[k].pid == p->pid && old[k].starttime == p->starttime && !old[k].ended)
            return &old[k];
    return NULL;
}

/* Adds the process p at `depth` to the list, carrying over what the previous
 * update knew of it; beyond the cap it is counted as cut. A carried-over
 * record is marked taken (pid -1) in the old array. */
static void
emit(struct fs_desc_list *l, const struct fs_desc_ctx *c, const struct fs_tree_proc *p,
     unsigned depth, size_t nold)
{
    struct fs_desc *was = old_record(l->old, nold, p);
    if (l->live >= c->max) {
        l->cut++;
        if (was != NULL) {
            record_free(was);
            was->pid = -1;
        }
        return;
    }
    struct fs_desc *d = append(l);
    if (was != NULL) {
        *d = *was;
        was->pid = -1;
        was->cmd = was->note = NULL;
    }
    /* Caught between fork and exec, a process has its parent's command line,
     * and often its comm (`sh` running `sh -c`): read twice, then on an exec. */
    bool exec = was == NULL || d->seen < 2 || strcmp(d->comm, p->comm) != 0;
    d->seen++;
    d->pid = p->pid;
    d->ppid = p->ppid;
    memcpy(d->comm, p->comm, sizeof d->comm);
    d->state = p->state;
    if (p->state == 'Z' && p->exit_code >= 0 && !d->have_status) {
        /* Dead, not yet reaped by its parent: its status is known already,
         * and stays with the record once the parent reaps it. */
        d->have_status = true;
        d->status = p->exit_code;
    }
    d->cpu = p->cpu;
    d->rss = p->rss * (uint64_t)c->page_size;
    d->threads = p->threads;
    d->starttime = p->starttime;
    d->depth = depth;
    if (exec)
        read_cmd(d, c->rootfd);
    l->live++;
}

/* Pushes i on the walk's stack, growing it as needed. */
static void
push(struct fs_desc_list *l, size_t *top, int i)
{
    if (*top == l->stack_cap) {
        l->stack_cap = l->stack_cap ? l->stack_cap * 2 : 64;
        l->stack = fs_xreallocarray(l->stack, l->stack_cap, sizeof *l->stack);
    }
    l->stack[(*top)++] = i;
}

/* Whether pid is already a record of the list being built. */
static bool
listed(const struct fs_desc_list *l, pid_t pid)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].pid == pid)
            return true;
    return false;
}

/* Emits, in preorder, the processes under index `from` (from itself too when
 * `self`), the first level at depth 1. The stack holds the ancestors of the
 * process being visited; the walk is bounded by the process count, since the
 * links come from stat files read at different instants. */
static void
walk(struct fs_desc_list *l, const struct fs_desc_ctx *c, const struct fs_tree_proc *all,
     size_t nall, int from, bool self, size_t nold)
{
    size_t top = 0, budget = nall;
    unsigned base = self ? 1 : 0; /* the depth of `from`'s children, less one */
    if (self && !listed(l, all[from].pid))
        emit(l, c, &all[from], 1, nold);
    push(l, &top, from);
    int i = all[from].first_child;
    /* One process visited a turn: the budget counts visits, not steps. */
    while (i >= 0 && budget-- > 0) {
        if (!listed(l, all[i].pid))
            emit(l, c, &all[i], (unsigned)top + base, nold);
        push(l, &top, i);
        i = all[i].first_child;
        /* No child: back up to the nearest ancestor with a next sibling. */
        while (top > 1 && i < 0)
            i = all[l->stack[--top]].next_sibling;
    }
}

/* Index of pid in the tree's last scan, whose processes are `all`, or -1. */
static int
scan_index(const struct fs_tree *t, const struct fs_tree_proc *all, pid_t pid)
{
    const struct fs_tree_proc *p = fs_tree_find(t, pid);
    return p != NULL ? (int)(p - all) : -1;
}

/* Puts the ended record d back in the list: after its parent's subtree, one
 * level under it, or at the end at depth 1 when its parent is not listed. */
static void
place_ended(struct fs_desc_list *l, const struct fs_desc *d)
{
    size_t at = l->n;
    unsigned depth = 1;
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].pid != d->ppid)
            continue;
        depth = l->v[i].depth + 1;
        for (at = i + 1; at < l->n && l->v[at].depth >= depth; at++)
            ;
        break;
    }
    append(l);
    memmove(&l->v[at + 1], &l->v[at], (l->n - 1 - at) * sizeof *l->v);
    l->v[at] = *d;
    l->v[at].depth = depth;
}

/* The records of the previous update that were not carried over: ended now
 * (or before), kept while they linger and there is room, freed otherwise. */
static void
keep_ended(struct fs_desc_list *l, const struct fs_desc_ctx *c, size_t nold)
{
    for (size_t k = 0; k < nold; k++) {
        struct fs_desc *d = &l->old[k];
        if (d->pid < 0)
            continue;
        if (!d->ended) {
            d->ended = true;
            d->ended_at = c->now;
        }
        d->state = 'X';
        d->cpu = NAN;
        if (c->now - d->ended_at >= c->linger || l->n >= c->max) {
            record_free(d);
            continue;
        }
        place_ended(l, d);
    }
}

size_t
fs_desc_update(struct fs_desc_list *l, const struct fs_tree *t, pid_t root, pid_t group,
               const struct fs_desc_ctx *c)
{
    size_t nall;
    const struct fs_tree_proc *all = fs_tree_procs(t, &nall);
    if (nall == 0)
        return l->live; /* no scan: nothing is known to have changed */
    /* The current records become the old ones; the list is built anew. */
    struct fs_desc *v = l->v;
    size_t nold = l->n, cap = l->cap;
    l->v = l->old;
    l->cap = l->old_cap;
    l->old = v;
    l->old_cap = cap;
    l->n = l->live = l->cut = 0;
    int r = root > 0 ? scan_index(t, all, root) : -1;
    if (r >= 0)
        walk(l, c, all, nall, r, false, nold);
    /* Descendants re-parented away (adopted by forkscope) stay the task's. */
    for (size_t k = 0; k < nold; k++) {
        const struct fs_desc *d = &l->old[k];
        if (d->pid <= 0 || d->ended)
            continue;
        int i = scan_index(t, all, d->pid);
        if (i >= 0 && all[i].starttime == d->starttime && i != r)
            walk(l, c, all, nall, i, true, nold);
    }
    /* So do the orphans of the task's group: members whose parent is not one. */
    for (size_t i = 0; group > 0 && i < nall; i++) {
        if (all[i].pgrp != group || (int)i == r)
            continue;
        int parent = scan_index(t, all, all[i].ppid);
        if (parent < 0 || all[parent].pgrp != group)
            walk(l, c, all, nall, (int)i, true, nold);
    }
    keep_ended(l, c, nold);
    return l->live;
}

bool
fs_desc_reaped(struct fs_desc_list *l, pid_t pid, int status, double now)
{
    for (size_t i = 0; i < l->n; i++) {
        struct fs_desc *d = &l->v[i];
        if (d->pid != pid || d->have_status)
            continue;
        if (!d->ended) {
            d->ended = true;
            d->ended_at = now;
            l->live--;
        }
        d->have_status = true;
        d->status = status;
        d->state = 'X';
        d->cpu = NAN;
        return true;
    }
    return false;
}

const struct fs_desc *
fs_desc_find(const struct fs_desc_list *l, pid_t pid)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].pid == pid)
            return &l->v[i];
    return NULL;
}

int
fs_desc_set_note(struct fs_desc_list *l, pid_t pid, const char *note)
{
    struct fs_desc *d = (struct fs_desc *)fs_desc_find(l, pid);
    if (d == NULL)
        return -ESRCH;
    free(d->note);
    d->note = note != NULL ? fs_xstrdup(note) : NULL;
    return 0;
}

void
fs_desc_describe_end(const struct fs_desc *d, char *buf, size_t len)
{
    const char *sig = NULL;
    if (!d->have_status)
        snprintf(buf, len, "ended");
    else if (WIFEXITED(d->status))
        snprintf(buf, len, "exit %d", WEXITSTATUS(d->status));
    else if (WIFSIGNALED(d->status) && (sig = fs_signame(WTERMSIG(d->status))) != NULL)
        snprintf(buf, len, "killed by %s", sig);
    else
        snprintf(buf, len, "killed by signal %d", WIFSIGNALED(d->status) ? WTERMSIG(d->status) : 0);
}
