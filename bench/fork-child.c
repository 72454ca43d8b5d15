/*
 * The forked C child of bench/worker-vs-fork, speaking JSON lines on its
 * channel (fd 3) like a Node child in json mode:
 *
 *   fork-child echo      answers each message m with {"echo":m}, split into
 *                        messages by forkscope's own framer (ipc/ipc.h),
 *                        until the channel closes: the `echo` worker's twin
 *   fork-child flood N   writes N messages {"i":k}, one write(2) each (a
 *                        worker posts one message per fs_port_post), then
 *                        waits until the channel closes
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/ipc.h"

#define CHANNEL_FD 3
#define PREFIX "{\"echo\":"

static int
write_all(const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(CHANNEL_FD, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* The answers to the messages of one read, written together. */
struct out {
    char *data;
    size_t len, cap;
};

static void
on_frame(void *arg, const struct fs_ipc_frame *fr)
{
    struct out *o = arg;
    size_t need = strlen(PREFIX) + fr->len + 2;

    if (fr->flags & FS_IPC_BAD)
        return;
    if (o->len + need > o->cap) {
        o->cap = (o->len + need) * 2;
        o->data = realloc(o->data, o->cap);
        if (o->data == NULL)
            abort();
    }
    memcpy(o->data + o->len, PREFIX, strlen(PREFIX));
    o->len += strlen(PREFIX);
    memcpy(o->data + o->len, fr->data, fr->len);
    o->len += fr->len;
    o->data[o->len++] = '}';
    o->data[o->len++] = '\n';
}

static int
echo(void)
{
    static char buf[65536];
    struct fs_ipc_framer f;
    struct out o = {NULL, 0, 0};
    ssize_t n;
    int rc = 0;

    fs_ipc_framer_init(&f, FS_IPC_JSON, 0);
    while ((n = read(CHANNEL_FD, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        o.len = 0;
        fs_ipc_feed(&f, buf, (size_t)n, on_frame, &o);
        if (o.len > 0 && write_all(o.data, o.len) != 0) {
            rc = 1;
            break;
        }
    }
    fs_ipc_framer_fini(&f);
    free(o.data);
    return rc;
}

static int
flood(long count)
{
    char msg[32], buf[256];
    ssize_t n;

    for (long i = 0; i < count; i++) {
        int len = snprintf(msg, sizeof msg, "{\"i\":%ld}\n", i);
        if (write_all(msg, (size_t)len) != 0)
            return 1;
    }
    do
        n = read(CHANNEL_FD, buf, sizeof buf);
    while (n > 0 || (n < 0 && errno == EINTR));
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "echo") == 0)
        return echo();
    if (argc == 3 && strcmp(argv[1], "flood") == 0 && atol(argv[2]) > 0)
        return flood(atol(argv[2]));
    fprintf(stderr, "usage: %s echo | flood N\n", argv[0]);
    return 2;
}
