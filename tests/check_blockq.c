/*
 * Unit tests of util/blockq.c, the counted FIFO of byte blocks behind a worker
 * port's mailboxes and a worker host's held lines.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/blockq.h"

START_TEST(first_in_first_out_with_counts)
{
    struct fs_blockq q = FS_BLOCKQ_INIT;
    ck_assert_ptr_null(fs_blockq_pop(&q));
    ck_assert(fs_blockq_push(&q, fs_blockq_item_new("one", 3)));
    ck_assert(!fs_blockq_push(&q, fs_blockq_item_new("three", 5)));
    ck_assert(!fs_blockq_push(&q, fs_blockq_item_new(NULL, 0)));
    ck_assert_uint_eq(q.count, 3);
    ck_assert_uint_eq(q.bytes, 8);

    struct fs_blockq_item *b = fs_blockq_pop(&q);
    ck_assert_uint_eq(b->len, 3);
    ck_assert_str_eq(b->data, "one"); /* NUL-terminated */
    ck_assert_ptr_null(b->next);
    free(b);
    ck_assert_uint_eq(q.count, 2);
    ck_assert_uint_eq(q.bytes, 5);
    b = fs_blockq_pop(&q);
    ck_assert_str_eq(b->data, "three");
    free(b);
    b = fs_blockq_pop(&q);
    ck_assert_uint_eq(b->len, 0);
    ck_assert_str_eq(b->data, "");
    free(b);
    ck_assert_ptr_null(fs_blockq_pop(&q));
    ck_assert_ptr_null(q.head);
    ck_assert_ptr_null(q.tail);
    ck_assert_uint_eq(q.count, 0);
    ck_assert_uint_eq(q.bytes, 0);

    /* Empty again: the next push says so. */
    ck_assert(fs_blockq_push(&q, fs_blockq_item_new("again", 5)));
    fs_blockq_clear(&q);
}
END_TEST

START_TEST(taken_whole_and_cleared)
{
    struct fs_blockq q = FS_BLOCKQ_INIT;
    char text[16];
    for (int i = 0; i < 100; i++) {
        int n = snprintf(text, sizeof text, "m%d", i);
        fs_blockq_push(&q, fs_blockq_item_new(text, (size_t)n));
    }
    /* A copy takes every block; the original starts over empty. */
    struct fs_blockq all = q;
    q = (struct fs_blockq)FS_BLOCKQ_INIT;
    ck_assert_uint_eq(all.count, 100);
    for (int i = 0; i < 50; i++) {
        struct fs_blockq_item *b = fs_blockq_pop(&all);
        snprintf(text, sizeof text, "m%d", i);
        ck_assert_str_eq(b->data, text);
        free(b);
    }
    fs_blockq_clear(&all); /* frees the other 50 */
    ck_assert_ptr_null(all.head);
    ck_assert_uint_eq(all.count, 0);
    ck_assert_uint_eq(all.bytes, 0);
    fs_blockq_clear(&q);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("blockq");
    TCase *tc = tcase_create("fifo");
    tcase_add_test(tc, first_in_first_out_with_counts);
    tcase_add_test(tc, taken_whole_and_cleared);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
