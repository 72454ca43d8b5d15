/*
 * Unit tests of ipc/jsonshow.c: values dumped for the screen with every real
 * spelled shortest, as JavaScript prints numbers.
 */
#include <config.h>

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/jsonshow.h"

static void
expect_dump(const char *json, size_t flags, const char *want)
{
    json_error_t e;
    json_t *v = json_loads(json, JSON_DECODE_ANY, &e);
    ck_assert_msg(v != NULL, "%s: %s", json, e.text);
    char *s = fs_jsonshow_dumps(v, flags | JSON_ENCODE_ANY);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, want);
    free(s);
    json_decref(v);
}

START_TEST(reals_are_shortest)
{
    expect_dump("0.7", JSON_COMPACT, "0.7");
    expect_dump("[0.1,0.2,0.30000000000000004]", JSON_COMPACT, "[0.1,0.2,0.30000000000000004]");
    expect_dump("{\"a\":0.7,\"b\":{\"c\":[1.5,2,3.25]}}", JSON_COMPACT,
                "{\"a\":0.7,\"b\":{\"c\":[1.5,2,3.25]}}");
    expect_dump("1.0", JSON_COMPACT, "1.0");
    expect_dump("[1e300,-2.5e-7]", JSON_COMPACT, "[1e+300,-2.5e-07]");
}
END_TEST

START_TEST(pretty_keeps_its_shape)
{
    expect_dump("{\"x\":0.7,\"s\":\"0.7\"}", JSON_INDENT(2),
                "{\n  \"x\": 0.7,\n  \"s\": \"0.7\"\n}");
}
END_TEST

/* A string that looks like a marked real stays a string; one holding the
 * marker byte makes the value fall back to one precision, still exact. */
START_TEST(strings_are_left_alone)
{
    expect_dump("[\"\\\\u0001R1.5\",\"\\\"\\\\u0001R\",0.5]", JSON_COMPACT,
                "[\"\\\\u0001R1.5\",\"\\\"\\\\u0001R\",0.5]");
    expect_dump("[\"\\u0001R\",0.7,0.25]", JSON_COMPACT, "[\"\\u0001R\",0.7,0.25]");
    expect_dump("{\"\\u0001\":0.7}", JSON_COMPACT, "{\"\\u0001\":0.7}");
}
END_TEST

/* Spellings JavaScript gives for the same doubles (exponents aside). */
START_TEST(known_spellings)
{
    static const struct {
        double d;
        const char *want;
    } cases[] = {
        {0.1 + 0.2, "0.30000000000000004"},
        {1.0 / 3, "0.3333333333333333"},
        {100.0 / 3, "33.333333333333336"},
        {2.0 / 3, "0.6666666666666666"},
        {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {123456789012345680.0, "1.2345678901234568e+17"},
        {-0.5, "-0.5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[40];
        fs_jsonshow_real(cases[i].d, buf, sizeof buf);
        ck_assert_str_eq(buf, cases[i].want);
    }
}
END_TEST

/* Every spelling reads back as the double it was made from, and one
 * significant digit fewer does not. */
START_TEST(real_round_trips)
{
    unsigned seed = 7;
    int bad = 0;
    for (int i = 0; i < 100000; i++) {
        seed = seed * 1103515245u + 12345u;
        double d = ldexp((double)(seed >> 8) / (1 << 24), (int)(seed % 120) - 60);
        if (i % 3 == 0)
            d = (double)(seed % 1000) / 10.0;
        char buf[400], shorter[400];
        fs_jsonshow_real(d, buf, sizeof buf);
        if (strtod(buf, NULL) != d)
            bad++;
        int sig = 0;
        bool lead = true;
        size_t n = strlen(buf);
        if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
            buf[n - 2] = '\0'; /* the fraction added for JSON */
        for (const char *p = buf; *p && *p != 'e'; p++) {
            if (*p >= '1' && *p <= '9')
                lead = false;
            sig += !lead && *p >= '0' && *p <= '9';
        }
        if (sig > 1) {
            snprintf(shorter, sizeof shorter, "%.*g", sig - 1, d);
            if (strtod(shorter, NULL) == d)
                bad++;
        }
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("jsonshow");
    TCase *tc = tcase_create("dump");
    tcase_add_test(tc, reals_are_shortest);
    tcase_add_test(tc, pretty_keeps_its_shape);
    tcase_add_test(tc, strings_are_left_alone);
    tcase_add_test(tc, known_spellings);
    tcase_add_test(tc, real_round_trips);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
