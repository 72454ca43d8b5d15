/*
 * forkscope worker API, the one header a worker module or plugin needs.
 *
 * A worker is a function that forkscope runs on a thread of its own process,
 * like Node's `new Worker()`. It talks to forkscope through a port: it posts
 * JSON messages (shown in the task's pane), receives the ones forkscope sends
 * it, asks whether a stop was requested, and may get a block of memory shared
 * with the other workers that name the same block (`shared: NAME`).
 *
 * A plugin is a shared object loaded with dlopen (`worker: ./libmine.so` or
 * `worker: ./libmine.so:symbol`). It exports
 *
 *     FS_WORKER_PLUGIN;                                  (the ABI it was built for)
 *     int fs_worker_main(struct fs_port *port, const char *args);
 *
 * The functions below are static inline calls through a table of function
 * pointers that forkscope puts at the start of every port, so a plugin does not
 * link against forkscope and does not depend on how forkscope was linked (a
 * static executable without -rdynamic works). See doc/workers.md.
 *
 * Versioning: FS_WORKER_ABI_VERSION changes when a function's meaning or the
 * layout of struct fs_port_ops changes incompatibly; forkscope refuses a plugin
 * built for another version. New functions are appended to fs_port_ops and
 * announced by its `size` field, without changing the version.
 */
#ifndef FORKSCOPE_WORKER_H
#define FORKSCOPE_WORKER_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FS_WORKER_ABI_VERSION 1

struct fs_port;

/* The entry point of a worker: returns 0 on success, non-zero on failure. */
typedef int (*fs_worker_main_fn)(struct fs_port *port, const char *args);

/* The functions a port offers, filled in by forkscope. */
struct fs_port_ops {
    int abi;     /* FS_WORKER_ABI_VERSION of the forkscope that made the port */
    size_t size; /* sizeof(struct fs_port_ops) there: later members exist if it is bigger */
    int (*post)(struct fs_port *port, const char *json, size_t len);
    int (*recv)(struct fs_port *port, char **json, size_t *len, int timeout_ms);
    void (*free_msg)(char *json);
    bool (*stop_requested)(struct fs_port *port);
    void *(*shared)(struct fs_port *port, size_t *size);
    const char *(*name)(struct fs_port *port);
};

/* Every port starts with this; the rest of it is private to forkscope. */
struct fs_port_head {
    const struct fs_port_ops *ops;
};

#define FS_PORT_OPS_(p) (((const struct fs_port_head *)(const void *)(p))->ops)

/*
 * Posts one message (a copy of `len` bytes of JSON) to forkscope. Blocks while
 * forkscope's mailbox is full (it holds at most 1024 messages or 4 MiB), so a
 * worker posting faster than forkscope reads is slowed down rather than using
 * more memory. Returns 0, or -1 when the port is closed (forkscope is going
 * away: return from the entry point).
 */
static inline int
fs_port_post(struct fs_port *p, const char *json, size_t len)
{
    return FS_PORT_OPS_(p)->post(p, json, len);
}

/*
 * Receives the next message forkscope sent, waiting at most timeout_ms
 * milliseconds (0: do not wait, negative: wait for ever). On 0, *json is a
 * NUL-terminated copy of *len bytes that the caller frees with
 * fs_port_free_msg. Returns 1 on timeout, and -1 when the port is closed or a
 * stop was requested (the worker should return).
 */
static inline int
fs_port_recv(struct fs_port *p, char **json, size_t *len, int timeout_ms)
{
    return FS_PORT_OPS_(p)->recv(p, json, len, timeout_ms);
}

/* Frees a message returned by fs_port_recv (NULL is fine). */
static inline void
fs_port_free_msg(struct fs_port *p, char *json)
{
    FS_PORT_OPS_(p)->free_msg(json);
}

/*
 * True once forkscope asked the worker to stop. A thread cannot be killed:
 * a worker checks this often enough (every ~10 ms of work) and returns.
 */
static inline bool
fs_port_stop_requested(struct fs_port *p)
{
    return FS_PORT_OPS_(p)->stop_requested(p);
}

/*
 * The task's shared memory block (`shared: NAME`, `shared_size: BYTES`),
 * zero-filled when first created and the same memory for every worker that
 * names it; NULL when the task has none. Sets *size when size is not NULL.
 * Synchronise through C11 atomics (<stdatomic.h>) on it.
 */
static inline void *
fs_port_shared(struct fs_port *p, size_t *size)
{
    return FS_PORT_OPS_(p)->shared(p, size);
}

/* The task's name, for messages. Owned by the port. */
static inline const char *
fs_port_name(struct fs_port *p)
{
    return FS_PORT_OPS_(p)->name(p);
}

/*
 * A plugin writes `FS_WORKER_PLUGIN;` once at file scope: it exports the ABI
 * version it was built for, which forkscope checks before calling it.
 */
#define FS_WORKER_PLUGIN                                                                           \
    extern const int fs_worker_abi;                                                                \
    const int fs_worker_abi = FS_WORKER_ABI_VERSION

#ifdef __cplusplus
}
#endif

#endif
