/*
 * The keys of a process-compose file (`processes:`): the const tables of its
 * top-level and per-process keys and their handlers. A process is a shell task
 * ('command'); 'working_dir', 'environment', 'disabled', 'availability',
 * 'shutdown', 'is_tty', 'replicas', 'env_file' and 'log_location' map to
 * forkscope's cwd, env, autostart, restart and backoff, stop signal and
 * timeout, pty, replicas, env_file and log (config_yaml_log.c); the probes
 * (readiness_probe, liveness_probe, ready_log_line) are config_probe.c's and
 * depends_on is config_deps.c's. Every key
 * forkscope cannot honour gives one warning naming it (fs_yaml_warn), as does
 * an unknown key (config_yaml.c). Owns the top-level 'environment' list until the walk ends,
 * when fs_yaml_compose_env_apply hands it to every process.
 */
#include <config.h>

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config_yaml_int.h"
#include "model/kind.h"
#include "util/signame.h"
#include "util/xalloc.h"

/* process-compose waits backoff_seconds (default 1) between restarts, always the same. */
#define COMPOSE_BACKOFF 1.0

/* Why forkscope cannot honour a key; the tables below name the keys. */
static const struct {
    const char *name;
    const char *why;
} unhonoured[] = {
    {"launch_timeout_seconds", "forkscope has no launch timeout"},
    {"log_configuration", "forkscope rotates a log at 10 MiB keeping 3 old files; forkscope.yaml's "
                          "'log' sets other limits"},
    {"log_level", "forkscope has no log levels"},
    {"namespace", "forkscope has no namespaces"},
    {"is_daemon", "forkscope follows the process it starts, not a daemon it leaves behind"},
    {"is_foreground", "forkscope has no foreground processes"},
    {"is_elevated", "forkscope does not run processes with elevated rights"},
    {"vars", "forkscope does not expand {{.NAME}} templates"},
    {"extends", "forkscope reads only the file it is given"},
    {"disable_ansi_colors", "forkscope shows the output as the process writes it"},
    {"is_strict", "forkscope ignores unknown keys with a warning"},
    {"shell", "forkscope runs each command with /bin/sh -c"},
    {"disable_env_expansion", "forkscope hands the command to /bin/sh, which expands it"},
    {"is_tui_disabled", "forkscope's front end is chosen on its command line"},
    {"exit_on_end", "forkscope does not stop the session when a process ends"},
    {"exit_on_skipped", "forkscope does not stop the session when a process is skipped"},
    {"parent_only", "forkscope signals the process's whole group"},
};

/* One warning for a key forkscope does not honour, with the table's reason; an
 * unquoted false (is_daemon: false) asks for what forkscope does anyway. */
static int
key_unhonoured(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (is_string(val) && val->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        strcmp(text(val), "false") == 0)
        return 0;
    const char *why = "forkscope has no such setting";
    for (size_t i = 0; i < sizeof unhonoured / sizeof unhonoured[0]; i++)
        if (strcmp(unhonoured[i].name, text(key)) == 0)
            why = unhonoured[i].why;
    fs_yaml_warn(c, t, key, "'%s' is not honoured: %s", text(key), why);
    return 0;
}

/* ---- a process -------------------------------------------------------------------------- */

static int
key_command(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->kind_key = key;
    return fs_yaml_command_from_text(c, t, text(key), val, fs_kind_by_key("shell")->kind);
}

/* Relative to where forkscope runs, as process-compose starts processes. */
static int
key_working_dir(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const char *s;
    if (fs_yaml_want_string(c, t, text(key), val, &s) < 0)
        return -1;
    if (*s == '\0')
        return fs_yaml_fail(c, t, val, "'%s' may not be empty", text(key));
    free(t->spec->cwd);
    t->spec->cwd = fs_xstrdup(s);
    return 0;
}

/* Not started, but there to start by hand, as process-compose's TUI allows. */
static int
key_disabled(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    bool off;
    if (fs_yaml_want_bool(c, t, text(key), val, &off) < 0)
        return -1;
    t->spec->autostart = !off;
    return 0;
}

/* forkscope's 'pty': process-compose runs a process on pipes unless is_tty is
 * true; forkscope on the screen runs it on a terminal unless pty is false. */
static int
key_is_tty(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    return fs_yaml_want_bool(c, t, text(key), val, &t->spec->pty);
}

/* The keys of 'availability' and 'shutdown', each a table of key_def. */
static int
avail_restart(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const char *s = is_string(val) ? text(val) : "";
    if (strcmp(s, "always") == 0)
        t->spec->restart = FS_RESTART_ALWAYS;
    else if (strcmp(s, "on_failure") == 0)
        t->spec->restart = FS_RESTART_ON_FAILURE;
    else if (strcmp(s, "no") == 0 || strcmp(s, "exit_on_failure") == 0)
        t->spec->restart = FS_RESTART_NO;
    else
        return fs_yaml_fail(c, t, val,
                            "'restart' must be one of always, on_failure, exit_on_failure, no");
    if (strcmp(s, "exit_on_failure") == 0)
        fs_yaml_warn(c, t, key,
                     "'restart: exit_on_failure' is not honoured: forkscope does not stop the "
                     "other processes when this one fails; it is not restarted");
    return 0;
}

static int
avail_backoff(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (fs_yaml_want_number(c, t, text(key), val, 0, &t->spec->backoff.base) < 0)
        return -1;
    t->spec->backoff.cap = t->spec->backoff.base;
    return 0;
}

static int
avail_max(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    unsigned long max;
    if (fs_yaml_want_count(c, t, text(key), val, 0, UINT_MAX, &max) < 0)
        return -1;
    t->spec->backoff.max = (unsigned)max;
    return 0;
}

static int
shut_signal(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    int sig = is_string(val) ? fs_signum(text(val)) : -1;
    if (sig < 0)
        return fs_yaml_fail(c, t, val, "'%s' must be a signal number such as 15", text(key));
    t->spec->stop_signal = sig;
    return 0;
}

static int
shut_timeout(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    return fs_yaml_want_number(c, t, text(key), val, 0, &t->spec->stop_timeout);
}

static int
shut_command(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    (void)val;
    fs_yaml_warn(c, t, key,
                 "'shutdown.command' is not honoured: forkscope has no stop command; it stops "
                 "the process with its signal");
    return 0;
}

static const struct key_def availability_keys[] = {
    {"restart", MODE_COMPOSE, avail_restart},
    {"backoff_seconds", MODE_COMPOSE, avail_backoff},
    {"max_restarts", MODE_COMPOSE, avail_max},
    {"exit_on_end", MODE_COMPOSE, key_unhonoured},
    {"exit_on_skipped", MODE_COMPOSE, key_unhonoured},
};

static const struct key_def shutdown_keys[] = {
    {"signal", MODE_COMPOSE, shut_signal},
    {"timeout_seconds", MODE_COMPOSE, shut_timeout},
    {"command", MODE_COMPOSE, shut_command},
    {"parent_only", MODE_COMPOSE, key_unhonoured},
};

/* Walks the mapping val of key through defs; an unknown key is a warning. */
static int
walk_sub(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val,
         const struct key_def *defs, size_t ndefs)
{
    struct kv *pairs;
    size_t n;
    if (val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, t, val, "'%s' must be a mapping", text(key));
    if (fs_yaml_flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *k = pairs[i].key;
        size_t d = 0;
        while (d < ndefs && !(is_string(k) && strcmp(text(k), defs[d].name) == 0))
            d++;
        if (d == ndefs)
            fs_yaml_warn(c, t, k, "unknown key '%s' in '%s' is ignored",
                         is_string(k) ? text(k) : "?", text(key));
        else if (defs[d].fn(c, t, k, pairs[i].val) < 0)
            return -1;
    }
    return 0;
}

static int
key_availability(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->spec->backoff.base = t->spec->backoff.cap = COMPOSE_BACKOFF;
    t->spec->backoff.factor = 1.0;
    return walk_sub(c, t, key, val, availability_keys,
                    sizeof availability_keys / sizeof availability_keys[0]);
}

static int
key_shutdown(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    return walk_sub(c, t, key, val, shutdown_keys, sizeof shutdown_keys / sizeof shutdown_keys[0]);
}

const struct key_def fs_yaml_compose_task_keys[] = {
    {"command", MODE_COMPOSE, key_command},
    {"working_dir", MODE_COMPOSE, key_working_dir},
    {"environment", MODE_COMPOSE, fs_yaml_key_env},
    {"disabled", MODE_COMPOSE, key_disabled},
    {"availability", MODE_COMPOSE, key_availability},
    {"shutdown", MODE_COMPOSE, key_shutdown},
    {"replicas", MODE_COMPOSE, fs_yaml_key_replicas},
    {"description", MODE_COMPOSE, NULL},
    {"depends_on", MODE_COMPOSE, fs_yaml_key_depends_on},
    {"readiness_probe", MODE_COMPOSE, fs_yaml_compose_probe},
    {"ready_log_line", MODE_COMPOSE, fs_yaml_compose_ready_log_line},
    {"liveness_probe", MODE_COMPOSE, fs_yaml_compose_probe},
    {"launch_timeout_seconds", MODE_COMPOSE, key_unhonoured},
    {"log_location", MODE_COMPOSE, fs_yaml_key_log_location},
    {"env_file", MODE_COMPOSE, fs_yaml_key_env_file},
    {"log_configuration", MODE_COMPOSE, key_unhonoured},
    {"namespace", MODE_COMPOSE, key_unhonoured},
    {"is_daemon", MODE_COMPOSE, key_unhonoured},
    {"is_tty", MODE_COMPOSE, key_is_tty},
    {"is_foreground", MODE_COMPOSE, key_unhonoured},
    {"is_elevated", MODE_COMPOSE, key_unhonoured},
    {"vars", MODE_COMPOSE, key_unhonoured},
    {"extends", MODE_COMPOSE, key_unhonoured},
    {"disable_ansi_colors", MODE_COMPOSE, key_unhonoured},
};
const size_t fs_yaml_ncompose_task_keys =
    sizeof fs_yaml_compose_task_keys / sizeof fs_yaml_compose_task_keys[0];

/* ---- the top level ---------------------------------------------------------------------- */

/* The length of NAME in "NAME=value" when it is one, else 0. */
static size_t
env_name_len(const yaml_node_t *item)
{
    const char *eq = is_string(item) ? strchr(text(item), '=') : NULL;
    return eq != NULL ? (size_t)(eq - text(item)) : 0;
}

/* The list of "NAME=value" every process gets, unless it sets NAME itself. */
static int
top_environment(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    (void)t;
    if (val->type != YAML_SEQUENCE_NODE)
        return fs_yaml_fail(c, NULL, val, "'%s' must be a list of NAME=value strings", text(key));
    for (yaml_node_item_t *i = val->data.sequence.items.start; i < val->data.sequence.items.top;
         i++) {
        const yaml_node_t *item = node(c, *i);
        size_t len = env_name_len(item);
        if (len == 0)
            return fs_yaml_fail(c, NULL, item, "'%s' list entries must look like NAME=value",
                                text(key));
        for (char **v = c->compose_env; v != NULL && *v != NULL; v++)
            if (strncmp(*v, text(item), len + 1) == 0)
                return fs_yaml_fail(c, NULL, item, "'%s' sets '%.*s' twice", text(key), (int)len,
                                    text(item));
        fs_strv_push(&c->compose_env, text(item));
    }
    return 0;
}

void
fs_yaml_compose_env_apply(struct yctx *c)
{
    for (size_t i = 0; i < c->tmp.ntasks; i++)
        for (char **v = c->compose_env; v != NULL && *v != NULL; v++)
            if (!fs_yaml_task_has_env(&c->tmp.tasks[i], *v, (size_t)(strchr(*v, '=') - *v)))
                fs_strv_push(&c->tmp.tasks[i].env_set, *v);
}

const struct key_def fs_yaml_compose_top_keys[] = {
    {"processes", MODE_COMPOSE, fs_yaml_key_tasks},
    {"environment", MODE_COMPOSE, top_environment},
    {"version", MODE_COMPOSE, NULL},
    {"shell", MODE_COMPOSE, key_unhonoured},
    {"log_location", MODE_COMPOSE, fs_yaml_key_log_location},
    {"log_level", MODE_COMPOSE, key_unhonoured},
    {"log_configuration", MODE_COMPOSE, key_unhonoured},
    {"is_strict", MODE_COMPOSE, key_unhonoured},
    {"vars", MODE_COMPOSE, key_unhonoured},
    {"ordered_shutdown", MODE_COMPOSE, NULL}, /* forkscope always stops dependents first */
    {"disable_env_expansion", MODE_COMPOSE, key_unhonoured},
    {"is_tui_disabled", MODE_COMPOSE, key_unhonoured},
    {"extends", MODE_COMPOSE, key_unhonoured},
};
const size_t fs_yaml_ncompose_top_keys =
    sizeof fs_yaml_compose_top_keys / sizeof fs_yaml_compose_top_keys[0];

_Static_assert(sizeof fs_yaml_compose_task_keys / sizeof fs_yaml_compose_task_keys[0] <= MAX_KEYS,
               "raise MAX_KEYS");
