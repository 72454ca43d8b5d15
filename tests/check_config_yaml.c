/*
 * Unit tests of the YAML session readers: forkscope.yaml and mprocs.yaml, good
 * files (every key, the forms of a command, durations, sizes, signals,
 * positions, replicas, anchors and merge keys, the fixtures) and bad ones,
 * each checked for its exact message, line and column, and for leaving the
 * session untouched.
 */
#include <config.h>

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "model/deps.h"
#include "util/xalloc.h"

#include "config_helpers.h"

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
    ck_assert(t->pty);
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
                          "    autostart: false\n"
                          "    pty: false\n"),
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
    ck_assert(!t->pty);
}
END_TEST

START_TEST(yaml_fork_serialization)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  a: {fork: child.js}\n"
                          "  b: {fork: child.js, serialization: advanced, max_message: 1MiB}\n"),
                     0);
    ck_assert(!task("a")->ipc_advanced);
    ck_assert_uint_eq(task("a")->ipc_max_frame, 0);
    ck_assert(task("b")->ipc_advanced);
    ck_assert_uint_eq(task("b")->ipc_max_frame, 1024 * 1024);
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
    ck_assert_int_eq(task("server")->restart, FS_RESTART_ON_FAILURE);
    ck_assert_double_eq(task("server")->restart_min_run, 1.0);
    ck_assert(task("server")->autostart);
    ck_assert_str_eq(task("webpack")->shell, "webpack serve");
    ck_assert_int_eq(task("keys")->stop_signal, SIGTERM);
    ck_assert_str_eq(task("keys")->stop_keys, "\x1b:q\r");
    ck_assert_ptr_null(S.warnings);
    ck_assert_str_eq(task("os")->shell, "ls");
    ck_assert_ptr_null(S.theme);
}
END_TEST

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
    fails_with(fs_config_load_procfile(&S, "/nonexistent/Procfile", NULL, &ERR),
               "/nonexistent/Procfile: No such file or directory");
}
END_TEST

START_TEST(load_from_a_file)
{
    char path[] = "/tmp/check_config_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *text = "tasks:\n  a: {shell: x}\n  b: {shell: y, restart: sometimes}\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char *msg =
        fs_xasprintf("%s:3:26: task 'b': 'restart' must be one of no, on-failure, always", path);
    fails_with(fs_config_load_yaml(&S, path, &ERR), msg);
    free(msg);
    unlink(path);
}
END_TEST

/* ---- YAML: bad files ----------------------------------------------------------------------- */

/* Each file must fail with exactly this message (or, when it ends in "...", with a
 * message that starts so) and add nothing. */
#define REPEAT_4(s) s s s s
#define REPEAT_64(s) REPEAT_4(REPEAT_4(REPEAT_4(s)))

static const struct {
    const char *what;
    const char *yaml;
    const char *msg;
} bad_yaml[] = {
    {"syntax: bad indentation", "tasks:\n  a:\n    shell: x\n   bad: 1\n",
     "t.yaml:4:4: did not find expected key (while parsing a block mapping at line 2)"},
    {"syntax: unterminated quote", "tasks:\n  a:\n    shell: \"x\n",
     "t.yaml:4:1: found unexpected end of stream (while scanning a quoted scalar at line 3)"},
    {"syntax: tab indentation", "tasks:\n\ta: {shell: x}\n",
     "t.yaml:2:1: found character that cannot start any token (while scanning for the next "
     "token at line 2)"},
    {"syntax: invalid UTF-8", "tasks:\n  a:\n    shell: \"\xff\"\n",
     "t.yaml:3:13: invalid leading UTF-8 octet"},
    {"syntax: undefined alias", "tasks:\n  a: *nope\n", "t.yaml:2:6: found undefined alias"},
    {"empty file", "", "t.yaml:1:1: the file is empty: expected 'tasks:'"},
    {"only a comment", "# nothing\n", "t.yaml:1:1: the file is empty: expected 'tasks:'"},
    {"top level is a list", "- a\n- b\n",
     "t.yaml:1:1: the top level must be a mapping with a 'tasks' key"},
    {"no tasks key", "theme: dark\n",
     "t.yaml:1:1: no 'tasks' key: list the tasks under 'tasks:' (or under 'procs:' in an "
     "mprocs file, 'processes:' in a process-compose file)"},
    {"tasks is null", "tasks:\ntheme: x\n",
     "t.yaml:1:7: 'tasks' is empty: define at least one "
     "task"},
    {"tasks is empty", "tasks: {}\n", "t.yaml:1:8: 'tasks' is empty: define at least one task"},
    {"tasks is a list", "tasks: [a, b]\n",
     "t.yaml:1:8: 'tasks' must be a mapping of task names to tasks"},
    {"tasks and procs", "tasks:\n  a: {shell: x}\nprocs:\n  b: {shell: y}\n",
     "t.yaml:3:1: a file has either 'tasks' (forkscope) or 'procs' (mprocs), not both"},
    {"unknown top-level key", "tasks:\n  a: {shell: x}\nfoo: 1\n",
     "t.yaml:3:1: unknown key 'foo' at the top level (valid keys: tasks, theme, log_dir)"},
    {"duplicate top-level key", "tasks:\n  a: {shell: x}\ntasks:\n  b: {shell: y}\n",
     "t.yaml:3:1: duplicate key 'tasks' (first at line 1)"},
    {"second document", "tasks: {a: {shell: x}}\n---\ntasks: {b: {shell: y}}\n",
     "t.yaml:3:1: a second YAML document; a session file holds only one"},
    {"task is a string", "tasks:\n  a: make\n",
     "t.yaml:2:6: task 'a' must be a mapping with one of shell, cmd, fork, worker"},
    {"no kind", "tasks:\n  a:\n    cwd: x\n",
     "t.yaml:2:3: task 'a' has none of shell, cmd, fork, worker"},
    {"two kinds", "tasks:\n  a:\n    shell: x\n    cmd: [y]\n",
     "t.yaml:4:5: task 'a' has both 'shell' and 'cmd'; use exactly one of shell, cmd, fork, "
     "worker"},
    {"two kinds, second bad", "tasks:\n  a: {fork: x.js, worker: 5}\n",
     "t.yaml:2:19: task 'a' has both 'fork' and 'worker'; use exactly one of shell, cmd, fork, "
     "worker"},
    {"unknown key", "tasks:\n  a:\n    shell: x\n    bogus: 1\n",
     "t.yaml:4:5: unknown key 'bogus' in task 'a' (valid keys: shell, cmd, fork, worker, ..."},
    {"duplicate task name", "tasks:\n  a:\n    shell: x\n  a:\n    shell: y\n",
     "t.yaml:4:3: duplicate task name 'a' (first defined at line 2)"},
    {"duplicate key", "tasks:\n  a:\n    shell: x\n    cwd: a\n    cwd: b\n",
     "t.yaml:5:5: task 'a': duplicate key 'cwd' (first at line 4)"},
    {"bad task name", "tasks:\n  \"a b\": {shell: x}\n",
     "t.yaml:2:3: bad task name 'a b': it may not contain blanks or control characters"},
    {"shell: list", "tasks:\n  a: {shell: [x]}\n",
     "t.yaml:2:14: task 'a': 'shell' must be a "
     "string"},
    {"shell: null", "tasks:\n  a: {shell: }\n", "t.yaml:2:14: task 'a': 'shell' must be a string"},
    {"shell: empty", "tasks:\n  a: {shell: \"\"}\n",
     "t.yaml:2:14: task 'a': empty command in 'shell'"},
    {"shell: blank", "tasks:\n  a: {shell: \"  \"}\n",
     "t.yaml:2:14: task 'a': empty command in 'shell'"},
    {"shell: NUL", "tasks:\n  a: {shell: \"x\\0y\"}\n",
     "t.yaml:2:14: task 'a': 'shell' may not contain a NUL character"},
    {"cmd: empty list", "tasks:\n  a: {cmd: []}\n",
     "t.yaml:2:12: task 'a': empty command in "
     "'cmd'"},
    {"cmd: blank string", "tasks:\n  a: {cmd: \"  \"}\n",
     "t.yaml:2:12: task 'a': empty command in 'cmd'"},
    {"cmd: empty program", "tasks:\n  a: {cmd: [\"\", x]}\n",
     "t.yaml:2:12: task 'a': empty command in 'cmd'"},
    {"cmd: mapping", "tasks:\n  a:\n    cmd: {x: 1}\n",
     "t.yaml:3:10: task 'a': 'cmd' must be a string or a list of strings"},
    {"cmd: nested list", "tasks:\n  a:\n    cmd: [ls, [x]]\n",
     "t.yaml:3:15: task 'a': 'cmd' must be a string or a list of strings"},
    {"cmd: quote error", "tasks:\n  a:\n    cmd: \"echo 'x\"\n",
     "t.yaml:3:10: task 'a': unterminated single quote at column 6 in 'cmd'"},
    {"fork: empty list", "tasks:\n  a: {fork: []}\n",
     "t.yaml:2:13: task 'a': empty command in 'fork'"},
    {"worker: empty", "tasks:\n  a: {worker: \"\"}\n",
     "t.yaml:2:15: task 'a': empty command in 'worker'"},
    {"worker: list", "tasks:\n  a: {worker: [x]}\n",
     "t.yaml:2:15: task 'a': 'worker' must be a string"},
    {"args without worker", "tasks:\n  a:\n    shell: x\n    args: y\n",
     "t.yaml:4:11: task 'a': 'args' is only for worker tasks"},
    {"args: list", "tasks:\n  a: {worker: w, args: [1]}\n",
     "t.yaml:2:24: task 'a': 'args' must be a string"},
    {"args twice", "tasks:\n  a: {worker: w 1, args: \"2\"}\n",
     "t.yaml:2:26: task 'a': arguments given both in 'worker' and in 'args'"},
    {"cwd: list", "tasks:\n  a: {shell: x, cwd: [a]}\n",
     "t.yaml:2:22: task 'a': 'cwd' must be "
     "a string"},
    {"cwd: empty", "tasks:\n  a: {shell: x, cwd: ''}\n",
     "t.yaml:2:22: task 'a': 'cwd' may not "
     "be empty"},
    {"env: string", "tasks:\n  a: {shell: x, env: A=1}\n",
     "t.yaml:2:22: task 'a': 'env' must be a mapping of variable names to values"},
    {"env: value is a list", "tasks:\n  a:\n    shell: x\n    env: {A: [1]}\n",
     "t.yaml:4:14: task 'a': env 'A' must be a string, a number, a boolean or null"},
    {"env: bad list entry", "tasks:\n  a: {shell: x, env: [A]}\n",
     "t.yaml:2:23: task 'a': 'env' list entries must look like NAME=value"},
    {"env: set twice", "tasks:\n  a: {shell: x, env: [A=1, A=2]}\n",
     "t.yaml:2:28: task 'a': 'env' sets 'A' twice"},
    {"env: bad name", "tasks:\n  a: {shell: x, env: {\"A=B\": 1}}\n",
     "t.yaml:2:23: task 'a': bad environment variable name 'A=B'"},
    {"restart: bad value", "tasks:\n  a:\n    shell: x\n    restart: sometimes\n",
     "t.yaml:4:14: task 'a': 'restart' must be one of no, on-failure, always"},
    {"restart: boolean", "tasks:\n  a: {shell: x, restart: true}\n",
     "t.yaml:2:26: task 'a': 'restart' must be one of no, on-failure, always"},
    {"backoff: number", "tasks:\n  a: {shell: x, backoff: 5}\n",
     "t.yaml:2:26: task 'a': 'backoff' must be a mapping with base, factor, cap, max and "
     "reset_after"},
    {"backoff.factor below 1", "tasks:\n  a: {shell: x, backoff: {factor: 0.5}}\n",
     "t.yaml:2:35: task 'a': 'backoff.factor' must be a number of at least 1"},
    {"backoff.max negative", "tasks:\n  a: {shell: x, backoff: {max: -1}}\n",
     "t.yaml:2:32: task 'a': 'backoff.max' must be a whole number from 0 to 4294967295"},
    {"backoff.base bad duration", "tasks:\n  a: {shell: x, backoff: {base: soon}}\n",
     "t.yaml:2:33: task 'a': 'backoff.base' must be a duration such as 5, 1.5, 250ms, 2m or 1h"},
    {"backoff: unknown key", "tasks:\n  a: {shell: x, backoff: {foo: 1}}\n",
     "t.yaml:2:27: unknown key 'foo' in 'backoff' of task 'a' (valid keys: base, factor, cap, "
     "max, reset_after)"},
    {"backoff: duplicate key", "tasks:\n  a: {shell: x, backoff: {cap: 1, cap: 2}}\n",
     "t.yaml:2:35: task 'a': duplicate key 'backoff.cap' (first at line 2)"},
    {"stop_signal: bad name", "tasks:\n  a:\n    shell: x\n    stop_signal: FOO\n",
     "t.yaml:4:18: task 'a': 'stop_signal' must be a signal name or number such as TERM, SIGINT "
     "or 9"},
    {"stop_signal: zero", "tasks:\n  a: {shell: x, stop_signal: 0}\n",
     "t.yaml:2:30: task 'a': 'stop_signal' must be a signal name or number such as TERM, SIGINT "
     "or 9"},
    {"stop_timeout: bad duration", "tasks:\n  a:\n    shell: x\n    stop_timeout: 5 s\n",
     "t.yaml:4:19: task 'a': 'stop_timeout' must be a duration such as 5, 1.5, 250ms, 2m or 1h"},
    {"stop_timeout: negative", "tasks:\n  a: {shell: x, stop_timeout: -1}\n",
     "t.yaml:2:31: task 'a': 'stop_timeout' must be a duration such as 5, 1.5, 250ms, 2m or 1h"},
    {"stop_timeout: infinite", "tasks:\n  a: {shell: x, stop_timeout: .inf}\n",
     "t.yaml:2:31: task 'a': 'stop_timeout' must be a duration such as 5, 1.5, 250ms, 2m or 1h"},
    {"buffer: word", "tasks:\n  a: {shell: x, buffer: maybe}\n",
     "t.yaml:2:25: task 'a': 'buffer' must be true, false or a size such as 64k or 1MiB"},
    {"buffer: zero", "tasks:\n  a: {shell: x, buffer: 0}\n",
     "t.yaml:2:25: task 'a': 'buffer' must be true, false or a size such as 64k or 1MiB"},
    {"buffer and buffer_cap sizes", "tasks:\n  a: {shell: x, buffer_cap: 2k, buffer: 1k}\n",
     "t.yaml:2:33: task 'a': both 'buffer' and 'buffer_cap' give a size; use one"},
    {"buffer_cap: zero", "tasks:\n  a: {shell: x, buffer_cap: 0}\n",
     "t.yaml:2:29: task 'a': 'buffer_cap' must be a size such as 65536, 64k, 64KiB or 1MiB"},
    {"buffer_cap: bad unit", "tasks:\n  a: {shell: x, buffer_cap: 12q}\n",
     "t.yaml:2:29: task 'a': 'buffer_cap' must be a size such as 65536, 64k, 64KiB or 1MiB"},
    {"autostart: yes", "tasks:\n  a: {shell: x, autostart: yes}\n",
     "t.yaml:2:28: task 'a': 'autostart' must be true or false"},
    {"serialization: bad value", "tasks:\n  a: {fork: node a.js, serialization: v8}\n",
     "t.yaml:2:39: task 'a': 'serialization' must be json or advanced"},
    {"serialization on a shell task", "tasks:\n  a: {shell: x, serialization: json}\n",
     "t.yaml:2:17: task 'a': 'serialization' is only for fork tasks"},
    {"autostart: quoted", "tasks:\n  a: {shell: x, autostart: \"true\"}\n",
     "t.yaml:2:28: task 'a': 'autostart' must be true or false"},
    {"replicas: zero", "tasks:\n  a: {shell: x, replicas: 0}\n",
     "t.yaml:2:27: task 'a': 'replicas' must be a whole number from 1 to 256"},
    {"replicas: too many", "tasks:\n  a: {shell: x, replicas: 257}\n",
     "t.yaml:2:27: task 'a': 'replicas' must be a whole number from 1 to 256"},
    {"replica name taken", "tasks:\n  p-2: {shell: x}\n  p: {shell: y, replicas: 2}\n",
     "t.yaml:3:27: task 'p': replica name 'p-2' is taken by the task at line 2"},
    {"theme: list", "theme: [dark]\ntasks:\n  a: {shell: x}\n",
     "t.yaml:1:8: 'theme' must be a string"},
    {"merge key: scalar", "tasks:\n  a:\n    <<: 5\n    shell: x\n",
     "t.yaml:3:9: task 'a': '<<' must be an alias of a mapping or a list of them"},
    {"mprocs: fork is not a kind there", "procs:\n  a:\n    fork: x.js\n",
     "t.yaml:2:3: task 'a' has none of shell, cmd"},
    {"mprocs: name with a tab", "procs:\n  \"a\\tb\": x\n",
     "t.yaml:2:3: bad task name 'a\tb': it may not contain tabs, leading or trailing blanks, or "
     "control characters"},
    {"mprocs: name with a blank and a quote", "procs:\n  'a \"b': x\n",
     "t.yaml:2:3: bad task name 'a \"b': a name with a blank may not contain '\"'"},
    {"forkscope: name with a blank", "tasks:\n  a b: {shell: x}\n",
     "t.yaml:2:3: bad task name 'a b': it may not contain blanks or control characters"},
    {"mprocs: no kind", "procs:\n  a: {cwd: x}\n", "t.yaml:2:3: task 'a' has none of shell, cmd"},
    {"mprocs: bad stop", "procs:\n  a: {shell: x, stop: SIGFOO}\n",
     "t.yaml:2:23: task 'a': 'stop' must be SIGINT, SIGTERM, SIGKILL, hard-kill, {send-keys: "
     "[...]} or {cmd: ...}"},
    {"mprocs: send-keys not strings", "procs:\n  a: {shell: x, stop: {send-keys: [[1]]}}\n",
     "t.yaml:2:36: task 'a': 'send-keys' must be a list of strings (at most 256 bytes of keys)"},
    {"mprocs: too many send-keys",
     "procs:\n  a: {shell: x, stop: {send-keys: [\"" REPEAT_64("abcde") "\"]}}\n",
     "t.yaml:2:36: task 'a': 'send-keys' must be a list of strings (at most 256 bytes of keys)"},
    {"mprocs: select without linux", "procs:\n  a:\n    shell: {$select: os, windows: dir}\n",
     "t.yaml:3:12: task 'a': '$select: os' has neither 'linux' nor '$else'"},
};

START_TEST(yaml_bad)
{
    const char *msg = bad_yaml[_i].msg;
    size_t n = strlen(msg);
    ck_assert_msg(yaml(bad_yaml[_i].yaml) == -1, "%s: accepted", bad_yaml[_i].what);
    ck_assert_ptr_nonnull(ERR);
    if (n > 3 && strcmp(msg + n - 3, "...") == 0)
        ck_assert_msg(strncmp(ERR, msg, n - 3) == 0, "%s:\n  got    %s\n  wanted %s",
                      bad_yaml[_i].what, ERR, msg);
    else
        ck_assert_msg(strcmp(ERR, msg) == 0, "%s:\n  got    %s\n  wanted %s", bad_yaml[_i].what,
                      ERR, msg);
    ck_assert_uint_eq(S.ntasks, 0);
    ck_assert_ptr_null(S.source);
}
END_TEST

/* depends_on: a mapping of conditions or a list of names; success_codes. */
START_TEST(yaml_depends_on)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  db: {shell: a, replicas: 2, success_codes: [0, 3]}\n"
                          "  mig: {shell: b}\n"
                          "  web:\n"
                          "    shell: c\n"
                          "    depends_on: {db: ready, mig: succeeded}\n"
                          "  tail: {shell: d, depends_on: [web, db-2]}\n"),
                     0);
    const struct fs_task_spec *web = task("web"), *tail = task("tail"), *db2 = task("db-2");
    ck_assert_uint_eq(web->ndeps, 2);
    ck_assert_str_eq(web->deps[0].task, "db");
    ck_assert_int_eq(web->deps[0].cond, FS_DEP_READY);
    ck_assert_int_eq(web->deps[1].cond, FS_DEP_SUCCEEDED);
    ck_assert_int_eq(web->deps[1].line, 6);
    ck_assert_int_eq(web->deps[1].col, 29);
    ck_assert_uint_eq(tail->ndeps, 2);
    ck_assert_int_eq(tail->deps[0].cond, FS_DEP_STARTED);
    ck_assert_str_eq(tail->deps[1].task, "db-2");
    ck_assert_str_eq(db2->replica_of, "db");
    ck_assert_uint_eq(db2->nsuccess, 2);
    ck_assert_int_eq(db2->success_codes[1], 3);
    ck_assert(fs_deps_success_code(db2, 3) && !fs_deps_success_code(db2, 1));
    fails_with(yaml("tasks:\n  a: {shell: x}\n  b: {shell: y, depends_on: {a: healthy}}\n"),
               "t.yaml:3:33: task 'b': a condition in 'depends_on' must be started, ready, "
               "exited or succeeded");
    fails_with(yaml("tasks:\n  a: {shell: x}\n  b: {shell: y, depends_on: a}\n"),
               "t.yaml:3:29: task 'b': 'depends_on' must be a mapping of task names to "
               "conditions (started, ready, exited, succeeded) or a list of names");
    fails_with(yaml("tasks:\n  a: {shell: x}\n  b: {shell: y, depends_on: [a, a]}\n"),
               "t.yaml:3:33: task 'b': 'depends_on' names 'a' twice");
    fails_with(yaml("tasks:\n  a: {shell: x, success_codes: [0, 256]}\n"),
               "t.yaml:2:36: task 'a': 'success_codes' must be a whole number from 0 to 255");
    fails_with(yaml("tasks:\n  a: {shell: x, depends_on: [b]}\n  b: {shell: y, depends_on: [a]}\n"),
               "t.yaml:3:30: task 'b': dependency cycle: a -> b -> a");
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("config_yaml");
    TCase *tc = tcase_create("yaml");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, yaml_minimal_task_has_defaults);
    tcase_add_test(tc, yaml_every_key);
    tcase_add_test(tc, yaml_fork_serialization);
    tcase_add_test(tc, yaml_cmd_and_fork_forms);
    tcase_add_test(tc, yaml_worker_args);
    tcase_add_test(tc, yaml_env_values);
    tcase_add_test(tc, yaml_durations_and_sizes);
    tcase_add_test(tc, yaml_stop_signals);
    tcase_add_test(tc, yaml_positions_theme_and_source);
    tcase_add_test(tc, yaml_replicas_make_a_pool);
    tcase_add_test(tc, yaml_cwd_is_relative_to_the_file);
    tcase_add_test(tc, yaml_aliases_and_merge_keys);
    tcase_add_test(tc, yaml_mprocs_file);
    tcase_add_test(tc, yaml_design_example_fixture);
    tcase_add_test(tc, yaml_mprocs_fixture);
    tcase_add_test(tc, yaml_depends_on);
    tcase_add_test(tc, load_missing_file);
    tcase_add_test(tc, load_from_a_file);
    tcase_add_loop_test(tc, yaml_bad, 0, sizeof bad_yaml / sizeof bad_yaml[0]);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
