/*
 * A running task process (see proc.h): the process object, the output pipes
 * read through libuv and paused while standard output is over its mark, the
 * exit status from the runtime's SIGCHLD watcher, writes to a pty and its
 * size, and the release that frees the object once it is reaped and closed.
 * rt/proc_spawn.c starts the process; rt/proc_chan.c reads its IPC channel.
 */
#include <config.h>

#include "rt/proc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt/chanq.h"
#include "rt/proc_int.h"
#include "util/xalloc.h"

/* ---- the process object ----------------------------------------------------------- */

struct fs_proc *
fs_proc_new(struct fs_rt *rt, pid_t pid, const struct fs_proc_cbs *cbs, void *arg, const int fds[3],
            bool pty, int *failed)
{
    *failed = 0;
    bool channel = fds[2] >= 0;
    unsigned nstreams = (pty ? 1 : 2) + (channel ? 1 : 0);
    struct fs_proc *p = fs_xcalloc(1, sizeof *p);
    p->rt = rt;
    p->pid = pid;
    p->cbs = *cbs;
    p->arg = arg;
    p->nstreams = nstreams;
    p->pty = pty;
    p->next = rt->procs;
    rt->procs = p;
    for (int i = 0; i < 3; i++) {
        if ((i == 1 && pty) || (i == 2 && !channel))
            continue;
        int r = uv_pipe_init(&rt->loop, &p->pipes[i], 0);
        if (r == 0) {
            p->pipes[i].data = p;
            p->pipe_open[i] = true;
            r = uv_pipe_open(&p->pipes[i], fds[i]);
        }
        if (r != 0) {
            /* The handle does not own the descriptor until it is open. */
            close(fds[i]);
            if (*failed == 0)
                *failed = r;
            if (i == 2)
                channel = false;
        }
    }
    p->chan_fd = -1;
    if (channel) {
        fs_proc_chan_open(p, fds[2]);
        fs_chanq_init(&p->chq, rt, (uv_stream_t *)&p->pipes[2]);
    }
    return p;
}

int
fs_proc_pid(const struct fs_proc *p)
{
    return p->pid;
}

unsigned
fs_proc_streams(const struct fs_proc *p)
{
    return p->nstreams;
}

int
fs_proc_signal(struct fs_proc *p, int sig)
{
    if (p->reaped && kill(-p->pid, 0) != 0)
        return -ESRCH;
    return kill(-p->pid, sig) == 0 ? 0 : -errno;
}

/* ---- reading -------------------------------------------------------------------- */

/* A pty's master hands out at most 4095 bytes a read (the line discipline's
 * buffer), and libuv reads again at once only after a read that filled the
 * buffer: offered exactly that much, a flood is read in up to 32 reads per
 * wake-up of the loop rather than one. */
#define PTY_READ 4095

static void
on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct fs_proc *p = h->data;
    (void)suggested;
    bool pty = p->pty && (uv_pipe_t *)h == &p->pipes[0];
    *buf = uv_buf_init(p->rt->read_buf, pty ? PTY_READ : sizeof p->rt->read_buf);
}

static void
pipe_closed(uv_handle_t *h)
{
    struct fs_proc *p = h->data;
    p->closing--;
    fs_proc_maybe_free(p);
}

void
fs_proc_close_slot(struct fs_proc *p, int i)
{
    if (!p->pipe_open[i])
        return;
    p->pipe_open[i] = false;
    if (i == 2)
        fs_chanq_close(&p->chq);
    p->closing++;
    uv_close((uv_handle_t *)&p->pipes[i], pipe_closed);
    if (i == 2)
        fs_proc_chan_close(p);
}

void
fs_proc_slot_over(struct fs_proc *p, int i)
{
    p->pipe_eof[i] = true;
    fs_proc_close_slot(p, i);
    if (!p->released && p->cbs.eof) {
        p->busy++;
        p->cbs.eof(p->arg, (enum fs_stream)(i + 1));
        p->busy--;
    }
    fs_proc_maybe_free(p);
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct fs_proc *p = s->data;
    int i = (int)((uv_pipe_t *)s - p->pipes);
    enum fs_stream stream = (enum fs_stream)(i + 1);
    if (n > 0) {
        if (!p->released && p->cbs.output) {
            p->busy++;
            p->cbs.output(p->arg, stream, buf->base, (size_t)n);
            p->busy--;
            fs_proc_maybe_free(p);
        }
        return;
    }
    /* EOF or a read error: either way this stream is over. */
    if (n < 0)
        fs_proc_slot_over(p, i);
}

/* Reading runs unless standard output is over its mark. */
static void
flow(struct fs_proc *p)
{
    for (int i = 0; i < 3; i++) {
        if (!p->pipe_open[i] || p->pipe_eof[i] || (i == 2 && fs_proc_chan_flow(p)))
            continue;
        if (p->rt->output_paused)
            uv_read_stop((uv_stream_t *)&p->pipes[i]);
        else
            uv_read_start((uv_stream_t *)&p->pipes[i], on_alloc, on_read);
    }
}

void
fs_proc_flow_all(struct fs_rt *rt)
{
    for (struct fs_proc *p = rt->procs; p; p = p->next)
        flow(p);
}

/* ---- exit and release ------------------------------------------------------------- */

void
fs_rt_on_orphan_reaped(struct fs_rt *rt, fs_rt_reaped_cb cb, void *arg)
{
    rt->orphan_cb = cb;
    rt->orphan_arg = arg;
}

void
fs_proc_reaped(struct fs_rt *rt, int pid, int status, const struct rusage *ru)
{
    struct fs_proc *p;
    for (p = rt->procs; p && p->pid != pid; p = p->next)
        ;
    if (p == NULL) {
        /* An orphaned descendant re-parented to forkscope. */
        if (rt->orphan_cb != NULL)
            rt->orphan_cb(rt->orphan_arg, pid, status);
        return;
    }
    p->reaped = true;
    /* Group members that outlive the leader stay on the watchdog's list and are
     * killed when forkscope quits; an empty group is taken off. */
    if (kill(-pid, 0) == 0)
        fs_rt_add_lingering(rt, pid);
    else
        fs_watchdog_remove(&rt->wd, pid);
    if (!p->released && p->cbs.exit) {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        /* ru_maxrss is in KiB on Linux. */
        struct fs_usage use = {
            .cpu = (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) +
                   (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6,
            .max_rss = (long long)ru->ru_maxrss * 1024,
        };
        p->busy++;
        p->cbs.exit(p->arg, code, sig, &use);
        p->busy--;
    }
    fs_proc_maybe_free(p);
}

void
fs_proc_maybe_free(struct fs_proc *p)
{
    if (!p->released || !p->reaped || p->busy > 0 || p->closing > 0 || p->pipe_open[0] ||
        p->pipe_open[1] || p->pipe_open[2])
        return;
    struct fs_proc **pp = &p->rt->procs;
    while (*pp != p)
        pp = &(*pp)->next;
    *pp = p->next;
    fs_chanq_fini(&p->chq);
    free(p);
}

/* What a stream holds when its run's streams are ended, read now and
 * delivered before it is closed: bytes that waited their turn (reading paused
 * for standard output, or the loop busy with other floods) are not lost with
 * it. At most this much a stream, so a writer out of reach that keeps writing
 * cannot hold the loop. */
#define DRAIN_MAX (4u << 20)

static void
drain_pipe(struct fs_proc *p, int i)
{
    uv_os_fd_t fd;
    if (uv_fileno((uv_handle_t *)&p->pipes[i], &fd) != 0)
        return;
    for (size_t total = 0; total < DRAIN_MAX && !p->released && p->pipe_open[i];) {
        ssize_t n = read(fd, p->rt->read_buf, sizeof p->rt->read_buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* empty for now (EAGAIN), at its end, or an error: closed below */
        if (p->cbs.output)
            p->cbs.output(p->arg, (enum fs_stream)(i + 1), p->rt->read_buf, (size_t)n);
        total += (size_t)n;
    }
}

void
fs_proc_end_streams(struct fs_proc *p)
{
    p->busy++;
    for (int i = 0; i < 3; i++) {
        if (!p->pipe_open[i] || p->pipe_eof[i])
            continue;
        if (i == 2 && p->chan_fd >= 0)
            fs_proc_chan_drain(p, DRAIN_MAX);
        else
            drain_pipe(p, i);
    }
    for (int i = 0; i < 3; i++)
        if (p->pipe_open[i] && !p->pipe_eof[i])
            fs_proc_slot_over(p, i);
    p->busy--;
    fs_proc_maybe_free(p);
}

void
fs_proc_release(struct fs_proc *p)
{
    if (p == NULL)
        return;
    p->released = true;
    if (!p->reaped)
        kill(-p->pid, SIGKILL);
    for (int i = 0; i < 3; i++)
        fs_proc_close_slot(p, i);
    fs_proc_maybe_free(p);
}

void
fs_proc_reap_remaining(struct fs_rt *rt)
{
    /* Only reached when a process outlived its task's bookkeeping (a bug or an
     * abnormal exit path): make sure it dies and is not left as a zombie. */
    struct fs_proc *p = rt->procs;
    while (p != NULL) {
        struct fs_proc *next = p->next;
        if (!p->reaped) {
            int status;
            kill(-p->pid, SIGKILL);
            while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
                ;
            p->reaped = true;
            fs_watchdog_remove(&rt->wd, p->pid);
        }
        p->released = true;
        for (int i = 0; i < 3; i++)
            fs_proc_close_slot(p, i);
        fs_proc_maybe_free(p);
        p = next;
    }
}

/* ---- input and size of a pty ---------------------------------------------------- */

#define FS_PROC_WRITE_LIMIT (1u << 20)

struct write_req {
    uv_write_t req;
    char data[];
};

static void
write_done(uv_write_t *req, int status)
{
    (void)status; /* A task that stopped reading its terminal is not an error here. */
    free(req);
}

/* Queues a copy of the bytes on stream slot i. */
int
fs_proc_write_slot(struct fs_proc *p, int i, const char *data, size_t len)
{
    if (!p->pipe_open[i] || p->pipe_eof[i])
        return -EPIPE;
    if (uv_stream_get_write_queue_size((uv_stream_t *)&p->pipes[i]) > FS_PROC_WRITE_LIMIT)
        return -EAGAIN;
    struct write_req *w = fs_xmalloc(sizeof *w + len);
    memcpy(w->data, data, len);
    uv_buf_t b = uv_buf_init(w->data, (unsigned)len);
    int r = uv_write(&w->req, (uv_stream_t *)&p->pipes[i], &b, 1, write_done);
    if (r != 0) {
        free(w);
        return r;
    }
    return 0;
}

int
fs_proc_write(struct fs_proc *p, const char *data, size_t len)
{
    return p->pty ? fs_proc_write_slot(p, 0, data, len) : -ENOTTY;
}

int
fs_proc_resize(struct fs_proc *p, int rows, int cols)
{
    if (!p->pty)
        return -ENOTTY;
    if (!p->pipe_open[0])
        return -EPIPE;
    uv_os_fd_t fd;
    if (uv_fileno((uv_handle_t *)&p->pipes[0], &fd) != 0)
        return -EBADF;
    struct winsize ws = {(unsigned short)(rows > 0 ? rows : 1),
                         (unsigned short)(cols > 0 ? cols : 1), 0, 0};
    return ioctl(fd, TIOCSWINSZ, &ws) == 0 ? 0 : -errno;
}
