/*
 * Unit tests of ipc/jsontext.c: JSON text is declared printable as it is only
 * when jansson's compact dump of its value gives the same bytes. Fixed cases
 * (Node's JSON.stringify output; what jansson prints otherwise), and random
 * texts, for which every "verbatim" answer is checked against jansson itself.
 */
#include <config.h>

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/jsontext.h"
#include "json_random.h"

static bool
verbatim(const char *s)
{
    return fs_jsontext_verbatim(s, strlen(s));
}

/* What jansson prints for the text, or NULL when it does not parse. */
static char *
redump(const char *s, size_t len, size_t flags)
{
    json_error_t e;
    json_t *v = json_loadb(s, len, JSON_DECODE_ANY, &e);
    if (v == NULL)
        return NULL;
    char *out = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | flags);
    json_decref(v);
    return out;
}

START_TEST(test_node_output)
{
    static const char *const yes[] = {
        "{\"i\":1}",
        "{\"ready\":true,\"unicode\":\"h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80\","
        "\"nested\":{\"a\":[1,2,{\"b\":null}]}}",
        "\"a\\\"b\\\\c\\nd\\te\\r\\b\\f\"",
        "42",
        "-12",
        "0",
        "[]",
        "{}",
        "null",
        "[true,false,null]",
        "{\"\":[]}",
        "\"\x7f\"",
        "999999999999999999",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        ck_assert_msg(verbatim(yes[i]), "%s should be verbatim", yes[i]);
        char *d = redump(yes[i], strlen(yes[i]), 0);
        ck_assert_str_eq(d, yes[i]);
        free(d);
    }
}
END_TEST

START_TEST(test_printed_otherwise)
{
    static const char *const no[] = {
        "{\"i\": 1}",
        " 1",
        "{\"i\":1}\r", /* whitespace */
        "{\"i\":1.5}",
        "1e21",
        "1E2", /* reals */
        "-0",  /* printed as 0 */
        "\"\\u00e9\"",
        "\"\\/\"",
        "\"\\u001f\"",         /* printed raw, or as \u001F */
        "{\"a\":1,\"a\":2}",   /* printed once */
        "1234567890123456789", /* 19 digits */
        "",
        "{\"i\":1",
        "[1,]",
        "tru",
        "{\"a\":nul}", /* not JSON */
        "\"\x01\"",
        "\"\xff\"",
        "\"abc",
        "01",
        "[1]]",
        "{\"i\":1}x",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg(!verbatim(no[i]), "%s should not be verbatim", no[i]);
    /* A NUL byte inside the text. */
    ck_assert(!fs_jsontext_verbatim("\"a\0b\"", 5));
}
END_TEST

/* ---- random texts ---- */

static const char *const pieces[] = {
    "{",         "}",
    "[",         "]",
    ":",         ",",
    "\"k\"",     "\"\xc3\xa9\"",
    "\"a\\nb\"", "\"\\u0041\"",
    "1",         "-3",
    "0",         "-0",
    "2.5",       "1e3",
    "true",      "false",
    "null",      " ",
    "\"\"",      "12345678901234567890",
};

START_TEST(test_random_texts_agree_with_jansson)
{
    unsigned seed = 12345;
    char buf[256];
    size_t verbatims = 0;
    for (int i = 0; i < 200000; i++) {
        size_t len =
            json_random_pieces(buf, sizeof buf, &seed, pieces, sizeof pieces / sizeof pieces[0]);
        if (!fs_jsontext_verbatim(buf, len))
            continue;
        verbatims++;
        for (int prec = 0; prec < 2; prec++) {
            char *d = redump(buf, len, prec ? JSON_REAL_PRECISION(12) : 0);
            ck_assert_msg(d != NULL && strcmp(d, buf) == 0, "'%s' printed as '%s'", buf,
                          d ? d : "(invalid)");
            free(d);
        }
    }
    /* The check above must have had something to check. */
    ck_assert_uint_gt(verbatims, 1000);
}
END_TEST

START_TEST(test_jansson_output_is_verbatim)
{
    unsigned seed = 777;
    for (int i = 0; i < 20000; i++) {
        json_t *v = json_random_value(&seed, 0, false);
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        ck_assert_ptr_nonnull(s);
        /* Duplicate keys cannot come out of a jansson object. */
        ck_assert_msg(verbatim(s), "%s", s);
        free(s);
        json_decref(v);
    }
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("jsontext");
    TCase *tc = tcase_create("verbatim");
    tcase_add_test(tc, test_node_output);
    tcase_add_test(tc, test_printed_otherwise);
    tcase_add_test(tc, test_random_texts_agree_with_jansson);
    tcase_add_test(tc, test_jansson_output_is_verbatim);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
