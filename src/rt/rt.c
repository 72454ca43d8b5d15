/*
 * The runtime's loop, clock, signal watchers, timers, --control input and the
 * groups left behind by tasks. It owns every libuv handle outside proc.c and
 * outq.c and closes them all on shutdown, so the loop closes with no leak.
 */
#include <config.h>

#include "rt/rt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt/proc.h"
#include "util/xalloc.h"

/* Standard output may hold this much before task output is paused. */
#define FS_STDOUT_HIGH_WATER (1u << 20)

struct fs_timer {
    uv_timer_t handle;
    fs_timer_cb cb;
    void *arg;
};

static void
on_quit_signal(uv_signal_t *h, int sig)
{
    struct fs_rt *rt = h->data;
    if (rt->quit_cb)
        rt->quit_cb(rt->quit_arg, sig);
}

static void
on_sigchld(uv_signal_t *h, int sig)
{
    struct fs_rt *rt = h->data;
    (void)sig;
    for (;;) {
        int status;
        struct rusage ru;
        pid_t pid = wait4(-1, &status, WNOHANG, &ru);
        if (pid <= 0)
            break;
        if (pid == rt->wd.pid) {
            /* The watchdog died: nothing can replace it safely now. */
            rt->wd.pid = 0;
            continue;
        }
        fs_proc_reaped(rt, pid, status, &ru);
    }
}

/* Quit signals do not keep the loop alive; the SIGCHLD watcher does, so the
 * loop never ends while an exit status is still to come. */
static int
signal_start(struct fs_rt *rt, uv_signal_t *h, uv_signal_cb cb, int sig)
{
    int r = uv_signal_init(&rt->loop, h);
    if (r != 0)
        return r;
    h->data = rt;
    r = uv_signal_start(h, cb, sig);
    if (r != 0) {
        uv_close((uv_handle_t *)h, NULL);
        return r;
    }
    if (sig != SIGCHLD)
        uv_unref((uv_handle_t *)h);
    return 0;
}

/* libuv aborts, rather than fail, when the first loop cannot create the pipe
 * that guards its signal handling (uv__signal_global_once_init); with the
 * loop's own descriptor that takes three. Checking for three first turns a
 * too-low `ulimit -n` into a message. */
static int
three_descriptors_free(void)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -errno;
    int d = fcntl(p[0], F_DUPFD_CLOEXEC, 0);
    int r = d < 0 ? -errno : 0;
    if (d >= 0)
        close(d);
    close(p[0]);
    close(p[1]);
    return r;
}

/* fs_rt_new could not finish: closes what it opened of the loop. */
static void
rt_abandon(struct fs_rt *rt, uv_signal_t *const *sigs, int nsigs)
{
    for (int i = 0; i < nsigs; i++)
        uv_close((uv_handle_t *)sigs[i], NULL);
    fs_outq_close(rt->out);
    fs_outq_close(rt->err);
    uv_run(&rt->loop, UV_RUN_DEFAULT);
    uv_loop_close(&rt->loop);
    fs_outq_free(rt->out);
    fs_outq_free(rt->err);
    fs_watchdog_stop(&rt->wd);
    free(rt);
}

/* A standard descriptor that forkscope was started without (`2>&-`) would be
 * the next one opened — the watchdog's pipe, the loop's epoll — and output
 * meant for it would go there. Each is held by /dev/null, read-only: reading
 * it gives end of file, and writing it fails (EBADF) and is reported like any
 * other write error. */
static void
hold_standard_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        int n = open("/dev/null", O_RDONLY);
        if (n >= 0 && n != fd) {
            dup2(n, fd);
            close(n);
        }
    }
}

struct fs_rt *
fs_rt_new(char **err)
{
    hold_standard_fds();
    struct fs_rt *rt = fs_xcalloc(1, sizeof *rt);
    /* The watchdog is forked first, while forkscope has one thread. */
    if (fs_watchdog_start(&rt->wd, err) != 0) {
        free(rt);
        return NULL;
    }
    /* Orphaned descendants of tasks are re-parented to forkscope rather than to
     * init, so they are reaped here and never become invisible zombies. */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    signal(SIGPIPE, SIG_IGN);
    fs_proc_raise_fd_limit();
    int r = three_descriptors_free();
    if (r == 0)
        r = uv_loop_init(&rt->loop);
    if (r != 0) {
        *err = fs_xasprintf("cannot start the event loop: %s", uv_strerror(r));
        fs_watchdog_stop(&rt->wd);
        free(rt);
        return NULL;
    }
    rt->loop.data = rt;
    rt->t0 = uv_hrtime();
    rt->send_timeout = FS_RT_SEND_TIMEOUT;
    /* Without these forkscope could not be stopped, or would never learn
     * that a task exited: it does not start. */
    static const int signums[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD};
    uv_signal_t *const sigs[] = {&rt->sig_int, &rt->sig_term, &rt->sig_hup, &rt->sig_chld};
    int nsigs = 0;
    for (; nsigs < 4; nsigs++) {
        r = signal_start(rt, sigs[nsigs], signums[nsigs] == SIGCHLD ? on_sigchld : on_quit_signal,
                         signums[nsigs]);
        if (r != 0) {
            *err = fs_xasprintf("cannot watch signal %s: %s", strsignal(signums[nsigs]),
                                uv_strerror(r));
            rt_abandon(rt, sigs, nsigs);
            return NULL;
        }
    }
    r = fs_outq_new(rt, STDOUT_FILENO, FS_STDOUT_HIGH_WATER, &rt->out);
    if (r == 0)
        r = fs_outq_new(rt, STDERR_FILENO, FS_STDOUT_HIGH_WATER, &rt->err);
    if (r != 0) {
        *err = fs_xasprintf("cannot set up the output queue: %s", uv_strerror(r));
        rt_abandon(rt, sigs, nsigs);
        return NULL;
    }
    fs_proc_chan_pace_open(rt);
    return rt;
}

int
fs_rt_run(struct fs_rt *rt)
{
    return uv_run(&rt->loop, UV_RUN_DEFAULT);
}

int
fs_rt_run_once(struct fs_rt *rt)
{
    return uv_run(&rt->loop, UV_RUN_ONCE);
}

double
fs_rt_now(struct fs_rt *rt)
{
    return (double)(uv_hrtime() - rt->t0) / 1e9;
}

void
fs_rt_on_quit_signal(struct fs_rt *rt, fs_rt_signal_cb cb, void *arg)
{
    rt->quit_cb = cb;
    rt->quit_arg = arg;
}

struct fs_outq *
fs_rt_stdout(struct fs_rt *rt)
{
    return rt->out;
}

struct fs_outq *
fs_rt_stderr(struct fs_rt *rt)
{
    return rt->err;
}

int
fs_rt_write_error(struct fs_rt *rt, const char **what)
{
    struct fs_outq *qs[] = {rt->out, rt->err};
    static const char *const names[] = {"standard output", "standard error"};
    for (int i = 0; i < 2; i++) {
        int e = fs_outq_error(qs[i]);
        if (e != 0 && e != EPIPE) {
            *what = names[i];
            return e;
        }
    }
    return 0;
}

/* ---- standard input ---------------------------------------------------- */

static void
in_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct fs_rt *rt = h->data;
    (void)suggested;
    *buf = uv_buf_init(rt->in_buf, sizeof rt->in_buf);
}

static void
in_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct fs_rt *rt = s->data;
    if (n > 0) {
        rt->in_cb(rt->in_arg, buf->base, (size_t)n);
    } else if (n < 0) {
        uv_read_stop(s);
        rt->in_reading = false;
        rt->in_eof = true;
        rt->in_cb(rt->in_arg, NULL, 0);
    }
}

static void in_file_next(struct fs_rt *rt);

static void
in_file_read(uv_fs_t *req)
{
    struct fs_rt *rt = req->data;
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    rt->in_reading = false;
    if (rt->shut)
        return;
    if (n > 0) {
        rt->in_cb(rt->in_arg, rt->in_buf, (size_t)n);
        if (!rt->shut && !rt->in_held)
            in_file_next(rt);
        return;
    }
    rt->in_eof = true;
    rt->in_cb(rt->in_arg, NULL, 0);
}

static void
in_file_next(struct fs_rt *rt)
{
    uv_buf_t b = uv_buf_init(rt->in_buf, sizeof rt->in_buf);
    rt->in_req.data = rt;
    rt->in_reading = uv_fs_read(&rt->loop, &rt->in_req, STDIN_FILENO, &b, 1, -1, in_file_read) == 0;
}

void
fs_rt_input_flow(struct fs_rt *rt)
{
    bool hold = rt->waiting > 0 || rt->output_paused;
    if (hold == rt->in_held)
        return;
    rt->in_held = hold;
    if (rt->in_eof || rt->shut)
        return;
    if (rt->in_kind == FS_INPUT_STREAM) {
        if (hold)
            uv_read_stop((uv_stream_t *)&rt->in.pipe);
        else
            rt->in_reading = uv_read_start((uv_stream_t *)&rt->in.pipe, in_alloc, in_read) == 0;
    } else if (rt->in_kind == FS_INPUT_FILE && !hold && !rt->in_reading) {
        in_file_next(rt);
    }
}

void
fs_rt_set_send_timeout(struct fs_rt *rt, double seconds)
{
    rt->send_timeout = seconds;
}

int
fs_rt_read_stdin(struct fs_rt *rt, fs_rt_input_cb cb, void *arg)
{
    rt->in_cb = cb;
    rt->in_arg = arg;
    uv_handle_type type = uv_guess_handle(STDIN_FILENO);
    int r;
    if (type == UV_TTY) {
        r = uv_tty_init(&rt->loop, &rt->in.tty, STDIN_FILENO, 1);
    } else if (type == UV_NAMED_PIPE) {
        r = uv_pipe_init(&rt->loop, &rt->in.pipe, 0);
        if (r == 0)
            r = uv_pipe_open(&rt->in.pipe, STDIN_FILENO);
        if (r != 0)
            uv_close((uv_handle_t *)&rt->in.pipe, NULL);
    } else if (type == UV_FILE) {
        rt->in_kind = FS_INPUT_FILE;
        if (!rt->in_held)
            in_file_next(rt);
        return 0;
    } else {
        return UV_EINVAL;
    }
    if (r != 0)
        return r;
    rt->in_kind = FS_INPUT_STREAM;
    rt->in.pipe.data = rt;
    if (rt->in_held)
        return 0;
    r = uv_read_start((uv_stream_t *)&rt->in.pipe, in_alloc, in_read);
    rt->in_reading = r == 0;
    return r;
}

/* ---- timers -------------------------------------------------------------- */

static void
on_timer(uv_timer_t *h)
{
    struct fs_timer *t = h->data;
    t->cb(t->arg);
}

struct fs_timer *
fs_timer_new(struct fs_rt *rt, fs_timer_cb cb, void *arg)
{
    struct fs_timer *t = fs_xcalloc(1, sizeof *t);
    uv_timer_init(&rt->loop, &t->handle);
    t->handle.data = t;
    t->cb = cb;
    t->arg = arg;
    return t;
}

void
fs_timer_start(struct fs_timer *t, double seconds)
{
    uint64_t ms = seconds <= 0 ? 0 : (uint64_t)(seconds * 1000.0 + 0.5);
    uv_timer_start(&t->handle, on_timer, ms, 0);
}

void
fs_timer_stop(struct fs_timer *t)
{
    uv_timer_stop(&t->handle);
}

static void
timer_closed(uv_handle_t *h)
{
    free(h->data);
}

void
fs_timer_free(struct fs_timer *t)
{
    if (t == NULL)
        return;
    uv_timer_stop(&t->handle);
    uv_close((uv_handle_t *)&t->handle, timer_closed);
}

void
fs_timer_weak(struct fs_timer *t)
{
    uv_unref((uv_handle_t *)&t->handle);
}

/* ---- wake-ups from other threads -------------------------------------------------- */

struct fs_wake {
    uv_async_t handle;
    fs_timer_cb cb;
    void *arg;
};

static void
on_wake(uv_async_t *h)
{
    struct fs_wake *w = h->data;
    w->cb(w->arg);
}

struct fs_wake *
fs_wake_new(struct fs_rt *rt, fs_timer_cb cb, void *arg)
{
    struct fs_wake *w = fs_xcalloc(1, sizeof *w);
    /* This cannot fail: the loop's one descriptor for wake-ups was made with
     * the output queue's (fs_rt_new), and later ones only share it. */
    int r = uv_async_init(&rt->loop, &w->handle, on_wake);
    if (r != 0) {
        fprintf(stderr, "forkscope: internal error: uv_async_init: %s\n", uv_strerror(r));
        abort();
    }
    w->handle.data = w;
    w->cb = cb;
    w->arg = arg;
    return w;
}

void
fs_wake_send(struct fs_wake *w)
{
    uv_async_send(&w->handle);
}

static void
wake_closed(uv_handle_t *h)
{
    free(h->data);
}

void
fs_wake_free(struct fs_wake *w)
{
    if (w != NULL)
        uv_close((uv_handle_t *)&w->handle, wake_closed);
}

/* ---- the screen's input and signals ---------------------------------------------- */

/* A terminal that hung up (its emulator or tmux server went away) reports
 * POLLHUP, or POLLERR, whatever was asked for. */
static bool
fd_hung_up(int fd)
{
    struct pollfd p = {fd, 0, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

/* The terminal is gone: quit as on SIGHUP, which does not come when forkscope
 * is not in the terminal's session. Once: the key watcher would otherwise
 * wake the loop on every turn, since a hung-up terminal is always readable. */
static void
terminal_gone(struct fs_rt *rt)
{
    if (rt->hung_up)
        return;
    rt->hung_up = true;
    if (rt->keys_active)
        uv_poll_stop(&rt->keys);
    if (rt->quit_cb)
        rt->quit_cb(rt->quit_arg, SIGHUP);
}

bool
fs_rt_terminal_gone(struct fs_rt *rt)
{
    if (!rt->hung_up && (fd_hung_up(STDIN_FILENO) || fd_hung_up(STDOUT_FILENO)))
        terminal_gone(rt);
    return rt->hung_up;
}

static void
on_keys(uv_poll_t *h, int status, int events)
{
    struct fs_rt *rt = h->data;
    if (status < 0 || (events & UV_DISCONNECT) || fd_hung_up(STDIN_FILENO)) {
        terminal_gone(rt);
        return;
    }
    rt->keys_cb(rt->keys_arg);
}

int
fs_rt_watch_input(struct fs_rt *rt, fs_timer_cb cb, void *arg)
{
    int r = uv_poll_init(&rt->loop, &rt->keys, STDIN_FILENO);
    if (r != 0)
        return r;
    rt->keys.data = rt;
    rt->keys_cb = cb;
    rt->keys_arg = arg;
    rt->keys_active = true;
    r = uv_poll_start(&rt->keys, UV_READABLE | UV_DISCONNECT, on_keys);
    if (r != 0) {
        uv_close((uv_handle_t *)&rt->keys, NULL);
        rt->keys_active = false;
    }
    return r;
}

static void
on_extra_signal(uv_signal_t *h, int sig)
{
    struct fs_rt *rt = h->data;
    for (int i = 0; i < rt->nextra_sig; i++)
        if (&rt->extra_sig[i].h == h)
            rt->extra_sig[i].cb(rt->extra_sig[i].arg, sig);
}

int
fs_rt_on_signal(struct fs_rt *rt, int sig, fs_rt_signal_cb cb, void *arg)
{
    if (rt->nextra_sig == (int)(sizeof rt->extra_sig / sizeof rt->extra_sig[0]))
        return UV_ENOSPC;
    int i = rt->nextra_sig;
    rt->extra_sig[i].cb = cb;
    rt->extra_sig[i].arg = arg;
    int r = signal_start(rt, &rt->extra_sig[i].h, on_extra_signal, sig);
    if (r == 0)
        rt->nextra_sig++;
    return r;
}

/* ---- lingering groups and shutdown -------------------------------------------- */

void
fs_rt_add_lingering(struct fs_rt *rt, int pgid)
{
    rt->lingering = fs_xreallocarray(rt->lingering, rt->nlingering + 1, sizeof *rt->lingering);
    rt->lingering[rt->nlingering++] = pgid;
}

void
fs_rt_kill_lingering(struct fs_rt *rt)
{
    for (size_t i = 0; i < rt->nlingering; i++) {
        kill(-rt->lingering[i], SIGKILL);
        fs_watchdog_remove(&rt->wd, rt->lingering[i]);
    }
    rt->nlingering = 0;
}

void
fs_rt_shutdown(struct fs_rt *rt)
{
    if (rt->shut)
        return;
    rt->shut = true;
    uv_close((uv_handle_t *)&rt->sig_int, NULL);
    uv_close((uv_handle_t *)&rt->sig_term, NULL);
    uv_close((uv_handle_t *)&rt->sig_hup, NULL);
    uv_close((uv_handle_t *)&rt->sig_chld, NULL);
    if (rt->in_kind == FS_INPUT_STREAM)
        uv_close((uv_handle_t *)&rt->in.pipe, NULL);
    else if (rt->in_kind == FS_INPUT_FILE && rt->in_reading)
        uv_cancel((uv_req_t *)&rt->in_req);
    rt->in_kind = FS_INPUT_NONE;
    if (rt->keys_active)
        uv_close((uv_handle_t *)&rt->keys, NULL);
    rt->keys_active = false;
    for (int i = 0; i < rt->nextra_sig; i++)
        uv_close((uv_handle_t *)&rt->extra_sig[i].h, NULL);
    rt->nextra_sig = 0;
    fs_timer_free(rt->stall_timer);
    rt->stall_timer = NULL;
    fs_proc_chan_pace_close(rt);
    fs_logw_close(rt->logw);
    fs_outq_close(rt->out);
    fs_outq_close(rt->err);
}

int
fs_rt_free(struct fs_rt *rt)
{
    if (rt == NULL)
        return 0;
    fs_rt_shutdown(rt);
    /* Let the close callbacks run. */
    uv_run(&rt->loop, UV_RUN_DEFAULT);
    fs_proc_reap_remaining(rt);
    uv_run(&rt->loop, UV_RUN_DEFAULT);
    fs_rt_kill_lingering(rt);
    int r = uv_loop_close(&rt->loop);
    fs_logw_free(rt->logw);
    fs_outq_free(rt->out);
    fs_outq_free(rt->err);
    fs_watchdog_stop(&rt->wd);
    free(rt->lingering);
    free(rt);
    return r;
}
