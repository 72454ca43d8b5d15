/*
 * Unit tests of the worker port (order, wake-ups, bounds, stop, timeouts,
 * close) and of shared blocks. The module table and the built-in modules are
 * tested in check_worker_modules.c, plugin loading in check_worker_plugin.c.
 * All worker tests also run under ThreadSanitizer (tools/run-tests, see
 * doc/workers.md).
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "worker/port.h"
#include "worker/shm.h"
#include "worker/thread.h"

#include "worker_helpers.h"

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
    return s;
}

#include "check_main.h"
