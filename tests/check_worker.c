/*
 * Unit tests of the worker layer: the port (order, wake-ups, bounds, stop,
 * timeouts, close), shared blocks, worker threads, the module table and the
 * built-in modules, and plugin loading. The port cases are also run under
 * ThreadSanitizer (CK_RUN_CASE=port, see doc/workers.md).
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "worker/modules.h"
#include "worker/port.h"
#include "worker/shm.h"
#include "worker/thread.h"

/* Messages drained from a port, kept in order. */
struct got {
    char **msgs;
    size_t n, cap;
};

static void
got_cb(void *arg, const char *json, size_t len)
{
    struct got *g = arg;

    ck_assert_uint_eq(strlen(json), len);
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 16;
        g->msgs = fs_xreallocarray(g->msgs, g->cap, sizeof *g->msgs);
    }
    g->msgs[g->n++] = fs_xstrdup(json);
}

static void
got_free(struct got *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->msgs[i]);
    free(g->msgs);
    memset(g, 0, sizeof *g);
}

/* The last message that contains `key`, or NULL. */
static const char *
got_find(const struct got *g, const char *key)
{
    for (size_t i = g->n; i > 0; i--) {
        if (strstr(g->msgs[i - 1], key) != NULL)
            return g->msgs[i - 1];
    }
    return NULL;
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Drains until the worker is done (like the loop would), joins, drains the rest. */
static int
finish(struct fs_worker *w, struct fs_port *p, struct got *g)
{
    int rc;

    while (!fs_worker_done(w)) {
        fs_port_drain(p, got_cb, g);
        sleep_ms(1);
    }
    rc = fs_worker_join(w);
    fs_port_drain(p, got_cb, g);
    return rc;
}

/* ---- the port ---- */

struct producer {
    struct fs_port *port;
    int id;
    int count;
};

static void *
produce(void *arg)
{
    struct producer *pr = arg;
    char buf[64];

    for (int i = 0; i < pr->count; i++) {
        int n = snprintf(buf, sizeof buf, "{\"p\":%d,\"i\":%d}", pr->id, i);
        ck_assert_int_eq(fs_port_post(pr->port, buf, (size_t)n), 0);
    }
    return NULL;
}

/* Checks each message against the next index expected from its producer. */
struct order {
    int next[16];
    long total;
};

static void
order_cb(void *arg, const char *json, size_t len)
{
    struct order *o = arg;
    int p, i;

    (void)len;
    ck_assert_int_eq(sscanf(json, "{\"p\":%d,\"i\":%d}", &p, &i), 2);
    ck_assert_int_eq(i, o->next[p]);
    o->next[p]++;
    o->total++;
}

START_TEST(test_port_order_one_producer)
{
    struct fs_port *p = fs_port_new("one", NULL, NULL);
    struct producer pr = {p, 0, 100000};
    struct order o = {{0}, 0};
    pthread_t t;

    pthread_create(&t, NULL, produce, &pr);
    while (o.total < pr.count)
        fs_port_drain(p, order_cb, &o);
    pthread_join(t, NULL);
    ck_assert_int_eq(o.next[0], 100000);
    ck_assert_uint_eq(fs_port_drain(p, order_cb, &o), 0);
    fs_port_free(p);
}
END_TEST

/* The loop's stand-in: a semaphore posted by the wake function. */
struct waker {
    sem_t sem;
    atomic_ulong calls;
};

static void
waker_wake(void *arg)
{
    struct waker *wk = arg;

    atomic_fetch_add(&wk->calls, 1);
    sem_post(&wk->sem);
}

/* Waits for a wake-up for at most 10 s; a lost wake-up fails the test here. */
static void
waker_wait(struct waker *wk)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    ck_assert_msg(sem_timedwait(&wk->sem, &ts) == 0, "a wake-up was lost");
}

/* n producers of `each` messages; the consumer drains only when woken. */
static void
run_producers(int n, int each, struct order *o, unsigned long *drains)
{
    struct waker wk;
    struct fs_port *p = fs_port_new("many", waker_wake, &wk);
    struct producer pr[16];
    pthread_t t[16];
    struct fs_port_stats st;

    sem_init(&wk.sem, 0, 0);
    atomic_init(&wk.calls, 0);
    for (int i = 0; i < n; i++) {
        pr[i] = (struct producer){p, i, each};
        pthread_create(&t[i], NULL, produce, &pr[i]);
    }
    *drains = 0;
    while (o->total < (long)n * each) {
        waker_wait(&wk);
        if (fs_port_drain(p, order_cb, o) > 0)
            (*drains)++;
    }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    fs_port_stats(p, &st);
    ck_assert_uint_eq(st.posted, (unsigned long)n * (unsigned long)each);
    ck_assert_uint_eq(st.wakes, atomic_load(&wk.calls));
    /* Every drain that found messages follows an empty -> non-empty transition. */
    ck_assert_uint_le(*drains, st.wakes);
    ck_assert_uint_ge(st.wakes, 1);
    sem_destroy(&wk.sem);
    fs_port_free(p);
}

START_TEST(test_port_order_many_producers)
{
    struct order o = {{0}, 0};
    unsigned long drains;

    run_producers(8, 100000, &o, &drains);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(o.next[i], 100000);
    ck_assert_int_eq(o.total, 800000);
}
END_TEST

START_TEST(test_port_wake_transitions)
{
    struct waker wk;
    struct fs_port *p = fs_port_new("wake", waker_wake, &wk);

    sem_init(&wk.sem, 0, 0);
    atomic_init(&wk.calls, 0);
    fs_port_post(p, "1", 1);
    fs_port_post(p, "2", 1);
    fs_port_post(p, "3", 1);
    ck_assert_uint_eq(atomic_load(&wk.calls), 1); /* one transition, one wake */
    ck_assert_uint_eq(fs_port_drain(p, NULL, NULL), 3);
    ck_assert_uint_eq(fs_port_drain(p, NULL, NULL), 0);
    ck_assert_uint_eq(atomic_load(&wk.calls), 1);
    fs_port_post(p, "4", 1);
    ck_assert_uint_eq(atomic_load(&wk.calls), 2); /* empty again: wakes again */
    fs_port_wake(p);
    ck_assert_uint_eq(atomic_load(&wk.calls), 3);
    sem_destroy(&wk.sem);
    fs_port_free(p); /* frees the undrained message */
}
END_TEST

START_TEST(test_port_wakeups_stress)
{
    struct order o = {{0}, 0};
    unsigned long drains;

    /* Small bursts from 4 threads: many transitions, each must wake the consumer. */
    for (int round = 0; round < 20; round++) {
        memset(&o, 0, sizeof o);
        run_producers(4, 500, &o, &drains);
        ck_assert_int_eq(o.total, 2000);
    }
}
END_TEST

struct blocked_post {
    struct fs_port *port;
    int n;
    atomic_int done;
    int rc;
};

static void *
post_n(void *arg)
{
    struct blocked_post *bp = arg;

    for (int i = 0; i < bp->n; i++) {
        bp->rc = fs_port_post(bp->port, "{\"x\":0123456789}", 16);
        if (bp->rc != 0)
            break;
        atomic_fetch_add(&bp->done, 1);
    }
    return NULL;
}

START_TEST(test_port_bounded_count)
{
    struct fs_port *p = fs_port_new_bounded("bounded", NULL, NULL, 4, 1 << 20);
    struct blocked_post bp = {p, 10, 0, 0};
    struct fs_port_stats st;
    pthread_t t;

    atomic_init(&bp.done, 0);
    pthread_create(&t, NULL, post_n, &bp);
    sleep_ms(100);
    ck_assert_int_eq(atomic_load(&bp.done), 4); /* the fifth post waits */
    fs_port_stats(p, &st);
    ck_assert_uint_eq(st.out_msgs, 4);
    ck_assert_uint_eq(st.post_waits, 1);
    ck_assert_uint_eq(fs_port_drain(p, NULL, NULL), 4); /* resumes the producer */
    sleep_ms(100);
    ck_assert_int_eq(atomic_load(&bp.done), 8);
    ck_assert_uint_eq(fs_port_drain(p, NULL, NULL), 4);
    pthread_join(t, NULL);
    ck_assert_uint_eq(fs_port_drain(p, NULL, NULL), 2);
    ck_assert_int_eq(atomic_load(&bp.done), 10);
    fs_port_free(p);
}
END_TEST

START_TEST(test_port_bounded_bytes)
{
    /* 16-byte messages, at most 40 bytes: two fit. */
    struct fs_port *p = fs_port_new_bounded("bytes", NULL, NULL, 1000, 40);
    struct blocked_post bp = {p, 5, 0, 0};
    struct fs_port_stats st;
    pthread_t t;
    char big[100];

    atomic_init(&bp.done, 0);
    pthread_create(&t, NULL, post_n, &bp);
    sleep_ms(100);
    ck_assert_int_eq(atomic_load(&bp.done), 2);
    fs_port_stats(p, &st);
    ck_assert_uint_le(st.out_bytes, 40);
    while (atomic_load(&bp.done) < 5)
        fs_port_drain(p, NULL, NULL);
    pthread_join(t, NULL);
    fs_port_drain(p, NULL, NULL);
    /* A message bigger than the bound still goes through an empty mailbox. */
    memset(big, 'x', sizeof big);
    ck_assert_int_eq(fs_port_post(p, big, sizeof big), 0);
    ck_assert_uint_eq(fs_port_drain(p, NULL, NULL), 1);
    fs_port_free(p);
}
END_TEST

START_TEST(test_port_close_unblocks_post)
{
    struct fs_port *p = fs_port_new_bounded("close", NULL, NULL, 1, 1 << 20);
    struct blocked_post bp = {p, 3, 0, 0};
    pthread_t t;
    char *msg;
    size_t len;

    atomic_init(&bp.done, 0);
    pthread_create(&t, NULL, post_n, &bp);
    sleep_ms(50);
    ck_assert_int_eq(atomic_load(&bp.done), 1);
    fs_port_close(p);
    pthread_join(t, NULL);
    ck_assert_int_eq(bp.rc, -1);
    ck_assert_int_eq(fs_port_post(p, "{}", 2), -1);
    ck_assert_int_eq(fs_port_recv(p, &msg, &len, 0), -1);
    ck_assert_int_eq(fs_port_send(p, "{}", 2), -EPIPE);
    ck_assert_uint_eq(fs_port_drain(p, NULL, NULL), 1); /* queued before the close */
    fs_port_free(p);
}
END_TEST

START_TEST(test_port_recv_timeout)
{
    struct fs_port *p = fs_port_new("recv", NULL, NULL);
    char *msg;
    size_t len;
    double t0;

    ck_assert_int_eq(fs_port_recv(p, &msg, &len, 0), 1);
    ck_assert_ptr_null(msg);
    t0 = now_s();
    ck_assert_int_eq(fs_port_recv(p, &msg, &len, 80), 1);
    ck_assert_double_ge(now_s() - t0, 0.075);
    ck_assert_double_lt(now_s() - t0, 2.0);
    ck_assert_int_eq(fs_port_send(p, "{\"a\":1}", 7), 0);
    ck_assert_int_eq(fs_port_send(p, "{\"b\":2}", 7), 0);
    ck_assert_int_eq(fs_port_recv(p, &msg, &len, -1), 0);
    ck_assert_str_eq(msg, "{\"a\":1}");
    ck_assert_uint_eq(len, 7);
    fs_port_free_msg(p, msg);
    ck_assert_int_eq(fs_port_recv(p, &msg, &len, 10), 0);
    ck_assert_str_eq(msg, "{\"b\":2}");
    fs_port_free_msg(p, msg);
    fs_port_free(p);
}
END_TEST

START_TEST(test_port_send_full)
{
    struct fs_port *p = fs_port_new_bounded("full", NULL, NULL, 2, 1 << 20);
    struct fs_port_stats st;

    ck_assert_int_eq(fs_port_send(p, "1", 1), 0);
    ck_assert_int_eq(fs_port_send(p, "2", 1), 0);
    ck_assert_int_eq(fs_port_send(p, "3", 1), -EAGAIN); /* the loop never blocks */
    fs_port_stats(p, &st);
    ck_assert_uint_eq(st.send_full, 1);
    ck_assert_uint_eq(st.in_msgs, 2);
    fs_port_free(p);
}
END_TEST

/* After a send found the inbox full, the worker's recv wakes the loop once,
 * when it has taken the inbox down to half. */
START_TEST(test_port_room_wake)
{
    struct waker wk;
    struct fs_port *p = fs_port_new_bounded("room", waker_wake, &wk, 8, 1 << 20);
    char *msg;
    size_t len;

    sem_init(&wk.sem, 0, 0);
    atomic_init(&wk.calls, 0);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(fs_port_send(p, "x", 1), 0);
    /* Taking from a full inbox nobody waits on wakes nobody. */
    ck_assert_int_eq(fs_port_recv(p, &msg, &len, 0), 0);
    fs_port_free_msg(p, msg);
    ck_assert_uint_eq(atomic_load(&wk.calls), 0);
    ck_assert_int_eq(fs_port_send(p, "x", 1), 0);
    ck_assert_int_eq(fs_port_send(p, "x", 1), -EAGAIN);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(fs_port_recv(p, &msg, &len, 0), 0);
        fs_port_free_msg(p, msg);
    }
    ck_assert_uint_eq(atomic_load(&wk.calls), 0); /* 5 left: not half yet */
    ck_assert_int_eq(fs_port_recv(p, &msg, &len, 0), 0);
    fs_port_free_msg(p, msg);
    ck_assert_uint_eq(atomic_load(&wk.calls), 1); /* 4 left: room */
    ck_assert_int_eq(fs_port_recv(p, &msg, &len, 0), 0);
    fs_port_free_msg(p, msg);
    ck_assert_uint_eq(atomic_load(&wk.calls), 1); /* once */
    sem_destroy(&wk.sem);
    fs_port_free(p);
}
END_TEST

struct slow_taker {
    struct fs_port *port;
    int n;
    int got;
    int out_of_order;
};

static void *
take_slowly(void *arg)
{
    struct slow_taker *st = arg;
    char *msg;
    size_t len;

    while (st->got < st->n && fs_port_recv(st->port, &msg, &len, -1) == 0) {
        st->out_of_order += atoi(msg) != st->got;
        fs_port_free_msg(st->port, msg);
        if (++st->got % 64 == 0)
            usleep(100);
    }
    return NULL;
}

/* The loop sends faster than the worker takes, and tries again only when
 * woken: every message arrives, in order, and no wake-up is lost. */
START_TEST(test_port_room_wake_threads)
{
    struct waker wk;
    struct fs_port *p = fs_port_new_bounded("room", waker_wake, &wk, 16, 1 << 20);
    struct slow_taker st = {p, 20000, 0, 0};
    pthread_t t;
    unsigned long fulls = 0;

    sem_init(&wk.sem, 0, 0);
    atomic_init(&wk.calls, 0);
    pthread_create(&t, NULL, take_slowly, &st);
    for (int i = 0; i < st.n; i++) {
        char text[16];
        int len = snprintf(text, sizeof text, "%d", i);
        while (fs_port_send(p, text, (size_t)len) == -EAGAIN) {
            fulls++;
            waker_wait(&wk);
        }
    }
    pthread_join(t, NULL);
    ck_assert_int_eq(st.got, st.n);
    ck_assert_int_eq(st.out_of_order, 0);
    ck_assert_uint_gt(fulls, 0); /* the inbox was full at times */
    sem_destroy(&wk.sem);
    fs_port_free(p);
}
END_TEST

struct blocked_recv {
    struct fs_port *port;
    int rc;
};

static void *
recv_forever(void *arg)
{
    struct blocked_recv *br = arg;
    char *msg;
    size_t len;

    br->rc = fs_port_recv(br->port, &msg, &len, -1);
    return NULL;
}

START_TEST(test_port_stop_flag)
{
    struct fs_port *p = fs_port_new("stop", NULL, NULL);
    struct blocked_recv br = {p, 0};
    pthread_t t;
    double t0;

    ck_assert(!fs_port_stop_requested(p));
    pthread_create(&t, NULL, recv_forever, &br);
    sleep_ms(30);
    t0 = now_s();
    fs_port_request_stop(p);
    pthread_join(t, NULL);
    ck_assert_double_lt(now_s() - t0, 0.5);
    ck_assert_int_eq(br.rc, -1);
    ck_assert(fs_port_stop_requested(p));
    ck_assert_int_eq(fs_port_post(p, "{\"last\":1}", 10), 0); /* a final word is allowed */
    ck_assert_uint_eq(fs_port_drain(p, NULL, NULL), 1);
    ck_assert_str_eq(fs_port_name(p), "stop");
    fs_port_free(p);
}
END_TEST

/* ---- shared blocks ---- */

START_TEST(test_shm_registry)
{
    char *err;
    struct fs_shm *a = fs_shm_get("blk", 64, &err);
    struct fs_shm *b = fs_shm_get("blk", 0, &err);
    struct fs_shm *c;
    unsigned char *mem;

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_eq(a, b);
    ck_assert_uint_eq(fs_shm_size(b), 64);
    mem = fs_shm_mem(a);
    for (int i = 0; i < 64; i++)
        ck_assert_uint_eq(mem[i], 0);
    c = fs_shm_get("blk", 128, &err);
    ck_assert_ptr_null(c);
    ck_assert_str_eq(err, "shared block 'blk' already exists with 64 bytes, not 128");
    free(err);
    ck_assert_uint_eq(fs_shm_count(), 1);
    fs_shm_put(a);
    ck_assert_uint_eq(fs_shm_count(), 1);
    fs_shm_put(b);
    ck_assert_uint_eq(fs_shm_count(), 0);
    c = fs_shm_get("other", 0, &err);
    ck_assert_uint_eq(fs_shm_size(c), FS_SHM_DEFAULT_SIZE);
    fs_shm_put(c);
    fs_shm_put(NULL);
}
END_TEST

/* ---- the module table and the built-in modules ---- */

START_TEST(test_module_table)
{
    static const char *const names[] = {"primes", "sort",    "spin",  "sleep", "alloc",
                                        "echo",   "counter", "racer", "crash"};
    fs_worker_entry entry;
    bool unsafe;
    char *err;

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const struct fs_worker_module *m = fs_worker_module_find(names[i]);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_eq(m->name, names[i]);
        ck_assert_ptr_nonnull(m->entry);
        ck_assert(m->unsafe == (strcmp(names[i], "crash") == 0));
        ck_assert_int_eq(fs_worker_load(names[i], &entry, &unsafe, &err), 0);
        ck_assert_ptr_eq(entry, m->entry);
        ck_assert(unsafe == m->unsafe);
        ck_assert_ptr_null(err);
    }
    ck_assert_ptr_null(fs_worker_module_find("nope"));
    ck_assert_int_eq(fs_worker_load("nope", &entry, NULL, &err), -ENOENT);
    ck_assert_str_eq(err, "unknown worker module 'nope' (built in: primes, sort, spin, sleep, "
                          "alloc, echo, counter, racer, crash)");
    free(err);
    ck_assert_int_eq(fs_worker_load("", &entry, NULL, &err), -EINVAL);
    free(err);
    ck_assert(fs_worker_spec_is_plugin("./libmine.so"));
    ck_assert(fs_worker_spec_is_plugin("/abs/libmine.so:go"));
    /* A bare name is never a plugin: dlopen would search the linker's path. */
    ck_assert(!fs_worker_spec_is_plugin("libmine.so"));
    ck_assert(!fs_worker_spec_is_plugin("libmine.so:go"));
    ck_assert(!fs_worker_spec_is_plugin("primes"));
    ck_assert_int_eq(fs_worker_check_name("primes", &err), 0);
    ck_assert_int_eq(fs_worker_check_name("./missing.so", &err), 0);
    ck_assert_int_eq(fs_worker_check_name("libmine.so", &err), -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "unknown worker module 'libmine.so'"));
    free(err);
}
END_TEST

/* Runs a module on this thread with a fresh port and returns its messages. */
static int
run_inline(fs_worker_entry entry, const char *args, struct got *g)
{
    struct fs_port *p = fs_port_new("inline", NULL, NULL);
    int rc = entry(p, args);

    fs_port_drain(p, got_cb, g);
    fs_port_free(p);
    return rc;
}

/* Counts primes by trial division, to check the sieve against. */
static unsigned long
naive_count(unsigned long n)
{
    unsigned long count = 0;

    for (unsigned long k = 2; k <= n; k++) {
        bool prime = true;
        for (unsigned long d = 2; d * d <= k && prime; d++)
            prime = k % d != 0;
        count += prime;
    }
    return count;
}

START_TEST(test_primes_small)
{
    /* Around the segment boundaries (262144 odd numbers from 3) too. */
    static const unsigned long ns[] = {0,      1,      2,      3,      4,       10,     100,
                                       524289, 524290, 524291, 524292, 1048579, 1000000};
    struct got g = {0};
    char args[32], want[64];

    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        snprintf(args, sizeof args, "%lu", ns[i]);
        snprintf(want, sizeof want, "{\"count\":%lu,\"n\":%lu}", naive_count(ns[i]), ns[i]);
        ck_assert_int_eq(run_inline(fs_mod_primes, args, &g), 0);
        ck_assert_str_eq(g.msgs[g.n - 1], want);
        ck_assert_str_eq(g.msgs[g.n - 2], "{\"progress\":1.00}");
        got_free(&g);
    }
}
END_TEST

START_TEST(test_bad_args)
{
    static const char *const bad[] = {"", "abc", "-5", "12x", "99999999999999999999999"};
    struct got g = {0};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(run_inline(fs_mod_primes, bad[i], &g), 2);
        ck_assert_uint_eq(g.n, 1);
        ck_assert_msg(strncmp(g.msgs[0], "{\"error\":\"primes: expected a number", 35) == 0, "%s",
                      g.msgs[0]);
        got_free(&g);
    }
    ck_assert_int_eq(run_inline(fs_mod_sleep, "x\"y", &g), 2);
    ck_assert_str_eq(
        g.msgs[0],
        "{\"error\":\"sleep: expected a number from 0 to 1099511627776, got 'x\\\"y'\"}");
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_counter, "10", &g), 2); /* no shared block */
    ck_assert_str_eq(g.msgs[0], "{\"error\":\"needs a shared block (shared: NAME)\"}");
    got_free(&g);
}
END_TEST

START_TEST(test_primes_four_threads)
{
    struct fs_port *p[4];
    struct fs_worker *w[4];
    struct got g[4] = {{0}};

    for (int i = 0; i < 4; i++) {
        p[i] = fs_port_new("primes", NULL, NULL);
        ck_assert_int_eq(fs_worker_start(fs_mod_primes, "2000000", p[i], NULL, NULL, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(finish(w[i], p[i], &g[i]), 0);
        ck_assert_str_eq(g[i].msgs[g[i].n - 1], "{\"count\":148933,\"n\":2000000}");
        ck_assert_ptr_nonnull(got_find(&g[i], "{\"progress\":0."));
        got_free(&g[i]);
        fs_port_free(p[i]);
    }
}
END_TEST

/* Two workers of `module` adding 10,000,000 each to one shared block. */
static unsigned long long
run_pair(fs_worker_entry entry, const char *block)
{
    char *err;
    struct fs_shm *shm = fs_shm_get(block, 8, &err);
    struct fs_port *p[2];
    struct fs_worker *w[2];
    struct got g = {0};
    unsigned long long value;

    for (int i = 0; i < 2; i++) {
        p[i] = fs_port_new(block, NULL, NULL);
        fs_port_set_shared(p[i], fs_shm_mem(shm), fs_shm_size(shm));
        ck_assert_int_eq(fs_worker_start(entry, "10000000", p[i], NULL, NULL, &w[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(finish(w[i], p[i], &g), 0);
        fs_port_free(p[i]);
    }
    ck_assert_ptr_nonnull(got_find(&g, "{\"done\":10000000,"));
    value = *(volatile unsigned long long *)fs_shm_mem(shm);
    got_free(&g);
    fs_shm_put(shm);
    return value;
}

START_TEST(test_counter_exact)
{
    ck_assert_uint_eq(run_pair(fs_mod_counter, "counter"), 20000000ull);
}
END_TEST

START_TEST(test_racer_loses)
{
    unsigned long long v = run_pair(fs_mod_racer, "racer");

    ck_assert_uint_le(v, 20000000ull);
    ck_assert_uint_gt(v, 0);
    printf("# racer: 2 x 10000000 unsynchronised increments ended at %llu: %llu lost\n", v,
           20000000ull - v);
}
END_TEST

START_TEST(test_echo_worker)
{
    struct fs_port *p = fs_port_new("echo", NULL, NULL);
    struct fs_worker *w;
    struct got g = {0};
    double t0;

    ck_assert_int_eq(fs_worker_start(fs_mod_echo, "", p, NULL, NULL, &w), 0);
    ck_assert_int_eq(fs_port_send(p, "{\"a\":1}", 7), 0);
    ck_assert_int_eq(fs_port_send(p, "[2]", 3), 0);
    ck_assert_int_eq(fs_port_send(p, "\"three\"", 7), 0);
    for (t0 = now_s(); g.n < 3 && now_s() - t0 < 5; sleep_ms(1))
        fs_port_drain(p, got_cb, &g);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_str_eq(g.msgs[0], "{\"echo\":{\"a\":1}}");
    ck_assert_str_eq(g.msgs[1], "{\"echo\":[2]}");
    ck_assert_str_eq(g.msgs[2], "{\"echo\":\"three\"}");
    ck_assert(!fs_worker_done(w));
    fs_worker_stop(w);
    ck_assert_int_eq(finish(w, p, &g), 0);
    ck_assert_str_eq(g.msgs[3], "{\"echoed\":3}");
    got_free(&g);
    fs_port_free(p);
}
END_TEST

/* The CPU time a live thread of this process has used, in seconds, from its
 * schedstat (nanoseconds, the same clock as CLOCK_THREAD_CPUTIME_ID). */
static double
thread_cpu_s(pid_t tid)
{
    char path[64];
    unsigned long long ns = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", (int)tid);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%llu", &ns), 1);
    fclose(f);
    return (double)ns / 1e9;
}

/* The worker thread's own CPU time when its module returned (on_exit runs on
 * that thread, after the module). */
static double cpu_at_exit;

static void
record_cpu_at_exit(void *arg)
{
    struct timespec ts;

    (void)arg;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    cpu_at_exit = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Starts `module args`, asks it to stop after 50 ms, and wants it to return
 * after at most 150 ms of its thread's CPU time. CPU time, not wall-clock
 * time: on a busy machine the thread may wait long for a CPU, but the work it
 * does between the request and its return is the same. The wall-clock bound,
 * far shorter than a whole run of any of these, catches a module that sleeps
 * through the request. (Under ThreadSanitizer, a stopped sort's way out costs
 * CPU in proportion to its memory, about 0.1 s for 4,000,000 numbers and their
 * 64 MB, after the last look at the flag: hence 2,000,000.)
 */
static void
check_stops(const char *module, const char *args)
{
    fs_worker_entry entry = fs_worker_module_find(module)->entry;
    struct fs_port *p = fs_port_new(module, NULL, NULL);
    struct fs_worker *w;
    struct got g = {0};
    double t0, c0, cpu, wall;

    ck_assert_int_eq(fs_worker_start(entry, args, p, record_cpu_at_exit, NULL, &w), 0);
    sleep_ms(50);
    ck_assert(!fs_worker_done(w));
    t0 = now_s();
    c0 = thread_cpu_s(fs_worker_tid(w));
    fs_worker_stop(w);
    ck_assert_int_eq(finish(w, p, &g), 1); /* joined: cpu_at_exit is written */
    cpu = cpu_at_exit - c0;
    wall = now_s() - t0;
    ck_assert_msg(cpu < 0.15, "%s %s took %.3f s of CPU to stop", fs_port_name(p), args, cpu);
    ck_assert_msg(wall < 10, "%s %s took %.3f s to stop", fs_port_name(p), args, wall);
    ck_assert_ptr_nonnull(got_find(&g, "\"stopped\":true"));
    got_free(&g);
    fs_port_free(p);
}

START_TEST(test_stop_mid_computation)
{
    check_stops("sleep", "100000");
    check_stops("spin", "100000");
    check_stops("primes", "100000000000");
    check_stops("sort", "2000000");
    check_stops("alloc", "1");
}
END_TEST

START_TEST(test_small_modules)
{
    struct got g = {0};

    ck_assert_int_eq(run_inline(fs_mod_sleep, "20", &g), 0);
    ck_assert_str_eq(g.msgs[g.n - 1], "{\"slept_ms\":20}");
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_spin, "20", &g), 0);
    ck_assert_ptr_nonnull(got_find(&g, "{\"spun_ms\":"));
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_sort, "100000", &g), 0);
    ck_assert_str_eq(g.msgs[g.n - 1], "{\"sorted\":100000,\"ok\":true}");
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_sort, "1", &g), 0);
    ck_assert_str_eq(g.msgs[g.n - 1], "{\"sorted\":1,\"ok\":true}");
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_alloc, "4 0", &g), 0);
    ck_assert_ptr_nonnull(got_find(&g, "{\"allocated_mib\":4}"));
    ck_assert_str_eq(g.msgs[g.n - 1], "{\"freed_mib\":4}");
    got_free(&g);
}
END_TEST

static atomic_int exits;

static void
count_exit(void *arg)
{
    (void)arg;
    atomic_fetch_add(&exits, 1);
}

START_TEST(test_worker_tid_and_exit)
{
    struct fs_port *p = fs_port_new("tidcheck", NULL, NULL);
    struct fs_worker *w;
    char path[64], comm[32] = "";
    FILE *f;
    pid_t tid;

    atomic_init(&exits, 0);
    ck_assert_int_eq(fs_worker_start(fs_mod_sleep, "300", p, count_exit, NULL, &w), 0);
    tid = fs_worker_tid(w);
    ck_assert_int_gt(tid, 0);
    ck_assert_int_ne(tid, getpid());
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(comm, sizeof comm, f));
    fclose(f);
    ck_assert_str_eq(comm, "fs:tidcheck\n");
    ck_assert_int_eq(fs_worker_join(w), 0);
    ck_assert_int_eq(atomic_load(&exits), 1);
    fs_port_free(p);
}
END_TEST

/* ---- plugins ---- */

/* The directory of this test program, where the Makefile builds the plugins. */
static char *
plugin_path(const char *file)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    ck_assert_int_gt(n, 0);
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    *slash = '\0';
    return fs_xasprintf("%s/%s", exe, file);
}

START_TEST(test_plugin_hello)
{
    char *path = plugin_path("libhello.so"), *err;
    struct fs_port *p = fs_port_new("hello", NULL, NULL);
    struct fs_worker *w;
    fs_worker_entry entry;
    bool unsafe = true;
    struct got g = {0};
    double t0;

    ck_assert_msg(fs_worker_load(path, &entry, &unsafe, &err) == 0, "%s", err);
    ck_assert(!unsafe);
    ck_assert_int_eq(fs_worker_start(entry, "", p, NULL, NULL, &w), 0);
    ck_assert_int_eq(fs_port_send(p, "\"world\"", 7), 0);
    for (t0 = now_s(); g.n < 1 && now_s() - t0 < 5; sleep_ms(1))
        fs_port_drain(p, got_cb, &g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.msgs[0], "{\"hello\":\"world\"}");
    fs_worker_stop(w);
    ck_assert_int_eq(finish(w, p, &g), 0);
    ck_assert_str_eq(g.msgs[1], "{\"bye\":1}");
    got_free(&g);
    fs_port_free(p);
    free(path);
}
END_TEST

START_TEST(test_plugin_errors)
{
    char *hello = plugin_path("libhello.so"), *bad = plugin_path("libbadabi.so");
    char *spec, *want, *err;
    fs_worker_entry entry;

    /* libc.so.6 is on every search path: a bare name must not load it. */
    ck_assert_int_eq(fs_worker_load("libc.so.6", &entry, NULL, &err), -ENOENT);
    ck_assert_msg(strncmp(err, "unknown worker module 'libc.so.6' (built in: ", 45) == 0, "%s",
                  err);
    ck_assert_msg(strstr(err, "'./libc.so.6'") != NULL, "%s", err);
    ck_assert_ptr_null(entry);
    free(err);

    ck_assert_int_eq(fs_worker_load("./no-such-plugin.so", &entry, NULL, &err), -ENOENT);
    ck_assert_msg(strncmp(err, "cannot load './no-such-plugin.so': ", 35) == 0, "%s", err);
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    free(err);

    spec = fs_xasprintf("%s:no_such_entry", hello);
    ck_assert_int_eq(fs_worker_load(spec, &entry, NULL, &err), -ENOENT);
    want = fs_xasprintf("'%s' has no symbol 'no_such_entry'", hello);
    ck_assert_str_eq(err, want);
    ck_assert_ptr_null(entry);
    free(err);
    free(want);
    free(spec);

    spec = fs_xasprintf("%s:fs_worker_main", hello);
    ck_assert_int_eq(fs_worker_load(spec, &entry, NULL, &err), 0);
    ck_assert_ptr_nonnull(entry);
    free(spec);

    ck_assert_int_eq(fs_worker_load(bad, &entry, NULL, &err), -ENOEXEC);
    want = fs_xasprintf("'%s' was built for worker ABI 3, forkscope speaks 1", bad);
    ck_assert_str_eq(err, want);
    free(err);
    free(want);
    free(hello);
    free(bad);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("worker");
    TCase *tc = tcase_create("port");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_port_order_one_producer);
    tcase_add_test(tc, test_port_order_many_producers);
    tcase_add_test(tc, test_port_wake_transitions);
    tcase_add_test(tc, test_port_wakeups_stress);
    tcase_add_test(tc, test_port_bounded_count);
    tcase_add_test(tc, test_port_bounded_bytes);
    tcase_add_test(tc, test_port_close_unblocks_post);
    tcase_add_test(tc, test_port_recv_timeout);
    tcase_add_test(tc, test_port_send_full);
    tcase_add_test(tc, test_port_room_wake);
    tcase_add_test(tc, test_port_room_wake_threads);
    tcase_add_test(tc, test_port_stop_flag);
    tcase_add_test(tc, test_shm_registry);
    suite_add_tcase(s, tc);

    tc = tcase_create("modules");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_module_table);
    tcase_add_test(tc, test_primes_small);
    tcase_add_test(tc, test_bad_args);
    tcase_add_test(tc, test_primes_four_threads);
    tcase_add_test(tc, test_counter_exact);
    tcase_add_test(tc, test_racer_loses);
    tcase_add_test(tc, test_echo_worker);
    tcase_add_test(tc, test_stop_mid_computation);
    tcase_add_test(tc, test_small_modules);
    tcase_add_test(tc, test_worker_tid_and_exit);
    suite_add_tcase(s, tc);

    tc = tcase_create("plugin");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_plugin_hello);
    tcase_add_test(tc, test_plugin_errors);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
