/*
 * Unit tests of the screen's key table: every key is bound once, every entry
 * has an action, the help overlay lists exactly the labelled entries, aliases
 * do what the entry they follow does, and the keys the dashboard promises are
 * all there; the wrapping of the help's descriptions and of a demo's caption.
 */
#include <config.h>

#include <check.h>
#include <string.h>

#include "ui/ui_int.h"

START_TEST(test_each_key_bound_once)
{
    size_t n;
    const struct ui_key *k = ui_key_table(&n);
    ck_assert_uint_gt(n, 20);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ptr_nonnull(k[i].fn);
        for (size_t j = i + 1; j < n; j++)
            ck_assert_msg(!(k[i].ch == k[j].ch && k[i].is_key == k[j].is_key),
                          "key %u bound twice (entries %zu and %zu)", (unsigned)k[i].ch, i, j);
    }
}
END_TEST

START_TEST(test_labels_help_and_aliases)
{
    size_t n;
    const struct ui_key *k = ui_key_table(&n);
    ck_assert_ptr_nonnull(k[0].label);
    size_t labelled = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i].label != NULL) {
            labelled++;
            ck_assert_ptr_nonnull(k[i].help);
            ck_assert_uint_gt(strlen(k[i].help), 3);
        } else {
            /* An alias does what the last labelled entry before it does, or
             * (n/N, +/-, PgUp/PgDn) its counterpart named in the same label. */
            size_t l = i;
            while (k[l].label == NULL)
                l--;
            ck_assert_ptr_null(k[i].help);
            ck_assert_msg(k[i].fn == k[l].fn || strchr(k[l].label, ' ') != NULL,
                          "alias %zu does something its label '%s' does not say", i, k[l].label);
        }
    }
    const char **labels, **what;
    ck_assert_uint_eq(ui_key_help(&labels, &what), labelled);
}
END_TEST

/* The actions the dashboard must offer, by a word of their help text. */
START_TEST(test_promised_keys_present)
{
    static const char *const words[] = {
        "select",    "zoom",           "scroll",
        "search",    "start",          "stop",
        "kill",      "restart",        "pause",
        "signal",    "add a task",     "remove",
        "type into", "layout",         "theme",
        "quit",      "help",           "threads",
        "traffic",   "send a message", "next / previous demo",
        "caption",
    };
    size_t n;
    const struct ui_key *k = ui_key_table(&n);
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = k[i].help != NULL && strstr(k[i].help, words[w]) != NULL;
        ck_assert_msg(found, "no key for '%s'", words[w]);
    }
}
END_TEST

/* Wrapped text: no line wider than w, a word cut only when longer than w,
 * newlines start lines (an empty line kept), and every non-blank kept in
 * order. */
START_TEST(test_wrap)
{
    static const char text[] = "the same job on four threads and four processes\n\nwatch "
                               "CPU%, RSS: a-very-long-word-that-does-not-fit here";
    for (int w = 1; w <= 60; w++) {
        struct ui_span sp[200];
        size_t n = ui_wrap(text, w, sp, 200);
        char joined[256] = "", nonblank[256] = "";
        bool empty_line = false;
        for (size_t k = 0; k < n; k++) {
            ck_assert_int_le(sp[k].len, w);
            empty_line |= sp[k].len == 0;
            /* A line ends at a blank, a newline or the end, unless its word is too long. */
            char after = sp[k].text[sp[k].len];
            if (after != ' ' && after != '\n' && after != '\0') {
                const char *start = sp[k].text;
                ck_assert_msg(strcspn(start, " \n") > (size_t)w, "w %d: line %zu cut a word", w, k);
            }
            strncat(joined, sp[k].text, (size_t)sp[k].len);
        }
        ck_assert(empty_line);
        size_t nn = strlen(nonblank), ng = 0;
        for (const char *p = text; *p && nn + 1 < sizeof nonblank; p++)
            if (*p != ' ' && *p != '\n')
                nonblank[nn++] = *p;
        nonblank[nn] = '\0';
        char got[256] = "";
        for (const char *p = joined; *p && ng + 1 < sizeof got; p++)
            if (*p != ' ')
                got[ng++] = *p;
        got[ng] = '\0';
        ck_assert_str_eq(got, nonblank);
    }
    struct ui_span two[2];
    ck_assert_uint_eq(ui_wrap("a b c d e f", 1, two, 2), 2); /* at most max */
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("keys");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_each_key_bound_once);
    tcase_add_test(tc, test_labels_help_and_aliases);
    tcase_add_test(tc, test_promised_keys_present);
    tcase_add_test(tc, test_wrap);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
