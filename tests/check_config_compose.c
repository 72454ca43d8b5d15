/*
 * Unit tests of process-compose files: the keys forkscope runs (command,
 * working_dir, environment with the top level's, disabled, availability,
 * shutdown, is_tty, replicas), one warning for each key it cannot honour (none
 * for such a key set to false) and for each unknown key, and the errors a bad
 * value gets.
 */
#include <config.h>

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/xalloc.h"

#include "config_helpers.h"

static size_t
nwarnings(void)
{
    return S.warnings != NULL ? fs_strv_len(S.warnings) : 0;
}

/* Whether the NULL-terminated list v holds s. */
static bool
has(char **v, const char *s)
{
    for (; v != NULL && *v != NULL; v++)
        if (strcmp(*v, s) == 0)
            return true;
    return false;
}

START_TEST(processes_run_as_shell_tasks)
{
    ck_assert_int_eq(yaml("version: \"0.5\"\n"
                          "environment:\n"
                          "  - \"LEVEL=top\"\n"
                          "  - \"SHARED=1\"\n"
                          "processes:\n"
                          "  web:\n"
                          "    description: the site\n"
                          "    command: \"./serve --port $PORT\"\n"
                          "    working_dir: ./site\n"
                          "    environment: [\"PORT=8080\", \"LEVEL=web\"]\n"
                          "  worker:\n"
                          "    command: sleep 1\n"
                          "    disabled: true\n"
                          "    is_tty: false\n"
                          "    is_daemon: false\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 2);
    ck_assert_ptr_null(S.warnings);
    struct fs_task_spec *web = task("web");
    ck_assert_str_eq(web->shell, "./serve --port $PORT");
    ck_assert_str_eq(web->cwd, "./site");
    ck_assert(has(web->env_set, "PORT=8080"));
    ck_assert(has(web->env_set, "LEVEL=web"));
    ck_assert(!has(web->env_set, "LEVEL=top")); /* the process's own value wins */
    ck_assert(has(web->env_set, "SHARED=1"));
    ck_assert(web->autostart);
    ck_assert(!task("worker")->autostart);
    ck_assert(!task("worker")->pty);
    ck_assert(web->pty); /* forkscope's default: a terminal on the screen */
    ck_assert(has(task("worker")->env_set, "LEVEL=top"));
    ck_assert_ptr_null(task("worker")->cwd);
}
END_TEST

START_TEST(availability_and_shutdown)
{
    ck_assert_int_eq(yaml("processes:\n"
                          "  a:\n"
                          "    command: x\n"
                          "    availability: {restart: on_failure, backoff_seconds: 3, "
                          "max_restarts: 5}\n"
                          "    shutdown: {signal: 2, timeout_seconds: 7}\n"
                          "  b:\n"
                          "    command: x\n"
                          "    availability: {restart: always}\n"
                          "  c: {command: x, availability: {restart: \"no\"}}\n"),
                     0);
    ck_assert_ptr_null(S.warnings);
    struct fs_task_spec *a = task("a");
    ck_assert_int_eq(a->restart, FS_RESTART_ON_FAILURE);
    ck_assert_double_eq(a->backoff.base, 3.0);
    ck_assert_double_eq(a->backoff.cap, 3.0);
    ck_assert_double_eq(a->backoff.factor, 1.0);
    ck_assert_uint_eq(a->backoff.max, 5);
    ck_assert_int_eq(a->stop_signal, SIGINT);
    ck_assert_double_eq(a->stop_timeout, 7.0);
    ck_assert_int_eq(task("b")->restart, FS_RESTART_ALWAYS);
    ck_assert_double_eq(task("b")->backoff.base, 1.0); /* process-compose's default */
    ck_assert_int_eq(task("c")->restart, FS_RESTART_NO);
}
END_TEST

START_TEST(replicas_are_copies)
{
    ck_assert_int_eq(yaml("environment: [\"A=1\"]\n"
                          "processes:\n"
                          "  w: {command: x, replicas: 3}\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 3);
    ck_assert(has(task("w-3")->env_set, "A=1"));
    ck_assert_str_eq(task("w-2")->shell, "x");
}
END_TEST

START_TEST(unhonoured_keys_warn_once_each)
{
    ck_assert_int_eq(yaml("log_level: debug\n"
                          "is_strict: true\n"
                          "processes:\n"
                          "  db:\n"
                          "    command: postgres\n"
                          "    readiness_probe: {exec: {command: pg_isready}}\n"
                          "    availability: {restart: exit_on_failure, exit_on_end: true}\n"
                          "  api:\n"
                          "    command: ./api\n"
                          "    depends_on: {db: {condition: process_healthy}}\n"
                          "    shutdown: {command: ./drain, signal: 15}\n"
                          "    colour: red\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 2);
    ck_assert_uint_eq(nwarnings(), 8);
    ck_assert_str_eq(S.warnings[0], "t.yaml:1:1: warning: 'log_level' is not honoured: "
                                    "forkscope has no log levels");
    ck_assert_str_eq(S.warnings[1], "t.yaml:2:1: warning: 'is_strict' is not honoured: "
                                    "forkscope ignores unknown keys with a warning");
    ck_assert_str_eq(S.warnings[2], "t.yaml:6:5: warning: task 'db': 'readiness_probe' is not "
                                    "honoured: forkscope has no readiness checks");
    ck_assert_str_eq(S.warnings[3],
                     "t.yaml:7:20: warning: task 'db': 'restart: exit_on_failure' is not "
                     "honoured: forkscope does not stop the other processes when this one "
                     "fails; it is not restarted");
    ck_assert_str_eq(S.warnings[4], "t.yaml:7:46: warning: task 'db': 'exit_on_end' is not "
                                    "honoured: forkscope does not stop the session when a "
                                    "process ends");
    ck_assert_str_eq(S.warnings[5], "t.yaml:10:5: warning: task 'api': 'depends_on' is not "
                                    "honoured: forkscope starts the processes together, not in "
                                    "the order of their dependencies");
    ck_assert_str_eq(S.warnings[6],
                     "t.yaml:11:16: warning: task 'api': 'shutdown.command' is not honoured: "
                     "forkscope has no stop command; it stops the process with its signal");
    ck_assert_str_eq(S.warnings[7],
                     "t.yaml:12:5: warning: unknown key 'colour' in process 'api' is ignored");
    ck_assert_int_eq(task("db")->restart, FS_RESTART_NO);
    ck_assert_int_eq(task("api")->stop_signal, SIGTERM);
}
END_TEST

START_TEST(bad_values_are_errors)
{
    fails_with(yaml("processes:\n  a: {working_dir: /tmp}\n"),
               "t.yaml:2:3: process 'a' has no 'command'");
    fails_with(yaml("processes:\n  a: x\n"),
               "t.yaml:2:6: process 'a' must be a mapping with a 'command'");
    fails_with(yaml("processes:\n  a: {command: x, availability: {restart: sometimes}}\n"),
               "t.yaml:2:43: task 'a': 'restart' must be one of always, on_failure, "
               "exit_on_failure, no");
    fails_with(yaml("processes:\n  a: {command: x, shutdown: {signal: SIGNOPE}}\n"),
               "t.yaml:2:38: task 'a': 'signal' must be a signal number such as 15");
    fails_with(yaml("environment: [\"A\"]\nprocesses:\n  a: {command: x}\n"),
               "t.yaml:1:15: 'environment' list entries must look like NAME=value");
    fails_with(yaml("processes:\n  a: {command: x, environment: [\"B=1\", \"B=2\"]}\n"),
               "t.yaml:2:40: task 'a': 'environment' sets 'B' twice");
    fails_with(yaml("tasks:\n  a: {shell: x}\nprocesses:\n  b: {command: y}\n"),
               "t.yaml:3:1: a file has one of 'tasks' (forkscope), 'procs' (mprocs) and "
               "'processes' (process-compose), not more");
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("config_compose");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, processes_run_as_shell_tasks);
    tcase_add_test(tc, availability_and_shutdown);
    tcase_add_test(tc, replicas_are_copies);
    tcase_add_test(tc, unhonoured_keys_warn_once_each);
    tcase_add_test(tc, bad_values_are_errors);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
