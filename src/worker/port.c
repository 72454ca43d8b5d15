/*
 * The port: two bounded, mutex-guarded mailboxes and a stop flag. Owns the
 * messages queued in either direction (each a heap copy of the bytes) and the
 * function table that the public API (forkscope/worker.h) calls through.
 *
 * Wake-ups: a post calls the wake function, outside the lock, only when it made
 * the outbox go from empty to non-empty. The loop's drain empties the outbox
 * whole, so the next post after a drain wakes again: no wake-up is lost, and a
 * burst of posts costs one wake-up (uv_async_send coalesces the rest anyway).
 * The worker's recv wakes the loop too, once, when a send had found the inbox
 * full and the worker has taken it down to half.
 */
#include <config.h>

#include "worker/port.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/blockq.h"
#include "util/xalloc.h"

/* The messages of one direction, each a heap copy of its bytes. */
struct fs_mailbox {
    struct fs_blockq q;
    pthread_cond_t changed; /* not full (outbox) or not empty (inbox) */
    unsigned waiters;
};

struct fs_port {
    struct fs_port_head head; /* first: the public API casts to it */
    char *name;
    pthread_mutex_t lock; /* guards both mailboxes and the counters */
    struct fs_mailbox out, in;
    size_t max_msgs, max_bytes;
    bool closed;
    bool room_wanted; /* a send found the inbox full: wake the loop when it has room */
    atomic_bool stop;
    fs_port_wake_fn wake;
    void *wake_arg;
    void *shared;
    size_t shared_size;
    unsigned long posted, wakes, post_waits, send_full;
};

static int port_post(struct fs_port *p, const char *json, size_t len);
static int port_recv(struct fs_port *p, char **json, size_t *len, int timeout_ms);
static void port_free_msg(char *json);
static bool port_stop_requested(struct fs_port *p);
static void *port_shared(struct fs_port *p, size_t *size);
static const char *port_name(struct fs_port *p);

static const struct fs_port_ops port_ops = {
    .abi = FS_WORKER_ABI_VERSION,
    .size = sizeof(struct fs_port_ops),
    .post = port_post,
    .recv = port_recv,
    .free_msg = port_free_msg,
    .stop_requested = port_stop_requested,
    .shared = port_shared,
    .name = port_name,
};

static void
mailbox_init(struct fs_mailbox *mb)
{
    pthread_condattr_t attr;

    memset(mb, 0, sizeof *mb);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&mb->changed, &attr);
    pthread_condattr_destroy(&attr);
}

static void
mailbox_fini(struct fs_mailbox *mb)
{
    fs_blockq_clear(&mb->q);
    pthread_cond_destroy(&mb->changed);
}

/* Whether one more message of len bytes fits. An empty box takes any message. */
static bool
mailbox_fits(const struct fs_port *p, const struct fs_mailbox *mb, size_t len)
{
    if (mb->q.count == 0)
        return true;
    return mb->q.count < p->max_msgs && mb->q.bytes + len <= p->max_bytes;
}

struct fs_port *
fs_port_new_bounded(const char *name, fs_port_wake_fn wake, void *wake_arg, size_t max_msgs,
                    size_t max_bytes)
{
    struct fs_port *p = fs_xcalloc(1, sizeof *p);

    p->head.ops = &port_ops;
    p->name = fs_xstrdup(name != NULL ? name : "worker");
    pthread_mutex_init(&p->lock, NULL);
    mailbox_init(&p->out);
    mailbox_init(&p->in);
    p->max_msgs = max_msgs != 0 ? max_msgs : FS_PORT_MAX_MSGS;
    p->max_bytes = max_bytes != 0 ? max_bytes : FS_PORT_MAX_BYTES;
    atomic_init(&p->stop, false);
    p->wake = wake;
    p->wake_arg = wake_arg;
    return p;
}

struct fs_port *
fs_port_new(const char *name, fs_port_wake_fn wake, void *wake_arg)
{
    return fs_port_new_bounded(name, wake, wake_arg, 0, 0);
}

void
fs_port_free(struct fs_port *p)
{
    if (p == NULL)
        return;
    mailbox_fini(&p->out);
    mailbox_fini(&p->in);
    pthread_mutex_destroy(&p->lock);
    free(p->name);
    free(p);
}

void
fs_port_set_shared(struct fs_port *p, void *mem, size_t size)
{
    pthread_mutex_lock(&p->lock);
    p->shared = mem;
    p->shared_size = mem != NULL ? size : 0;
    pthread_mutex_unlock(&p->lock);
}

/* The worker side: blocks while the outbox is full. */
static int
port_post(struct fs_port *p, const char *json, size_t len)
{
    struct fs_blockq_item *m = fs_blockq_item_new(json, len); /* copy before taking the lock */
    bool was_empty;

    pthread_mutex_lock(&p->lock);
    if (!p->closed && !mailbox_fits(p, &p->out, len)) {
        p->post_waits++;
        p->out.waiters++;
        while (!p->closed && !mailbox_fits(p, &p->out, len))
            pthread_cond_wait(&p->out.changed, &p->lock);
        p->out.waiters--;
    }
    if (p->closed) {
        pthread_mutex_unlock(&p->lock);
        free(m);
        return -1;
    }
    was_empty = fs_blockq_push(&p->out.q, m);
    p->posted++;
    if (was_empty && p->wake != NULL)
        p->wakes++;
    pthread_mutex_unlock(&p->lock);
    if (was_empty && p->wake != NULL)
        p->wake(p->wake_arg);
    return 0;
}

size_t
fs_port_drain(struct fs_port *p, fs_port_msg_fn cb, void *arg)
{
    struct fs_blockq all;
    struct fs_blockq_item *m;
    size_t n = 0;

    pthread_mutex_lock(&p->lock);
    all = p->out.q;
    p->out.q = (struct fs_blockq)FS_BLOCKQ_INIT;
    if (all.head != NULL && p->out.waiters > 0)
        pthread_cond_broadcast(&p->out.changed);
    pthread_mutex_unlock(&p->lock);

    while ((m = fs_blockq_pop(&all)) != NULL) {
        if (cb != NULL)
            cb(arg, m->data, m->len);
        free(m);
        n++;
    }
    return n;
}

int
fs_port_send(struct fs_port *p, const char *json, size_t len)
{
    struct fs_blockq_item *m = fs_blockq_item_new(json, len);
    int rc = 0;

    pthread_mutex_lock(&p->lock);
    if (p->closed) {
        rc = -EPIPE;
    } else if (!mailbox_fits(p, &p->in, len)) {
        p->send_full++;
        p->room_wanted = true;
        rc = -EAGAIN;
    } else {
        fs_blockq_push(&p->in.q, m);
        if (p->in.waiters > 0)
            pthread_cond_signal(&p->in.changed);
        m = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    free(m);
    return rc;
}

static void
deadline_after(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Whether recv must give up: closed, or a stop was requested. Lock held. */
static bool
recv_ended(struct fs_port *p)
{
    return p->closed || atomic_load_explicit(&p->stop, memory_order_relaxed);
}

/* The worker side: waits for a message at most timeout_ms (< 0: for ever). */
static int
port_recv(struct fs_port *p, char **json, size_t *len, int timeout_ms)
{
    struct timespec deadline;
    struct fs_blockq_item *m;

    *json = NULL;
    *len = 0;
    if (timeout_ms > 0)
        deadline_after(&deadline, timeout_ms);
    pthread_mutex_lock(&p->lock);
    p->in.waiters++;
    while (p->in.q.head == NULL && !recv_ended(p) && timeout_ms != 0) {
        if (timeout_ms < 0) {
            pthread_cond_wait(&p->in.changed, &p->lock);
        } else if (pthread_cond_timedwait(&p->in.changed, &p->lock, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    p->in.waiters--;
    if (recv_ended(p)) {
        pthread_mutex_unlock(&p->lock);
        return -1;
    }
    m = fs_blockq_pop(&p->in.q);
    if (m == NULL) {
        pthread_mutex_unlock(&p->lock);
        return 1;
    }
    /* A sender that found the inbox full hears once it is down to half. */
    bool room =
        p->room_wanted && p->in.q.count <= p->max_msgs / 2 && p->in.q.bytes <= p->max_bytes / 2;
    if (room) {
        p->room_wanted = false;
        if (p->wake != NULL)
            p->wakes++;
    }
    pthread_mutex_unlock(&p->lock);
    if (room && p->wake != NULL)
        p->wake(p->wake_arg);

    /* Hand out the message's bytes: move them to the start of the block. */
    *len = m->len;
    memmove(m, m->data, m->len + 1);
    *json = (char *)m;
    return 0;
}

static void
port_free_msg(char *json)
{
    free(json);
}

static bool
port_stop_requested(struct fs_port *p)
{
    return atomic_load_explicit(&p->stop, memory_order_relaxed);
}

static void *
port_shared(struct fs_port *p, size_t *size)
{
    if (size != NULL)
        *size = p->shared_size;
    return p->shared;
}

static const char *
port_name(struct fs_port *p)
{
    return p->name;
}

void
fs_port_request_stop(struct fs_port *p)
{
    pthread_mutex_lock(&p->lock);
    atomic_store_explicit(&p->stop, true, memory_order_relaxed);
    pthread_cond_broadcast(&p->in.changed);
    pthread_mutex_unlock(&p->lock);
}

void
fs_port_close(struct fs_port *p)
{
    pthread_mutex_lock(&p->lock);
    p->closed = true;
    pthread_cond_broadcast(&p->in.changed);
    pthread_cond_broadcast(&p->out.changed);
    pthread_mutex_unlock(&p->lock);
}

void
fs_port_wake(struct fs_port *p)
{
    if (p->wake != NULL)
        p->wake(p->wake_arg);
}

void
fs_port_stats(struct fs_port *p, struct fs_port_stats *st)
{
    pthread_mutex_lock(&p->lock);
    st->out_msgs = p->out.q.count;
    st->out_bytes = p->out.q.bytes;
    st->in_msgs = p->in.q.count;
    st->in_bytes = p->in.q.bytes;
    st->posted = p->posted;
    st->wakes = p->wakes;
    st->post_waits = p->post_waits;
    st->send_full = p->send_full;
    pthread_mutex_unlock(&p->lock);
}
