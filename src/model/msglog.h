/*
 * The message log behind the traffic view: the last messages of every channel,
 * in arrival order, bounded by a count (default 10,000) and by the bytes kept
 * (each entry's copy and its bookkeeping, FS_MSGLOG_ENTRY_COST).
 * Each entry keeps at most FS_MSGLOG_KEEP bytes of its payload (what a screen
 * line can show, and a bit more for pretty-printing); its full size is noted.
 *
 * A flood on one channel does not push out every other channel's messages:
 * when the log is full, the entry evicted is the oldest of the task that holds
 * the most entries. A task's first messages, or a bad frame, stay while a
 * louder task floods. What is evicted is counted, in all and per task. Plain
 * C, no allocation per message beyond the copy of the kept bytes.
 */
#ifndef FS_MSGLOG_H
#define FS_MSGLOG_H

#include <stdbool.h>
#include <stddef.h>

#define FS_MSGLOG_KEEP 4096

struct fs_msglog_entry {
    double t;
    const void *task; /* the sender's or receiver's key (the app's task) */
    bool in;          /* task -> forkscope */
    bool internal;
    unsigned flags; /* the frame's FS_IPC_* flags (ipc/ipc.h): non-zero is bad */
    int mode;       /* the channel's enum fs_ipc_mode */
    size_t size;    /* the payload's full size */
    size_t kept;    /* bytes of it in data */
    char *data;
    char *passed;           /* what descriptors came with it ("tcp-server"), or NULL */
    char *route;            /* a traced node message: "main → kid 1234"; NULL otherwise */
    unsigned long long seq; /* its number: 1 for the first entry ever added */
    size_t next;            /* private: the same task's next entry (a position), or SIZE_MAX */
};

/* What an entry costs against the byte bound besides its kept bytes: the entry
 * itself, the ring's spare slots (a quarter more than the entries, for the
 * gaps fair eviction leaves) and the allocator's overhead of its copy. So a
 * flood of tiny messages is bounded by bytes too, and the ring is never made
 * longer than the bytes allow. */
#define FS_MSGLOG_ENTRY_COST (sizeof(struct fs_msglog_entry) * 5 / 4 + 16)

/* One task's part of the log. */
struct fs_msglog_share {
    const void *task;
    size_t live;                /* its entries in the log */
    size_t oldest, newest;      /* positions of its oldest and newest entries */
    unsigned long long dropped; /* its entries evicted */
};

struct fs_msglog {
    struct fs_msglog_entry *ring;
    size_t cap;  /* slots */
    size_t head; /* position of the oldest slot in use; slot = position % cap */
    size_t n;    /* slots in use, from head: live entries and the gaps between */
    size_t live, max_live;
    size_t bytes, max_bytes;
    struct fs_msglog_share *shares;
    size_t nshares;
    unsigned long long evicted; /* entries dropped to stay within the bounds */
    unsigned long long total;   /* entries ever added */
};

void fs_msglog_init(struct fs_msglog *log, size_t max_entries, size_t max_bytes);
void fs_msglog_fini(struct fs_msglog *log);
void fs_msglog_add(struct fs_msglog *log, double t, const void *task, bool in, bool internal,
                   unsigned flags, int mode, const char *data, size_t len, size_t size);
/* Notes what descriptors came with the newest entry (a description, copied and
 * counted in the bytes kept). */
void fs_msglog_set_passed(struct fs_msglog *log, const char *passed);
/* Notes the route of the newest entry, a message a traced node program sent
 * (doc/tracing.md), copied and counted like the above. */
void fs_msglog_set_route(struct fs_msglog *log, const char *route);
/* Slot i of the n in use, 0 the oldest: its entry, or NULL for a gap (an entry
 * evicted from the middle) or past the end. Valid until the next add. */
const struct fs_msglog_entry *fs_msglog_get(const struct fs_msglog *log, size_t i);
/* How many of a task's entries were evicted (0 for an unknown task). */
unsigned long long fs_msglog_dropped(const struct fs_msglog *log, const void *task);
/* Forgets every entry of a task (it was removed). */
void fs_msglog_forget(struct fs_msglog *log, const void *task);

#endif
