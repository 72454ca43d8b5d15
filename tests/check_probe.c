/*
 * Unit tests of probes: the `ready:` and `alive:` keys of forkscope.yaml
 * (each kind, the settings and their defaults, copies through replicas, and
 * the file errors with their positions), and the log probe's line matcher
 * (whole lines, both streams apart, chunks cut anywhere, escape sequences on
 * a pty, long lines matched on their head).
 */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/probe.h"
#include "util/xalloc.h"

#include "config_helpers.h"

/* ---- the session file --------------------------------------------------------------------- */

START_TEST(each_kind_parses)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  a: {shell: x, ready: {log: \"^listening on [0-9]+$\"}}\n"
                          "  b: {shell: x, ready: {tcp: 5432}}\n"
                          "  c: {shell: x, ready: {tcp: \"db.local:6379\", interval: 250ms, "
                          "timeout: 2s, initial_delay: 1, retries: 4}}\n"
                          "  d: {shell: x, ready: {http: \"http://[::1]:8080/health?x=1\"}}\n"
                          "  e: {shell: x, ready: {cmd: [pg_isready, -q]}, alive: {shell: "
                          "\"test -e /tmp/x\"}}\n"
                          "  f: {shell: x, alive: {cmd: \"curl -sf 'http://h/'\"}}\n"
                          "  g: {shell: x, alive: {http: \"http://localhost\"}}\n"),
                     0);
    const struct fs_probe *p = task("a")->ready_probe;
    ck_assert_int_eq(p->kind, FS_PROBE_LOG);
    ck_assert_str_eq(p->pattern, "^listening on [0-9]+$");
    ck_assert_uint_eq(p->retries, FS_PROBE_READY_RETRIES);
    ck_assert_int_eq(p->line, 2);
    ck_assert_int_eq(p->col, 25);
    p = task("b")->ready_probe;
    ck_assert_int_eq(p->kind, FS_PROBE_TCP);
    ck_assert_ptr_null(p->host);
    ck_assert_int_eq(p->port, 5432);
    ck_assert_double_eq(p->interval, FS_PROBE_INTERVAL);
    ck_assert_double_eq(p->timeout, FS_PROBE_TIMEOUT);
    ck_assert_double_eq(p->initial_delay, 0);
    p = task("c")->ready_probe;
    ck_assert_str_eq(p->host, "db.local");
    ck_assert_int_eq(p->port, 6379);
    ck_assert_double_eq(p->interval, 0.25);
    ck_assert_double_eq(p->timeout, 2);
    ck_assert_double_eq(p->initial_delay, 1);
    ck_assert_uint_eq(p->retries, 4);
    p = task("d")->ready_probe;
    ck_assert_int_eq(p->kind, FS_PROBE_HTTP);
    ck_assert_str_eq(p->host, "::1");
    ck_assert_int_eq(p->port, 8080);
    ck_assert_str_eq(p->path, "/health?x=1");
    ck_assert_str_eq(p->url, "http://[::1]:8080/health?x=1");
    argv_is(task("e")->ready_probe->argv, "pg_isready", "-q", NULL);
    ck_assert_int_eq(task("e")->alive_probe->kind, FS_PROBE_SHELL);
    ck_assert_str_eq(task("e")->alive_probe->shell, "test -e /tmp/x");
    ck_assert_uint_eq(task("e")->alive_probe->retries, FS_PROBE_ALIVE_RETRIES);
    argv_is(task("f")->alive_probe->argv, "curl", "-sf", "http://h/", NULL);
    p = task("g")->alive_probe;
    ck_assert_str_eq(p->host, "localhost");
    ck_assert_int_eq(p->port, 80);
    ck_assert_str_eq(p->path, "/");
    ck_assert_ptr_null(task("g")->ready_probe);
}
END_TEST

START_TEST(replicas_copy_the_probes)
{
    ck_assert_int_eq(yaml("tasks:\n  w: {shell: x, replicas: 2, ready: {tcp: 1}, alive: {tcp: "
                          "2}}\n"),
                     0);
    ck_assert_int_eq(task("w-2")->ready_probe->port, 1);
    ck_assert_int_eq(task("w-2")->alive_probe->port, 2);
    ck_assert_ptr_ne(task("w-1")->ready_probe, task("w-2")->ready_probe);
}
END_TEST

START_TEST(bad_probes_are_file_errors)
{
    /* The reason is the C library's (regerror). */
    ck_assert_int_eq(yaml("tasks:\n  a: {shell: x, ready: {log: \"(\"}}\n"), -1);
    const char *want = "t.yaml:2:30: task 'a': 'log' probe: bad regular expression '(': ";
    ck_assert_msg(strncmp(ERR, want, strlen(want)) == 0 && strlen(ERR) > strlen(want), "%s", ERR);
    fails_with(yaml("tasks:\n  a: {shell: x, ready: {http: \"https://h/\"}}\n"),
               "t.yaml:2:31: task 'a': 'http' probe: https is not supported; forkscope probes "
               "plain http:// URLs");
    fails_with(yaml("tasks:\n  a: {shell: x, ready: {http: \"ftp://h/\"}}\n"),
               "t.yaml:2:31: task 'a': 'http' probe must be a URL such as "
               "http://127.0.0.1:8080/health");
    fails_with(yaml("tasks:\n  a: {shell: x, ready: {tcp: 70000}}\n"),
               "t.yaml:2:30: task 'a': 'tcp' probe must be a port or HOST:PORT such as 5432 or "
               "127.0.0.1:5432");
    fails_with(yaml("tasks:\n  a: {shell: x, ready: {tcp: 1, http: \"http://h\"}}\n"),
               "t.yaml:2:33: task 'a': 'ready' has both 'tcp' and 'http'; use exactly one");
    fails_with(yaml("tasks:\n  a: {shell: x, ready: {interval: 1}}\n"),
               "t.yaml:2:24: task 'a': 'ready' must have one of log, tcp, http, cmd, shell");
    fails_with(yaml("tasks:\n  a: {shell: x, ready: {tcp: 1, every: 2}}\n"),
               "t.yaml:2:33: task 'a': unknown key 'every' in 'ready' (valid keys: log, tcp, "
               "http, cmd, shell, interval, timeout, initial_delay, retries)");
    fails_with(yaml("tasks:\n  a: {shell: x, ready: {tcp: 1, interval: 0}}\n"),
               "t.yaml:2:43: task 'a': 'interval' must be at least 10ms");
    fails_with(yaml("tasks:\n  a: {shell: x, ready: {tcp: 1, retries: -1}}\n"),
               "t.yaml:2:42: task 'a': 'retries' must be a whole number from 0 to 1000000");
    fails_with(yaml("tasks:\n  a: {shell: x, alive: {log: x}}\n"),
               "t.yaml:2:25: task 'a': 'log' is not a liveness probe (a line that was written "
               "cannot fail later); use tcp, http, cmd or shell");
    fails_with(yaml("tasks:\n  a: {shell: x, ready: {cmd: []}}\n"),
               "t.yaml:2:30: task 'a': 'cmd' probe may not be empty");
    fails_with(yaml("tasks:\n  a: {shell: x, ready: tcp}\n"),
               "t.yaml:2:24: task 'a': 'ready' must be a mapping with one of log, tcp, http, "
               "cmd, shell");
    ck_assert_uint_eq(S.ntasks, 0);
}
END_TEST

/* ---- the log matcher ---------------------------------------------------------------------- */

static struct fs_probe_lines M;

static void
matcher(const char *re)
{
    char *err = NULL;
    ck_assert_int_eq(fs_probe_lines_init(&M, re, &err), 0);
    ck_assert_ptr_null(err);
}

static bool
feed(int stream, const char *s, bool pty)
{
    return fs_probe_lines_feed(&M, stream, s, strlen(s), pty);
}

START_TEST(whole_lines_match)
{
    matcher("^ready on port [0-9]+$");
    ck_assert(!feed(0, "starting\nready on port", false));
    ck_assert(!feed(0, " 80", false)); /* not a whole line yet */
    ck_assert(feed(0, "80\n", false));
    ck_assert(!feed(0, "not ready on port 1\n", false));
    ck_assert(feed(0, "ready on port 9\r\n", false)); /* a CRLF line */
    fs_probe_lines_fini(&M);
}
END_TEST

START_TEST(streams_are_apart)
{
    matcher("^ab$");
    ck_assert(!feed(0, "a", false));
    ck_assert(!feed(1, "b\n", false)); /* stderr's line is "b" */
    ck_assert(feed(0, "b\n", false));
    ck_assert(!feed(1, "x", false));
    ck_assert(!fs_probe_lines_eof(&M, 0));
    ck_assert(!feed(1, "ab", false));
    ck_assert(!fs_probe_lines_eof(&M, 0));
    fs_probe_lines_fini(&M);
    matcher("^last$");
    ck_assert(!feed(1, "last", false));
    ck_assert(fs_probe_lines_eof(&M, 1)); /* a last line without a newline */
    fs_probe_lines_fini(&M);
}
END_TEST

START_TEST(pty_escapes_are_removed)
{
    matcher("^listening on 127\\.0\\.0\\.1:80$");
    const char *s = "\x1b[1;32mlisten\x1b]0;title\x07ing on \x1b[0m127.0.0.1:80\r\n";
    ck_assert(!feed(0, s, false)); /* on pipes the bytes stay */
    /* Cut at every byte, on a pty. */
    bool hit = false;
    for (size_t i = 0; s[i] != '\0'; i++)
        hit |= fs_probe_lines_feed(&M, 0, s + i, 1, true);
    ck_assert(hit);
    fs_probe_lines_reset(&M);
    ck_assert(!feed(0, "\x1b]2;long\x1b\\lis", true));
    ck_assert(feed(0, "tening on 127.0.0.1:80\n", true));
    fs_probe_lines_fini(&M);
}
END_TEST

START_TEST(long_lines_match_on_their_head)
{
    matcher("^head");
    char *big = fs_xmalloc(3 * FS_PROBE_LINE_MAX + 2);
    memset(big, 'x', 3 * FS_PROBE_LINE_MAX);
    memcpy(big, "head", 4);
    big[3 * FS_PROBE_LINE_MAX] = '\n';
    big[3 * FS_PROBE_LINE_MAX + 1] = '\0';
    ck_assert(feed(0, big, false));
    ck_assert_uint_eq(M.cut, 2 * FS_PROBE_LINE_MAX);
    fs_probe_lines_fini(&M);
    matcher("tail$");
    memcpy(big + 3 * FS_PROBE_LINE_MAX - 4, "tail", 4);
    memcpy(big, "xxxx", 4);
    ck_assert(!feed(0, big, false)); /* past the bound: not seen */
    ck_assert(feed(0, "short tail\n", false));
    fs_probe_lines_fini(&M);
    free(big);
}
END_TEST

START_TEST(bad_pattern_is_refused)
{
    char *err = NULL;
    ck_assert_int_eq(fs_probe_lines_init(&M, "a{2,1}", &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert(strlen(err) > 0);
    free(err);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("probe");
    TCase *tc = tcase_create("file");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, each_kind_parses);
    tcase_add_test(tc, replicas_copy_the_probes);
    tcase_add_test(tc, bad_probes_are_file_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("log");
    tcase_add_test(tc, whole_lines_match);
    tcase_add_test(tc, streams_are_apart);
    tcase_add_test(tc, pty_escapes_are_removed);
    tcase_add_test(tc, long_lines_match_on_their_head);
    tcase_add_test(tc, bad_pattern_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
