/*
 * The message log behind the traffic view: the last messages of every channel,
 * in arrival order, bounded by a count (default 10,000) and by the bytes kept
 * (each entry's copy and its bookkeeping, FS_MSGLOG_ENTRY_COST).
 * Each entry keeps at most FS_MSGLOG_KEEP bytes of its payload (what a screen
 * line can show, and a bit more for pretty-printing); its full size is noted.
 * What is evicted or cut is counted. Plain C, no allocation per message beyond
 * the copy of the kept bytes.
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
    unsigned flags; /* the frame's FS_IPC_* flags (model/ipc.h): non-zero is bad */
    int mode;       /* the channel's enum fs_ipc_mode */
    size_t size;    /* the payload's full size */
    size_t kept;    /* bytes of it in data */
    char *data;
    char *passed; /* what descriptors came with it ("tcp-server"), or NULL */
};

/* What an entry costs against the byte bound besides its kept bytes: the entry
 * itself and the allocator's overhead of its copy. So a flood of tiny messages
 * is bounded by bytes too, and the ring is never made longer than the bytes
 * allow. */
#define FS_MSGLOG_ENTRY_COST (sizeof(struct fs_msglog_entry) + 16)

struct fs_msglog {
    struct fs_msglog_entry *ring;
    size_t cap, head, n; /* entries; head is the oldest */
    size_t bytes, max_bytes;
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
/* Entry i, 0 the oldest; NULL past the end. Valid until the next add. */
const struct fs_msglog_entry *fs_msglog_get(const struct fs_msglog *log, size_t i);
/* Forgets every entry of a task (it was removed). */
void fs_msglog_forget(struct fs_msglog *log, const void *task);

#endif
