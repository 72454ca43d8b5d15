/*
 * The bounded message log (see msglog.h): a ring of entries; adding past either
 * bound evicts the oldest.
 */
#include "config.h"

#include "model/msglog.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void
fs_msglog_init(struct fs_msglog *log, size_t max_entries, size_t max_bytes)
{
    memset(log, 0, sizeof *log);
    log->cap = max_entries ? max_entries : 1;
    log->max_bytes = max_bytes;
    log->ring = fs_xcalloc(log->cap, sizeof *log->ring);
}

void
fs_msglog_fini(struct fs_msglog *log)
{
    if (log == NULL || log->ring == NULL)
        return;
    for (size_t i = 0; i < log->n; i++)
        free(log->ring[(log->head + i) % log->cap].data);
    free(log->ring);
    log->ring = NULL;
}

static void
evict_oldest(struct fs_msglog *log)
{
    struct fs_msglog_entry *e = &log->ring[log->head];
    log->bytes -= e->kept;
    free(e->data);
    e->data = NULL;
    log->head = (log->head + 1) % log->cap;
    log->n--;
    log->evicted++;
}

void
fs_msglog_add(struct fs_msglog *log, double t, const void *task, bool in, bool internal,
              bool bad, int mode, const char *data, size_t len, size_t size)
{
    size_t kept = len < FS_MSGLOG_KEEP ? len : FS_MSGLOG_KEEP;
    while (log->n > 0 && (log->n == log->cap || log->bytes + kept > log->max_bytes))
        evict_oldest(log);
    struct fs_msglog_entry *e = &log->ring[(log->head + log->n) % log->cap];
    e->t = t;
    e->task = task;
    e->in = in;
    e->internal = internal;
    e->bad = bad;
    e->mode = mode;
    e->size = size;
    e->kept = kept;
    e->data = fs_xmalloc(kept ? kept : 1);
    memcpy(e->data, data, kept);
    log->bytes += kept;
    log->n++;
    log->total++;
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
            log->bytes -= e->kept;
            free(e->data);
            e->data = NULL;
            continue;
        }
        if (w != r)
            log->ring[(log->head + w) % log->cap] = *e;
        w++;
    }
    log->n = w;
}
