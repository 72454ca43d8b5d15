/*
 * The tracer's report FIFO (rt/trace.h): its private directory, its read side
 * on the loop and the cutting of its lines. It owns the directory, the
 * descriptor, the poll handle and one partial line.
 */
#include <config.h>

#include "rt/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt/rt_int.h"
#include "util/xalloc.h"

struct fs_trace_fifo {
    uv_poll_t poll;
    int fd;
    char *dir, *path;
    fs_trace_line_cb cb;
    void *arg;
    char line[FS_TRACE_LINE_MAX];
    size_t len;
    bool skipping; /* in a line past the bound: dropped up to its "\n" */
    unsigned long long dropped;
};

const char *
fs_trace_fifo_path(const struct fs_trace_fifo *f)
{
    return f->path;
}

unsigned long long
fs_trace_fifo_dropped(const struct fs_trace_fifo *f)
{
    return f->dropped;
}

/* Cuts the bytes read into lines: whole ones go to the owner, a line longer
 * than the bound is counted and dropped. */
static void
cut(struct fs_trace_fifo *f, const char *p, size_t n)
{
    while (n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t take = nl != NULL ? (size_t)(nl - p) : n;
        if (!f->skipping && f->len + take <= sizeof f->line) {
            memcpy(f->line + f->len, p, take);
            f->len += take;
        } else if (!f->skipping) {
            f->skipping = true;
            f->dropped++;
        }
        if (nl == NULL)
            return;
        if (!f->skipping && f->len > 0)
            f->cb(f->arg, f->line, f->len);
        f->len = 0;
        f->skipping = false;
        p += take + 1;
        n -= take + 1;
    }
}

void
fs_trace_fifo_drain(struct fs_trace_fifo *f)
{
    char buf[16384];
    for (;;) {
        ssize_t n = read(f->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        cut(f, buf, (size_t)n);
    }
}

static void
on_readable(uv_poll_t *h, int status, int events)
{
    (void)status;
    (void)events;
    fs_trace_fifo_drain(h->data);
}

static void
remove_dir(struct fs_trace_fifo *f)
{
    unlink(f->path);
    rmdir(f->dir);
}

static void
fifo_abandon(struct fs_trace_fifo *f)
{
    if (f->fd >= 0)
        close(f->fd);
    remove_dir(f);
    free(f->path);
    free(f->dir);
    free(f);
}

struct fs_trace_fifo *
fs_trace_fifo_new(struct fs_rt *rt, fs_trace_line_cb cb, void *arg, char **err)
{
    const char *tmp = getenv("TMPDIR");
    struct fs_trace_fifo *f = fs_xcalloc(1, sizeof *f);
    f->fd = -1;
    f->cb = cb;
    f->arg = arg;
    f->dir = fs_xasprintf("%s/" FS_TRACE_DIR_PREFIX "%ld.XXXXXX",
                          tmp != NULL && *tmp ? tmp : "/tmp", (long)getpid());
    if (mkdtemp(f->dir) == NULL) {
        *err = fs_xasprintf("cannot make a directory for node's reports (%s): %s", f->dir,
                            strerror(errno));
        free(f->dir);
        free(f);
        return NULL;
    }
    f->path = fs_xasprintf("%s/reports", f->dir);
    const char *what = "mkfifo";
    int r = mkfifo(f->path, 0600) != 0 ? -errno : 0;
    if (r == 0) {
        what = "open";
        f->fd = open(f->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        r = f->fd < 0 ? -errno : 0;
    }
    if (r == 0) {
        what = "poll";
        r = uv_poll_init(&rt->loop, &f->poll, f->fd);
    }
    if (r == 0) {
        f->poll.data = f;
        uv_poll_start(&f->poll, UV_READABLE, on_readable);
        uv_unref((uv_handle_t *)&f->poll);
        return f;
    }
    *err = fs_xasprintf("cannot set up node's report channel %s (%s): %s", f->path, what,
                        strerror(-r));
    fifo_abandon(f);
    return NULL;
}

static void
on_closed(uv_handle_t *h)
{
    fifo_abandon(h->data);
}

void
fs_trace_fifo_free(struct fs_trace_fifo *f)
{
    if (f == NULL)
        return;
    fs_trace_fifo_drain(f);
    remove_dir(f);
    uv_close((uv_handle_t *)&f->poll, on_closed);
}
