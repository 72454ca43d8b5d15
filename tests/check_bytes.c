/*
 * Unit tests of util/bytes.c: the growable byte buffer.
 */
#include <config.h>

#include <check.h>
#include <string.h>

#include "util/bytes.h"

START_TEST(starts_empty_and_grows)
{
    struct fs_bytes b = FS_BYTES_INIT;
    fs_bytes_add(&b, NULL, 0);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
    fs_bytes_add(&b, "abc", 3);
    ck_assert_uint_eq(b.len, 3);
    ck_assert_uint_ge(b.cap, 3);
    ck_assert_int_eq(memcmp(b.data, "abc", 3), 0);
    fs_bytes_fini(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, 0);
}
END_TEST

/* A million one-byte appends keep every byte in order and reallocate only
 * about log2(n) times: the capacity at least doubles whenever it changes. */
START_TEST(appends_keep_order_and_double)
{
    struct fs_bytes b = FS_BYTES_INIT;
    size_t growths = 0, cap = 0;
    for (size_t i = 0; i < 1000000; i++) {
        char c = (char)(i % 251);
        fs_bytes_add(&b, &c, 1);
        if (b.cap != cap) {
            ck_assert_uint_ge(b.cap, 2 * cap);
            cap = b.cap;
            growths++;
        }
    }
    ck_assert_uint_eq(b.len, 1000000);
    ck_assert_uint_le(growths, 14);
    /* A plain loop: a ck_assert a byte costs a write to Check's parent each. */
    size_t wrong = 0;
    for (size_t i = 0; i < b.len; i++)
        wrong += b.data[i] != (char)(i % 251);
    ck_assert_uint_eq(wrong, 0);
    fs_bytes_fini(&b);
}
END_TEST

START_TEST(reserve_then_fill)
{
    struct fs_bytes b = FS_BYTES_INIT;
    fs_bytes_add(&b, "x", 1);
    fs_bytes_reserve(&b, 5000);
    ck_assert_uint_ge(b.cap - b.len, 5000);
    char *before = b.data;
    memset(b.data + b.len, 'y', 5000);
    b.len += 5000;
    fs_bytes_add(&b, NULL, 0);
    ck_assert_ptr_eq(b.data, before);
    ck_assert_int_eq(b.data[0], 'x');
    ck_assert_int_eq(b.data[5000], 'y');
    fs_bytes_fini(&b);
}
END_TEST

START_TEST(clear_keeps_the_allocation)
{
    struct fs_bytes b = FS_BYTES_INIT;
    fs_bytes_add(&b, "hello", 5);
    size_t cap = b.cap;
    fs_bytes_clear(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, cap);
    fs_bytes_add(&b, "hi", 2);
    ck_assert_int_eq(memcmp(b.data, "hi", 2), 0);
    fs_bytes_fini(&b);
}
END_TEST

START_TEST(consume_moves_the_rest_forward)
{
    struct fs_bytes b = FS_BYTES_INIT;
    fs_bytes_add(&b, "0123456789", 10);
    fs_bytes_consume(&b, 4);
    ck_assert_uint_eq(b.len, 6);
    ck_assert_int_eq(memcmp(b.data, "456789", 6), 0);
    fs_bytes_consume(&b, 6);
    ck_assert_uint_eq(b.len, 0);
    fs_bytes_add(&b, "ab", 2);
    fs_bytes_consume(&b, 99);
    ck_assert_uint_eq(b.len, 0);
    fs_bytes_fini(&b);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("bytes");
    TCase *tc = tcase_create("buffer");
    tcase_add_test(tc, starts_empty_and_grows);
    tcase_add_test(tc, appends_keep_order_and_double);
    tcase_add_test(tc, reserve_then_fill);
    tcase_add_test(tc, clear_keeps_the_allocation);
    tcase_add_test(tc, consume_moves_the_rest_forward);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
