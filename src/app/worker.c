/*
 * Worker tasks: a module running on a thread inside forkscope, with a message
 * port. The thread touches nothing of the loop but the port, whose wake-up is
 * a runtime wake (uv_async); the loop drains the port whole, then joins the
 * thread once it is done. A module marked unsafe (crash) runs instead in a
 * `forkscope worker-host` child process, like a fork task, so that its crash
 * kills that process, not the dashboard.
 *
 * Sending: a message goes straight into the port's inbox. When the inbox is
 * full, a --control send waits in a queue here instead, and holds back the
 * input (rt/hold.h) until the worker has taken the inbox down and the queue
 * has gone into it; on the screen a full inbox refuses the typed message.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app_int.h"
#include "ipc/ipc.h"
#include "rt/hold.h"
#include "sample/sampler.h"
#include "util/blockq.h"
#include "util/container.h"
#include "util/xalloc.h"
#include "worker/jobs.h"
#include "worker/modules.h"
#include "worker/port.h"
#include "worker/shm.h"
#include "worker/thread.h"

struct app_worker {
    struct app_task *at;
    struct fs_port *port;
    struct fs_worker *thread;
    struct fs_shm *shm;
    struct fs_wake *wake;
    pthread_mutex_t mu; /* guards detached against the thread's wake-ups */
    bool detached;      /* given up on at quit: its thread must not wake the loop */
    /* Sends waiting for room in the inbox, oldest first; they hold the input. */
    struct fs_blockq pend;
    struct fs_rt_hold hold;
};

/* A waiting send is refused past this many bytes queued (it cannot happen
 * while the input is held back: one read of input holds far fewer), as for a
 * channel (rt/chanq.h). */
#define PENDING_CAP (16u << 20)

/* In the worker's thread: the port has messages, or the worker is done. */
static void
port_wake(void *arg)
{
    struct app_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    if (!w->detached)
        fs_wake_send(w->wake);
    pthread_mutex_unlock(&w->mu);
}

/* Gives up on a thread that does not return: it keeps its port, its shared
 * block and this object (they die with the process); the loop's wake-up is
 * closed once the thread can no longer send it. */
static void
detach(struct app_worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->detached = true;
    pthread_mutex_unlock(&w->mu);
    w->thread = NULL;
    fs_wake_free(w->wake);
}

static void
on_port_message(void *arg, const char *json, size_t len)
{
    struct app_task *at = arg;
    struct fs_channel_counts *c = &at->channel.counts;
    c->msgs_in++;
    c->bytes_in += len;
    struct fs_msg m = {
        .dir = FS_MSG_IN, .mode = FS_IPC_JSON, .data = json, .len = len, .size = len, .cmd = ""};
    if (at->app->ops->task_message != NULL)
        at->app->ops->task_message(at->app->fe, &at->t, &m);
    if (at->t.spec.pool_of != NULL)
        fs_pool_member_message(at, FS_IPC_JSON, json, len);
}

static size_t
hold_queued(struct fs_rt_hold *h)
{
    return FS_CONTAINER_OF(h, struct app_worker, hold)->pend.bytes;
}

/* Moves waiting sends into the inbox while it has room; once none waits, the
 * input goes on. */
static void
flush_pending(struct app_worker *w)
{
    while (w->pend.head != NULL &&
           fs_port_send(w->port, w->pend.head->data, w->pend.head->len) == 0) {
        free(fs_blockq_pop(&w->pend));
        fs_rt_hold_moved(&w->hold);
    }
    if (w->pend.head == NULL)
        fs_rt_hold_stop(w->at->app->rt, &w->hold);
}

/* The worker is gone: what still waits will never be taken. */
static void
drop_pending(struct app_worker *w)
{
    if (w->pend.count > 0) {
        char *msg = fs_xasprintf("task '%s': %zu messages (%zu bytes) that forkscope had queued "
                                 "for its inbox were not delivered",
                                 w->at->t.spec.name, w->pend.count, w->pend.bytes);
        fs_app_error(w->at, msg);
        free(msg);
    }
    fs_blockq_clear(&w->pend);
    fs_rt_hold_stop(w->at->app->rt, &w->hold);
}

/* On the loop: drain the port, fill the inbox from the queue, and join the
 * thread once it is done. */
static void
on_wake(void *arg)
{
    struct app_worker *w = arg;
    struct app_task *at = w->at;
    /* Read done first: every message posted before it is then in the port. */
    bool done = w->thread != NULL && fs_worker_done(w->thread);
    fs_port_drain(w->port, on_port_message, at);
    if (w->pend.head != NULL && !done)
        flush_pending(w);
    if (done) {
        int rc = fs_worker_join(w->thread);
        w->thread = NULL;
        fs_app_act(at, fs_task_exit_status(&at->t, rc, 0, fs_app_now(at->app)));
    }
}

int
fs_app_worker_spawn(struct app_task *at, char **err)
{
    const struct fs_task_spec *spec = &at->t.spec;
    fs_worker_entry entry;
    bool unsafe = false;
    if (fs_worker_load(spec->module, &entry, &unsafe, err) != 0)
        return -1;
    if (unsafe)
        return 1;
    struct app_worker *w = fs_xcalloc(1, sizeof *w);
    w->at = at;
    if (spec->shared != NULL) {
        w->shm = fs_shm_get(spec->shared, spec->shared_size, err);
        if (w->shm == NULL) {
            free(w);
            return -1;
        }
    }
    pthread_mutex_init(&w->mu, NULL);
    w->hold.queued = hold_queued;
    w->wake = fs_wake_new(at->app->rt, on_wake, w);
    w->port = fs_port_new(spec->name, port_wake, w);
    if (w->shm != NULL)
        fs_port_set_shared(w->port, fs_shm_mem(w->shm), fs_shm_size(w->shm));
    /* A pool member runs its module once per job it is sent. */
    int r = fs_worker_start_loop(entry, spec->pool_of != NULL ? fs_worker_run_jobs : NULL,
                                 spec->args, w->port, NULL, NULL, &w->thread);
    if (r != 0) {
        *err = fs_xasprintf("cannot start a thread: %s", strerror(-r));
        fs_port_free(w->port);
        fs_wake_free(w->wake);
        fs_shm_put(w->shm);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return -1;
    }
    at->worker = w;
    fs_channel_begin(at);
    return 0;
}

pid_t
fs_app_worker_tid(struct app_task *at)
{
    return at->worker != NULL && at->worker->thread != NULL ? fs_worker_tid(at->worker->thread) : 0;
}

void
fs_app_worker_stop(struct app_task *at)
{
    if (at->worker != NULL && at->worker->thread != NULL)
        fs_worker_stop(at->worker->thread);
}

void
fs_app_worker_overdue(struct app_task *at)
{
    struct app_worker *w = at->worker;
    if (w == NULL || w->thread == NULL)
        return;
    char *msg = fs_xasprintf("task '%s': the worker is unresponsive: it did not return within "
                             "%gs of the stop request (a thread cannot be killed)",
                             at->t.spec.name, at->t.spec.stop_timeout);
    fs_app_error(at, msg);
    free(msg);
    if (at->app->quitting) {
        /* forkscope ends anyway: the thread dies with the process. */
        detach(w);
        fs_app_act(at, fs_task_exit_status(&at->t, -1, 0, fs_app_now(at->app)));
    }
}

/* Why a send to w's inbox was refused. */
static char *
send_error(struct app_worker *w, int r)
{
    const char *name = w->at->t.spec.name;
    switch (r) {
    case -EAGAIN:
        return fs_xasprintf("task '%s': not sent: its inbox is full (the worker has not taken "
                            "its messages yet)",
                            name);
    case -ETIMEDOUT:
        return fs_xasprintf("task '%s': not sent: the worker has taken nothing from its inbox "
                            "for %g s and %zu messages wait",
                            name, w->at->app->send_timeout, w->pend.count);
    case -ENOBUFS:
        return fs_xasprintf("task '%s': not sent: %zu bytes wait for its inbox already", name,
                            w->pend.bytes);
    default:
        return fs_xasprintf("task '%s': not sent: its port is closed", name);
    }
}

/* Into the inbox, or behind the messages waiting for it. */
static int
send_or_queue(struct app_worker *w, const char *data, size_t n)
{
    int r = w->pend.head == NULL ? fs_port_send(w->port, data, n) : -EAGAIN;
    if (r != -EAGAIN || w->at->app->send_timeout <= 0)
        return r; /* sent, closed, or on the screen: refused */
    if (fs_rt_hold_stalled(&w->hold))
        return -ETIMEDOUT;
    if (w->pend.bytes + n > PENDING_CAP)
        return -ENOBUFS;
    fs_blockq_push(&w->pend, fs_blockq_item_new(data, n));
    fs_rt_hold_start(w->at->app->rt, &w->hold);
    /* The worker may have made room since: the port wakes the loop only for a
     * send that found the inbox full, and this one may not have tried. */
    flush_pending(w);
    return 0;
}

int
fs_app_worker_send(struct app_task *at, const char *json, size_t len, char **err)
{
    struct app_worker *w = at->worker;
    if (w == NULL || w->thread == NULL || w->detached) {
        *err = fs_xasprintf("task '%s' is not running", at->t.spec.name);
        return -1;
    }
    struct fs_ipc_buf buf;
    if (fs_ipc_encode(FS_IPC_JSON, json, len, &buf, err) != 0) {
        char *e = fs_xasprintf("task '%s': not sent: %s", at->t.spec.name, *err);
        free(*err);
        *err = e;
        return -1;
    }
    size_t n = buf.len - 1; /* without the "\n" */
    int r = send_or_queue(w, buf.data, n);
    if (r == 0) {
        at->channel.counts.msgs_out++;
        at->channel.counts.bytes_out += n;
        struct fs_msg m = {.dir = FS_MSG_OUT,
                           .mode = FS_IPC_JSON,
                           .data = buf.data,
                           .len = n,
                           .size = n,
                           .cmd = "",
                           .printed = true};
        if (at->app->ops->task_message != NULL)
            at->app->ops->task_message(at->app->fe, &at->t, &m);
    } else {
        *err = send_error(w, r);
    }
    fs_ipc_buf_fini(&buf);
    return r == 0 ? 0 : -1;
}

void
fs_app_worker_end(struct app_task *at)
{
    struct app_worker *w = at->worker;
    if (w == NULL)
        return;
    at->worker = NULL;
    drop_pending(w);
    fs_channel_eof(at);
    if (w->thread != NULL)
        detach(w); /* a task freed while its thread still runs */
    if (w->detached)
        return;
    fs_port_free(w->port);
    fs_shm_put(w->shm);
    fs_wake_free(w->wake);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
