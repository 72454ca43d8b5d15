/*
 * Unit tests of the session-file keys about log files and env files
 * (config/config_yaml_log.c): a task's log (short and long form, defaults),
 * timestamps, the top-level log_dir, env_file (one or a list, relative to the
 * file, later files and then env overriding), the file errors, and
 * process-compose's env_file and log_location.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "util/xalloc.h"

#include "config_helpers.h"

static char dir[] = "/tmp/fs-config-logs-XXXXXX";

static void
put(const char *name, const char *text)
{
    char *path = fs_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

/* Parses text as DIR/NAME. */
static int
yaml_in_dir(const char *name, const char *text)
{
    char *path = fs_xasprintf("%s/%s", dir, name);
    int rc = yaml_at(path, text);
    free(path);
    return rc;
}

static bool
has(char **v, const char *s)
{
    for (; v != NULL && *v != NULL; v++)
        if (strcmp(*v, s) == 0)
            return true;
    return false;
}

static void
make_dir(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

START_TEST(log_forms)
{
    ck_assert_int_eq(yaml_in_dir("f.yaml", "tasks:\n"
                                           "  a: {shell: x, log: a.log}\n"
                                           "  b:\n"
                                           "    shell: y\n"
                                           "    log: {file: /var/b.log, max: 64k, keep: 0}\n"
                                           "    timestamps: true\n"
                                           "  c: {shell: z}\n"),
                     0);
    char *want = fs_xasprintf("%s/a.log", dir);
    ck_assert_str_eq(task("a")->log_file, want);
    free(want);
    ck_assert_uint_eq(task("a")->log_max, 10u << 20);
    ck_assert_uint_eq(task("a")->log_keep, 3);
    ck_assert(!task("a")->log_timestamps);
    ck_assert_str_eq(task("b")->log_file, "/var/b.log");
    ck_assert_uint_eq(task("b")->log_max, 65536);
    ck_assert_uint_eq(task("b")->log_keep, 0);
    ck_assert(task("b")->log_timestamps);
    ck_assert_ptr_null(task("c")->log_file);
}
END_TEST

START_TEST(log_dir_gives_each_task_a_file)
{
    ck_assert_int_eq(yaml_in_dir("f.yaml", "tasks:\n"
                                           "  a: {shell: x}\n"
                                           "  b: {shell: y, log: /tmp/own.log}\n"
                                           "  w: {shell: z, replicas: 2}\n"
                                           "log_dir: logs\n"),
                     0);
    char *want = fs_xasprintf("%s/logs/a.log", dir);
    ck_assert_str_eq(task("a")->log_file, want);
    free(want);
    ck_assert_str_eq(task("b")->log_file, "/tmp/own.log");
    want = fs_xasprintf("%s/logs/w-2.log", dir);
    ck_assert_str_eq(task("w-2")->log_file, want);
    free(want);
}
END_TEST

START_TEST(log_errors)
{
    fails_with(yaml("tasks:\n  a: {shell: x, log: {max: 1M}}\n"),
               "t.yaml:2:22: task 'a': 'log' needs 'file', the path of the log file");
    fails_with(yaml("tasks:\n  a: {shell: x, log: {file: f, max: lots}}\n"),
               "t.yaml:2:37: task 'a': 'log.max' must be a size such as 65536, 64k or 10M");
    fails_with(yaml("tasks:\n  a: {shell: x, log: {file: f, keep: -1}}\n"),
               "t.yaml:2:38: task 'a': 'log.keep' must be a whole number from 0 to 1000");
    fails_with(yaml("tasks:\n  a: {shell: x, log: {file: f, size: 1}}\n"),
               "t.yaml:2:32: unknown key 'size' in 'log' of task 'a' (valid keys: file, max, "
               "keep)");
    fails_with(yaml("tasks:\n  a: {shell: x, log: \"\"}\n"),
               "t.yaml:2:22: task 'a': 'log' may not be empty");
    fails_with(yaml("tasks:\n  a: {shell: x, timestamps: yes}\n"),
               "t.yaml:2:29: task 'a': 'timestamps' must be true or false");
}
END_TEST

START_TEST(env_file_order)
{
    put("one.env", "# first\nexport A=1\nB='one'\nC=\"c\\nc\"\n");
    put("two.env", "B=two\nD = 4 # comment\n");
    ck_assert_int_eq(yaml_in_dir("f.yaml", "tasks:\n"
                                           "  a:\n"
                                           "    shell: x\n"
                                           "    env: {D: own, GONE: null}\n"
                                           "    env_file: [one.env, two.env]\n"
                                           "  b: {shell: y, env_file: two.env, replicas: 2}\n"),
                     0);
    struct fs_task_spec *a = task("a");
    ck_assert(has(a->env_set, "A=1"));
    ck_assert(has(a->env_set, "B=two"));
    ck_assert(has(a->env_set, "C=c\nc"));
    ck_assert(has(a->env_set, "D=own"));
    ck_assert(!has(a->env_set, "D=4"));
    ck_assert(has(task("b-2")->env_set, "D=4"));
}
END_TEST

START_TEST(env_file_errors)
{
    put("one.env", "A=1\n");
    put("bad.env", "A=1\n\xff\xfe");
    ck_assert_int_eq(
        yaml_in_dir("f.yaml", "tasks:\n  a:\n    shell: x\n    env_file: [one.env, nope.env]\n"),
        -1);
    char *want = fs_xasprintf("%s/f.yaml:4:25: task 'a': env_file: %s/nope.env: No such file or "
                              "directory",
                              dir, dir);
    ck_assert_str_eq(ERR, want);
    free(want);
    put("nul.env", "A=1\nB=\0\n");
    fails_with(yaml("tasks:\n  a: {shell: x, env_file: 7}\n"),
               "t.yaml:2:27: task 'a': env_file: 7: No such file or directory");
    fails_with(yaml("tasks:\n  a: {shell: x, env_file: [\"\"]}\n"),
               "t.yaml:2:28: task 'a': 'env_file' may not be empty");
    fails_with(yaml("tasks:\n  a: {shell: x, env_file: {a: b}}\n"),
               "t.yaml:2:27: task 'a': 'env_file' must be a string");
}
END_TEST

START_TEST(compose_env_file_and_log_location)
{
    put("pc.env", "A=from-file\nB=from-file\n");
    ck_assert_int_eq(
        yaml_in_dir("pc.yaml", "log_location: all.log\n"
                               "environment: [\"B=top\", \"C=top\"]\n"
                               "processes:\n"
                               "  db: {command: x, env_file: pc.env, log_location: db.log}\n"
                               "  api: {command: y, environment: [\"A=own\"], env_file: pc.env}\n"),
        0);
    ck_assert_ptr_null(S.warnings);
    ck_assert_str_eq(task("db")->log_file, "db.log");
    ck_assert_str_eq(task("api")->log_file, "all.log");
    ck_assert(has(task("db")->env_set, "A=from-file"));
    ck_assert(has(task("db")->env_set, "B=from-file"));
    ck_assert(has(task("db")->env_set, "C=top"));
    ck_assert(has(task("api")->env_set, "A=own"));
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("config_logs");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, make_dir, NULL);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, log_forms);
    tcase_add_test(tc, log_dir_gives_each_task_a_file);
    tcase_add_test(tc, log_errors);
    tcase_add_test(tc, env_file_order);
    tcase_add_test(tc, env_file_errors);
    tcase_add_test(tc, compose_env_file_and_log_location);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
