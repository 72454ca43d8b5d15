/*
 * Worker port benchmark: how many small messages per second go one way
 * through a port (a producer thread posting, a consumer thread standing in for
 * the loop: woken by the wake function, draining the outbox whole), and the
 * round-trip latency loop -> worker -> loop. Next to it, the floor of the same
 * one-way transfer through a pipe(2), which is what a child process would use.
 *
 *     make bench/worker-port && bench/worker-port [messages]
 *
 * Target: >= 1,000,000 messages/s one way. Never part of `make check`.
 */
#include <config.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "worker/port.h"

/* A stand-in for uv_async_t: sends coalesce into one pending flag. */
struct async {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool pending;
    unsigned long sends;
};

static void
async_send(void *arg)
{
    struct async *a = arg;

    pthread_mutex_lock(&a->lock);
    a->pending = true;
    a->sends++;
    pthread_cond_signal(&a->cond);
    pthread_mutex_unlock(&a->lock);
}

static void
async_wait(struct async *a)
{
    pthread_mutex_lock(&a->lock);
    while (!a->pending)
        pthread_cond_wait(&a->cond, &a->lock);
    a->pending = false;
    pthread_mutex_unlock(&a->lock);
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run {
    struct fs_port *port;
    long count;
    int fd;
};

static void *
producer(void *arg)
{
    struct run *r = arg;
    char buf[32];

    for (long i = 0; i < r->count; i++) {
        int n = snprintf(buf, sizeof buf, "{\"i\":%ld}", i);
        fs_port_post(r->port, buf, (size_t)n);
    }
    return NULL;
}

static void
count_msg(void *arg, const char *json, size_t len)
{
    (void)json;
    (void)len;
    (*(long *)arg)++;
}

static void
bench_one_way(long count)
{
    struct async a = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0};
    struct run r = {fs_port_new("bench", async_send, &a), count, -1};
    unsigned long drains = 0;
    long got = 0;
    pthread_t t;
    double t0 = now_s(), dt;

    pthread_create(&t, NULL, producer, &r);
    while (got < count) {
        async_wait(&a);
        if (fs_port_drain(r.port, count_msg, &got) > 0)
            drains++;
    }
    dt = now_s() - t0;
    pthread_join(t, NULL);
    printf("port one way:  %ld messages in %.3f s = %.0f messages/s (%lu wakes, %lu drains, "
           "%.0f messages per drain)\n",
           count, dt, (double)count / dt, a.sends, drains, (double)count / (double)drains);
    fs_port_free(r.port);
}

static void *
pipe_writer(void *arg)
{
    struct run *r = arg;
    char buf[16] = "{\"i\":000000000}";

    for (long i = 0; i < r->count; i++) {
        if (write(r->fd, buf, sizeof buf) != (ssize_t)sizeof buf)
            break;
    }
    close(r->fd);
    return NULL;
}

static void
bench_pipe(long count)
{
    int fds[2];
    struct run r = {NULL, count, -1};
    char buf[65536];
    long bytes = 0;
    ssize_t n;
    pthread_t t;
    double t0 = now_s(), dt;

    if (pipe(fds) != 0)
        return;
    r.fd = fds[1];
    pthread_create(&t, NULL, pipe_writer, &r);
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
        bytes += n;
    dt = now_s() - t0;
    pthread_join(t, NULL);
    close(fds[0]);
    printf("pipe one way:  %ld messages in %.3f s = %.0f messages/s (16-byte writes, the floor "
           "for a child process)\n",
           bytes / 16, dt, (double)(bytes / 16) / dt);
}

/* The worker side of the round trip: answers each message. */
static void *
echo(void *arg)
{
    struct fs_port *p = arg;
    char *msg;
    size_t len;

    while (fs_port_recv(p, &msg, &len, -1) == 0) {
        fs_port_post(p, msg, len);
        fs_port_free_msg(p, msg);
    }
    return NULL;
}

static void
bench_round_trip(long count)
{
    struct async a = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0};
    struct fs_port *p = fs_port_new("rtt", async_send, &a);
    pthread_t t;
    long got = 0;
    double t0, dt;

    pthread_create(&t, NULL, echo, p);
    t0 = now_s();
    for (long i = 0; i < count; i++) {
        fs_port_send(p, "{\"ping\":1}", 10);
        while (got <= i) {
            async_wait(&a);
            fs_port_drain(p, count_msg, &got);
        }
    }
    dt = now_s() - t0;
    fs_port_request_stop(p);
    pthread_join(t, NULL);
    printf("round trip:    %ld in %.3f s = %.1f us each\n", count, dt, dt * 1e6 / (double)count);
    fs_port_free(p);
}

int
main(int argc, char **argv)
{
    long count = argc > 1 ? atol(argv[1]) : 2000000;

    if (count <= 0) {
        fprintf(stderr, "usage: %s [messages]\n", argv[0]);
        return 2;
    }
    printf("worker port benchmark, %ld CPUs online\n", sysconf(_SC_NPROCESSORS_ONLN));
    for (int i = 0; i < 3; i++)
        bench_one_way(count);
    bench_pipe(count);
    bench_round_trip(count / 20 > 0 ? count / 20 : 1);
    return 0;
}
