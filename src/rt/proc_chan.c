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
 * Pacing. A sender that writes one small message per write(2), as Node does,
 * wakes a reader that sleeps between reads for every message or few, and each
 * of those wake-ups costs the sender too: read eagerly, forkscope slowed a Node
 * child's flood below what Node's own parent gets (doc/benchmarks.md). So when
 * a read drains the channel less than PACE_WINDOW after the read before it,
 * with nothing sent on the channel in between, the channel is not polled again
 * until one runtime-wide timer fires PACE_NS later: the kernel gathers what
 * arrives meanwhile, and the next read takes it at once. A message that comes
 * alone, or answers one forkscope sent, is read as soon as it arrives; in a
 * flood a message waits at most PACE_NS longer. The timer is a timerfd, as
 * libuv's timers count in milliseconds, and the socket fills in less than one
 * (about 4 KiB of small messages).
 *
 * libuv's IPC pipes do receive descriptors, but only hand them over through
 * uv_accept into a new handle, which for a UDP socket sets options on the
 * socket the child still shares; forkscope only wants to look.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "rt/proc_int.h"
#include "util/passfd.h"

/* Reads per readiness before other handles get their turn, as libuv does. */
#define CHANNEL_READS 32

/* Reads closer together than this are a flood (nanoseconds). */
#define PACE_WINDOW 250000
/* How long a flooding channel rests after a read that drained it. */
#define PACE_NS 100000

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
    if (p->rt->output_paused || p->chan_paced)
        uv_poll_stop(&p->chan_poll);
    else
        uv_poll_start(&p->chan_poll, UV_READABLE, on_channel);
    return true;
}

/* Every paced channel is polled again. */
static void
resume_paced(struct fs_rt *rt)
{
    for (struct fs_proc *p = rt->procs; p != NULL; p = p->next) {
        if (p->chan_paced) {
            p->chan_paced = false;
            fs_proc_chan_flow(p);
        }
    }
}

static void resume_read(struct fs_proc *p);

/* The pace timer fired: each channel that rested is read at once rather than
 * polled again first, so a flood that goes on rests again without a trip
 * through epoll_ctl (doc/benchmarks.md). Reading may end or free any process,
 * so the list is scanned afresh after each. */
static void
on_pace(uv_poll_t *h, int status, int events)
{
    struct fs_rt *rt = h->data;
    (void)status;
    (void)events;
    uint64_t expirations;
    while (read(rt->pace_fd, &expirations, sizeof expirations) < 0 && errno == EINTR)
        ;
    rt->pace_armed = false;
    uv_unref((uv_handle_t *)&rt->pace_poll);
    for (struct fs_proc *p = rt->procs; p != NULL; p = p->next) {
        p->chan_rested = p->chan_paced;
        p->chan_paced = false;
    }
    for (;;) {
        struct fs_proc *p = rt->procs;
        while (p != NULL && !p->chan_rested)
            p = p->next;
        if (p == NULL)
            break;
        p->chan_rested = false;
        resume_read(p);
    }
}

void
fs_proc_chan_pace_open(struct fs_rt *rt)
{
    /* Made once, with the runtime, so that the descriptors forkscope holds do
     * not change with the traffic. Without it, channels are never paced. */
    rt->pace_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (rt->pace_fd < 0)
        return;
    if (uv_poll_init(&rt->loop, &rt->pace_poll, rt->pace_fd) != 0) {
        close(rt->pace_fd);
        rt->pace_fd = -1;
        return;
    }
    rt->pace_poll.data = rt;
    uv_poll_start(&rt->pace_poll, UV_READABLE, on_pace);
    /* It keeps the loop alive only while armed. */
    uv_unref((uv_handle_t *)&rt->pace_poll);
}

/* Rests p's channel until the pace timer fires. Without a timer (it could
 * not be made, or the runtime is shutting down) the channel reads on. */
static void
pace(struct fs_proc *p)
{
    struct fs_rt *rt = p->rt;
    if (rt->shut || rt->pace_fd < 0)
        return;
    if (!rt->pace_armed) {
        struct itimerspec its = {.it_value = {0, PACE_NS}};
        if (timerfd_settime(rt->pace_fd, 0, &its, NULL) != 0)
            return;
        rt->pace_armed = true;
        uv_ref((uv_handle_t *)&rt->pace_poll);
    }
    p->chan_paced = true;
    /* A channel rested again straight from on_pace is not being polled:
     * stopping it again would cost an epoll_ctl all the same. */
    if (uv_is_active((uv_handle_t *)&p->chan_poll))
        uv_poll_stop(&p->chan_poll);
}

void
fs_proc_chan_pace_close(struct fs_rt *rt)
{
    if (rt->pace_fd < 0)
        return;
    /* What was paced reads again until its task ends. */
    resume_paced(rt);
    uv_close((uv_handle_t *)&rt->pace_poll, NULL);
    close(rt->pace_fd);
    rt->pace_fd = -1;
    rt->pace_armed = false;
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

/* One read of the channel, handed to the owner (unless released): the bytes
 * read, 0 when nothing waits, -1 at its end or on an error. */
static ssize_t
take_one(struct fs_proc *p)
{
    struct fs_passfd fds;
    memset(&fds, 0, sizeof fds);
    ssize_t n = read_once(p, &fds);
    if (n == -EAGAIN || n == -EWOULDBLOCK)
        return 0;
    if (n <= 0)
        return -1;
    if (!p->released && fs_passfd_any(&fds) && p->cbs.passed)
        p->cbs.passed(p->arg, &fds);
    if (!p->released && p->cbs.output)
        p->cbs.output(p->arg, FS_STREAM_CHANNEL, p->rt->read_buf, (size_t)n);
    return n;
}

/* Reads p's channel: up to CHANNEL_READS reads, until one finds it drained;
 * a flooding channel is rested (pace). Returns true at its end or on an
 * error. */
static bool
read_burst(struct fs_proc *p)
{
    for (int r = 0; r < CHANNEL_READS; r++) {
        ssize_t n = take_one(p);
        if (n == 0)
            break;
        if (n < 0)
            return true;
        /* The owner may have closed the channel or released the process, or
         * standard output may be over its mark; a short read drained it. */
        if (p->released || p->chan_fd < 0 || p->rt->output_paused)
            break;
        if ((size_t)n < sizeof p->rt->read_buf) {
            uint64_t now = uv_hrtime();
            bool flood = !p->chan_sent && now - p->chan_last_read < PACE_WINDOW;
            p->chan_last_read = now;
            p->chan_sent = false;
            if (flood)
                pace(p);
            break;
        }
    }
    return false;
}

/* After read_burst: the channel over is closed, and p freed when done. */
static void
burst_done(struct fs_proc *p, bool over)
{
    p->busy--;
    if (over && p->chan_fd >= 0)
        fs_proc_slot_over(p, 2);
    else
        fs_proc_maybe_free(p);
}

static void
on_channel(uv_poll_t *h, int status, int events)
{
    struct fs_proc *p = h->data;
    (void)events;
    p->busy++;
    burst_done(p, status < 0 || read_burst(p));
}

/* A channel that rested: read now, and polled again unless it rests again,
 * is over, or standard output holds reading back. */
static void
resume_read(struct fs_proc *p)
{
    p->busy++;
    bool over = !p->rt->output_paused && p->chan_fd >= 0 && read_burst(p);
    if (!over && p->chan_fd >= 0 && !p->chan_paced)
        fs_proc_chan_flow(p);
    burst_done(p, over);
}

void
fs_proc_chan_drain(struct fs_proc *p, size_t max)
{
    p->busy++;
    bool over = false;
    for (size_t total = 0; total < max && !p->released && p->chan_fd >= 0;) {
        ssize_t n = take_one(p);
        if (n == 0)
            break;
        if (n < 0) {
            over = true;
            break;
        }
        total += (size_t)n;
    }
    p->busy--;
    if (over && p->chan_fd >= 0)
        fs_proc_slot_over(p, 2);
}

int
fs_proc_channel_write(struct fs_proc *p, const char *data, size_t len, enum fs_proc_send how)
{
    if (p->nstreams <= (p->pty ? 1u : 2u))
        return -ENOTCONN;
    if (!p->pipe_open[2] || p->pipe_eof[2])
        return -EPIPE;
    p->chan_sent = true;
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
