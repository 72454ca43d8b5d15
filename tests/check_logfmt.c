/*
 * Unit tests of log files' text: the escape-sequence stripper
 * (model/ansistrip.c), timestamps and prefixes, and the rotation arithmetic
 * (model/logfmt.c).
 */
#include <config.h>

#include <check.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "model/ansistrip.h"
#include "model/logfmt.h"
#include "util/bytes.h"

/* The stripped text of s, fed whole, in static storage. */
static const char *
strip(const char *s)
{
    static char out[4096];
    struct fs_ansistrip st;
    fs_ansistrip_init(&st);
    size_t n = fs_ansistrip_feed(&st, s, strlen(s), out);
    out[n] = '\0';
    return out;
}

START_TEST(strip_sequences)
{
    ck_assert_str_eq(strip("plain text\n"), "plain text\n");
    ck_assert_str_eq(strip("\x1b[1;31mred\x1b[0m and \x1b[38;5;200mpink\x1b[m\n"),
                     "red and pink\n");
    ck_assert_str_eq(strip("a\x1b]0;title\x07"
                           "b\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\c"),
                     "ablinkc");
    ck_assert_str_eq(strip("\x1bP1$r0m\x1b\\x\x1b_apc\x1b\\y\x1b^pm\x07z"), "xyz");
    ck_assert_str_eq(strip("\x1b(B\x1b"
                           "7\x1b=\x1bMok"),
                     "ok");
    ck_assert_str_eq(strip("\x1b[?25l\x1b[2J\x1b[H\x1b[10;20Hhere"), "here");
    ck_assert_str_eq(strip("caf\xc3\xa9 \xe2\x9c\x93\n"), "caf\xc3\xa9 \xe2\x9c\x93\n");
}
END_TEST

START_TEST(strip_controls)
{
    ck_assert_str_eq(strip("one\r\ntwo\r\n"), "one\ntwo\n");
    ck_assert_str_eq(strip("10%\r20%\r\n"), "10%20%\n");
    ck_assert_str_eq(strip("tab\there\a\b\x7f\x01!\n"), "tab\there!\n");
    /* A CSI cut by a control byte: the byte counts, what follows is text. */
    ck_assert_str_eq(strip("\x1b[12\nnext"), "\nnext");
    ck_assert_str_eq(strip("\x1b\x1b[0mx"), "x");
}
END_TEST

/* Any split of the input gives the same output as feeding it whole. */
START_TEST(strip_split_anywhere)
{
    const char *in = "\x1b[1mA\x1b[0m\r\nB\x1b]0;t\x1b\\C\x1b(0D\r\n\x1bP$q\x07"
                     "E\n";
    const char *want = "A\nBCD\nE\n";
    size_t len = strlen(in);
    int bad = 0;
    for (size_t a = 0; a <= len; a++) {
        for (size_t b = a; b <= len; b++) {
            struct fs_ansistrip st;
            fs_ansistrip_init(&st);
            char out[256];
            size_t n = fs_ansistrip_feed(&st, in, a, out);
            n += fs_ansistrip_feed(&st, in + a, b - a, out + n);
            n += fs_ansistrip_feed(&st, in + b, len - b, out + n);
            if (n != strlen(want) || memcmp(out, want, n) != 0)
                bad++;
        }
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* An OSC that never ends is given up after the bound, not followed forever. */
START_TEST(strip_bounded)
{
    struct fs_ansistrip st;
    fs_ansistrip_init(&st);
    static char in[FS_ANSISTRIP_MAX_SEQ + 100], out[sizeof in];
    memset(in, 'x', sizeof in);
    in[0] = 0x1b;
    in[1] = ']';
    size_t n = fs_ansistrip_feed(&st, in, sizeof in, out);
    ck_assert_uint_eq(st.abandoned, 1);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_lt(n, 100);
    ck_assert_uint_eq(fs_ansistrip_feed(&st, "ok", 2, out), 2);
}
END_TEST

START_TEST(format_lines)
{
    struct fs_logfmt f;
    struct fs_bytes out = FS_BYTES_INIT;
    fs_logfmt_init(&f, false, "web | ");
    fs_logfmt_feed(&f, 0, "\x1b[32mone\x1b[0m\r\ntw", 17, 0, &out);
    fs_logfmt_feed(&f, 1, "o\nerr\n", 6, 0, &out);
    fs_bytes_add(&out, "", 1);
    ck_assert_str_eq(out.data, "web | one\nweb | two\nweb | err\n");
    fs_logfmt_fini(&f);
    fs_bytes_fini(&out);
}
END_TEST

START_TEST(format_timestamps)
{
    struct fs_logfmt f;
    struct fs_bytes out = FS_BYTES_INIT;
    fs_logfmt_init(&f, true, NULL);
    fs_logfmt_feed(&f, 0, "a\nb", 3, 1700000000.25, &out);
    fs_logfmt_feed(&f, 0, "c\n", 2, 1700000001.5, &out);
    fs_bytes_add(&out, "", 1);
    regex_t re;
    ck_assert_int_eq(regcomp(&re,
                             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.250 a\n"
                             "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.250 bc\n$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    ck_assert_msg(regexec(&re, out.data, 0, NULL, 0) == 0, "got '%s'", out.data);
    regfree(&re);
    char stamp[FS_LOGFMT_STAMP_LEN + 1];
    fs_logfmt_stamp(1700000000.999, stamp);
    ck_assert_uint_eq(strlen(stamp), FS_LOGFMT_STAMP_LEN);
    fs_logfmt_fini(&f);
    fs_bytes_fini(&out);
}
END_TEST

START_TEST(take_fits_and_lines)
{
    bool rot;
    ck_assert_uint_eq(fs_logfmt_take(0, 10, "abc\n", 4, &rot), 4);
    ck_assert(!rot);
    ck_assert_uint_eq(fs_logfmt_take(6, 10, "abc\n", 4, &rot), 4);
    ck_assert(!rot);
    /* Two lines, the second would pass the limit: the first, then rotate. */
    ck_assert_uint_eq(fs_logfmt_take(4, 10, "ab\ncdef\n", 8, &rot), 3);
    ck_assert(rot);
    /* The first line does not fit but would fit an empty file: rotate first. */
    ck_assert_uint_eq(fs_logfmt_take(8, 10, "abcd\n", 5, &rot), 0);
    ck_assert(rot);
    /* Longer than a file: cut at the limit. */
    ck_assert_uint_eq(fs_logfmt_take(0, 10, "0123456789abc\n", 14, &rot), 10);
    ck_assert(rot);
    ck_assert_uint_eq(fs_logfmt_take(7, 10, "0123456789abc\n", 14, &rot), 3);
    ck_assert(rot);
    /* A file already over its limit (from an earlier run) is rotated. */
    ck_assert_uint_eq(fs_logfmt_take(50, 10, "a\n", 2, &rot), 0);
    ck_assert(rot);
}
END_TEST

/* Property: writing lines through take never makes a file larger than max,
 * loses or reorders nothing, and ends files at newlines when lines fit. */
START_TEST(take_property)
{
    unsigned seed = 7;
    int bad = 0;
    for (int round = 0; round < 300 && bad == 0; round++) {
        size_t max = 1 + (size_t)(rand_r(&seed) % 40);
        char data[400];
        size_t len = 0, longest = 0, run = 0;
        while (len < sizeof data - 1) {
            char ch = rand_r(&seed) % 6 == 0 ? '\n' : (char)('a' + rand_r(&seed) % 26);
            data[len++] = ch;
            run = ch == '\n' ? 0 : run + 1;
            if (run + 1 > longest)
                longest = run + 1;
        }
        char files[400][64];
        size_t sizes[400] = {0}, nfiles = 1, size = 0, off = 0;
        while (off < len && nfiles < 400) {
            bool rot;
            size_t n = fs_logfmt_take(size, max, data + off, len - off, &rot);
            if (n == 0 && (!rot || size == 0)) {
                bad++;
                break;
            }
            memcpy(files[nfiles - 1] + size, data + off, n);
            size += n;
            off += n;
            sizes[nfiles - 1] = size;
            if (size > max)
                bad++;
            if (rot) {
                if (longest <= max && size > 0 && files[nfiles - 1][size - 1] != '\n')
                    bad++;
                nfiles++;
                size = 0;
            }
        }
        size_t pos = 0;
        for (size_t i = 0; i < nfiles && bad == 0; i++) {
            if (memcmp(files[i], data + pos, sizes[i]) != 0)
                bad++;
            pos += sizes[i];
        }
        if (pos != len)
            bad++;
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("logfmt");
    TCase *tc = tcase_create("logfmt");
    tcase_add_test(tc, strip_sequences);
    tcase_add_test(tc, strip_controls);
    tcase_add_test(tc, strip_split_anywhere);
    tcase_add_test(tc, strip_bounded);
    tcase_add_test(tc, format_lines);
    tcase_add_test(tc, format_timestamps);
    tcase_add_test(tc, take_fits_and_lines);
    tcase_add_test(tc, take_property);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
