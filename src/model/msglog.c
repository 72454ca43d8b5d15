/*
 * The bounded message log (see msglog.h): a ring of slots addressed by
 * position (slot = position % cap). Entries of one task are linked oldest to
 * newest, so the oldest entry of the task holding the most is found without a
 * scan of the ring. Evicting it from the middle leaves a gap; gaps at the head
 * are stepped over at once, and when the ring is full the slots are packed
 * (the ring has a quarter more slots than entries, so packing frees at least
 * that many and costs O(1) per add over time).
 */
#include <config.h>

#include "model/msglog.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define NONE SIZE_MAX

static struct fs_msglog_entry *
at(const struct fs_msglog *log, size_t pos)
{
    return &log->ring[pos % log->cap];
}

void
fs_msglog_init(struct fs_msglog *log, size_t max_entries, size_t max_bytes)
{
    memset(log, 0, sizeof *log);
    size_t by_bytes = max_bytes / (FS_MSGLOG_ENTRY_COST + 1);
    log->max_live = max_entries < by_bytes ? max_entries : by_bytes;
    if (log->max_live == 0)
        log->max_live = 1;
    log->cap = log->max_live + log->max_live / 4 + 1;
    log->max_bytes = max_bytes;
    log->ring = fs_xcalloc(log->cap, sizeof *log->ring);
}

static struct fs_msglog_share *
share_of(const struct fs_msglog *log, const void *task)
{
    for (size_t i = 0; i < log->nshares; i++)
        if (log->shares[i].task == task)
            return &log->shares[i];
    return NULL;
}

/* Frees what an entry holds, takes it off the bytes kept and makes it a gap. */
static void
entry_drop(struct fs_msglog *log, struct fs_msglog_entry *e)
{
    log->bytes -= FS_MSGLOG_ENTRY_COST + e->kept + (e->passed ? strlen(e->passed) + 1 : 0) +
                  (e->route ? strlen(e->route) + 1 : 0);
    free(e->data);
    free(e->passed);
    free(e->route);
    e->data = e->passed = e->route = NULL;
    e->task = NULL;
    log->live--;
}

void
fs_msglog_fini(struct fs_msglog *log)
{
    if (log == NULL || log->ring == NULL)
        return;
    for (size_t i = 0; i < log->n; i++)
        if (at(log, log->head + i)->task != NULL)
            entry_drop(log, at(log, log->head + i));
    free(log->ring);
    free(log->shares);
    log->ring = NULL;
    log->shares = NULL;
}

/* Steps the head over gaps. */
static void
trim_head(struct fs_msglog *log)
{
    while (log->n > 0 && at(log, log->head)->task == NULL) {
        log->head++;
        log->n--;
    }
}

/* Packs the slots in use, keeping the order, and relinks each task's entries. */
static void
pack(struct fs_msglog *log)
{
    size_t w = 0;
    for (size_t r = 0; r < log->n; r++) {
        struct fs_msglog_entry *e = at(log, log->head + r);
        if (e->task == NULL)
            continue;
        if (w != r)
            *at(log, log->head + w) = *e;
        w++;
    }
    log->n = w;
    for (size_t i = 0; i < log->nshares; i++)
        log->shares[i].oldest = log->shares[i].newest = NONE;
    for (size_t r = 0; r < log->n; r++) {
        size_t pos = log->head + r;
        struct fs_msglog_entry *e = at(log, pos);
        struct fs_msglog_share *s = share_of(log, e->task);
        e->next = NONE;
        if (s->newest != NONE)
            at(log, s->newest)->next = pos;
        else
            s->oldest = pos;
        s->newest = pos;
    }
}

/* Evicts the oldest entry of the task holding the most (of two as loud, the
 * one whose oldest entry is older). */
static void
evict_one(struct fs_msglog *log)
{
    struct fs_msglog_share *v = NULL;
    for (size_t i = 0; i < log->nshares; i++) {
        struct fs_msglog_share *s = &log->shares[i];
        if (s->live > 0 &&
            (v == NULL || s->live > v->live || (s->live == v->live && s->oldest < v->oldest)))
            v = s;
    }
    struct fs_msglog_entry *e = at(log, v->oldest);
    v->oldest = e->next;
    if (--v->live == 0)
        v->newest = NONE;
    entry_drop(log, e);
    v->dropped++;
    log->evicted++;
    trim_head(log);
}

static struct fs_msglog_share *
share_add(struct fs_msglog *log, const void *task)
{
    struct fs_msglog_share *s = share_of(log, task);
    if (s != NULL)
        return s;
    log->shares = fs_xreallocarray(log->shares, log->nshares + 1, sizeof *log->shares);
    s = &log->shares[log->nshares++];
    *s = (struct fs_msglog_share){task, 0, NONE, NONE, 0};
    return s;
}

void
fs_msglog_add(struct fs_msglog *log, double t, const void *task, bool in, bool internal,
              unsigned flags, int mode, const char *data, size_t len, size_t size)
{
    size_t kept = len < FS_MSGLOG_KEEP ? len : FS_MSGLOG_KEEP;
    size_t cost = FS_MSGLOG_ENTRY_COST + kept;
    struct fs_msglog_share *s = share_add(log, task);
    while (log->live > 0 && (log->live == log->max_live || log->bytes + cost > log->max_bytes))
        evict_one(log);
    if (log->n == log->cap)
        pack(log);
    size_t pos = log->head + log->n;
    struct fs_msglog_entry *e = at(log, pos);
    *e = (struct fs_msglog_entry){.t = t,
                                  .task = task,
                                  .in = in,
                                  .internal = internal,
                                  .flags = flags,
                                  .mode = mode,
                                  .size = size,
                                  .kept = kept,
                                  .seq = log->total + 1,
                                  .next = NONE};
    e->data = fs_xmalloc(kept ? kept : 1);
    memcpy(e->data, data, kept);
    if (s->newest != NONE)
        at(log, s->newest)->next = pos;
    else
        s->oldest = pos;
    s->newest = pos;
    s->live++;
    log->bytes += cost;
    log->n++;
    log->live++;
    log->total++;
}

/* Sets a string of the newest entry (its `passed` or `route`), counted in the
 * bytes kept. */
static void
set_newest(struct fs_msglog *log, size_t field, const char *s)
{
    if (log->n == 0)
        return;
    struct fs_msglog_entry *e = at(log, log->head + log->n - 1);
    if (e->task == NULL)
        return;
    char **p = (char **)((char *)e + field);
    if (*p != NULL)
        log->bytes -= strlen(*p) + 1;
    free(*p);
    *p = fs_xstrdup(s);
    log->bytes += strlen(s) + 1;
}

void
fs_msglog_set_passed(struct fs_msglog *log, const char *passed)
{
    set_newest(log, offsetof(struct fs_msglog_entry, passed), passed);
}

void
fs_msglog_set_route(struct fs_msglog *log, const char *route)
{
    set_newest(log, offsetof(struct fs_msglog_entry, route), route);
}

const struct fs_msglog_entry *
fs_msglog_get(const struct fs_msglog *log, size_t i)
{
    if (i >= log->n)
        return NULL;
    const struct fs_msglog_entry *e = at(log, log->head + i);
    return e->task != NULL ? e : NULL;
}

unsigned long long
fs_msglog_dropped(const struct fs_msglog *log, const void *task)
{
    const struct fs_msglog_share *s = share_of(log, task);
    return s != NULL ? s->dropped : 0;
}

void
fs_msglog_forget(struct fs_msglog *log, const void *task)
{
    for (size_t r = 0; r < log->n; r++) {
        struct fs_msglog_entry *e = at(log, log->head + r);
        if (e->task == task)
            entry_drop(log, e);
    }
    struct fs_msglog_share *s = share_of(log, task);
    if (s != NULL)
        *s = log->shares[--log->nshares];
    pack(log);
    trim_head(log);
}
