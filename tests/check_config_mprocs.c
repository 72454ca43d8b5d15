/*
 * Unit tests of what real projects' files hold: byte order marks, UTF-16 and
 * CRLF in session files, mprocs files and Procfiles; mprocs' keys (unknown keys
 * and 'deps' as warnings, 'stop' with send-keys or cmd, 'name: null', the argv
 * shorthand, names with blanks, autorestart's rule).
 */
#include <config.h>

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/deps.h"
#include "util/xalloc.h"

#include "config_helpers.h"

static int
yaml_bytes(const char *text, size_t len)
{
    free(ERR);
    ERR = NULL;
    return fs_config_parse_yaml(&S, "t.yaml", text, len, &ERR);
}

static int
procfile_bytes(const char *text, size_t len)
{
    free(ERR);
    ERR = NULL;
    return fs_config_parse_procfile(&S, "Procfile", text, len, &ERR);
}

static size_t
nwarnings(void)
{
    return S.warnings != NULL ? fs_strv_len(S.warnings) : 0;
}

/* ---- encodings ----------------------------------------------------------------------------- */

START_TEST(bom_is_skipped)
{
    ck_assert_int_eq(procfile("Procfile", "\xef\xbb\xbfweb: echo hi\n"), 0);
    ck_assert_str_eq(task("web")->shell, "echo hi");
    ck_assert_int_eq(yaml("\xef\xbb\xbftasks:\n  a: {shell: x}\n"), 0);
    ck_assert_int_eq(yaml("\xef\xbb\xbfprocs:\n  b: y\n"), 0);
    ck_assert_str_eq(task("b")->shell, "y");
    ck_assert_int_eq(task("a")->line, 2);
}
END_TEST

START_TEST(crlf_keeps_working)
{
    ck_assert_int_eq(procfile("Procfile", "web: echo hi\r\nw2: echo w\r\n"), 0);
    ck_assert_str_eq(task("web")->shell, "echo hi");
    ck_assert_int_eq(yaml("\xef\xbb\xbfprocs:\r\n  b:\r\n    shell: y\r\n"), 0);
    ck_assert_str_eq(task("b")->shell, "y");
}
END_TEST

static const struct {
    const char *what;
    const char *bytes;
    size_t len;
    const char *why;
} utf16[] = {
    {"little-endian BOM",
     "\xff\xfe"
     "a\0:\0 \0b\0\n\0",
     12, "it starts with a UTF-16 byte order mark"},
    {"big-endian BOM", "\xfe\xff\0a\0:\0 \0b\0\n", 12, "it starts with a UTF-16 byte order mark"},
    {"no BOM, little-endian", "a\0:\0 \0b\0\n\0", 10, "every other byte is NUL"},
    {"no BOM, big-endian", "\0a\0:\0 \0b\0\n", 10, "every other byte is NUL"},
};

START_TEST(utf16_is_refused)
{
    char *want =
        fs_xasprintf("Procfile:1:1: the file is UTF-16 (%s); save it as UTF-8", utf16[_i].why);
    fails_with(procfile_bytes(utf16[_i].bytes, utf16[_i].len), want);
    free(want);
    want = fs_xasprintf("t.yaml:1:1: the file is UTF-16 (%s); save it as UTF-8", utf16[_i].why);
    fails_with(yaml_bytes(utf16[_i].bytes, utf16[_i].len), want);
    free(want);
    ck_assert_uint_eq(S.ntasks, 0);
}
END_TEST

START_TEST(a_lone_nul_is_not_utf16)
{
    fails_with(procfile_bytes("web: echo hi\n\0\n", 15),
               "Procfile:2:1: the line contains a NUL byte");
    fails_with(procfile_bytes("a: x\n\0", 6), "Procfile:2:1: the line contains a NUL byte");
}
END_TEST

/* ---- mprocs keys --------------------------------------------------------------------------- */

START_TEST(mprocs_unknown_keys_warn)
{
    ck_assert_int_eq(yaml("shell: false\n"
                          "keymap: {a: b}\n"
                          "layout: {x: 1}\n"
                          "proc_list_title: Procs\n"
                          "proc_log: {dir: logs, mode: append}\n"
                          "procs:\n"
                          "  web:\n"
                          "    shell: x\n"
                          "    depends_on: [db]\n"
                          "    log: {dir: l}\n"
                          "  db: {shell: y, dependencies: [z], restart: always}\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 2);
    ck_assert_uint_eq(nwarnings(), 6);
    ck_assert_str_eq(S.warnings[0], "t.yaml:1:1: warning: unknown key 'shell' at the top level "
                                    "is ignored (mprocs ignores it too)");
    ck_assert_str_eq(S.warnings[3], "t.yaml:9:5: warning: unknown key 'depends_on' in proc 'web' "
                                    "is ignored (mprocs ignores it too)");
    ck_assert_str_eq(S.warnings[4], "t.yaml:11:18: warning: unknown key 'dependencies' in proc "
                                    "'db' is ignored (mprocs ignores it too)");
    /* proc_log and log are honoured: a proc's own dir wins over the top level's. */
    ck_assert_str_eq(task("web")->log_file, "l/web.log");
    ck_assert_str_eq(task("db")->log_file, "logs/db.log");
    ck_assert_int_eq(task("db")->restart, FS_RESTART_NO);
}
END_TEST

START_TEST(forkscope_typos_stay_errors)
{
    fails_with(yaml("tasks:\n  a: {shell: x, deps: [b]}\n"),
               "t.yaml:2:17: unknown key 'deps' in task 'a' (valid keys: shell, cmd, fork, "
               "worker, args, cwd, env, restart, backoff, stop_signal, stop_timeout, buffer, "
               "buffer_cap, autostart, pty, trace, serialization, max_message, shared, shared_size, "
               "replicas, pool, jobs, depends_on, success_codes, ready, alive, log, timestamps, env_file)");
    ck_assert_ptr_null(S.warnings);
}
END_TEST

START_TEST(mprocs_deps_are_started_conditions)
{
    ck_assert_int_eq(yaml("procs:\n"
                          "  db: x\n"
                          "  api: {shell: y, deps: [db]}\n"
                          "  web: {shell: z, deps: [api, db]}\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 3);
    ck_assert_ptr_null(S.warnings);
    const struct fs_task_spec *web = task("web");
    ck_assert_uint_eq(web->ndeps, 2);
    ck_assert_str_eq(web->deps[0].task, "api");
    ck_assert_int_eq(web->deps[0].cond, FS_DEP_STARTED);
    ck_assert_str_eq(web->deps[1].task, "db");
    ck_assert_int_eq(task("api")->deps[0].cond, FS_DEP_STARTED);
    fails_with(yaml("procs:\n  a: {shell: x, deps: b}\n  b: y\n"),
               "t.yaml:2:23: task 'a': 'deps' must be a list of proc names");
    fails_with(yaml("procs:\n  a: {shell: x, deps: [c]}\n"),
               "t.yaml:2:24: task 'a': depends on 'c', which is not a task");
}
END_TEST

START_TEST(mprocs_stop_forms)
{
    ck_assert_int_eq(yaml("procs:\n"
                          "  int: {shell: x, stop: {send-keys: [\"<C-c>\"]}}\n"
                          "  eof: {shell: x, stop: {send-keys: [\"<C-d>\"]}}\n"
                          "  quit: {shell: x, stop: {send-keys: [\"q\", \"<CR>\"]}}\n"
                          "  odd: {shell: x, stop: {send-keys: [\"<F1>\"]}}\n"
                          "  cmd: {shell: x, stop: {cmd: [\"kill\", \"it\"]}}\n"
                          "  sig: {shell: x, stop: SIGINT}\n"),
                     0);
    ck_assert_str_eq(task("int")->stop_keys, "\x03");
    ck_assert_int_eq(task("int")->stop_signal, SIGINT);
    ck_assert_str_eq(task("eof")->stop_keys, "\x04");
    ck_assert_int_eq(task("eof")->stop_signal, SIGTERM);
    ck_assert_str_eq(task("quit")->stop_keys, "q\r");
    ck_assert_ptr_null(task("odd")->stop_keys);
    ck_assert_int_eq(task("odd")->stop_signal, SIGTERM);
    ck_assert_ptr_null(task("cmd")->stop_keys);
    ck_assert_int_eq(task("sig")->stop_signal, SIGINT);
    ck_assert_ptr_null(task("sig")->stop_keys);
    ck_assert_uint_eq(nwarnings(), 2);
    ck_assert_str_eq(S.warnings[0], "t.yaml:5:38: warning: task 'odd': 'stop: send-keys': "
                                    "forkscope cannot type '<F1>'; it stops the task with "
                                    "SIGTERM");
    ck_assert_str_eq(S.warnings[1], "t.yaml:6:26: warning: task 'cmd': 'stop: {cmd: ...}' is not "
                                    "honoured: forkscope has no stop command; it stops the task "
                                    "with SIGTERM");
}
END_TEST

START_TEST(mprocs_null_and_argv_shorthand)
{
    ck_assert_int_eq(yaml("procs:\n"
                          "  off: null\n"
                          "  also_off: ~\n"
                          "  tw: [\"npx\", \"tailwindcss\", \"--watch\"]\n"
                          "  sh: \"echo hi\"\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 2);
    ck_assert_int_eq(task("tw")->kind, FS_KIND_CMD);
    argv_is(task("tw")->argv, "npx", "tailwindcss", "--watch", NULL);
    ck_assert_ptr_null(fs_session_find(&S, "off"));
    ck_assert_ptr_null(S.warnings);
}
END_TEST

START_TEST(mprocs_names_with_blanks)
{
    ck_assert_int_eq(yaml("procs:\n"
                          "  Rust Server: cargo run\n"
                          "  Tailwind (v3): {shell: npx tailwindcss}\n"),
                     0);
    ck_assert_str_eq(task("Rust Server")->shell, "cargo run");
    ck_assert_str_eq(task("Tailwind (v3)")->shell, "npx tailwindcss");
}
END_TEST

START_TEST(mprocs_autorestart_rule)
{
    ck_assert_int_eq(yaml("procs:\n"
                          "  a: {shell: x, autorestart: true}\n"
                          "  b: {shell: x, autorestart: false}\n"),
                     0);
    ck_assert_int_eq(task("a")->restart, FS_RESTART_ON_FAILURE);
    ck_assert_double_eq(task("a")->restart_min_run, 1.0);
    ck_assert_int_eq(task("b")->restart, FS_RESTART_NO);
}
END_TEST

/* ---- Procfiles as foreman runs them ------------------------------------------------------- */

START_TEST(procfile_ports)
{
    ck_assert_int_eq(procfile("Procfile", "web: a\nworker: b\nclock: c\n"), 0);
    argv_is(task("web")->env_set, "PORT=5000", NULL);
    argv_is(task("worker")->env_set, "PORT=5100", NULL);
    argv_is(task("clock")->env_set, "PORT=5200", NULL);
    ck_assert_int_eq(fs_config_parse_procfile_env(&S, "P2", "x: a\ny: b\n", 10, 3000, NULL, &ERR),
                     0);
    argv_is(task("x")->env_set, "PORT=3000", NULL);
    argv_is(task("y")->env_set, "PORT=3100", NULL);
}
END_TEST

START_TEST(procfile_foreman_drops_warn)
{
    ck_assert_int_eq(procfile("Procfile", "web: a\n"
                                          "  indented: b\n"
                                          "spaced : c\n"
                                          "web: d\n"
                                          "web: e\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 3);
    ck_assert_str_eq(task("web")->shell, "a");
    ck_assert_str_eq(task("web-2")->shell, "d");
    ck_assert_str_eq(task("web-3")->shell, "e");
    argv_is(task("web-2")->env_set, "PORT=5100", NULL);
    ck_assert_uint_eq(nwarnings(), 4);
    ck_assert_str_eq(S.warnings[0], "Procfile:2: warning: an indented line is ignored (foreman "
                                    "reads only lines that start with 'name:')");
    ck_assert_str_eq(S.warnings[1], "Procfile:3: warning: a blank before ':' makes foreman ignore "
                                    "the line; so does forkscope (write 'name: command')");
    ck_assert_str_eq(S.warnings[2], "Procfile:4: warning: the name 'web' was used at line 1; this "
                                    "entry runs too, as 'web-2' (foreman runs both)");
}
END_TEST

START_TEST(mprocs_log_files)
{
    ck_assert_int_eq(yaml_at("dir/mprocs.yaml",
                             "proc_log: {dir: logs, mode: truncate}\n"
                             "procs:\n"
                             "  Rust Server: {shell: a}\n"
                             "  own: {shell: b, log: {file: \"{name}-{id}.txt\"}}\n"
                             "  abs: {shell: c, log: {dir: null, file: /tmp/x.log, mode: append}}\n"
                             "  off: {shell: d, log: false}\n"
                             "  plain: {shell: e, log: other}\n"),
                     0);
    ck_assert_ptr_null(S.warnings);
    ck_assert_str_eq(task("Rust Server")->log_file, "dir/logs/Rust_Server.log");
    ck_assert(task("Rust Server")->log_truncate);
    ck_assert_str_eq(task("own")->log_file, "dir/logs/own-1.txt");
    ck_assert_str_eq(task("abs")->log_file, "/tmp/x.log");
    ck_assert(!task("abs")->log_truncate);
    ck_assert_ptr_null(task("off")->log_file);
    ck_assert_str_eq(task("plain")->log_file, "dir/other/plain.log");
    fails_with(yaml("procs:\n  a: {shell: x, log: {mode: sometimes}}\n"),
               "t.yaml:2:29: 'mode' must be append or truncate");
    fails_with(yaml("proc_log: [a]\nprocs:\n  a: {shell: x}\n"),
               "t.yaml:1:11: a log setting must be a boolean, a directory or a mapping");
}
END_TEST

START_TEST(dotenv_forms)
{
    const char *text = "\xef\xbb\xbf# comment\r\n"
                       "\n"
                       "A=1\r\n"
                       "export B=two words  # a comment\n"
                       "C='single $x # kept'\n"
                       "D=\"line\\nnext \\\"q\\\"\"\n"
                       "A=again\n"
                       "not a variable\n"
                       "E=\n"
                       "PORT=1\n"
                       "export\tF = spaced  \n";
    char **vars = NULL;
    ck_assert_int_eq(fs_config_parse_dotenv(&S, ".env", text, strlen(text), &vars, &ERR), 0);
    argv_is(vars, "A=again", "B=two words", "C=single $x # kept", "D=line\nnext \"q\"",
            "E=", "PORT=1", "F=spaced", NULL);
    ck_assert_uint_eq(nwarnings(), 1);
    ck_assert_str_eq(S.warnings[0], ".env:8: warning: not KEY=VALUE; the line is ignored");
    ck_assert_int_eq(fs_config_parse_procfile_env(&S, "Procfile", "web: x\n", 7, 0, vars, &ERR), 0);
    argv_is(task("web")->env_set, "A=again", "B=two words", "C=single $x # kept",
            "D=line\nnext \"q\"", "E=", "F=spaced", "PORT=5000", NULL);
    fs_strv_free(vars);
    vars = NULL;
    fails_with(fs_config_parse_dotenv(&S, ".env",
                                      "\xff\xfe"
                                      "A\0",
                                      4, &vars, &ERR),
               ".env:1:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it "
               "as UTF-8");
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("config_mprocs");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, bom_is_skipped);
    tcase_add_test(tc, crlf_keeps_working);
    tcase_add_loop_test(tc, utf16_is_refused, 0, sizeof utf16 / sizeof utf16[0]);
    tcase_add_test(tc, a_lone_nul_is_not_utf16);
    tcase_add_test(tc, mprocs_unknown_keys_warn);
    tcase_add_test(tc, forkscope_typos_stay_errors);
    tcase_add_test(tc, mprocs_deps_are_started_conditions);
    tcase_add_test(tc, mprocs_stop_forms);
    tcase_add_test(tc, mprocs_null_and_argv_shorthand);
    tcase_add_test(tc, mprocs_names_with_blanks);
    tcase_add_test(tc, mprocs_autorestart_rule);
    tcase_add_test(tc, procfile_ports);
    tcase_add_test(tc, procfile_foreman_drops_warn);
    tcase_add_test(tc, dotenv_forms);
    tcase_add_test(tc, mprocs_log_files);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
