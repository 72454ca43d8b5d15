/*
 * Unit tests of ipc/jsoncheck.c, the recognizer that decides as messages
 * arrive whether a json-mode line is JSON. What it must never do is call text
 * valid that jansson (fs_ipc_parse_json, what the display uses) refuses; what it
 * should do is answer alone for what Node sends. Fixed cases for jansson's
 * corners, then random and mutated texts compared with jansson itself.
 */
#include <config.h>

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ipc/jsoncheck.h"
#include "json_random.h"

/* jansson's answer, as the display gets it. */
static bool
jansson_valid(const char *s, size_t len)
{
    json_error_t e;
    json_t *v = fs_ipc_parse_json(s, len, &e);
    json_decref(v);
    return v != NULL;
}

#define PLAIN(s) fs_jsoncheck_plain(s, sizeof(s) - 1)
#define VALID(s) fs_jsoncheck_valid(s, sizeof(s) - 1)

START_TEST(test_plain)
{
    /* What Node's JSON.stringify writes, and JSON written by hand. */
    static const char *const yes[] = {
        "{\"i\":1}",
        "{\"ready\":true,\"u\":\"h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80\",\"n\":{\"a\":[1,2,{"
        "\"b\":null}]}}",
        "\"a\\\"b\\\\c\\nd\\te\\r\\b\\f\\/\"",
        "\"\\u00e9\\uD83D\\uDE00\"",
        "42",
        "-0",
        "0.5",
        "-1.25e-7",
        "1E5",
        "1e-400",
        "123456789012345678901234567890",
        "[]",
        "{}",
        " \t[ 1 , 2 ]\r\n",
        "{ \"a\" : [ ] , \"a\" : { } }",
        "\"\x7f\xef\xbf\xbf\xf4\x8f\xbf\xbf\"",
        "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        size_t len = strlen(yes[i]);
        ck_assert_msg(fs_jsoncheck_plain(yes[i], len), "'%s' should be plain", yes[i]);
        ck_assert_msg(jansson_valid(yes[i], len), "jansson refuses '%s'", yes[i]);
    }
}
END_TEST

START_TEST(test_not_json)
{
    static const char *const no[] = {
        "",
        " ",
        "{",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{1:2}",
        "[1:2]",
        "01",
        "-01",
        "-",
        "1.",
        ".5",
        "1e",
        "1e+",
        "1.e5",
        "tru",
        "truex",
        "nul",
        "{\"a\":1}x",
        "1 2",
        "\f1",
        "\"\x01\"",
        "\"\xff\"",
        "\"\xc0\x80\"",
        "\"\xed\xa0\x80\"",
        "\"\xf4\x90\x80\x80\"",
        "\"\\x\"",
        "\"\\u12g4\"",
        "\"\\U1234\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"\\ud83d\\ud83d\"",
        "1e400",
        "-2e308",
        "1.7976931348623159e308",
        "\xef\xbb\xbf"
        "1",
        "'a'",
        "[1]]",
        "\"abc",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        size_t len = strlen(no[i]);
        ck_assert_msg(!fs_jsoncheck_plain(no[i], len), "'%s' should not be plain", no[i]);
        ck_assert_msg(!fs_jsoncheck_valid(no[i], len), "'%s' should not be valid", no[i]);
        ck_assert_msg(!jansson_valid(no[i], len), "jansson takes '%s'", no[i]);
    }
    /* NUL bytes: in a string, before a value, between two. */
    ck_assert(!fs_jsoncheck_valid("\"a\0b\"", 5));
    ck_assert(!fs_jsoncheck_valid("\0 1", 3));
    ck_assert(!fs_jsoncheck_valid("[1,\0 2]", 7));
}
END_TEST

/* What the recognizer leaves to jansson, and jansson takes. */
START_TEST(test_left_to_jansson)
{
    ck_assert(!PLAIN("\"a\\u0000b\""));
    ck_assert(VALID("\"a\\u0000b\""));
    ck_assert(!VALID("{\"a\\u0000\":1}")); /* jansson refuses NUL in a key */
    ck_assert(!PLAIN("1\0"));
    ck_assert(VALID("1\0")); /* jansson ends a number at a NUL and takes one */
    ck_assert(!PLAIN("1.7976931348623157e308"));
    ck_assert(VALID("1.7976931348623157e308"));
    /* Deeper than the recognizer's stack: jansson's limit is 2048. */
    for (int depth = FS_JSONCHECK_DEPTH; depth <= FS_JSONCHECK_DEPTH + 1; depth++) {
        char *s = malloc((size_t)depth * 2);
        memset(s, '[', (size_t)depth);
        memset(s + depth, ']', (size_t)depth);
        ck_assert(fs_jsoncheck_plain(s, (size_t)depth * 2) == (depth <= FS_JSONCHECK_DEPTH));
        ck_assert(fs_jsoncheck_valid(s, (size_t)depth * 2));
        free(s);
    }
    char *s = malloc(2049 * 2);
    memset(s, '[', 2049);
    memset(s + 2049, ']', 2049);
    ck_assert(!fs_jsoncheck_valid(s, 2049 * 2));
    free(s);
    /* 400 digits: read again as a double, which overflows. */
    char nines[400];
    memset(nines, '9', sizeof nines);
    ck_assert(!fs_jsoncheck_plain(nines, sizeof nines));
    ck_assert(!fs_jsoncheck_valid(nines, sizeof nines));
}
END_TEST

/* ---- against jansson ---- */

static const char *const pieces[] = {
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"k\"",
    "\"\xc3\xa9\"",
    "\"a\\nb\"",
    "\"\\u0041\"",
    "\"\\u0000\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud83d\"",
    "\"\\ude00\"",
    "\"\xed\xa0\x80\"",
    "\"\xf0\x9f\x98\x80\"",
    "\"\xe2\x82\"",
    "1",
    "-3",
    "0",
    "-0",
    "2.5",
    "1e3",
    "1e999",
    "-1e-999",
    "true",
    "false",
    "null",
    " ",
    "\t",
    "\r",
    "\f",
    "\"\"",
    "12345678901234567890",
    "\x01",
    "x",
    "\"",
    "\\",
    "0.",
    "e5",
    "-",
};

/* Never "valid" where jansson says no; the same answer as jansson overall. */
static void
compare(const char *buf, size_t len, size_t *plain, size_t *valid)
{
    bool j = jansson_valid(buf, len);
    bool p = fs_jsoncheck_plain(buf, len);
    ck_assert_msg(!p || j, "plain but jansson refuses: '%.*s'", (int)len, buf);
    ck_assert_msg(fs_jsoncheck_valid(buf, len) == j, "disagrees with jansson: '%.*s'", (int)len,
                  buf);
    *plain += p;
    *valid += j;
}

START_TEST(test_random_pieces_agree_with_jansson)
{
    unsigned seed = 4242;
    char buf[256];
    size_t plain = 0, valid = 0;
    for (int i = 0; i < 300000; i++) {
        size_t len =
            json_random_pieces(buf, sizeof buf, &seed, pieces, sizeof pieces / sizeof pieces[0]);
        compare(buf, len, &plain, &valid);
    }
    /* Both answers came up often enough to have been checked. */
    ck_assert_uint_gt(plain, 5000);
    ck_assert_uint_gt(300000 - valid, 5000);
}
END_TEST

START_TEST(test_mutated_values_agree_with_jansson)
{
    static const char bytes[] = "{}[]:,\"\\ 0159.-+eEtfnu\x01\x7f\x80\xbf\xc3\xed\xf0\xff";
    unsigned seed = 99;
    size_t plain = 0, valid = 0;
    for (int i = 0; i < 50000; i++) {
        json_t *v = json_random_value(&seed, 0, true);
        char *s = json_dumps(v, JSON_ENCODE_ANY | (i % 3 ? JSON_COMPACT : JSON_INDENT(1)));
        json_decref(v);
        size_t len = strlen(s);
        /* Unchanged, it is what a sender writes: the recognizer alone takes it. */
        ck_assert_msg(fs_jsoncheck_plain(s, len), "not plain: %s", s);
        /* Then one to three bytes replaced, inserted or cut. */
        for (int m = 1 + rand_r(&seed) % 3; m > 0 && len > 0; m--) {
            size_t at = (size_t)rand_r(&seed) % len;
            char b = bytes[(size_t)rand_r(&seed) % (sizeof bytes - 1)];
            int how = rand_r(&seed) % 3;
            if (how == 0) {
                s[at] = b;
            } else if (how == 1) {
                s = realloc(s, len + 2);
                memmove(s + at + 1, s + at, len - at + 1);
                s[at] = b;
                len++;
            } else {
                memmove(s + at, s + at + 1, len - at);
                len--;
            }
        }
        compare(s, len, &plain, &valid);
        free(s);
    }
    ck_assert_uint_gt(plain, 1000);
    ck_assert_uint_gt(50000 - valid, 1000);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("jsoncheck");
    TCase *tc = tcase_create("jsoncheck");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_plain);
    tcase_add_test(tc, test_not_json);
    tcase_add_test(tc, test_left_to_jansson);
    tcase_add_test(tc, test_random_pieces_agree_with_jansson);
    tcase_add_test(tc, test_mutated_values_agree_with_jansson);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
