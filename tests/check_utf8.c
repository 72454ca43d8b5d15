/*
 * Unit tests of UTF-8 validation, split points and escaping.
 */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

START_TEST(test_valid)
{
    ck_assert(fs_utf8_valid("plain", 5));
    ck_assert(fs_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
    ck_assert(!fs_utf8_valid("\xff", 1));
    ck_assert(!fs_utf8_valid("\xc3", 1));             /* truncated */
    ck_assert(!fs_utf8_valid("\xc0\xaf", 2));         /* overlong */
    ck_assert(!fs_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    ck_assert(!fs_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
}
END_TEST

START_TEST(test_boundary)
{
    ck_assert_uint_eq(fs_utf8_boundary("ab\xe2\x82", 4), 2);
    ck_assert_uint_eq(fs_utf8_boundary("ab\xe2\x82\xac", 5), 5);
    ck_assert_uint_eq(fs_utf8_boundary("ab\xc3", 3), 2);
    ck_assert_uint_eq(fs_utf8_boundary("abc", 3), 3);
    /* A lone invalid byte is no character to protect. */
    ck_assert_uint_eq(fs_utf8_boundary("ab\xff", 3), 3);
}
END_TEST

START_TEST(test_escape_reversible)
{
    size_t n;
    char *e = fs_utf8_escape("a\\b\xff\xc3\xa9\xc3", 7, &n);
    ck_assert_str_eq(e, "a\\\\b\\xff\xc3\xa9\\xc3");
    ck_assert_uint_eq(n, strlen(e));
    ck_assert(fs_utf8_valid(e, n));
    free(e);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("utf8");
    tcase_add_test(tc, test_valid);
    tcase_add_test(tc, test_boundary);
    tcase_add_test(tc, test_escape_reversible);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
