/*
 * Unit tests of the --control command parser.
 */
#include <config.h>

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "model/control.h"

static int
parse(const char *line, struct fs_control_cmd *cmd, char **err)
{
    return fs_control_parse(line, strlen(line), cmd, err);
}

START_TEST(test_task_commands)
{
    static const struct {
        const char *line;
        enum fs_control_op op;
    } cases[] = {
        {"start api", FS_CONTROL_START},   {"stop api", FS_CONTROL_STOP},
        {"  kill\tapi  ", FS_CONTROL_KILL}, {"restart api", FS_CONTROL_RESTART},
        {"disconnect api", FS_CONTROL_DISCONNECT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fs_control_cmd cmd;
        char *err;
        ck_assert_int_eq(parse(cases[i].line, &cmd, &err), 0);
        ck_assert_int_eq(cmd.op, cases[i].op);
        ck_assert_str_eq(cmd.task, "api");
        fs_control_cmd_fini(&cmd);
    }
}
END_TEST

START_TEST(test_signal)
{
    struct fs_control_cmd cmd;
    char *err;
    ck_assert_int_eq(parse("signal api USR1", &cmd, &err), 0);
    ck_assert_int_eq(cmd.sig, SIGUSR1);
    fs_control_cmd_fini(&cmd);
    ck_assert_int_eq(parse("signal api SIGHUP", &cmd, &err), 0);
    ck_assert_int_eq(cmd.sig, SIGHUP);
    fs_control_cmd_fini(&cmd);
    ck_assert_int_eq(parse("signal api 9", &cmd, &err), 0);
    ck_assert_int_eq(cmd.sig, SIGKILL);
    fs_control_cmd_fini(&cmd);
    ck_assert_int_eq(parse("signal api NOPE", &cmd, &err), -1);
    ck_assert_str_eq(err, "unknown signal 'NOPE'");
    free(err);
    ck_assert_int_eq(parse("signal api", &cmd, &err), -1);
    ck_assert_str_eq(err, "usage: signal TASK SIG");
    free(err);
}
END_TEST

START_TEST(test_send_keeps_rest)
{
    struct fs_control_cmd cmd;
    char *err;
    ck_assert_int_eq(parse("send api {\"a\": [1, 2]}  ", &cmd, &err), 0);
    ck_assert_int_eq(cmd.op, FS_CONTROL_SEND);
    ck_assert_str_eq(cmd.json, "{\"a\": [1, 2]}  ");
    fs_control_cmd_fini(&cmd);
    ck_assert_int_eq(parse("send api", &cmd, &err), -1);
    free(err);
}
END_TEST

START_TEST(test_errors_and_blanks)
{
    struct fs_control_cmd cmd;
    char *err;
    ck_assert_int_eq(parse("", &cmd, &err), 1);
    ck_assert_int_eq(parse("   # a comment", &cmd, &err), 1);
    ck_assert_int_eq(parse("launch api", &cmd, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unknown command 'launch'"));
    free(err);
    ck_assert_int_eq(parse("stop", &cmd, &err), -1);
    ck_assert_str_eq(err, "usage: stop TASK");
    free(err);
    ck_assert_int_eq(parse("stop a b", &cmd, &err), -1);
    free(err);
    ck_assert_int_eq(parse("quit now", &cmd, &err), -1);
    free(err);
    ck_assert_int_eq(parse("quit", &cmd, &err), 0);
    ck_assert_int_eq(cmd.op, FS_CONTROL_QUIT);
    ck_assert_ptr_null(cmd.task);
    ck_assert_ptr_nonnull(strstr(fs_control_usage(), "signal TASK SIG"));
}
END_TEST

/* mprocs names with blanks ("Rust Server") are written between double quotes. */
START_TEST(test_quoted_task_names)
{
    struct fs_control_cmd cmd;
    char *err;
    ck_assert_int_eq(parse("stop \"Rust Server\"", &cmd, &err), 0);
    ck_assert_str_eq(cmd.task, "Rust Server");
    fs_control_cmd_fini(&cmd);
    ck_assert_int_eq(parse("signal  \"Tailwind (v3)\" INT", &cmd, &err), 0);
    ck_assert_str_eq(cmd.task, "Tailwind (v3)");
    ck_assert_int_eq(cmd.sig, SIGINT);
    fs_control_cmd_fini(&cmd);
    ck_assert_int_eq(parse("send \"a b\" {\"n\": 1}", &cmd, &err), 0);
    ck_assert_str_eq(cmd.task, "a b");
    ck_assert_str_eq(cmd.json, "{\"n\": 1}");
    fs_control_cmd_fini(&cmd);
    ck_assert_int_eq(parse("stop \"api\"", &cmd, &err), 0);
    ck_assert_str_eq(cmd.task, "api");
    fs_control_cmd_fini(&cmd);
    ck_assert_int_eq(parse("stop \"Rust Server", &cmd, &err), -1);
    ck_assert_str_eq(err, "a task name in double quotes needs its closing quote, then a blank");
    free(err);
    ck_assert_int_eq(parse("stop \"a\"b", &cmd, &err), -1);
    free(err);
}
END_TEST

START_TEST(test_short_names)
{
    ck_assert(fs_control_short_name_is("Rust Server", "rust-server"));
    ck_assert(fs_control_short_name_is("Tailwind (v3)", "tailwind-v3"));
    ck_assert(fs_control_short_name_is("  API  gateway!", "api-gateway"));
    ck_assert(!fs_control_short_name_is("Rust Server", "Rust-Server"));
    ck_assert(!fs_control_short_name_is("Rust Server", "rust-serve"));
    ck_assert(!fs_control_short_name_is("Rust Server", "rust-server-"));
    ck_assert(!fs_control_short_name_is("Rust Server", "rustserver"));
    ck_assert(!fs_control_short_name_is("Web_App", "web-app")); /* no blank: its name only */
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("control");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_task_commands);
    tcase_add_test(tc, test_signal);
    tcase_add_test(tc, test_send_keeps_rest);
    tcase_add_test(tc, test_errors_and_blanks);
    tcase_add_test(tc, test_quoted_task_names);
    tcase_add_test(tc, test_short_names);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
