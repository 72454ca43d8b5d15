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
#include "model/deps.h"
#include "model/probe.h"
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
                          "    readiness_probe: {exec: {command: x}, success_threshold: 2}\n"
                          "    availability: {restart: exit_on_failure, exit_on_end: true}\n"
                          "  api:\n"
                          "    command: ./api\n"
                          "    depends_on: {db: {condition: process_healthy}}\n"
                          "    shutdown: {command: ./drain, signal: 15}\n"
                          "    colour: red\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 2);
    ck_assert_uint_eq(nwarnings(), 7);
    ck_assert_str_eq(S.warnings[0], "t.yaml:1:1: warning: 'log_level' is not honoured: "
                                    "forkscope has no log levels");
    ck_assert_str_eq(S.warnings[1], "t.yaml:2:1: warning: 'is_strict' is not honoured: "
                                    "forkscope ignores unknown keys with a warning");
    ck_assert_str_eq(S.warnings[2], "t.yaml:6:43: warning: task 'db': 'success_threshold' is "
                                    "not honoured: forkscope counts failures in a row only");
    ck_assert_str_eq(S.warnings[3],
                     "t.yaml:7:20: warning: task 'db': 'restart: exit_on_failure' is not "
                     "honoured: forkscope does not stop the other processes when this one "
                     "fails; it is not restarted");
    ck_assert_str_eq(S.warnings[4], "t.yaml:7:46: warning: task 'db': 'exit_on_end' is not "
                                    "honoured: forkscope does not stop the session when a "
                                    "process ends");
    ck_assert_str_eq(S.warnings[5],
                     "t.yaml:11:16: warning: task 'api': 'shutdown.command' is not honoured: "
                     "forkscope has no stop command; it stops the process with its signal");
    ck_assert_str_eq(S.warnings[6],
                     "t.yaml:12:5: warning: unknown key 'colour' in process 'api' is ignored");
    ck_assert_int_eq(task("db")->restart, FS_RESTART_NO);
    ck_assert_int_eq(task("api")->stop_signal, SIGTERM);
}
END_TEST

/* depends_on: process-compose's conditions become forkscope's. */
START_TEST(depends_on_conditions)
{
    ck_assert_int_eq(yaml("processes:\n"
                          "  db: {command: a}\n"
                          "  mig: {command: b}\n"
                          "  log: {command: c}\n"
                          "  once: {command: d}\n"
                          "  web:\n"
                          "    command: e\n"
                          "    depends_on:\n"
                          "      db: {condition: process_healthy}\n"
                          "      mig: {condition: process_completed_successfully}\n"
                          "      log: {condition: process_started}\n"
                          "      once: {condition: process_completed}\n"),
                     0);
    ck_assert_ptr_null(S.warnings);
    const struct fs_task_spec *web = task("web");
    ck_assert_uint_eq(web->ndeps, 4);
    static const char *const names[] = {"db", "mig", "log", "once"};
    static const enum fs_dep_cond conds[] = {FS_DEP_READY, FS_DEP_SUCCEEDED, FS_DEP_STARTED,
                                             FS_DEP_EXITED};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(web->deps[i].task, names[i]);
        ck_assert_int_eq(web->deps[i].cond, conds[i]);
    }
    ck_assert_int_eq(web->deps[0].line, 9);
    ck_assert_int_eq(web->deps[0].col, 7);
    fails_with(yaml("processes:\n  a: {command: x, depends_on: {b: {condition: process_done}}}\n"
                    "  b: {command: y}\n"),
               "t.yaml:2:47: task 'a': 'condition' must be process_started, process_healthy, "
               "process_log_ready, process_completed or process_completed_successfully");
    fails_with(
        yaml("processes:\n  a: {command: x, depends_on: {c: {condition: process_started}}}\n"),
        "t.yaml:2:32: task 'a': depends on 'c', which is not a task");
    fails_with(yaml("processes:\n  a: {command: x, depends_on: {b: {}}}\n"
                    "  b: {command: y, depends_on: {a: {}}}\n"),
               "t.yaml:3:32: task 'b': dependency cycle: a -> b -> a");
}
END_TEST

START_TEST(probes_map_to_forkscope_probes)
{
    ck_assert_int_eq(yaml("processes:\n"
                          "  db:\n"
                          "    command: postgres\n"
                          "    readiness_probe:\n"
                          "      exec: {command: pg_isready -q}\n"
                          "      initial_delay_seconds: 2\n"
                          "      period_seconds: 0.5\n"
                          "      timeout_seconds: 3\n"
                          "      failure_threshold: 7\n"
                          "    liveness_probe:\n"
                          "      http_get: {host: 127.0.0.1, port: 8080, path: /health}\n"
                          "  web:\n"
                          "    command: ./web\n"
                          "    ready_log_line: \"ready (1.0)\"\n"),
                     0);
    ck_assert_ptr_null(S.warnings);
    const struct fs_probe *r = task("db")->ready_probe, *a = task("db")->alive_probe;
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->kind, FS_PROBE_SHELL);
    ck_assert_str_eq(r->shell, "pg_isready -q");
    ck_assert_double_eq(r->initial_delay, 2);
    ck_assert_double_eq(r->interval, 0.5);
    ck_assert_double_eq(r->timeout, 3);
    ck_assert_uint_eq(r->retries, 7);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(a->kind, FS_PROBE_HTTP);
    ck_assert_str_eq(a->host, "127.0.0.1");
    ck_assert_int_eq(a->port, 8080);
    ck_assert_str_eq(a->path, "/health");
    ck_assert_double_eq(a->interval, 10);
    ck_assert_uint_eq(a->retries, 3);
    const struct fs_probe *l = task("web")->ready_probe;
    ck_assert_int_eq(l->kind, FS_PROBE_LOG);
    ck_assert_str_eq(l->pattern, "ready \\(1\\.0\\)");
    ck_assert_uint_eq(l->retries, 0);
    fails_with(yaml("processes:\n  a: {command: x, readiness_probe: {period_seconds: 1}}\n"),
               "t.yaml:2:36: task 'a': 'readiness_probe' needs 'exec' or 'http_get'");
    fails_with(yaml("processes:\n  a:\n    command: x\n    liveness_probe:\n"
                    "      http_get: {port: 1, scheme: https}\n"),
               "t.yaml:5:17: task 'a': 'http_get.scheme' https is not supported; forkscope "
               "probes plain http");
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
    tcase_add_test(tc, depends_on_conditions);
    tcase_add_test(tc, probes_map_to_forkscope_probes);
    tcase_add_test(tc, bad_values_are_errors);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
