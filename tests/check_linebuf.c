/*
 * Unit tests of the bounded line splitter.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/linebuf.h"

#define MAXL 64

/* Every line delivered, joined as "text|flags\n" for easy comparison. */
static char got[65536];
static size_t ngot;
static unsigned nlines;

static void
collect(void *arg, const char *line, size_t len, unsigned flags)
{
    (void)arg;
    ngot += (size_t)snprintf(got + ngot, sizeof got - ngot, "%.*s|%u\n", (int)len, line, flags);
    nlines++;
}

static void
reset(void)
{
    ngot = 0;
    nlines = 0;
    got[0] = '\0';
}

START_TEST(test_whole_lines)
{
    struct fs_linebuf lb;
    fs_linebuf_init(&lb, MAXL);
    reset();
    fs_linebuf_feed(&lb, "a\nbc\n\nd", 7, collect, NULL);
    ck_assert_str_eq(got, "a|0\nbc|0\n|0\n");
    fs_linebuf_flush(&lb, collect, NULL);
    ck_assert_str_eq(got, "a|0\nbc|0\n|0\nd|2\n");
    fs_linebuf_fini(&lb);
}
END_TEST

START_TEST(test_crlf_stripped)
{
    struct fs_linebuf lb;
    fs_linebuf_init(&lb, MAXL);
    reset();
    fs_linebuf_feed(&lb, "dos\r\nx\r", 7, collect, NULL);
    fs_linebuf_feed(&lb, "\n", 1, collect, NULL);
    ck_assert_str_eq(got, "dos|0\nx|0\n");
    fs_linebuf_fini(&lb);
}
END_TEST

/* Feeding the same input split at every possible point gives the same lines. */
START_TEST(test_split_at_every_byte)
{
    const char *in = "first line\nsecond\n\nthird without end";
    size_t n = strlen(in);
    struct fs_linebuf lb;
    fs_linebuf_init(&lb, MAXL);
    reset();
    fs_linebuf_feed(&lb, in, n, collect, NULL);
    fs_linebuf_flush(&lb, collect, NULL);
    char *want = strdup(got);
    for (size_t cut = 0; cut <= n; cut++) {
        reset();
        fs_linebuf_feed(&lb, in, cut, collect, NULL);
        fs_linebuf_feed(&lb, in + cut, n - cut, collect, NULL);
        fs_linebuf_flush(&lb, collect, NULL);
        ck_assert_str_eq(got, want);
    }
    free(want);
    fs_linebuf_fini(&lb);
}
END_TEST

START_TEST(test_long_line_split_not_lost)
{
    char line[200];
    for (int i = 0; i < 200; i++)
        line[i] = (char)('a' + i % 26);
    struct fs_linebuf lb;
    fs_linebuf_init(&lb, MAXL);
    reset();
    /* Byte by byte, the worst case for the buffer. */
    for (int i = 0; i < 200; i++)
        fs_linebuf_feed(&lb, line + i, 1, collect, NULL);
    fs_linebuf_feed(&lb, "\n", 1, collect, NULL);
    ck_assert_uint_eq(nlines, 4); /* 64 + 64 + 64 + 8 */
    char want[512];
    snprintf(want, sizeof want, "%.64s|1\n%.64s|1\n%.64s|1\n%.8s|0\n", line, line + 64,
             line + 128, line + 192);
    ck_assert_str_eq(got, want);
    ck_assert_uint_eq(lb.split_lines, 1);
    fs_linebuf_fini(&lb);
}
END_TEST

START_TEST(test_line_of_exactly_max_is_whole)
{
    char line[MAXL + 1];
    memset(line, 'x', MAXL);
    line[MAXL] = '\n';
    struct fs_linebuf lb;
    fs_linebuf_init(&lb, MAXL);
    reset();
    fs_linebuf_feed(&lb, line, MAXL, collect, NULL);
    fs_linebuf_feed(&lb, line + MAXL, 1, collect, NULL);
    ck_assert_uint_eq(nlines, 1);
    ck_assert_uint_eq(lb.split_lines, 0);
    fs_linebuf_fini(&lb);
}
END_TEST

START_TEST(test_split_respects_utf8)
{
    /* 63 ASCII bytes then a 2-byte character: the cut must not fall inside it. */
    char in[70];
    memset(in, 'a', 63);
    memcpy(in + 63, "\xc3\xa9zz\n", 5);
    struct fs_linebuf lb;
    fs_linebuf_init(&lb, MAXL);
    reset();
    fs_linebuf_feed(&lb, in, 68, collect, NULL);
    ck_assert_uint_eq(nlines, 2);
    char want[200];
    snprintf(want, sizeof want, "%.63s|1\n\xc3\xa9zz|0\n", in);
    ck_assert_str_eq(got, want);
    fs_linebuf_fini(&lb);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("linebuf");
    TCase *tc = tcase_create("lines");
    tcase_add_test(tc, test_whole_lines);
    tcase_add_test(tc, test_crlf_stripped);
    tcase_add_test(tc, test_split_at_every_byte);
    tcase_add_test(tc, test_long_line_split_not_lost);
    tcase_add_test(tc, test_line_of_exactly_max_is_whole);
    tcase_add_test(tc, test_split_respects_utf8);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
