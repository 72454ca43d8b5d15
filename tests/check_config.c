/*
 * Unit tests of the session readers: positional arguments with kind prefixes,
 * Procfiles, durations and sizes, and the session itself (forkscope.yaml and
 * mprocs.yaml are in check_config_yaml.c). Every bad input is checked for its
 * exact message, line and column, and for leaving the session untouched.
 */
#include <config.h>

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/xalloc.h"

#include "config_helpers.h"

/* ---- prefixes and positional arguments ---------------------------------------------------- */

static const struct {
    const char *arg;
    enum fs_kind kind;
    const char *rest;
} prefix_cases[] = {
    {"shell:make -j2", FS_KIND_SHELL, "make -j2"},
    {"cmd:ls -la", FS_KIND_CMD, "ls -la"},
    {"fork:node child.js", FS_KIND_FORK, "node child.js"},
    {"worker:primes 10", FS_KIND_WORKER, "primes 10"},
    {"make -j2", FS_KIND_SHELL, "make -j2"},
    {"echo a:b", FS_KIND_SHELL, "echo a:b"},
    {"CMD:ls", FS_KIND_SHELL, "CMD:ls"},
    {"cmdx:ls", FS_KIND_SHELL, "cmdx:ls"},
    {"cmd", FS_KIND_SHELL, "cmd"},
    {"cmd:", FS_KIND_CMD, ""},
};

START_TEST(prefix_split)
{
    enum fs_kind kind;
    const char *rest;
    fs_config_split_prefix(prefix_cases[_i].arg, &kind, &rest);
    ck_assert_msg(kind == prefix_cases[_i].kind, "'%s': kind %d", prefix_cases[_i].arg, kind);
    ck_assert_str_eq(rest, prefix_cases[_i].rest);
}
END_TEST

START_TEST(arg_shell_without_prefix)
{
    ck_assert_int_eq(arg("make -j2", NULL), 0);
    struct fs_task_spec *t = task("make");
    ck_assert_int_eq(t->kind, FS_KIND_SHELL);
    ck_assert_str_eq(t->shell, "make -j2");
    ck_assert_ptr_null(t->argv);
    ck_assert_ptr_null(t->file);
}
END_TEST

START_TEST(arg_colon_stays_in_shell)
{
    ck_assert_int_eq(arg("echo a:b", NULL), 0);
    ck_assert_int_eq(arg("shell:echo a:b", NULL), 0);
    ck_assert_str_eq(task("echo")->shell, "echo a:b");
    ck_assert_str_eq(task("echo-2")->shell, "echo a:b");
    ck_assert_int_eq(task("echo-2")->kind, FS_KIND_SHELL);
}
END_TEST

START_TEST(arg_cmd_splits_words)
{
    ck_assert_int_eq(arg("cmd:ls -la 'a b' \"c\\\"d\"", NULL), 0);
    struct fs_task_spec *t = task("ls");
    ck_assert_int_eq(t->kind, FS_KIND_CMD);
    argv_is(t->argv, "ls", "-la", "a b", "c\"d", NULL);
    ck_assert_ptr_null(t->shell);
}
END_TEST

START_TEST(arg_fork_js_gets_node)
{
    ck_assert_int_eq(arg("fork:child.js --x", NULL), 0);
    ck_assert_int_eq(arg("fork:lib/w.mjs", NULL), 0);
    ck_assert_int_eq(arg("fork:x.cjs", NULL), 0);
    ck_assert_int_eq(task("child.js")->kind, FS_KIND_FORK);
    argv_is(task("child.js")->argv, "node", "child.js", "--x", NULL);
    argv_is(task("w.mjs")->argv, "node", "lib/w.mjs", NULL);
    argv_is(task("x.cjs")->argv, "node", "x.cjs", NULL);
}
END_TEST

START_TEST(arg_fork_other_programs)
{
    ck_assert_int_eq(arg("fork:python3 child.py", NULL), 0);
    ck_assert_int_eq(arg("fork:node a.js", NULL), 0);
    ck_assert_int_eq(arg("fork:data.json", NULL), 0);
    argv_is(task("python3")->argv, "python3", "child.py", NULL);
    argv_is(task("node")->argv, "node", "a.js", NULL);
    argv_is(task("data.json")->argv, "data.json", NULL);
}
END_TEST

START_TEST(arg_worker_module_and_args)
{
    ck_assert_int_eq(arg("worker:primes 2000000", NULL), 0);
    ck_assert_int_eq(arg("worker:echo", NULL), 0);
    ck_assert_int_eq(arg("worker:hash   a b", "h"), 0);
    ck_assert_int_eq(task("primes")->kind, FS_KIND_WORKER);
    ck_assert_str_eq(task("primes")->module, "primes");
    ck_assert_str_eq(task("primes")->args, "2000000");
    ck_assert_str_eq(task("echo")->module, "echo");
    ck_assert_ptr_null(task("echo")->args);
    ck_assert_str_eq(task("h")->module, "hash");
    ck_assert_str_eq(task("h")->args, "a b");
}
END_TEST

START_TEST(arg_empty_commands)
{
    fails_with(arg("", NULL), "empty command in ''");
    fails_with(arg("cmd:", NULL), "empty command in 'cmd:'");
    fails_with(arg("shell:   ", NULL), "empty command in 'shell:   '");
    fails_with(arg("fork:", NULL), "empty command in 'fork:'");
    fails_with(arg("worker: ", NULL), "empty command in 'worker: '");
    fails_with(arg("cmd:''", NULL), "empty command in 'cmd:'''");
    ck_assert_uint_eq(S.ntasks, 0);
}
END_TEST

START_TEST(arg_quote_error_column_counts_from_argument_start)
{
    fails_with(arg("cmd:echo 'hi", NULL), "unterminated single quote at column 10 in "
                                          "'cmd:echo 'hi'");
    ck_assert_uint_eq(S.ntasks, 0);
}
END_TEST

START_TEST(arg_derived_names_are_unique)
{
    ck_assert_int_eq(arg("make", NULL), 0);
    ck_assert_int_eq(arg("make -j2", NULL), 0);
    ck_assert_int_eq(arg("/usr/bin/make x", NULL), 0);
    ck_assert_int_eq(arg("cmd:make", NULL), 0);
    ck_assert_uint_eq(S.ntasks, 4);
    ck_assert_str_eq(S.tasks[0].name, "make");
    ck_assert_str_eq(S.tasks[1].name, "make-2");
    ck_assert_str_eq(S.tasks[2].name, "make-3");
    ck_assert_str_eq(S.tasks[3].name, "make-4");
    ck_assert_str_eq(S.tasks[2].shell, "/usr/bin/make x");
}
END_TEST

START_TEST(arg_derived_name_edge_cases)
{
    ck_assert_int_eq(arg("FOO=1 BAR=x ./run.sh", NULL), 0);
    ck_assert_int_eq(arg("cmd:'my prog' x", NULL), 0);
    ck_assert_int_eq(arg("echo 'unbalanced", NULL), 0);
    ck_assert_int_eq(arg("cmd:tools/", NULL), 0);
    ck_assert_str_eq(S.tasks[0].name, "run.sh");
    ck_assert_str_eq(S.tasks[1].name, "my_prog");
    ck_assert_str_eq(S.tasks[2].name, "task");
    ck_assert_str_eq(S.tasks[2].shell, "echo 'unbalanced");
    ck_assert_str_eq(S.tasks[3].name, "tools");
}
END_TEST

START_TEST(arg_derived_name_stops_at_shell_operators)
{
    ck_assert_int_eq(arg("true; echo a", NULL), 0);
    ck_assert_int_eq(arg("date>/dev/null", NULL), 0);
    ck_assert_int_eq(arg("make&&echo ok", NULL), 0);
    ck_assert_int_eq(arg(">out.txt", NULL), 0);
    ck_assert_str_eq(S.tasks[0].name, "true");
    ck_assert_str_eq(S.tasks[1].name, "date");
    ck_assert_str_eq(S.tasks[2].name, "make");
    ck_assert_str_eq(S.tasks[3].name, "task");
}
END_TEST

START_TEST(arg_given_names)
{
    ck_assert_int_eq(arg("make", "build"), 0);
    ck_assert_int_eq(arg("ls", "make"), 0);
    ck_assert_int_eq(arg("make", NULL), 0);
    ck_assert_str_eq(S.tasks[0].name, "build");
    ck_assert_str_eq(S.tasks[1].name, "make");
    ck_assert_str_eq(S.tasks[2].name, "make-2");
    fails_with(arg("true", "build"), "duplicate task name 'build'");
    fails_with(arg("true", "a b"), "bad task name 'a b': it may not contain blanks or control "
                                   "characters");
    fails_with(arg("true", "a\tb"), "bad task name 'a\tb': it may not contain blanks or control "
                                    "characters");
    fails_with(arg("true", ""), "a task name may not be empty");
    ck_assert_uint_eq(S.ntasks, 3);
}
END_TEST

/* ---- Procfiles ----------------------------------------------------------------------------- */

START_TEST(procfile_good)
{
    ck_assert_int_eq(procfile("Procfile", "# comment\n"
                                          "\n"
                                          "web: bundle exec rails s -p $PORT\r\n"
                                          "worker_1:   sidekiq -q a:b  \n"
                                          "   \t\n"
                                          "  #indented comment\n"
                                          "css-watch:npm run css"),
                     0);
    ck_assert_uint_eq(S.ntasks, 3);
    struct fs_task_spec *t = task("web");
    ck_assert_int_eq(t->kind, FS_KIND_SHELL);
    ck_assert_str_eq(t->shell, "bundle exec rails s -p $PORT");
    ck_assert_str_eq(t->file, "Procfile");
    ck_assert_int_eq(t->line, 3);
    ck_assert_int_eq(t->col, 1);
    ck_assert_ptr_null(t->cwd);
    ck_assert_str_eq(task("worker_1")->shell, "sidekiq -q a:b");
    ck_assert_int_eq(task("worker_1")->line, 4);
    ck_assert_str_eq(task("css-watch")->shell, "npm run css");
    ck_assert_int_eq(task("css-watch")->line, 7);
    ck_assert_str_eq(S.source, "Procfile");
}
END_TEST

START_TEST(procfile_runs_in_its_directory)
{
    ck_assert_int_eq(procfile("app/Procfile", "web: ./server\n"), 0);
    ck_assert_str_eq(task("web")->cwd, "app");
}
END_TEST

START_TEST(procfile_fixture)
{
    char *path = fixture("Procfile");
    ck_assert_msg(fs_config_load_procfile(&S, path, NULL, &ERR) == 0, "%s", ERR);
    ck_assert_uint_eq(S.ntasks, 2);
    ck_assert_str_eq(task("web")->shell, "bundle exec rails server -p $PORT");
    ck_assert_str_eq(task("worker")->shell, "bundle exec sidekiq");
    free(path);
}
END_TEST

static const struct {
    const char *text;
    const char *msg;
} bad_procfiles[] = {
    {"web: x\nworker bundle\n", "P:2:1: expected 'name: command', found no ':'"},
    {"web app: x\n", "P:1:1: bad task name 'web app' (use letters, digits, '_' and '-')"},
    {": x\n", "P:1:1: bad task name '' (use letters, digits, '_' and '-')"},
    {"w\xc3\xa9: x\n", "P:1:1: bad task name 'w\xc3\xa9' (use letters, digits, '_' and '-')"},
    {"# c\nweb:   \r\n", "P:2:1: empty command for task 'web'"},
    {"\n# only comments\n", "P:1:1: no tasks: expected lines of 'name: command'"},
};

START_TEST(procfile_bad)
{
    const char *text = bad_procfiles[_i].text;
    free(ERR);
    ERR = NULL;
    fails_with(fs_config_parse_procfile(&S, "P", text, strlen(text), &ERR), bad_procfiles[_i].msg);
    ck_assert_uint_eq(S.ntasks, 0);
}
END_TEST

START_TEST(procfile_nul_byte)
{
    fails_with(fs_config_parse_procfile(&S, "P", "a: x\nb: y\0z\n", 11, &ERR),
               "P:2:1: the line contains a NUL byte");
    ck_assert_uint_eq(S.ntasks, 0);
}
END_TEST

/* ---- durations and sizes ------------------------------------------------------------------- */

START_TEST(durations)
{
    static const struct {
        const char *text;
        double seconds;
    } good[] = {{"5", 5},    {"1.5", 1.5}, {".5", 0.5}, {"250ms", 0.25}, {"5s", 5},
                {"2m", 120}, {"1h", 3600}, {"0", 0},    {"3.", 3}};
    static const char *const bad[] = {"",     "-1",  "+1", "1x", "5 s",  " 5",    "inf", "nan",
                                      "0x10", "1e3", "ms", ".",  "1..2", "1.2.3", "5S"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double d = -1;
        ck_assert_msg(fs_config_parse_duration(good[i].text, &d) == 0, "%s", good[i].text);
        ck_assert_double_eq_tol(d, good[i].seconds, 1e-9);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double d;
        ck_assert_msg(fs_config_parse_duration(bad[i], &d) == -1, "'%s' accepted", bad[i]);
    }
}
END_TEST

START_TEST(sizes)
{
    static const struct {
        const char *text;
        size_t bytes;
    } good[] = {{"4096", 4096},
                {"64k", 65536},
                {"64K", 65536},
                {"64KiB", 65536},
                {"64kb", 65536},
                {"1M", 1 << 20},
                {"1MiB", 1 << 20},
                {"1.5M", 3 << 19},
                {"2G", (size_t)2 << 30},
                {"2GiB", (size_t)2 << 30},
                {"10b", 10},
                {"0", 0}};
    static const char *const bad[] = {"",   "-1",   "k",   "1T",  "1 k",
                                      "1x", "0x10", "1e3", "inf", "99999999999999999999999G"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        size_t b = 1;
        ck_assert_msg(fs_config_parse_size(good[i].text, &b) == 0, "%s", good[i].text);
        ck_assert_uint_eq(b, good[i].bytes);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t b;
        ck_assert_msg(fs_config_parse_size(bad[i], &b) == -1, "'%s' accepted", bad[i]);
    }
}
END_TEST

/* ---- the session itself, from every reader ------------------------------------------------ */

START_TEST(failed_parse_leaves_session_unchanged)
{
    ck_assert_int_eq(arg("make", NULL), 0);
    ck_assert_int_eq(yaml_at("first.yaml", "theme: light\ntasks:\n  a: {shell: x}\n"), 0);
    fails_with(yaml("theme: dark\ntasks:\n  b: {shell: y}\n  c: {bogus: 1}\n"),
               "t.yaml:4:7: unknown key 'bogus' in task 'c' (valid keys: shell, cmd, fork, "
               "worker, args, cwd, env, restart, backoff, stop_signal, stop_timeout, buffer, "
               "buffer_cap, autostart, pty, trace, serialization, max_message, shared, shared_size, "
               "replicas, pool, jobs, depends_on, success_codes, ready, alive, log, timestamps, env_file)");
    ck_assert_uint_eq(S.ntasks, 2);
    ck_assert_str_eq(S.tasks[0].name, "make");
    ck_assert_str_eq(S.tasks[1].name, "a");
    ck_assert_str_eq(S.theme, "light");
    ck_assert_str_eq(S.source, "first.yaml");
    fails_with(procfile("Procfile", "b: y\nc\n"), "Procfile:2:1: expected 'name: command', "
                                                  "found no ':'");
    ck_assert_uint_eq(S.ntasks, 2);
    ck_assert_ptr_null(fs_session_find(&S, "b"));
}
END_TEST

START_TEST(file_task_clashing_with_earlier_task)
{
    ck_assert_int_eq(arg("make", NULL), 0);
    fails_with(yaml("tasks:\n  x: {shell: y}\n  make: {shell: z}\n"),
               "t.yaml:3:3: duplicate task name 'make' (already defined on the command line)");
    ck_assert_int_eq(yaml_at("a.yaml", "tasks:\n\n  x: {shell: y}\n"), 0);
    fails_with(procfile("Procfile", "x: z\n"),
               "Procfile:1:1: duplicate task name 'x' (already defined at a.yaml:3)");
    ck_assert_uint_eq(S.ntasks, 2);
}
END_TEST

START_TEST(session_add_find_merge)
{
    struct fs_session other;
    fs_session_init(&other);
    fs_session_add(&S, "a");
    fs_session_add(&other, "b");
    fs_session_add(&other, "c")->shell = fs_xstrdup("x");
    ck_assert_ptr_eq(fs_session_find(&S, "a"), &S.tasks[0]);
    ck_assert_ptr_null(fs_session_find(&S, "b"));
    fs_session_merge(&S, &other);
    ck_assert_uint_eq(S.ntasks, 3);
    ck_assert_uint_eq(other.ntasks, 0);
    ck_assert_ptr_null(other.tasks);
    ck_assert_str_eq(S.tasks[2].name, "c");
    ck_assert_str_eq(fs_session_find(&S, "c")->shell, "x");
    ck_assert_int_eq(S.tasks[1].stop_signal, SIGTERM);
    fs_session_fini(&other);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("args");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, prefix_split, 0, sizeof prefix_cases / sizeof prefix_cases[0]);
    tcase_add_test(tc, arg_shell_without_prefix);
    tcase_add_test(tc, arg_colon_stays_in_shell);
    tcase_add_test(tc, arg_cmd_splits_words);
    tcase_add_test(tc, arg_fork_js_gets_node);
    tcase_add_test(tc, arg_fork_other_programs);
    tcase_add_test(tc, arg_worker_module_and_args);
    tcase_add_test(tc, arg_empty_commands);
    tcase_add_test(tc, arg_quote_error_column_counts_from_argument_start);
    tcase_add_test(tc, arg_derived_names_are_unique);
    tcase_add_test(tc, arg_derived_name_edge_cases);
    tcase_add_test(tc, arg_derived_name_stops_at_shell_operators);
    tcase_add_test(tc, arg_given_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("procfile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, procfile_good);
    tcase_add_test(tc, procfile_runs_in_its_directory);
    tcase_add_test(tc, procfile_fixture);
    tcase_add_loop_test(tc, procfile_bad, 0, sizeof bad_procfiles / sizeof bad_procfiles[0]);
    tcase_add_test(tc, procfile_nul_byte);
    suite_add_tcase(s, tc);

    tc = tcase_create("values");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, durations);
    tcase_add_test(tc, sizes);
    suite_add_tcase(s, tc);

    tc = tcase_create("session");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, failed_parse_leaves_session_unchanged);
    tcase_add_test(tc, file_task_clashing_with_earlier_task);
    tcase_add_test(tc, session_add_find_merge);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
