/*
 * The bounded message log (see msglog.h): a ring of entries; adding past either
 * bound evicts the oldest.
 */
#include <config.h>

#include "model/msglog.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void
fs_msglog_init(struct fs_msglog *log, size_t max_entries, size_t max_bytes)
{
    memset(log, 0, sizeof *log);
    size_t by_bytes = max_bytes / (FS_MSGLOG_ENTRY_COST + 1);
    log->cap = max_entries < by_bytes ? max_entries : by_bytes;
    if (log->cap == 0)
        log->cap = 1;
    log->max_bytes = max_bytes;
    log->ring = fs_xcalloc(log->cap, sizeof *log->ring);
}

/* Frees what an entry holds and takes it off the bytes kept. */
static void
entry_drop(struct fs_msglog *log, struct fs_msglog_entry *e)
{
    log->bytes -= FS_MSGLOG_ENTRY_COST + e->kept + (e->passed ? strlen(e->passed) + 1 : 0);
    free(e->data);
    free(e->passed);
    e->data = e->passed = NULL;
}

void
fs_msglog_fini(struct fs_msglog *log)
{
    if (log == NULL || log->ring == NULL)
        return;
    for (size_t i = 0; i < log->n; i++)
        entry_drop(log, &log->ring[(log->head + i) % log->cap]);
    free(log->ring);
    log->ring = NULL;
}

static void
evict_oldest(struct fs_msglog *log)
{
    entry_drop(log, &log->ring[log->head]);
    log->head = (log->head + 1) % log->cap;
    log->n--;
    log->evicted++;
}

void
fs_msglog_add(struct fs_msglog *log, double t, const void *task, bool in, bool internal,
              unsigned flags, int mode, const char *data, size_t len, size_t size)
{
    size_t kept = len < FS_MSGLOG_KEEP ? len : FS_MSGLOG_KEEP;
    size_t cost = FS_MSGLOG_ENTRY_COST + kept;
    while (log->n > 0 && (log->n == log->cap || log->bytes + cost > log->max_bytes))
        evict_oldest(log);
    struct fs_msglog_entry *e = &log->ring[(log->head + log->n) % log->cap];
    e->t = t;
    e->task = task;
    e->in = in;
    e->internal = internal;
    e->flags = flags;
    e->mode = mode;
    e->size = size;
    e->kept = kept;
    e->data = fs_xmalloc(kept ? kept : 1);
    memcpy(e->data, data, kept);
    e->passed = NULL;
    log->bytes += cost;
    log->n++;
    log->total++;
}

void
fs_msglog_set_passed(struct fs_msglog *log, const char *passed)
{
    if (log->n == 0)
        return;
    struct fs_msglog_entry *e = &log->ring[(log->head + log->n - 1) % log->cap];
    if (e->passed != NULL)
        log->bytes -= strlen(e->passed) + 1;
    free(e->passed);
    e->passed = fs_xstrdup(passed);
    log->bytes += strlen(passed) + 1;
}

const struct fs_msglog_entry *
fs_msglog_get(const struct fs_msglog *log, size_t i)
{
    return i < log->n ? &log->ring[(log->head + i) % log->cap] : NULL;
}

void
fs_msglog_forget(struct fs_msglog *log, const void *task)
{
    /* Compacts the ring in place, keeping the order. */
    size_t w = 0;
    for (size_t r = 0; r < log->n; r++) {
        struct fs_msglog_entry *e = &log->ring[(log->head + r) % log->cap];
        if (e->task == task) {
            entry_drop(log, e);
            continue;
        }
        if (w != r)
            log->ring[(log->head + w) % log->cap] = *e;
        w++;
    }
    log->n = w;
}
