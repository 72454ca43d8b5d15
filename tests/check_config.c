/*
 * Unit tests of the session readers: positional arguments with kind prefixes,
 * forkscope.yaml, mprocs.yaml and Procfiles, durations and sizes. Every bad
 * input is checked for its exact message, line and column, and for leaving the
 * session untouched.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/config.h"
#include "util/xalloc.h"

static struct fs_session S;
static char *ERR;

static void
setup(void)
{
    fs_session_init(&S);
    ERR = NULL;
}

static void
teardown(void)
{
    fs_session_fini(&S);
    free(ERR);
    ERR = NULL;
}

static int
yaml_at(const char *path, const char *text)
{
    free(ERR);
    ERR = NULL;
    return fs_config_parse_yaml(&S, path, text, strlen(text), &ERR);
}

static int
yaml(const char *text)
{
    return yaml_at("t.yaml", text);
}

static int
procfile(const char *path, const char *text)
{
    free(ERR);
    ERR = NULL;
    return fs_config_parse_procfile(&S, path, text, strlen(text), &ERR);
}

static int
arg(const char *a, const char *name)
{
    free(ERR);
    ERR = NULL;
    return fs_config_add_arg(&S, a, name, &ERR);
}

static struct fs_task_spec *
task(const char *name)
{
    struct fs_task_spec *t = fs_session_find(&S, name);
    ck_assert_msg(t != NULL, "no task '%s'", name);
    return t;
}

/* Checks argv against the NULL-terminated list of words that follows. */
static void
argv_is(char **argv, ...)
{
    va_list ap;
    va_start(ap, argv);
    size_t i = 0;
    ck_assert_ptr_nonnull(argv);
    for (const char *w = va_arg(ap, const char *); w != NULL; w = va_arg(ap, const char *), i++) {
        ck_assert_msg(argv[i] != NULL, "argv[%zu] missing, expected '%s'", i, w);
        ck_assert_str_eq(argv[i], w);
    }
    va_end(ap);
    ck_assert_msg(argv[i] == NULL, "extra argv[%zu] '%s'", i, argv[i] ? argv[i] : "");
}

static void
fails_with(int rc, const char *msg)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_nonnull(ERR);
    ck_assert_str_eq(ERR, msg);
}

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

/* ---- YAML: good files ---------------------------------------------------------------------- */

START_TEST(yaml_minimal_task_has_defaults)
{
    ck_assert_int_eq(yaml("tasks:\n  a:\n    shell: make\n"), 0);
    ck_assert_uint_eq(S.ntasks, 1);
    struct fs_task_spec *t = task("a");
    ck_assert_int_eq(t->kind, FS_KIND_SHELL);
    ck_assert_str_eq(t->shell, "make");
    ck_assert_int_eq(t->restart, FS_RESTART_NO);
    ck_assert_int_eq(t->stop_signal, SIGTERM);
    ck_assert_double_eq(t->stop_timeout, 5.0);
    ck_assert(t->autostart);
    ck_assert(!t->buffer);
    ck_assert_uint_eq(t->buffer_cap, 1024 * 1024);
    ck_assert_double_eq(t->backoff.base, 1.0);
    ck_assert_double_eq(t->backoff.factor, 2.0);
    ck_assert_double_eq(t->backoff.cap, 30.0);
    ck_assert_uint_eq(t->backoff.max, 0);
    ck_assert_double_eq(t->backoff.reset_after, 10.0);
    ck_assert_ptr_null(t->cwd);
    ck_assert_ptr_null(t->env_set);
    ck_assert_ptr_null(t->env_unset);
    ck_assert_ptr_null(S.theme);
}
END_TEST

START_TEST(yaml_every_key)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  w:\n"
                          "    cmd: [./server, --port, \"80 80\"]\n"
                          "    cwd: /srv\n"
                          "    env: {A: x}\n"
                          "    restart: always\n"
                          "    backoff: {base: 250ms, factor: 1.5, cap: 1m, max: 5, "
                          "reset_after: 1h}\n"
                          "    stop_signal: INT\n"
                          "    stop_timeout: 2.5\n"
                          "    buffer: true\n"
                          "    buffer_cap: 64KiB\n"
                          "    autostart: false\n"),
                     0);
    struct fs_task_spec *t = task("w");
    ck_assert_int_eq(t->kind, FS_KIND_CMD);
    argv_is(t->argv, "./server", "--port", "80 80", NULL);
    ck_assert_str_eq(t->cwd, "/srv");
    argv_is(t->env_set, "A=x", NULL);
    ck_assert_int_eq(t->restart, FS_RESTART_ALWAYS);
    ck_assert_double_eq(t->backoff.base, 0.25);
    ck_assert_double_eq(t->backoff.factor, 1.5);
    ck_assert_double_eq(t->backoff.cap, 60);
    ck_assert_uint_eq(t->backoff.max, 5);
    ck_assert_double_eq(t->backoff.reset_after, 3600);
    ck_assert_int_eq(t->stop_signal, SIGINT);
    ck_assert_double_eq(t->stop_timeout, 2.5);
    ck_assert(t->buffer);
    ck_assert_uint_eq(t->buffer_cap, 65536);
    ck_assert(!t->autostart);
}
END_TEST

START_TEST(yaml_cmd_and_fork_forms)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  a: {cmd: \"ls -la 'x y'\"}\n"
                          "  b: {fork: [child.js, --v]}\n"
                          "  c: {fork: \"worker.mjs 3\"}\n"
                          "  d: {fork: [python3, c.py]}\n"
                          "  e: {restart: on-failure, shell: \"make\"}\n"),
                     0);
    argv_is(task("a")->argv, "ls", "-la", "x y", NULL);
    ck_assert_int_eq(task("b")->kind, FS_KIND_FORK);
    argv_is(task("b")->argv, "node", "child.js", "--v", NULL);
    argv_is(task("c")->argv, "node", "worker.mjs", "3", NULL);
    argv_is(task("d")->argv, "python3", "c.py", NULL);
    ck_assert_int_eq(task("e")->restart, FS_RESTART_ON_FAILURE);
    /* The tasks keep the order of the file. */
    ck_assert_str_eq(S.tasks[0].name, "a");
    ck_assert_str_eq(S.tasks[4].name, "e");
}
END_TEST

START_TEST(yaml_worker_args)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  a: {worker: primes, args: \"2000000\"}\n"
                          "  b: {worker: hash 1 2}\n"
                          "  c: {worker: sleep, args: 5}\n"
                          "  d: {worker: echo}\n"),
                     0);
    ck_assert_int_eq(task("a")->kind, FS_KIND_WORKER);
    ck_assert_str_eq(task("a")->module, "primes");
    ck_assert_str_eq(task("a")->args, "2000000");
    ck_assert_str_eq(task("b")->module, "hash");
    ck_assert_str_eq(task("b")->args, "1 2");
    ck_assert_str_eq(task("c")->args, "5");
    ck_assert_ptr_null(task("d")->args);
}
END_TEST

START_TEST(yaml_env_values)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  a:\n"
                          "    shell: env\n"
                          "    env:\n"
                          "      PORT: \"3000\"\n"
                          "      N: 42\n"
                          "      F: 1.50\n"
                          "      ON: true\n"
                          "      EMPTY: ''\n"
                          "      GONE: null\n"
                          "      ALSO_GONE: ~\n"
                          "      AND_THIS:\n"
                          "  b:\n"
                          "    shell: env\n"
                          "    env: [A=1, B=x=y]\n"),
                     0);
    argv_is(task("a")->env_set, "PORT=3000", "N=42", "F=1.50", "ON=true", "EMPTY=", NULL);
    argv_is(task("a")->env_unset, "GONE", "ALSO_GONE", "AND_THIS", NULL);
    argv_is(task("b")->env_set, "A=1", "B=x=y", NULL);
}
END_TEST

START_TEST(yaml_durations_and_sizes)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  a: {shell: x, stop_timeout: 7, buffer: 64k}\n"
                          "  b: {shell: x, stop_timeout: 250ms, buffer_cap: 1M}\n"
                          "  c: {shell: x, stop_timeout: 2m, buffer_cap: 1MiB}\n"
                          "  d: {shell: x, stop_timeout: 1h, buffer_cap: 2G}\n"
                          "  e: {shell: x, stop_timeout: \"1.5\", buffer_cap: 4096}\n"
                          "  f: {shell: x, stop_timeout: 0, buffer: false}\n"),
                     0);
    ck_assert_double_eq(task("a")->stop_timeout, 7);
    ck_assert(task("a")->buffer);
    ck_assert_uint_eq(task("a")->buffer_cap, 65536);
    ck_assert_double_eq(task("b")->stop_timeout, 0.25);
    ck_assert(!task("b")->buffer);
    ck_assert_uint_eq(task("b")->buffer_cap, 1 << 20);
    ck_assert_double_eq(task("c")->stop_timeout, 120);
    ck_assert_uint_eq(task("c")->buffer_cap, 1 << 20);
    ck_assert_double_eq(task("d")->stop_timeout, 3600);
    ck_assert_uint_eq(task("d")->buffer_cap, (size_t)2 << 30);
    ck_assert_double_eq(task("e")->stop_timeout, 1.5);
    ck_assert_uint_eq(task("e")->buffer_cap, 4096);
    ck_assert_double_eq(task("f")->stop_timeout, 0);
    ck_assert(!task("f")->buffer);
}
END_TEST

START_TEST(yaml_stop_signals)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  a: {shell: x, stop_signal: INT}\n"
                          "  b: {shell: x, stop_signal: SIGKILL}\n"
                          "  c: {shell: x, stop_signal: 1}\n"
                          "  d: {shell: x, stop_signal: sigusr1}\n"),
                     0);
    ck_assert_int_eq(task("a")->stop_signal, SIGINT);
    ck_assert_int_eq(task("b")->stop_signal, SIGKILL);
    ck_assert_int_eq(task("c")->stop_signal, SIGHUP);
    ck_assert_int_eq(task("d")->stop_signal, SIGUSR1);
}
END_TEST

START_TEST(yaml_positions_theme_and_source)
{
    ck_assert_int_eq(yaml_at("my.yaml", "theme: dark\n"
                                        "tasks:\n"
                                        "  first:\n"
                                        "    shell: a\n"
                                        "  # a comment\n"
                                        "  second: {shell: b}\n"),
                     0);
    ck_assert_str_eq(task("first")->file, "my.yaml");
    ck_assert_int_eq(task("first")->line, 3);
    ck_assert_int_eq(task("first")->col, 3);
    ck_assert_int_eq(task("second")->line, 6);
    ck_assert_int_eq(task("second")->col, 3);
    ck_assert_str_eq(S.theme, "dark");
    ck_assert_str_eq(S.source, "my.yaml");
}
END_TEST

START_TEST(yaml_replicas_make_a_pool)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  crunch: {worker: primes, args: \"10\", replicas: 3}\n"
                          "  one: {shell: x, replicas: 1}\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 4);
    ck_assert_str_eq(S.tasks[0].name, "crunch-1");
    ck_assert_str_eq(S.tasks[1].name, "crunch-2");
    ck_assert_str_eq(S.tasks[2].name, "crunch-3");
    ck_assert_str_eq(S.tasks[3].name, "one");
    for (int i = 0; i < 3; i++) {
        ck_assert_str_eq(S.tasks[i].module, "primes");
        ck_assert_str_eq(S.tasks[i].args, "10");
        ck_assert_int_eq(S.tasks[i].line, 2);
    }
}
END_TEST

START_TEST(yaml_cwd_is_relative_to_the_file)
{
    ck_assert_int_eq(yaml_at("proj/forkscope.yaml", "tasks:\n"
                                                    "  a: {shell: x, cwd: api}\n"
                                                    "  b: {shell: x}\n"
                                                    "  c: {shell: x, cwd: /abs}\n"
                                                    "  d: {shell: x, cwd: .}\n"),
                     0);
    ck_assert_str_eq(task("a")->cwd, "proj/api");
    ck_assert_str_eq(task("b")->cwd, "proj");
    ck_assert_str_eq(task("c")->cwd, "/abs");
    ck_assert_str_eq(task("d")->cwd, "proj");
}
END_TEST

START_TEST(yaml_aliases_and_merge_keys)
{
    ck_assert_int_eq(yaml("x-common: &common\n"
                          "  cwd: /srv\n"
                          "  restart: always\n"
                          "  env: &env {A: \"1\", B: \"2\"}\n"
                          "tasks:\n"
                          "  a:\n"
                          "    <<: *common\n"
                          "    shell: x\n"
                          "  b:\n"
                          "    <<: *common\n"
                          "    restart: no\n"
                          "    shell: y\n"
                          "    env:\n"
                          "      <<: *env\n"
                          "      B: \"3\"\n"
                          "  c:\n"
                          "    shell: z\n"
                          "    env: *env\n"),
                     0);
    ck_assert_str_eq(task("a")->cwd, "/srv");
    ck_assert_int_eq(task("a")->restart, FS_RESTART_ALWAYS);
    argv_is(task("a")->env_set, "A=1", "B=2", NULL);
    ck_assert_int_eq(task("b")->restart, FS_RESTART_NO);
    argv_is(task("b")->env_set, "B=3", "A=1", NULL);
    argv_is(task("c")->env_set, "A=1", "B=2", NULL);
}
END_TEST

START_TEST(yaml_mprocs_file)
{
    ck_assert_int_eq(yaml("procs:\n"
                          "  nvim:\n"
                          "    cmd: [\"nvim\", \"-u\", \"NONE\"]\n"
                          "    autostart: false\n"
                          "    stop: SIGINT\n"
                          "  server:\n"
                          "    shell: \"nodemon server.js\"\n"
                          "    cwd: <CONFIG_DIR>/srv\n"
                          "    env: {NODE_ENV: test, DEBUG: null}\n"
                          "    stop: hard-kill\n"
                          "    autorestart: true\n"
                          "    add_path: [bin]\n"
                          "  webpack: \"webpack serve\"\n"
                          "  keys:\n"
                          "    shell: vim\n"
                          "    stop: {send-keys: [\"<Esc>\", \":q<Enter>\"]}\n"
                          "  os:\n"
                          "    shell: {$select: os, windows: dir, $else: ls}\n"
                          "hide_keymap_window: true\n"
                          "mouse_scroll_speed: 3\n"
                          "scrollback: 10000\n"
                          "proc_list_width: 20\n"
                          "keymap_procs: {\"<C-q>\": {c: quit}}\n"
                          "server: 127.0.0.1:4050\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 5);
    ck_assert_int_eq(task("nvim")->kind, FS_KIND_CMD);
    argv_is(task("nvim")->argv, "nvim", "-u", "NONE", NULL);
    ck_assert(!task("nvim")->autostart);
    ck_assert_int_eq(task("nvim")->stop_signal, SIGINT);
    ck_assert_str_eq(task("server")->shell, "nodemon server.js");
    ck_assert_str_eq(task("server")->cwd, "./srv");
    argv_is(task("server")->env_set, "NODE_ENV=test", NULL);
    argv_is(task("server")->env_unset, "DEBUG", NULL);
    ck_assert_int_eq(task("server")->stop_signal, SIGKILL);
    ck_assert_int_eq(task("server")->restart, FS_RESTART_ALWAYS);
    ck_assert(task("server")->autostart);
    ck_assert_str_eq(task("webpack")->shell, "webpack serve");
    ck_assert_int_eq(task("keys")->stop_signal, SIGTERM);
    ck_assert_str_eq(task("os")->shell, "ls");
    ck_assert_ptr_null(S.theme);
}
END_TEST

static char *
fixture(const char *name)
{
    const char *src = getenv("FS_SRCDIR");
    return fs_xasprintf("%s/tests/fixtures/config/%s", src ? src : ".", name);
}

START_TEST(yaml_design_example_fixture)
{
    char *path = fixture("forkscope.yaml");
    ck_assert_msg(fs_config_load_yaml(&S, path, &ERR) == 0, "%s", ERR);
    ck_assert_uint_eq(S.ntasks, 6);
    argv_is(task("api")->argv, "node", "server.js", NULL);
    ck_assert_int_eq(task("api")->restart, FS_RESTART_ON_FAILURE);
    argv_is(task("api")->env_set, "PORT=3000", NULL);
    char *cwd = fs_xasprintf("%.*s/api", (int)(strrchr(path, '/') - path), path);
    ck_assert_str_eq(task("api")->cwd, cwd);
    argv_is(task("build")->argv, "make", "-j2", NULL);
    ck_assert_str_eq(task("crunch-4")->module, "primes");
    ck_assert_str_eq(task("crunch-4")->args, "2000000");
    ck_assert_str_eq(S.theme, "dark");
    ck_assert_str_eq(S.source, path);
    free(cwd);
    free(path);
}
END_TEST

START_TEST(yaml_mprocs_fixture)
{
    char *path = fixture("mprocs.yaml");
    ck_assert_msg(fs_config_load_yaml(&S, path, &ERR) == 0, "%s", ERR);
    ck_assert_uint_eq(S.ntasks, 4);
    argv_is(task("nvim")->argv, "nvim", NULL);
    ck_assert_str_eq(task("webpack")->shell, "webpack serve");
    ck_assert_int_eq(task("tests")->stop_signal, SIGINT);
    argv_is(task("tests")->env_unset, "CI", NULL);
    free(path);
}
END_TEST

START_TEST(load_missing_file)
{
    fails_with(fs_config_load_yaml(&S, "/nonexistent/forkscope.yaml", &ERR),
               "/nonexistent/forkscope.yaml: No such file or directory");
    free(ERR);
    ERR = NULL;
    fails_with(fs_config_load_procfile(&S, "/nonexistent/Procfile", &ERR),
               "/nonexistent/Procfile: No such file or directory");
}
END_TEST

START_TEST(load_from_a_file)
{
    char path[] = "/tmp/check_config_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *text = "tasks:\n  a: {shell: x}\n  b: {bogus: 1}\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char *msg = fs_xasprintf("%s:3:7: unknown key 'bogus' in task 'b' (valid keys: shell, cmd, "
                             "fork, worker, args, cwd, env, restart, backoff, stop_signal, "
                             "stop_timeout, buffer, buffer_cap, autostart, replicas)", path);
    fails_with(fs_config_load_yaml(&S, path, &ERR), msg);
    free(msg);
    unlink(path);
}
END_TEST
