/*
 * The write queue of a fork task's channel (see chanq.h). One uv_write is in
 * flight at a time; what is sent meanwhile gathers in a pending buffer, which
 * becomes the next write when the current one completes. A flood of small
 * messages thus costs one write(2) per batch instead of one per message, and
 * no allocation per message. The runtime keeps the list of full channels and a
 * timer that finds the ones whose task stopped reading.
 */
#include "config.h"

#include "rt/chanq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt/rt_int.h"
#include "util/xalloc.h"

/* A write buffer larger than this is not kept for reuse. */
#define KEEP_CAP (256u << 10)

void
fs_chanq_init(struct fs_chanq *q, struct fs_rt *rt, uv_stream_t *stream)
{
    memset(q, 0, sizeof *q);
    q->rt = rt;
    q->stream = stream;
    q->req.data = q;
}

size_t
fs_chanq_queued(const struct fs_chanq *q)
{
    if (q->stream == NULL)
        return q->unsent;
    return (q->writing ? uv_stream_get_write_queue_size(q->stream) : 0) + q->plen;
}

/* ---- the runtime's list of full channels ------------------------------------------ */

static void on_stall_tick(void *arg);

static void
stall_timer_start(struct fs_rt *rt)
{
    if (rt->shut)
        return;
    if (rt->stall_timer == NULL) {
        rt->stall_timer = fs_timer_new(rt, on_stall_tick, rt);
        fs_timer_weak(rt->stall_timer);
    }
    double period = rt->send_timeout / 4;
    fs_timer_start(rt->stall_timer, period < 0.05 ? 0.05 : period > 1 ? 1 : period);
}

static void
set_full(struct fs_chanq *q)
{
    struct fs_rt *rt = q->rt;
    q->full = true;
    q->stalled = false;
    q->moved = false;
    q->progress_at = fs_rt_now(rt);
    q->last_queued = fs_chanq_queued(q);
    q->next_full = rt->full;
    rt->full = q;
    if (rt->waiting++ == 0) {
        fs_rt_input_flow(rt);
        stall_timer_start(rt);
    }
}

static void
clear_full(struct fs_chanq *q)
{
    struct fs_rt *rt = q->rt;
    struct fs_chanq **pp = &rt->full;
    while (*pp != q)
        pp = &(*pp)->next_full;
    *pp = q->next_full;
    q->full = false;
    if (!q->stalled && --rt->waiting == 0)
        fs_rt_input_flow(rt);
    q->stalled = false;
    if (rt->full == NULL && rt->stall_timer != NULL)
        fs_timer_stop(rt->stall_timer);
}

/* Every so often while a channel is full: has its task taken anything since
 * the last look? One that took nothing for the send timeout is stalled: the
 * input goes on without it. One that reads again holds the input back again. */
static void
on_stall_tick(void *arg)
{
    struct fs_rt *rt = arg;
    double now = fs_rt_now(rt);
    unsigned waiting = rt->waiting;
    for (struct fs_chanq *q = rt->full; q != NULL; q = q->next_full) {
        size_t queued = fs_chanq_queued(q);
        if (q->moved || queued < q->last_queued) {
            q->progress_at = now;
            if (q->stalled) {
                q->stalled = false;
                rt->waiting++;
            }
        } else if (!q->stalled && now - q->progress_at >= rt->send_timeout) {
            q->stalled = true;
            rt->waiting--;
        }
        q->moved = false;
        q->last_queued = queued;
    }
    if ((waiting == 0) != (rt->waiting == 0))
        fs_rt_input_flow(rt);
    if (rt->full != NULL)
        stall_timer_start(rt);
}

/* ---- writing ------------------------------------------------------------------------ */

static void write_done(uv_write_t *req, int status);

/* The pending bytes become the write in flight. A write libuv refuses at
 * once (the socket is gone) leaves them pending, and the channel broken. */
static int
submit(struct fs_chanq *q)
{
    uv_buf_t ub = uv_buf_init(q->pbuf, (unsigned)q->plen);
    int r = uv_write(&q->req, q->stream, &ub, 1, write_done);
    if (r != 0) {
        q->broken = r;
        return r;
    }
    char *b = q->wbuf;
    size_t cap = q->wcap;
    q->wbuf = q->pbuf;
    q->wcap = q->pcap;
    q->wlen = q->plen;
    q->pbuf = b;
    q->pcap = cap;
    q->plen = 0;
    q->writing = true;
    return 0;
}

static void
write_done(uv_write_t *req, int status)
{
    struct fs_chanq *q = req->data;
    q->writing = false;
    if (q->wcap > KEEP_CAP) {
        free(q->wbuf);
        q->wbuf = NULL;
        q->wcap = 0;
    }
    if (q->stream == NULL)
        return; /* closed: what was left is counted in unsent */
    if (status != 0) {
        /* The task closed its end: these bytes are lost, and so is the rest. */
        q->failed += q->wlen;
        q->broken = status;
        return;
    }
    q->moved = true;
    if (q->plen > 0)
        submit(q);
    if (q->full && fs_chanq_queued(q) <= FS_CHANQ_LOW)
        clear_full(q);
}

int
fs_chanq_write(struct fs_chanq *q, const char *data, size_t len, enum fs_proc_send how)
{
    if (q->stream == NULL)
        return -EPIPE;
    if (q->broken != 0)
        return q->broken;
    size_t queued = fs_chanq_queued(q);
    if (how == FS_PROC_SEND_REFUSE && queued > FS_CHANQ_HIGH)
        return -EAGAIN;
    if (how == FS_PROC_SEND_WAIT && q->stalled)
        return -ETIMEDOUT;
    if (how == FS_PROC_SEND_WAIT && queued + len > FS_CHANQ_CAP)
        return -ENOBUFS;
    if (q->plen + len > q->pcap) {
        size_t cap = q->pcap ? q->pcap : 4096;
        while (cap < q->plen + len)
            cap *= 2;
        q->pbuf = fs_xrealloc(q->pbuf, cap);
        q->pcap = cap;
    }
    memcpy(q->pbuf + q->plen, data, len);
    q->plen += len;
    if (!q->writing) {
        int r = submit(q);
        if (r != 0) {
            q->plen -= len;
            return r;
        }
    }
    if (!q->full && fs_chanq_queued(q) > FS_CHANQ_HIGH)
        set_full(q);
    return 0;
}

void
fs_chanq_close(struct fs_chanq *q)
{
    if (q->stream == NULL)
        return;
    q->unsent = fs_chanq_queued(q) + q->failed;
    if (q->full)
        clear_full(q);
    q->stream = NULL;
    free(q->pbuf);
    q->pbuf = NULL;
    q->plen = q->pcap = 0;
}

void
fs_chanq_fini(struct fs_chanq *q)
{
    free(q->wbuf);
    free(q->pbuf);
    q->wbuf = q->pbuf = NULL;
}
