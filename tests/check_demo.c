/*
 * Unit tests of the demo table (config/demo.h): every demo parses as a
 * session file, names are unique and found again, the tour's order is the
 * table's, each caption is a few lines that fit 80 columns, and @PORT:NAME@
 * gives free loopback ports.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/demo.h"

START_TEST(every_demo_parses)
{
    /* Loading injection makes its directories: here, not in /tmp. */
    char tmp[] = "/tmp/check_demo-XXXXXX", cmd[64];
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    setenv("TMPDIR", tmp, 1);
    ck_assert_uint_ge(fs_demo_count(), 12);
    for (size_t i = 0; i < fs_demo_count(); i++) {
        const struct fs_demo *d = fs_demo_at(i);
        struct fs_session s;
        char *err = NULL;
        fs_session_init(&s);
        if (fs_demo_load(d, &s, &err) != 0)
            ck_abort_msg("demo %s: %s", d->name, err ? err : "?");
        ck_assert_uint_gt(s.ntasks, 0);
        fs_session_fini(&s);
        free(err);
    }
    ck_assert_ptr_null(fs_demo_at(fs_demo_count()));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(names_are_unique_and_found)
{
    ck_assert_ptr_eq(fs_demo_default(), fs_demo_at(0));
    ck_assert_str_eq(fs_demo_default()->name, "basics");
    for (size_t i = 0; i < fs_demo_count(); i++) {
        const struct fs_demo *d = fs_demo_at(i);
        ck_assert_ptr_eq(fs_demo_find(d->name), d);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(fs_demo_at(j)->name, d->name);
    }
    ck_assert_ptr_null(fs_demo_find("nosuch"));
    /* The names of the issue's lessons, and the old ones. */
    const char *want[] = {"basics",
                          "spawn-exec",
                          "injection",
                          "fork-ipc",
                          "threads-vs-processes",
                          "shared-memory",
                          "pools",
                          "blocking",
                          "io-bound",
                          "crash-isolation",
                          "ipc",
                          "node"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(fs_demo_find(want[i]) != NULL, "no demo %s", want[i]);
}
END_TEST

START_TEST(captions_fit)
{
    for (size_t i = 0; i < fs_demo_count(); i++) {
        const struct fs_demo *d = fs_demo_at(i);
        size_t lines = 0;
        ck_assert_ptr_nonnull(d->caption);
        ck_assert_ptr_nonnull(d->summary);
        /* `forkscope demo` prints it after 24 columns of name: 80 in all. */
        ck_assert_msg(strlen(d->summary) <= 56, "demo %s: summary too long", d->name);
        for (const char *p = d->caption; *p != '\0';) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            ck_assert_msg(len > 0 && len <= 80, "demo %s: caption line %zu is %zu columns", d->name,
                          lines + 1, len);
            lines++;
            p += len + (nl != NULL);
        }
        ck_assert_msg(lines >= 2 && lines <= 6, "demo %s: caption of %zu lines", d->name, lines);
        ck_assert_msg(strstr(d->caption, "Keys:") != NULL, "demo %s: no keys", d->name);
    }
}
END_TEST

/* @PORT:NAME@ is a free loopback port, the same for every occurrence of
 * NAME and another for another NAME; a stray @ stays as it is. */
START_TEST(ports_are_free_and_distinct)
{
    static const struct fs_demo d = {
        "ports", "ports", "ports\nKeys: none",
        "tasks:\n"
        "  a:\n"
        "    shell: echo @PORT:a@ @PORT:a@ user@host\n"
        "  b:\n"
        "    shell: echo @PORT:b@\n"};
    struct fs_session s;
    char *err = NULL;
    fs_session_init(&s);
    if (fs_demo_load(&d, &s, &err) != 0)
        ck_abort_msg("%s", err ? err : "?");
    ck_assert_uint_eq(s.ntasks, 2);
    int a1 = 0, a2 = 0, b = 0;
    char rest[32] = "";
    ck_assert_int_eq(sscanf(s.tasks[0].shell, "echo %d %d %31s", &a1, &a2, rest), 3);
    ck_assert_int_eq(sscanf(s.tasks[1].shell, "echo %d", &b), 1);
    ck_assert_int_eq(a1, a2);
    ck_assert_int_ne(a1, b);
    ck_assert(a1 > 0 && a1 < 65536 && b > 0 && b < 65536);
    ck_assert_str_eq(rest, "user@host");
    fs_session_fini(&s);

    static const struct fs_demo bad = {"bad", "bad", "bad\nKeys: none",
                                       "tasks:\n  a:\n    shell: echo @PORT:a\n"};
    fs_session_init(&s);
    ck_assert_int_eq(fs_demo_load(&bad, &s, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "without its closing @"));
    ck_assert_uint_eq(s.ntasks, 0);
    free(err);
    fs_session_fini(&s);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("demo");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, every_demo_parses);
    tcase_add_test(tc, names_are_unique_and_found);
    tcase_add_test(tc, captions_fit);
    tcase_add_test(tc, ports_are_free_and_distinct);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
