/*
 * The IPC channel of a fork task's process: forkscope's end of the socket
 * pair, written through libuv (pipes[2]) and read here with recvmsg, through a
 * poll handle on a duplicate of the descriptor. A child that passes a handle
 * (Node's NODE_HANDLE) sends its descriptor with SCM_RIGHTS: read(2) would let
 * the kernel drop it, recvmsg takes it, so forkscope can say what arrived. Each
 * passed descriptor is looked at (fstat, getsockopt) and closed at once; at
 * most FS_PROC_CHANNEL_FDS are taken with one read, and the kernel closes the
 * rest (MSG_CTRUNC), which is reported as a cut.
 *
 * libuv's IPC pipes do receive descriptors, but only hand them over through
 * uv_accept into a new handle, which for a UDP socket sets options on the
 * socket the child still shares; forkscope only wants to look.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rt/proc_int.h"
#include "util/passfd.h"

/* Reads per readiness before other handles get their turn, as libuv does. */
#define CHANNEL_READS 32

static void on_channel(uv_poll_t *h, int status, int events);

void
fs_proc_chan_open(struct fs_proc *p, int fd)
{
    /* Without a duplicate, pipes[2] reads the channel: messages still arrive,
     * passed descriptors do not. */
    p->chan_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (p->chan_fd < 0)
        return;
    if (uv_poll_init(&p->rt->loop, &p->chan_poll, p->chan_fd) != 0) {
        close(p->chan_fd);
        p->chan_fd = -1;
        return;
    }
    p->chan_poll.data = p;
}

bool
fs_proc_chan_flow(struct fs_proc *p)
{
    if (p->chan_fd < 0)
        return false;
    if (p->rt->output_paused)
        uv_poll_stop(&p->chan_poll);
    else
        uv_poll_start(&p->chan_poll, UV_READABLE, on_channel);
    return true;
}

static void
chan_closed(uv_handle_t *h)
{
    struct fs_proc *p = h->data;
    p->closing--;
    fs_proc_maybe_free(p);
}

void
fs_proc_chan_close(struct fs_proc *p)
{
    if (p->chan_fd < 0)
        return;
    p->closing++;
    uv_close((uv_handle_t *)&p->chan_poll, chan_closed);
    /* uv_close has stopped the poll: the descriptor may go now. */
    close(p->chan_fd);
    p->chan_fd = -1;
}

/* Looks at and closes every descriptor that came with a read. */
static void
take_fds(struct msghdr *m, struct fs_passfd *out)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof fd, sizeof fd);
            fs_passfd_add(out, fs_passfd_kind(fd));
            close(fd);
        }
    }
    if (m->msg_flags & MSG_CTRUNC)
        out->cut = true;
}

/* One read: > 0 bytes in the buffer, 0 at EOF, or a negative errno. */
static ssize_t
read_once(struct fs_proc *p, struct fs_passfd *fds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * FS_PROC_CHANNEL_FDS)];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {p->rt->read_buf, sizeof p->rt->read_buf};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    ssize_t n;
    do
        n = recvmsg(p->chan_fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    take_fds(&m, fds);
    return n;
}

static void
on_channel(uv_poll_t *h, int status, int events)
{
    struct fs_proc *p = h->data;
    (void)events;
    p->busy++;
    bool over = status < 0;
    for (int r = 0; !over && r < CHANNEL_READS; r++) {
        struct fs_passfd fds;
        memset(&fds, 0, sizeof fds);
        ssize_t n = read_once(p, &fds);
        if (n == -EAGAIN || n == -EWOULDBLOCK)
            break;
        if (n <= 0) {
            over = true;
            break;
        }
        if (!p->released && fs_passfd_any(&fds) && p->cbs.passed)
            p->cbs.passed(p->arg, &fds);
        if (!p->released && p->cbs.output)
            p->cbs.output(p->arg, FS_STREAM_CHANNEL, p->rt->read_buf, (size_t)n);
        /* The owner may have closed the channel or released the process, or
         * standard output may be over its mark; a short read drained it. */
        if (p->released || p->chan_fd < 0 || p->rt->output_paused ||
            (size_t)n < sizeof p->rt->read_buf)
            break;
    }
    p->busy--;
    if (over && p->chan_fd >= 0)
        fs_proc_slot_over(p, 2);
    else
        fs_proc_maybe_free(p);
}

int
fs_proc_channel_write(struct fs_proc *p, const char *data, size_t len, enum fs_proc_send how)
{
    if (p->nstreams <= (p->pty ? 1u : 2u))
        return -ENOTCONN;
    if (!p->pipe_open[2] || p->pipe_eof[2])
        return -EPIPE;
    return fs_chanq_write(&p->chq, data, len, how);
}

size_t
fs_proc_channel_queued(struct fs_proc *p)
{
    return fs_chanq_queued(&p->chq);
}

int
fs_proc_channel_close(struct fs_proc *p)
{
    if (!p->pipe_open[2])
        return -ENOTCONN;
    fs_proc_slot_over(p, 2);
    return 0;
}
