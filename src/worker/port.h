/*
 * The port between forkscope's loop and one worker thread: two bounded
 * mailboxes of JSON messages (the outbox, worker -> loop; the inbox,
 * loop -> worker), a stop flag, and the task's shared block.
 *
 * The worker side is the public API of include/forkscope/worker.h, reached
 * through the port's function table. This header is the loop side. Nothing here
 * knows about libuv: the loop passes a wake function (it calls uv_async_send)
 * that the posting thread calls when the outbox goes from empty to non-empty,
 * so wake-ups coalesce and none is lost; the loop then drains the outbox whole.
 */
#ifndef FS_WORKER_PORT_H
#define FS_WORKER_PORT_H

#include <stdbool.h>
#include <stddef.h>

#include "forkscope/worker.h"

/* The bounds of each mailbox: whichever is reached first. */
#define FS_PORT_MAX_MSGS 1024
#define FS_PORT_MAX_BYTES (4u << 20)

/* Called on the posting thread; must not block (uv_async_send). */
typedef void (*fs_port_wake_fn)(void *arg);
/* Called once per drained message, oldest first; the bytes are NUL-terminated. */
typedef void (*fs_port_msg_fn)(void *arg, const char *json, size_t len);

/*
 * Returns a new port named `name` (copied). `wake` may be NULL (the loop then
 * polls). Bounds of 0 mean FS_PORT_MAX_MSGS / FS_PORT_MAX_BYTES. The loop owns
 * the port and frees it after the worker thread was joined.
 */
struct fs_port *fs_port_new(const char *name, fs_port_wake_fn wake, void *wake_arg);
struct fs_port *fs_port_new_bounded(const char *name, fs_port_wake_fn wake, void *wake_arg,
                                    size_t max_msgs, size_t max_bytes);
/* Frees the port and any undelivered message. NULL is a no-op. */
void fs_port_free(struct fs_port *p);

/* Gives the port the task's shared block (owned by the caller, see shm.h). */
void fs_port_set_shared(struct fs_port *p, void *mem, size_t size);

/*
 * Takes every message in the outbox at once and calls cb for each outside the
 * lock; wakes a worker blocked on a full outbox. Returns the number drained.
 */
size_t fs_port_drain(struct fs_port *p, fs_port_msg_fn cb, void *arg);

/*
 * Sends a message to the worker (a copy). Never blocks: returns 0, -EAGAIN when
 * the inbox is full, -EPIPE when closed. After -EAGAIN the wake function is
 * called (on the worker's thread) once the worker has taken the inbox down to
 * half of its bounds, so a caller that queued the message can send it then.
 */
int fs_port_send(struct fs_port *p, const char *json, size_t len);

/* Asks the worker to stop: sets the flag and wakes it if blocked in recv. */
void fs_port_request_stop(struct fs_port *p);

/*
 * Closes both mailboxes: posts fail with -1 and recv returns -1, so a worker
 * blocked on a full outbox returns at once. Messages already queued can still
 * be drained.
 */
void fs_port_close(struct fs_port *p);

/* Calls the wake function unconditionally (used when the worker exits). */
void fs_port_wake(struct fs_port *p);

/* Counters for the pane and the tests. */
struct fs_port_stats {
    size_t out_msgs, out_bytes; /* queued in the outbox now */
    size_t in_msgs, in_bytes;   /* queued in the inbox now */
    unsigned long posted;       /* messages posted by the worker, in total */
    unsigned long wakes;        /* wake calls from posts (empty -> non-empty) */
    unsigned long post_waits;   /* times a post had to wait for a drain */
    unsigned long send_full;    /* fs_port_send refused (-EAGAIN) */
};
void fs_port_stats(struct fs_port *p, struct fs_port_stats *st);

#endif
