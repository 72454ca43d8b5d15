/*
 * Unit tests of worker plugin loading: the example plugin run on a thread, and
 * each way a load fails (a bare name the linker would have found, a missing
 * file, a missing symbol, a wrong ABI). The plugins are built by the Makefile
 * next to this program.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "worker/modules.h"
#include "worker/port.h"
#include "worker/thread.h"

#include "worker_helpers.h"

/* The directory of this test program, where the Makefile builds the plugins. */
static char *
plugin_path(const char *file)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    ck_assert_int_gt(n, 0);
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    *slash = '\0';
    return fs_xasprintf("%s/%s", exe, file);
}

START_TEST(test_plugin_hello)
{
    char *path = plugin_path("libhello.so"), *err;
    struct fs_port *p = fs_port_new("hello", NULL, NULL);
    struct fs_worker *w;
    fs_worker_entry entry;
    bool unsafe = true;
    struct got g = {0};
    double t0;

    ck_assert_msg(fs_worker_load(path, &entry, &unsafe, &err) == 0, "%s", err);
    ck_assert(!unsafe);
    ck_assert_int_eq(fs_worker_start(entry, "", p, NULL, NULL, &w), 0);
    ck_assert_int_eq(fs_port_send(p, "\"world\"", 7), 0);
    for (t0 = now_s(); g.n < 1 && now_s() - t0 < 5; sleep_ms(1))
        fs_port_drain(p, got_cb, &g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.msgs[0], "{\"hello\":\"world\"}");
    fs_worker_stop(w);
    ck_assert_int_eq(finish(w, p, &g), 0);
    ck_assert_str_eq(g.msgs[1], "{\"bye\":1}");
    got_free(&g);
    fs_port_free(p);
    free(path);
}
END_TEST

START_TEST(test_plugin_errors)
{
    char *hello = plugin_path("libhello.so"), *bad = plugin_path("libbadabi.so");
    char *spec, *want, *err;
    fs_worker_entry entry;

    /* libc.so.6 is on every search path: a bare name must not load it. */
    ck_assert_int_eq(fs_worker_load("libc.so.6", &entry, NULL, &err), -ENOENT);
    ck_assert_msg(strncmp(err, "unknown worker module 'libc.so.6' (built in: ", 45) == 0, "%s",
                  err);
    ck_assert_msg(strstr(err, "'./libc.so.6'") != NULL, "%s", err);
    ck_assert_ptr_null(entry);
    free(err);

    ck_assert_int_eq(fs_worker_load("./no-such-plugin.so", &entry, NULL, &err), -ENOENT);
    ck_assert_msg(strncmp(err, "cannot load './no-such-plugin.so': ", 35) == 0, "%s", err);
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    free(err);

    spec = fs_xasprintf("%s:no_such_entry", hello);
    ck_assert_int_eq(fs_worker_load(spec, &entry, NULL, &err), -ENOENT);
    want = fs_xasprintf("'%s' has no symbol 'no_such_entry'", hello);
    ck_assert_str_eq(err, want);
    ck_assert_ptr_null(entry);
    free(err);
    free(want);
    free(spec);

    spec = fs_xasprintf("%s:fs_worker_main", hello);
    ck_assert_int_eq(fs_worker_load(spec, &entry, NULL, &err), 0);
    ck_assert_ptr_nonnull(entry);
    free(spec);

    ck_assert_int_eq(fs_worker_load(bad, &entry, NULL, &err), -ENOEXEC);
    want = fs_xasprintf("'%s' was built for worker ABI 3, forkscope speaks 1", bad);
    ck_assert_str_eq(err, want);
    free(err);
    free(want);
    free(hello);
    free(bad);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("worker_plugin");
    TCase *tc = tcase_create("plugin");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_plugin_hello);
    tcase_add_test(tc, test_plugin_errors);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
