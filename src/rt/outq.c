/*
 * The standard-output queue (see outq.h). The loop appends to its own `stage`
 * buffer without a lock, and hands it over to the shared `fill` buffer in
 * batches: when it holds 64 KiB, and before the loop waits for events (a
 * uv_prepare_t). The writer thread swaps `fill` with its empty `drain` buffer
 * and writes that out with blocking write(2). Handing over event by event cost
 * a lock, a futex wake-up and a write(2) for each line of a message flood.
 * Crossing the high-water mark pauses task output in the runtime; the writer
 * wakes the loop through a uv_async_t when the queue has drained below half of
 * it, and the loop resumes reading (task output and the --control input,
 * whose commands print events too).
 */
#include <config.h>

#include "rt/rt_int.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "rt/proc.h"
#include "util/bytes.h"
#include "util/xalloc.h"

/* The stage is handed over once it holds this much. */
#define HANDOVER (64u << 10)

struct fs_outq {
    struct fs_rt *rt;
    int fd;
    size_t high_water;
    struct fs_bytes stage; /* loop thread only */
    size_t shared_seen;    /* loop thread: fill + in_flight at the last handover */
    bool broken_seen;      /* loop thread: broken at the last handover */
    uv_prepare_t flush;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;    /* the writer waits here for data or for closing */
    struct fs_bytes fill; /* guarded by mu */
    size_t in_flight;     /* bytes the writer holds, guarded by mu */
    bool closing;         /* guarded by mu */
    bool broken;          /* guarded by mu */
    int error;            /* guarded by mu: the errno that broke it */
    bool wake_loop;       /* guarded by mu: the loop is paused, waiting for progress */
    bool broken_told;     /* loop thread only */
    uv_async_t wake;
    bool started;
    bool flush_open;
};

int
fs_rt_write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                /* The descriptor is non-blocking (set by someone else): wait. */
                usleep(1000);
                continue;
            }
            return errno;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static void *
writer(void *arg)
{
    struct fs_outq *q = arg;
    struct fs_bytes drain = FS_BYTES_INIT;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->fill.len == 0 && !q->closing)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->fill.len == 0 && q->closing)
            break;
        struct fs_bytes t = q->fill;
        q->fill = drain;
        fs_bytes_clear(&q->fill);
        drain = t;
        q->in_flight = drain.len;
        bool broken = q->broken;
        pthread_mutex_unlock(&q->mu);

        int e = broken ? 0 : fs_rt_write_all(q->fd, drain.data, drain.len);

        pthread_mutex_lock(&q->mu);
        if (e != 0) {
            broken = true;
            q->error = e;
        }
        q->in_flight = 0;
        /* The loop hears of progress only when it waits for it: a wake-up
         * per batch would cost it an extra turn each time. */
        if (q->wake_loop || broken != q->broken)
            uv_async_send(&q->wake);
        q->broken = broken;
    }
    pthread_mutex_unlock(&q->mu);
    fs_bytes_fini(&drain);
    return NULL;
}

/* In the loop: the writer made progress. */
static void
on_wake(uv_async_t *h)
{
    struct fs_outq *q = h->data;
    struct fs_rt *rt = q->rt;
    pthread_mutex_lock(&q->mu);
    q->shared_seen = q->fill.len + q->in_flight;
    size_t pending = q->shared_seen + q->stage.len;
    bool resume = rt->output_paused && pending <= q->high_water / 2;
    if (resume)
        q->wake_loop = false;
    pthread_mutex_unlock(&q->mu);
    if (resume) {
        rt->output_paused = false;
        fs_proc_flow_all(rt);
        fs_rt_input_flow(rt);
    }
    if (fs_outq_broken(q) && !q->broken_told) {
        q->broken_told = true;
        if (rt->quit_cb)
            rt->quit_cb(rt->quit_arg, SIGPIPE);
    }
}

static void
pause_if_over(struct fs_outq *q)
{
    if (q->stage.len + q->shared_seen <= q->high_water || q->rt->output_paused)
        return;
    pthread_mutex_lock(&q->mu);
    q->shared_seen = q->fill.len + q->in_flight;
    bool over = q->stage.len + q->shared_seen > q->high_water;
    q->wake_loop = over;
    pthread_mutex_unlock(&q->mu);
    if (over) {
        q->rt->output_paused = true;
        fs_proc_flow_all(q->rt);
        fs_rt_input_flow(q->rt);
    }
}

/* The stage goes to the writer. */
static void
handover(struct fs_outq *q)
{
    pthread_mutex_lock(&q->mu);
    if (!q->broken) {
        if (q->fill.len == 0) {
            struct fs_bytes t = q->fill;
            q->fill = q->stage;
            q->stage = t;
        } else {
            fs_bytes_add(&q->fill, q->stage.data, q->stage.len);
        }
        pthread_cond_signal(&q->cv);
    }
    fs_bytes_clear(&q->stage);
    q->shared_seen = q->fill.len + q->in_flight;
    q->broken_seen = q->broken;
    pthread_mutex_unlock(&q->mu);
    pause_if_over(q);
}

/* Before the loop waits: nothing stays staged while nothing happens. */
static void
on_flush(uv_prepare_t *h)
{
    struct fs_outq *q = h->data;
    if (q->stage.len > 0)
        handover(q);
}

int
fs_outq_new(struct fs_rt *rt, int fd, size_t high_water, struct fs_outq **out)
{
    *out = NULL;
    struct fs_outq *q = fs_xcalloc(1, sizeof *q);
    /* The first wake-up handle of the loop makes its eventfd: with no
     * descriptor left, that fails. */
    int r = uv_async_init(&rt->loop, &q->wake, on_wake);
    if (r != 0) {
        free(q);
        return r;
    }
    q->rt = rt;
    q->fd = fd;
    q->high_water = high_water;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->wake.data = q;
    uv_unref((uv_handle_t *)&q->wake);
    q->started = pthread_create(&q->thread, NULL, writer, q) == 0;
    if (q->started) {
        uv_prepare_init(&rt->loop, &q->flush);
        q->flush.data = q;
        uv_prepare_start(&q->flush, on_flush);
        uv_unref((uv_handle_t *)&q->flush);
        q->flush_open = true;
    }
    *out = q;
    return 0;
}

void
fs_outq_write(struct fs_outq *q, const char *data, size_t len)
{
    if (len == 0)
        return;
    if (!q->started) {
        /* No writer thread could be made, or it is gone: write in place. */
        int e = q->broken ? 0 : fs_rt_write_all(q->fd, data, len);
        if (e != 0) {
            q->broken = true;
            q->error = e;
        }
        return;
    }
    if (q->broken_seen)
        return;
    fs_bytes_add(&q->stage, data, len);
    if (q->stage.len >= HANDOVER)
        handover(q);
    else
        pause_if_over(q);
}

size_t
fs_outq_pending(struct fs_outq *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->fill.len + q->in_flight;
    pthread_mutex_unlock(&q->mu);
    return n + q->stage.len;
}

bool
fs_outq_broken(struct fs_outq *q)
{
    pthread_mutex_lock(&q->mu);
    bool b = q->broken;
    pthread_mutex_unlock(&q->mu);
    return b;
}

int
fs_outq_error(struct fs_outq *q)
{
    pthread_mutex_lock(&q->mu);
    int e = q->error;
    pthread_mutex_unlock(&q->mu);
    return e;
}

void
fs_outq_close(struct fs_outq *q)
{
    if (q == NULL)
        return;
    if (q->started) {
        if (q->stage.len > 0)
            handover(q);
        pthread_mutex_lock(&q->mu);
        q->closing = true;
        pthread_cond_signal(&q->cv);
        pthread_mutex_unlock(&q->mu);
        pthread_join(q->thread, NULL);
        q->started = false;
    }
    uv_close((uv_handle_t *)&q->wake, NULL);
    if (q->flush_open)
        uv_close((uv_handle_t *)&q->flush, NULL);
    q->flush_open = false;
}

void
fs_outq_free(struct fs_outq *q)
{
    if (q == NULL)
        return;
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    fs_bytes_fini(&q->fill);
    fs_bytes_fini(&q->stage);
    free(q);
}
