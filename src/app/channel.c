/*
 * The IPC channels on fd 3 (fork tasks, worker host processes). Bytes are
 * framed as they arrive (ipc/ipc.c) and counted; each message goes to the
 * front end as bytes, to be decoded only where it is shown. Node's internal
 * messages are recognised cheaply (their "cmd" comes first); a child that
 * passed a handle waits for NODE_HANDLE_ACK, which forkscope sends at once.
 * The descriptors a task passes were looked at and closed by the runtime; what
 * they were goes with the message they came with.
 */
#include <config.h>

#include "app/channel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "util/xalloc.h"

static void
deliver(struct app_task *at, enum fs_msg_dir dir, const char *data, size_t len, size_t size,
        unsigned flags, const struct fs_ipc_info *info, const struct fs_passfd *fds)
{
    struct fs_msg m = {.dir = dir,
                       .mode = at->channel.mode,
                       .data = data,
                       .len = len,
                       .size = size,
                       .flags = flags,
                       .internal = info->internal,
                       .cmd = info->cmd,
                       .fds = fds,
                       .printed = dir == FS_MSG_OUT && at->channel.mode == FS_IPC_JSON};
    if (at->app->ops->task_message != NULL)
        at->app->ops->task_message(at->app->fe, &at->t, &m);
}

static void
on_frame(void *arg, const struct fs_ipc_frame *fr)
{
    struct app_task *at = arg;
    struct fs_channel_counts *c = &at->channel.counts;
    struct fs_ipc_info info;
    memset(&info, 0, sizeof info);
    c->msgs_in++;
    c->bytes_in += fr->size;
    unsigned flags = fr->flags;
    if (flags & FS_IPC_BAD) {
        c->bad++;
    } else {
        /* Whether it is a value at all is decided here, for every message;
         * what it says waits until it is shown. */
        fs_ipc_classify(at->channel.mode, fr->data, fr->len, FS_IPC_CHECK, &info);
        c->internal += info.internal;
        if (info.validity == FS_IPC_INVALID) {
            c->bad++;
            flags |= FS_IPC_NOT_VALUE;
        }
    }
    /* Descriptors waiting for a frame belong to this one (fs_channel_input). */
    struct fs_passfd *fds = fs_passfd_any(&at->channel.pending) ? &at->channel.pending : NULL;
    deliver(at, FS_MSG_IN, fr->data, fr->len, fr->size, flags, &info, fds);
    memset(&at->channel.pending, 0, sizeof at->channel.pending);
    if (at->t.spec.pool_of != NULL && !(flags & (FS_IPC_BAD | FS_IPC_NOT_VALUE)) && !info.internal)
        fs_pool_member_message(at, at->channel.mode, fr->data, fr->len);
    if (info.internal && strcmp(info.cmd, "NODE_HANDLE") == 0) {
        /* The child holds back every later message until this answer. */
        static const char ack[] = "{\"cmd\":\"NODE_HANDLE_ACK\"}";
        char *err = NULL;
        if (fs_channel_send(at, ack, sizeof ack - 1, true, &err) != 0) {
            fs_app_error(at, err);
            free(err);
        }
    }
}

void
fs_channel_begin(struct app_task *at)
{
    struct fs_channel *ch = &at->channel;
    fs_ipc_framer_fini(&ch->framer);
    ch->mode = at->t.spec.ipc_advanced ? FS_IPC_ADVANCED : FS_IPC_JSON;
    fs_ipc_framer_init(&ch->framer, ch->mode, at->t.spec.ipc_max_frame);
    memset(&ch->arrived, 0, sizeof ch->arrived);
    memset(&ch->pending, 0, sizeof ch->pending);
    ch->open = true;
}

void
fs_channel_passed(struct app_task *at, const struct fs_passfd *fds)
{
    fs_passfd_merge(&at->channel.arrived, fds);
}

void
fs_channel_input(struct app_task *at, const char *data, size_t len)
{
    struct fs_channel *ch = &at->channel;
    if (!fs_passfd_any(&ch->arrived) || len == 0) {
        fs_ipc_feed(&ch->framer, data, len, on_frame, at);
        return;
    }
    /* The kernel ends a read with the write that carried descriptors, and a
     * sender writes them with the first bytes of their message (Node writes a
     * NODE_HANDLE message whole). So they belong to the frame that holds the
     * chunk's last byte: the one that ends with it, or else the one still
     * being assembled, which takes them when it ends. */
    fs_ipc_feed(&ch->framer, data, len - 1, on_frame, at);
    fs_passfd_merge(&ch->pending, &ch->arrived);
    memset(&ch->arrived, 0, sizeof ch->arrived);
    fs_ipc_feed(&ch->framer, data + len - 1, 1, on_frame, at);
}

void
fs_channel_eof(struct app_task *at)
{
    if (!at->channel.open)
        return;
    at->channel.open = false;
    fs_ipc_finish(&at->channel.framer, on_frame, at);
    size_t unsent = at->proc != NULL ? fs_proc_channel_queued(at->proc) : 0;
    if (unsent > 0) {
        char *msg = fs_xasprintf("task '%s': its channel closed with %zu bytes that forkscope "
                                 "had queued for it; those messages were not delivered",
                                 at->t.spec.name, unsent);
        fs_app_error(at, msg);
        free(msg);
    }
}

/* Why a send was refused. */
static char *
send_error(struct app_task *at, int r)
{
    const char *name = at->t.spec.name;
    switch (r) {
    case -EAGAIN:
        return fs_xasprintf("task '%s': not sent: its channel is full (over 1 MiB waits for "
                            "the task to read it)",
                            name);
    case -ETIMEDOUT:
        return fs_xasprintf("task '%s': not sent: the task has read nothing of its channel "
                            "for %g s and %zu bytes wait",
                            name, at->app->send_timeout, fs_proc_channel_queued(at->proc));
    case -ENOBUFS:
        return fs_xasprintf("task '%s': not sent: %zu bytes wait on its channel already", name,
                            fs_proc_channel_queued(at->proc));
    default:
        return fs_xasprintf("task '%s': not sent: %s", name, strerror(-r));
    }
}

int
fs_channel_send(struct app_task *at, const char *json, size_t len, bool internal, char **err)
{
    struct fs_channel *ch = &at->channel;
    if (!fs_kind_info(at->t.spec.kind)->has_channel) {
        *err = fs_xasprintf("task '%s' has no IPC channel (it is a %s task)", at->t.spec.name,
                            fs_kind_name(at->t.spec.kind));
        return -1;
    }
    if (!ch->open || at->proc == NULL) {
        *err = fs_xasprintf("task '%s': its channel is not open", at->t.spec.name);
        return -1;
    }
    struct fs_ipc_buf buf;
    if (fs_ipc_encode(ch->mode, json, len, &buf, err) != 0) {
        char *e = fs_xasprintf("task '%s': not sent: %s", at->t.spec.name, *err);
        free(*err);
        *err = e;
        return -1;
    }
    enum fs_proc_send how = internal                    ? FS_PROC_SEND_FORCE
                            : at->app->send_timeout > 0 ? FS_PROC_SEND_WAIT
                                                        : FS_PROC_SEND_REFUSE;
    int r = fs_proc_channel_write(at->proc, buf.data, buf.len, how);
    if (r != 0) {
        *err = send_error(at, r);
        fs_ipc_buf_fini(&buf);
        return -1;
    }
    /* Shown as the task will read it: the payload without framing. */
    size_t hdr = ch->mode == FS_IPC_ADVANCED ? 4 : 0, tail = ch->mode == FS_IPC_JSON ? 1 : 0;
    struct fs_ipc_info info;
    memset(&info, 0, sizeof info);
    info.internal = internal;
    ch->counts.msgs_out++;
    ch->counts.bytes_out += buf.len - hdr - tail;
    ch->counts.internal += internal;
    deliver(at, FS_MSG_OUT, buf.data + hdr, buf.len - hdr - tail, buf.len - hdr - tail, 0, &info,
            NULL);
    fs_ipc_buf_fini(&buf);
    return 0;
}

int
fs_channel_disconnect(struct app_task *at, char **err)
{
    if (at->proc == NULL || !at->channel.open || fs_proc_channel_close(at->proc) != 0) {
        *err = fs_xasprintf("task '%s' has no open channel", at->t.spec.name);
        return -1;
    }
    return 0;
}

void
fs_channel_fini(struct fs_channel *ch)
{
    fs_ipc_framer_fini(&ch->framer);
}
