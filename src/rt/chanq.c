/*
 * The write queue of a fork task's channel (see chanq.h). One uv_write is in
 * flight at a time; what is sent meanwhile gathers in a pending buffer, which
 * becomes the next write when the current one completes. A flood of small
 * messages thus costs one write(2) per batch instead of one per message, and
 * no allocation per message. A full channel holds the --control input back
 * (rt/hold.c).
 */
#include <config.h>

#include "rt/chanq.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "rt/rt_int.h"
#include "util/container.h"

/* A write buffer larger than this is not kept for reuse. */
#define KEEP_CAP (256u << 10)

static size_t
hold_queued(struct fs_rt_hold *h)
{
    return fs_chanq_queued(FS_CONTAINER_OF(h, struct fs_chanq, hold));
}

void
fs_chanq_init(struct fs_chanq *q, struct fs_rt *rt, uv_stream_t *stream)
{
    memset(q, 0, sizeof *q);
    q->rt = rt;
    q->stream = stream;
    q->req.data = q;
    q->hold.queued = hold_queued;
}

size_t
fs_chanq_queued(const struct fs_chanq *q)
{
    if (q->stream == NULL)
        return q->unsent;
    return (q->writing ? uv_stream_get_write_queue_size(q->stream) : 0) + q->pend.len;
}

/* ---- writing ------------------------------------------------------------------------ */

static void write_done(uv_write_t *req, int status);

/* The pending bytes become the write in flight. A write libuv refuses at
 * once (the socket is gone) leaves them pending, and the channel broken. */
static int
submit(struct fs_chanq *q)
{
    uv_buf_t ub = uv_buf_init(q->pend.data, (unsigned)q->pend.len);
    int r = uv_write(&q->req, q->stream, &ub, 1, write_done);
    if (r != 0) {
        q->broken = r;
        return r;
    }
    struct fs_bytes t = q->wbuf;
    q->wbuf = q->pend;
    q->pend = t;
    fs_bytes_clear(&q->pend);
    q->writing = true;
    return 0;
}

static void
write_done(uv_write_t *req, int status)
{
    struct fs_chanq *q = req->data;
    q->writing = false;
    size_t written = q->wbuf.len;
    if (q->wbuf.cap > KEEP_CAP)
        fs_bytes_fini(&q->wbuf);
    if (q->stream == NULL)
        return; /* closed: what was left is counted in unsent */
    if (status != 0) {
        /* The task closed its end: these bytes are lost, and so is the rest. */
        q->failed += written;
        q->broken = status;
        return;
    }
    fs_rt_hold_moved(&q->hold);
    if (q->pend.len > 0)
        submit(q);
    if (fs_chanq_queued(q) <= FS_CHANQ_LOW)
        fs_rt_hold_stop(q->rt, &q->hold);
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
    if (how == FS_PROC_SEND_WAIT && fs_rt_hold_stalled(&q->hold))
        return -ETIMEDOUT;
    if (how == FS_PROC_SEND_WAIT && queued + len > FS_CHANQ_CAP)
        return -ENOBUFS;
    fs_bytes_add(&q->pend, data, len);
    if (!q->writing) {
        int r = submit(q);
        if (r != 0) {
            q->pend.len -= len;
            return r;
        }
    }
    if (fs_chanq_queued(q) > FS_CHANQ_HIGH)
        fs_rt_hold_start(q->rt, &q->hold);
    return 0;
}

void
fs_chanq_close(struct fs_chanq *q)
{
    if (q->stream == NULL)
        return;
    q->unsent = fs_chanq_queued(q) + q->failed;
    fs_rt_hold_stop(q->rt, &q->hold);
    q->stream = NULL;
    fs_bytes_fini(&q->pend);
}

void
fs_chanq_fini(struct fs_chanq *q)
{
    fs_bytes_fini(&q->wbuf);
    fs_bytes_fini(&q->pend);
}
