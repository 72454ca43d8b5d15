/*
 * The worker host (see worker/host.h). The module runs on a thread as inside
 * forkscope; this process's main thread relays: the port's wake-ups arrive on
 * a pipe, messages from the module are written to the channel (fd 3) one JSON
 * text a line, lines read from the channel are sent to the module's port.
 * Plain poll(2): no event loop is needed for two descriptors.
 *
 * Backpressure, as inside forkscope (app/worker.c): a line that finds the
 * module's inbox full waits here, with the rest of its read, and the channel
 * is not read again until the module has taken its inbox down (the port then
 * wakes this thread) and every waiting line has gone in. forkscope's side of
 * the channel then fills and holds its sender back: nothing is dropped. What
 * waits is bounded by one read (64 KiB) plus the longest line (1 MiB).
 */
#include <config.h>

#include "worker/host.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/linebuf.h"
#include "util/blockq.h"
#include "util/xalloc.h"
#include "worker/jobs.h"
#include "worker/modules.h"
#include "worker/port.h"
#include "worker/thread.h"

struct host {
    int chan;
    int wake[2];
    struct fs_port *port;
    struct fs_blockq pend; /* lines read from the channel, waiting for room in the inbox */
};

static void
on_wake(void *arg)
{
    struct host *h = arg;
    ssize_t w = write(h->wake[1], "w", 1); /* a full pipe already means "wake" */
    (void)w;
}

static void
write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* forkscope went away: the module is stopped below */
        p += w;
        len -= (size_t)w;
    }
}

static void
relay_out(void *arg, const char *json, size_t len)
{
    struct host *h = arg;
    /* `forkscope child` without a channel: the messages are its output. */
    int fd = h->chan >= 0 ? h->chan : STDOUT_FILENO;
    write_all(fd, json, len);
    write_all(fd, "\n", 1);
}

static void
relay_in(void *arg, const char *line, size_t len, unsigned flags)
{
    struct host *h = arg;
    if (len == 0 || (flags & FS_LINE_SPLIT))
        return;
    if (h->pend.head == NULL && fs_port_send(h->port, line, len) != -EAGAIN)
        return; /* in the inbox (or the port is closed: the module is gone) */
    fs_blockq_push(&h->pend, fs_blockq_item_new(line, len));
}

/* Moves waiting lines into the inbox while it has room. The port wakes this
 * thread once the module has taken a full inbox down to half. */
static void
flush_pending(struct host *h)
{
    struct fs_blockq_item *q;
    while ((q = h->pend.head) != NULL && fs_port_send(h->port, q->data, q->len) != -EAGAIN)
        free(fs_blockq_pop(&h->pend));
}

/* The relay has failed and the module may not return (a plugin that never
 * looks at its stop flag): joining could wait for ever, so this process ends
 * here, its module's thread with it. */
static void
give_up(struct fs_worker *w, const char *what, int err)
{
    fprintf(stderr, "forkscope worker-host: %s: %s\n", what, strerror(err));
    fs_worker_stop(w);
    _exit(1);
}

/* The module's ARGS: argv joined by spaces, as a `worker:` task's `args:`. */
static char *
join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = fs_xmalloc(len);
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static int host_run(const char *who, fs_worker_entry entry, bool jobs, const char *name,
                    const char *args, bool need_chan);

int
fs_worker_host_main(int argc, char **argv)
{
    /* --jobs: a pool member, which runs the module once per job message. */
    bool jobs = argc > 0 && strcmp(argv[0], "--jobs") == 0;
    if (jobs) {
        argc--;
        argv++;
    }
    if (argc < 1) {
        fprintf(stderr, "usage: forkscope worker-host [--jobs] MODULE [ARGS]\n");
        return 2;
    }
    fs_worker_entry entry;
    char *err = NULL;
    if (fs_worker_load(argv[0], &entry, NULL, &err) != 0) {
        fprintf(stderr, "forkscope worker-host: %s\n", err);
        free(err);
        return 2;
    }
    return host_run("worker-host", entry, jobs, argv[0], argc > 1 ? argv[1] : NULL, true);
}

int
fs_worker_child_main(int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "usage: forkscope child MODULE [ARGS...] (a built-in worker module "
                        "run as a process of its own)\n");
        return 2;
    }
    const struct fs_worker_module *m = fs_worker_module_find(argv[0]);
    if (m == NULL) {
        char *err = NULL;
        fs_worker_check_name(argv[0], &err);
        fprintf(stderr, "forkscope child: %s\n", err ? err : "no such module");
        free(err);
        return 2;
    }
    char *args = join_args(argc - 1, argv + 1);
    int rc = host_run("child", m->entry, false, m->name, args, false);
    free(args);
    return rc;
}

/* Runs one module on a thread and relays for it until it returns. Without
 * need_chan, a missing channel means its messages go to standard output. */
static int
host_run(const char *who, fs_worker_entry entry, bool jobs, const char *name, const char *args,
         bool need_chan)
{
    /* A crash must kill this process by its signal, as it would any program:
     * a sanitizer's own handler (in instrumented builds) would turn it into an
     * exit status and hide the lesson. */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    const char *fd = getenv("NODE_CHANNEL_FD");
    struct host h = {fd ? atoi(fd) : 3, {-1, -1}, NULL, FS_BLOCKQ_INIT};
    if (!need_chan && fd == NULL) {
        /* A descriptor 3 that nobody named a channel is not one. */
        h.chan = -1;
    } else if (fcntl(h.chan, F_GETFD) < 0) {
        fprintf(stderr, "forkscope %s: no channel on descriptor %d (NODE_CHANNEL_FD): %s\n", who,
                h.chan, strerror(errno));
        return 2;
    }
    if (pipe2(h.wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        fprintf(stderr, "forkscope %s: cannot make the module's wake-up pipe: %s\n", who,
                strerror(errno));
        return 1;
    }
    h.port = fs_port_new(name, on_wake, &h);
    struct fs_worker *w;
    int r =
        fs_worker_start_loop(entry, jobs ? fs_worker_run_jobs : NULL, args, h.port, NULL, NULL, &w);
    if (r != 0) {
        fprintf(stderr, "forkscope %s: cannot start the module's thread: %s\n", who, strerror(-r));
        fs_port_free(h.port);
        close(h.wake[0]);
        close(h.wake[1]);
        return 1;
    }
    struct fs_linebuf lines;
    fs_linebuf_init(&lines, 1 << 20);
    bool chan_open = h.chan >= 0;
    for (;;) {
        /* The channel is read only while no line waits for the inbox. */
        bool read_chan = chan_open && h.pend.head == NULL;
        struct pollfd p[2] = {{h.wake[0], POLLIN, 0}, {h.chan, POLLIN, 0}};
        if (poll(p, read_chan ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            give_up(w, "poll", errno);
        }
        if (p[0].revents) {
            char buf[256];
            while (read(h.wake[0], buf, sizeof buf) > 0)
                ;
            bool done = fs_worker_done(w);
            fs_port_drain(h.port, relay_out, &h);
            if (done)
                break;
            flush_pending(&h);
        }
        if (read_chan && p[1].revents) {
            char buf[65536];
            ssize_t n = read(h.chan, buf, sizeof buf);
            if (n > 0) {
                fs_linebuf_feed(&lines, buf, (size_t)n, relay_in, &h);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                chan_open = false; /* forkscope is gone or disconnected */
                fs_blockq_clear(&h.pend);
                fs_worker_stop(w);
            }
        }
    }
    int rc = fs_worker_join(w);
    fs_blockq_clear(&h.pend);
    fs_linebuf_fini(&lines);
    fs_port_free(h.port);
    close(h.wake[0]);
    close(h.wake[1]);
    return rc;
}
