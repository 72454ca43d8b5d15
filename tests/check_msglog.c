/*
 * Unit tests of the bounded message log.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "model/msglog.h"

static int a, b; /* two task keys */
#define C FS_MSGLOG_ENTRY_COST

START_TEST(test_order_and_count_bound)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 3, 1 << 20);
    for (int i = 0; i < 5; i++) {
        char m[16];
        int n = snprintf(m, sizeof m, "{\"i\":%d}", i);
        fs_msglog_add(&log, i, &a, true, false, false, 0, m, (size_t)n, (size_t)n);
    }
    ck_assert_uint_eq(log.n, 3);
    ck_assert_uint_eq(log.evicted, 2);
    ck_assert_uint_eq(log.total, 5);
    ck_assert(memcmp(fs_msglog_get(&log, 0)->data, "{\"i\":2}", 7) == 0);
    ck_assert(memcmp(fs_msglog_get(&log, 2)->data, "{\"i\":4}", 7) == 0);
    ck_assert_ptr_null(fs_msglog_get(&log, 3));
    fs_msglog_fini(&log);
}
END_TEST

START_TEST(test_byte_bound_and_cut)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 100, 10000);
    static char big[100000];
    memset(big, 'x', sizeof big);
    /* A message larger than what is kept: its size is noted, KEEP bytes kept. */
    fs_msglog_add(&log, 0, &a, true, false, false, 0, big, sizeof big, sizeof big);
    ck_assert_uint_eq(fs_msglog_get(&log, 0)->kept, FS_MSGLOG_KEEP);
    ck_assert_uint_eq(fs_msglog_get(&log, 0)->size, sizeof big);
    for (int i = 0; i < 10; i++)
        fs_msglog_add(&log, 1, &a, false, false, false, 0, big, 2000, 2000);
    ck_assert(log.bytes <= 10000);
    /* Each costs its 2000 bytes and its bookkeeping. */
    ck_assert_uint_eq(log.n, 10000 / (2000 + C));
    fs_msglog_fini(&log);
}
END_TEST

/* A count far above what the bytes allow: tiny messages are bounded by bytes
 * too, and the ring itself is no longer than the bytes allow. */
START_TEST(test_tiny_flood_bounded_by_bytes)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 10000000, 1 << 20);
    ck_assert(log.cap * sizeof *log.ring <= (size_t)1 << 20);
    for (int i = 0; i < 200000; i++)
        fs_msglog_add(&log, i, &a, true, false, false, 0, "{\"i\":1}", 7, 7);
    ck_assert(log.bytes <= (size_t)1 << 20);
    ck_assert_uint_eq(log.n, ((size_t)1 << 20) / (7 + C));
    ck_assert_uint_eq(log.evicted, 200000 - log.n);
    ck_assert(fs_msglog_get(&log, log.n - 1)->t == 199999);
    fs_msglog_fini(&log);
}
END_TEST

START_TEST(test_forget_keeps_order)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 4, 1 << 20);
    for (int i = 0; i < 6; i++)
        fs_msglog_add(&log, i, i % 2 ? &b : &a, true, false, false, 0, "x", 1, 1);
    fs_msglog_forget(&log, &b);
    ck_assert_uint_eq(log.n, 2);
    ck_assert(fs_msglog_get(&log, 0)->t == 2);
    ck_assert(fs_msglog_get(&log, 1)->t == 4);
    ck_assert_uint_eq(log.bytes, 2 * (1 + C));
    fs_msglog_add(&log, 6, &a, true, false, false, 0, "y", 1, 1);
    ck_assert(fs_msglog_get(&log, 2)->t == 6);
    fs_msglog_fini(&log);
}
END_TEST

START_TEST(test_passed)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 2, 1 << 20);
    fs_msglog_set_passed(&log, "tcp"); /* no entry yet: nothing to note */
    ck_assert_uint_eq(log.bytes, 0);
    fs_msglog_add(&log, 0, &a, true, true, false, 0, "{}", 2, 2);
    ck_assert_ptr_null(fs_msglog_get(&log, 0)->passed);
    fs_msglog_set_passed(&log, "tcp-server");
    ck_assert_str_eq(fs_msglog_get(&log, 0)->passed, "tcp-server");
    ck_assert_uint_eq(log.bytes, C + 2 + 11);
    fs_msglog_set_passed(&log, "pipe x2"); /* replaced, not added up */
    ck_assert_uint_eq(log.bytes, C + 2 + 8);
    /* A new entry has none; evicting or forgetting gives the bytes back. */
    fs_msglog_add(&log, 1, &b, true, false, false, 0, "[]", 2, 2);
    ck_assert_ptr_null(fs_msglog_get(&log, 1)->passed);
    fs_msglog_set_passed(&log, "unix");
    fs_msglog_add(&log, 2, &a, true, false, false, 0, "1", 1, 1);
    ck_assert_uint_eq(log.evicted, 1);
    ck_assert_str_eq(fs_msglog_get(&log, 0)->passed, "unix");
    ck_assert_uint_eq(log.bytes, 2 * C + 2 + 5 + 1);
    fs_msglog_forget(&log, &b);
    ck_assert_uint_eq(log.bytes, C + 1);
    ck_assert_ptr_null(fs_msglog_get(&log, 0)->passed);
    fs_msglog_fini(&log);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("msglog");
    TCase *tc = tcase_create("msglog");
    tcase_add_test(tc, test_order_and_count_bound);
    tcase_add_test(tc, test_byte_bound_and_cut);
    tcase_add_test(tc, test_tiny_flood_bounded_by_bytes);
    tcase_add_test(tc, test_forget_keeps_order);
    tcase_add_test(tc, test_passed);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
