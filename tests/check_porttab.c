/*
 * Unit tests of the table of node's port ends (model/porttab.c): an end made
 * in one thread and sent to a worker, two workers connected through main, an
 * end moved on over a port, a worker's parent, unknown names, the bound.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>

#include "model/porttab.h"

#define PID 100

/* Main (thread 0) made channel 0.1 and posts port2 to worker 1 in a message
 * (the first port-carrying one of kind d on w1:down); worker 1 names it
 * 1.a1. */
START_TEST(test_one_end_to_a_worker)
{
    struct fs_porttab *t = fs_porttab_new(64);
    const char *ends[] = {"0.1.2"};
    ck_assert_int_eq(fs_porttab_peer(t, PID, "0.1.1"), 0); /* both ends still in main */
    fs_porttab_move(t, PID, "w1:down", "d", 0, ends, 1);
    fs_porttab_arrive(t, PID, "w1:down", "d", 0, 0, "1.a1");
    ck_assert_int_eq(fs_porttab_peer(t, PID, "0.1.1"), 1);     /* main -> worker 1 */
    ck_assert_int_eq(fs_porttab_peer(t, PID, "1.a1"), 0);      /* worker 1 -> main */
    ck_assert_int_eq(fs_porttab_peer(t, PID + 1, "1.a1"), -1); /* another process */
    fs_porttab_free(t);
}
END_TEST

/* The classic lesson: port1 to worker 1, port2 to worker 2; the arrival
 * may be told before the move, it is resolved when used. */
START_TEST(test_two_workers_connected)
{
    struct fs_porttab *t = fs_porttab_new(64);
    const char *e1[] = {"0.4.1"}, *e2[] = {"0.4.2"};
    fs_porttab_arrive(t, PID, "w1:down", "t", 0, 0, "1.a1");
    ck_assert_int_eq(fs_porttab_peer(t, PID, "1.a1"), -1);
    fs_porttab_move(t, PID, "w1:down", "t", 0, e1, 1);
    fs_porttab_move(t, PID, "w2:down", "d", 3, e2, 1);
    fs_porttab_arrive(t, PID, "w2:down", "d", 3, 0, "2.a1");
    ck_assert_int_eq(fs_porttab_peer(t, PID, "1.a1"), 2);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "2.a1"), 1);
    /* The same counts on another link, or of another kind, are other ends. */
    fs_porttab_arrive(t, PID, "w2:down", "t", 3, 0, "2.a2");
    ck_assert_int_eq(fs_porttab_peer(t, PID, "2.a2"), -1);
    fs_porttab_free(t);
}
END_TEST

/* Worker 1 made channel 1.1, keeps port1 and sends port2 up to its parent,
 * thread 0; main sends it on to worker 2 over another port (0.2.1, whose
 * twin 0.2.2 went to worker 2 first). */
START_TEST(test_end_moved_on)
{
    struct fs_porttab *t = fs_porttab_new(64);
    const char *up[] = {"1.1.2"}, *over[] = {"0.2.2"}, *on[] = {"0.a1"};
    fs_porttab_worker(t, PID, 1, 0);
    fs_porttab_worker(t, PID, 2, 0);
    fs_porttab_worker(t, PID, 7, 2); /* worker 2 started worker 7 */
    ck_assert_int_eq(fs_porttab_peer(t, PID, "w7:up"), 2);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "w8:up"), -1);
    fs_porttab_move(t, PID, "w1:up", "d", 0, up, 1);
    fs_porttab_arrive(t, PID, "w1:up", "d", 0, 0, "0.a1");
    ck_assert_int_eq(fs_porttab_peer(t, PID, "1.1.1"), 0);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "0.a1"), 1);
    fs_porttab_move(t, PID, "w2:down", "w", 0, over, 1);
    fs_porttab_arrive(t, PID, "w2:down", "w", 0, 0, "2.a1");
    /* main posts 0.a1 over 0.2.1: it arrives on worker 2's 2.a1. */
    fs_porttab_move(t, PID, "p:0.2.1", "d", 0, on, 1);
    fs_porttab_arrive(t, PID, "p:2.a1", "d", 0, 0, "2.a2");
    ck_assert_int_eq(fs_porttab_peer(t, PID, "1.1.1"), 2);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "2.a2"), 1);
    fs_porttab_free(t);
}
END_TEST

/* A post that threw: the end stays with its sender, and the next move of
 * that number is the one that counts. */
START_TEST(test_stay)
{
    struct fs_porttab *t = fs_porttab_new(64);
    const char *bad[] = {"0.1.2"}, *good[] = {"0.2.2"};
    fs_porttab_move(t, PID, "w1:down", "d", 0, bad, 1);
    fs_porttab_stay(t, PID, 0, bad, 1);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "0.1.1"), 0);
    fs_porttab_move(t, PID, "w1:down", "d", 0, good, 1);
    fs_porttab_arrive(t, PID, "w1:down", "d", 0, 0, "1.a1");
    ck_assert_int_eq(fs_porttab_peer(t, PID, "1.a1"), 0);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "0.2.1"), 1);
    fs_porttab_free(t);
}
END_TEST

/* A worker's parent not known: an end sent up has no known holder. */
START_TEST(test_unknown)
{
    struct fs_porttab *t = fs_porttab_new(64);
    const char *up[] = {"3.1.2", NULL};
    fs_porttab_move(t, PID, "w3:up", "d", 0, up, 2);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "3.1.1"), -1);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "nonsense"), -1);
    ck_assert_int_eq(fs_porttab_peer(t, PID, NULL), -1);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "1.2.3"), -1);
    fs_porttab_move(t, PID, "p:9.9.9", "d", 0, up, 1); /* not an end: ignored */
    fs_porttab_free(t);
}
END_TEST

/* The oldest entries go: a move told long ago is forgotten. */
START_TEST(test_bound)
{
    struct fs_porttab *t = fs_porttab_new(8);
    const char *e[] = {"0.1.2"};
    fs_porttab_move(t, PID, "w1:down", "d", 0, e, 1);
    ck_assert_int_eq(fs_porttab_peer(t, PID, "0.1.1"), 1);
    for (int i = 0; i < 8; i++) {
        char as[16];
        snprintf(as, sizeof as, "1.a%d", i);
        fs_porttab_arrive(t, PID, "w1:down", "d", 1, i, as);
    }
    ck_assert_int_eq(fs_porttab_peer(t, PID, "0.1.1"), 0); /* back to its creator */
    fs_porttab_free(t);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("porttab");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_one_end_to_a_worker);
    tcase_add_test(tc, test_two_workers_connected);
    tcase_add_test(tc, test_end_moved_on);
    tcase_add_test(tc, test_stay);
    tcase_add_test(tc, test_unknown);
    tcase_add_test(tc, test_bound);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
