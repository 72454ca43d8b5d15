/*
 * One end of bench/worker-vs-fork's comparisons (see side.h): the worker's
 * wake function, drain and join as in app/worker.c; the child's callbacks,
 * framing and classification as in app.c and channel.c. Nothing here is timed
 * but the arrival of messages and the end of the thread or child.
 */
#include <config.h>

#include "side.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt/proc.h"
#include "worker/port.h"
#include "worker/thread.h"

uint64_t
side_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
received(struct side *s, const char *json, size_t len)
{
    uint64_t t = side_now_ns();

    if (s->got++ == 0)
        s->t_first = t;
    s->t_last = t;
    if (s->ping && (len != s->expect_len || memcmp(json, s->expect, len) != 0)) {
        fprintf(stderr, "worker-vs-fork: unexpected answer %.*s\n", (int)len, json);
        exit(1);
    }
}

/* ---- a worker, started and drained as app/worker.c does -------------------- */

/* On the worker's thread: the port has messages, or the worker is done. */
static void
port_wake(void *arg)
{
    struct side *s = arg;

    pthread_mutex_lock(&s->mu);
    fs_wake_send(s->wake);
    pthread_mutex_unlock(&s->mu);
}

static void
on_port_message(void *arg, const char *json, size_t len)
{
    received(arg, json, len);
}

/* On the loop: drain the port whole; join the thread once it is done. */
static void
on_wake(void *arg)
{
    struct side *s = arg;
    bool done = s->thread != NULL && fs_worker_done(s->thread);

    fs_port_drain(s->port, on_port_message, s);
    if (done) {
        fs_worker_join(s->thread);
        s->thread = NULL;
        s->gone = true;
        s->t_gone = side_now_ns();
    }
}

void
side_start_worker(struct side *s, fs_worker_entry entry, const char *args)
{
    s->kind = SIDE_WORKER;
    pthread_mutex_init(&s->mu, NULL);
    s->wake = fs_wake_new(s->rt, on_wake, s);
    s->port = fs_port_new("bench", port_wake, s);
    int r = fs_worker_start(entry, args, s->port, NULL, NULL, &s->thread);
    if (r != 0) {
        fprintf(stderr, "worker-vs-fork: cannot start a thread: %s\n", strerror(-r));
        exit(1);
    }
}

/* After the worker was joined. */
static void
worker_free(struct side *s)
{
    fs_port_free(s->port);
    fs_wake_free(s->wake);
    pthread_mutex_destroy(&s->mu);
}

/* The start-up race's worker: one message, then wait to be stopped. */
int
side_hello_main(struct fs_port *p, const char *args)
{
    char *msg;
    size_t len;

    (void)args;
    if (fs_port_post(p, "{\"ready\":1}", 11) != 0)
        return 1;
    while (fs_port_recv(p, &msg, &len, -1) == 0)
        fs_port_free_msg(p, msg);
    return 0;
}

/* The throughput worker: N messages {"i":k}, one post each, then wait. */
int
side_flood_main(struct fs_port *p, const char *args)
{
    long n = atol(args);
    char msg[32], *in;
    size_t len;

    for (long i = 0; i < n; i++) {
        int l = snprintf(msg, sizeof msg, "{\"i\":%ld}", i);
        if (fs_port_post(p, msg, (size_t)l) != 0)
            return 1;
    }
    while (fs_port_recv(p, &in, &len, -1) == 0)
        fs_port_free_msg(p, in);
    return 0;
}

/* ---- a child, started and read as a fork task ------------------------------- */

static void
on_frame(void *arg, const struct fs_ipc_frame *fr)
{
    struct side *s = arg;
    struct fs_ipc_info info;

    /* What channel.c does with every frame before the front end sees it. */
    memset(&info, 0, sizeof info);
    if (!(fr->flags & FS_IPC_BAD))
        fs_ipc_classify(FS_IPC_JSON, fr->data, fr->len, 0, &info);
    received(s, fr->data, fr->len);
}

static void
check_gone(struct side *s)
{
    if (s->exited && s->eofs == fs_proc_streams(s->proc) && !s->gone) {
        s->gone = true;
        s->t_gone = side_now_ns();
    }
}

static void
child_output(void *arg, enum fs_stream stream, const char *data, size_t len)
{
    struct side *s = arg;

    if (stream == FS_STREAM_CHANNEL)
        fs_ipc_feed(&s->framer, data, len, on_frame, s);
    else if (fwrite(data, 1, len, stderr) != len)
        return;
}

static void
child_eof(void *arg, enum fs_stream stream)
{
    struct side *s = arg;

    if (stream == FS_STREAM_CHANNEL)
        fs_ipc_finish(&s->framer, on_frame, s);
    s->eofs++;
    check_gone(s);
}

static void
child_exit(void *arg, int code, int sig, const struct fs_usage *usage)
{
    struct side *s = arg;

    if (code != 0 && sig != SIGTERM)
        fprintf(stderr, "worker-vs-fork: a child ended with code %d, signal %d\n", code, sig);
    s->exited = true;
    check_gone(s);
}

static const struct fs_proc_cbs child_cbs = {
    .output = child_output, .eof = child_eof, .exit = child_exit};

int
side_start_child(struct side *s, char *const *argv)
{
    static char fd_var[] = "NODE_CHANNEL_FD=3";
    static char mode_var[] = "NODE_CHANNEL_SERIALIZATION_MODE=json";
    static char *const env[] = {fd_var, mode_var, NULL};
    struct fs_proc_opts o = {.argv = argv, .env_set = env, .stdin_fd = -1, .channel = true};
    char *err = NULL;
    int r;

    s->kind = SIDE_CHILD;
    r = fs_proc_spawn(s->rt, &o, &child_cbs, s, &s->proc, &err);

    if (r != 0) {
        if (r != -ENOENT)
            fprintf(stderr, "worker-vs-fork: %s\n", err);
        free(err);
        return r;
    }
    fs_ipc_framer_init(&s->framer, FS_IPC_JSON, 0);
    return 0;
}

/* After the child was reaped and its streams ended. */
static void
child_free(struct side *s)
{
    fs_proc_release(s->proc);
    fs_ipc_framer_fini(&s->framer);
}

/* ---- either ---------------------------------------------------- */

void
side_turn_until_got(struct side *s, long n)
{
    while (s->got < n)
        fs_rt_run_once(s->rt);
}

/* Stops a worker or a child as forkscope does and waits until it is gone. */
void
side_stop(struct side *s)
{
    if (s->kind == SIDE_WORKER)
        fs_worker_stop(s->thread);
    else
        fs_proc_signal(s->proc, SIGTERM);
    while (!s->gone)
        fs_rt_run_once(s->rt);
}

void
side_free(struct side *s)
{
    if (s->kind == SIDE_WORKER)
        worker_free(s);
    else
        child_free(s);
}

/* Sends {"i":k} the way forkscope sends a typed message: checked and encoded
 * by fs_ipc_encode, then queued on the port or written to the channel. */
void
side_ping(struct side *s, long i)
{
    char text[32];
    int len = snprintf(text, sizeof text, "{\"i\":%ld}", i);
    struct fs_ipc_buf buf;
    char *err = NULL;

    s->expect_len = (size_t)snprintf(s->expect, sizeof s->expect, "{\"echo\":%s}", text);
    s->t_sent = side_now_ns();
    if (fs_ipc_encode(FS_IPC_JSON, text, (size_t)len, &buf, &err) != 0) {
        fprintf(stderr, "worker-vs-fork: %s\n", err);
        exit(1);
    }
    int r = s->kind == SIDE_WORKER
                ? fs_port_send(s->port, buf.data, buf.len - 1)
                : fs_proc_channel_write(s->proc, buf.data, buf.len, FS_PROC_SEND_REFUSE);
    fs_ipc_buf_fini(&buf);
    if (r != 0) {
        fprintf(stderr, "worker-vs-fork: cannot send: %s\n", strerror(-r));
        exit(1);
    }
}
