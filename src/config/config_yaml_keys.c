/*
 * The keys of one task in a YAML session file, forkscope's and mprocs': the key
 * that names the task's kind (model/kind.h's table), and the const table
 * fs_yaml_task_keys of the others, each with the file kinds it is valid in and its
 * handler; the handlers check the value and set it on the task being walked. This
 * file owns that table, the handlers and the typed-value checks they share
 * (string, boolean, duration, size, count, number). The walk that calls them, and
 * the checks on a whole task, are in config_yaml.c.
 */
#include <config.h>

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config.h"
#include "config/config_int.h"
#include "config/config_yaml_int.h"
#include "util/signame.h"
#include "util/xalloc.h"

#define MAX_REPLICAS 256
#define MAX_POOL 256
#define MAX_JOBS 1000000    /* jobs: N */
#define MAX_JOB_LIST 100000 /* jobs: [...] */

/* ---- typed values ----------------------------------------------------------------------- */

int
fs_yaml_want_string(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
                    const char **out)
{
    if (v->type == YAML_SCALAR_NODE && !is_string(v) && !is_null(v))
        return fs_yaml_fail(c, t, v, "'%s' may not contain a NUL character", label);
    if (!is_string(v))
        return fs_yaml_fail(c, t, v, "'%s' must be a string", label);
    *out = text(v);
    return 0;
}

/* YAML 1.2 core booleans, unquoted only: a quoted "true" is a string. */
static bool
as_bool(const yaml_node_t *v, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE"};
    static const char *const no[] = {"false", "False", "FALSE"};
    if (!is_string(v) || v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(text(v), yes[i]) == 0 || strcmp(text(v), no[i]) == 0) {
            *out = strcmp(text(v), yes[i]) == 0;
            return true;
        }
    }
    return false;
}

int
fs_yaml_want_bool(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
                  bool *out)
{
    if (!as_bool(v, out))
        return fs_yaml_fail(c, t, v, "'%s' must be true or false", label);
    return 0;
}

int
fs_yaml_want_duration(struct yctx *c, const struct tstate *t, const char *label,
                      const yaml_node_t *v, double *out)
{
    if (!is_string(v) || fs_config_parse_duration(text(v), out) < 0)
        return fs_yaml_fail(c, t, v, "'%s' must be a duration such as 5, 1.5, 250ms, 2m or 1h",
                            label);
    return 0;
}

static int
want_size(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
          size_t *out)
{
    if (!is_string(v) || fs_config_parse_size(text(v), out) < 0 || *out == 0)
        return fs_yaml_fail(c, t, v, "'%s' must be a size such as 65536, 64k, 64KiB or 1MiB",
                            label);
    return 0;
}

/* A whole number in [lo, hi]. */
int
fs_yaml_want_count(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
                   unsigned long lo, unsigned long hi, unsigned long *out)
{
    const char *s = is_string(v) ? text(v) : "";
    char *end;
    unsigned long n = *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : 0;
    if (*s < '0' || *s > '9' || *end != '\0' || n < lo || n > hi)
        return fs_yaml_fail(c, t, v, "'%s' must be a whole number from %lu to %lu", label, lo, hi);
    *out = n;
    return 0;
}

/* A plain decimal number of at least `lo`: "2", "1.5". */
int
fs_yaml_want_number(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
                    double lo, double *out)
{
    const char *s = is_string(v) ? text(v) : "";
    size_t n = strlen(s), digits = strspn(s, "0123456789");
    const char *dot = strchr(s, '.');
    bool ok = n > 0 && strspn(s, "0123456789.") == n && (dot == NULL || dot == strrchr(s, '.')) &&
              (digits > 0 || (dot != NULL && dot[1] != '\0'));
    if (ok)
        *out = strtod(s, NULL);
    if (!ok || !(*out >= lo) || *out > 1e9)
        return fs_yaml_fail(c, t, v, "'%s' must be a number of at least %g", label, lo);
    return 0;
}

/* ---- the command: shell, cmd, fork, worker ---------------------------------------------- */

/* Records that key picks the task's kind; a second kind key is an error. */
static int
set_kind_key(struct yctx *c, struct tstate *t, const yaml_node_t *key)
{
    if (t->kind_key != NULL)
        return fs_yaml_fail(c, NULL, key, "task '%s' has both '%s' and '%s'; use exactly one of %s",
                            t->name, text(t->kind_key), text(key), kinds_list(c));
    t->kind_key = key;
    return 0;
}

int
fs_yaml_command_from_text(struct yctx *c, struct tstate *t, const char *label,
                          const yaml_node_t *val, enum fs_kind kind)
{
    const char *s;
    char *e = NULL;
    if (fs_yaml_want_string(c, t, label, val, &s) < 0)
        return -1;
    if (fs_config_set_command(t->spec, kind, s, &e) < 0) {
        fs_yaml_fail(c, t, val, "%s in '%s'", e, label);
        free(e);
        return -1;
    }
    return 0;
}

static int
key_module(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val,
           enum fs_kind kind)
{
    if (fs_yaml_command_from_text(c, t, text(key), val, kind) < 0)
        return -1;
    /* A plugin is a path (it has a '/', doc/workers.md): relative to the file's
     * directory, as cwd is, not to wherever forkscope was started. */
    char *module = t->spec->module;
    if (strchr(module, '/') != NULL && module[0] != '/') {
        t->spec->module = fs_config_join(c->dir, module);
        free(module);
    }
    return 0;
}

int
fs_yaml_command_from_list(struct yctx *c, struct tstate *t, const char *label, yaml_node_t *val,
                          enum fs_kind kind)
{
    char **argv = fs_xcalloc(1, sizeof *argv);
    for (yaml_node_item_t *i = val->data.sequence.items.start; i < val->data.sequence.items.top;
         i++) {
        yaml_node_t *item = fs_yaml_resolve(c, t, node(c, *i));
        if (item == NULL || !is_string(item)) {
            fs_strv_free(argv);
            return item == NULL ? -1
                                : fs_yaml_fail(c, t, item,
                                               "'%s' must be a string or a list of strings", label);
        }
        fs_strv_push(&argv, text(item));
    }
    char *e = NULL;
    if (fs_config_set_argv(t->spec, kind, argv, &e) < 0) {
        fs_yaml_fail(c, t, val, "%s in '%s'", e, label);
        free(e);
        return -1;
    }
    return 0;
}

/* cmd and fork: a list of strings, or one string split into words. */
static int
key_words(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val,
          enum fs_kind kind)
{
    if (val->type == YAML_SCALAR_NODE && !is_null(val))
        return fs_yaml_command_from_text(c, t, text(key), val, kind);
    if (val->type != YAML_SEQUENCE_NODE)
        return fs_yaml_fail(c, t, val, "'%s' must be a string or a list of strings", text(key));
    return fs_yaml_command_from_list(c, t, text(key), val, kind);
}

int
fs_yaml_key_kind(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const struct fs_kind_info *k = kind_of_key(c, text(key));
    if (set_kind_key(c, t, key) < 0)
        return -1;
    switch (k->argv) {
    case FS_ARGV_SHELL:
        return fs_yaml_command_from_text(c, t, text(key), val, k->kind);
    case FS_ARGV_WORDS:
        return key_words(c, t, key, val, k->kind);
    case FS_ARGV_MODULE:
        return key_module(c, t, key, val, k->kind);
    }
    return -1;
}

static int
key_args(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const char *s;
    if (fs_yaml_want_string(c, t, text(key), val, &s) < 0)
        return -1;
    t->args_val = val;
    return 0;
}

/* ---- where and how it runs -------------------------------------------------------------- */

static int
key_cwd(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const char *s;
    if (fs_yaml_want_string(c, t, text(key), val, &s) < 0)
        return -1;
    if (*s == '\0')
        return fs_yaml_fail(c, t, val, "'cwd' may not be empty");
    free(t->spec->cwd);
    if (c->mode == MODE_PROCS) {
        /* mprocs: relative to where it runs; <CONFIG_DIR> is the file's directory. */
        const char *tag = "<CONFIG_DIR>";
        bool has = strncmp(s, tag, strlen(tag)) == 0;
        t->spec->cwd =
            has ? fs_xasprintf("%s%s", c->dir ? c->dir : ".", s + strlen(tag)) : fs_xstrdup(s);
    } else {
        t->spec->cwd = fs_config_join(c->dir, s);
    }
    return 0;
}

/* Sets NAME=value, or unsets NAME when value is NULL; `at` is where NAME is written. */
static int
env_add(struct yctx *c, struct tstate *t, const char *label, const char *name, size_t len,
        const yaml_node_t *at, const char *value)
{
    if (len == 0 || memchr(name, '=', len) != NULL)
        return fs_yaml_fail(c, t, at, "bad environment variable name '%.*s'", (int)len, name);
    for (char **v = t->spec->env_set; v != NULL && *v != NULL; v++)
        if (strncmp(*v, name, len) == 0 && (*v)[len] == '=')
            return fs_yaml_fail(c, t, at, "'%s' sets '%.*s' twice", label, (int)len, name);
    for (char **v = t->spec->env_unset; v != NULL && *v != NULL; v++)
        if (strlen(*v) == len && strncmp(*v, name, len) == 0)
            return fs_yaml_fail(c, t, at, "'%s' sets '%.*s' twice", label, (int)len, name);
    char *entry =
        value != NULL ? fs_xasprintf("%.*s=%s", (int)len, name, value) : fs_xstrndup(name, len);
    fs_strv_push(value != NULL ? &t->spec->env_set : &t->spec->env_unset, entry);
    free(entry);
    return 0;
}

/* A mapping NAME: value (null unsets NAME), or the older mprocs list of "NAME=value". */
int
fs_yaml_key_env(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (val->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *i = val->data.sequence.items.start; i < val->data.sequence.items.top;
             i++) {
            yaml_node_t *item = node(c, *i);
            const char *eq = is_string(item) ? strchr(text(item), '=') : NULL;
            if (eq == NULL)
                return fs_yaml_fail(c, t, item, "'%s' list entries must look like NAME=value",
                                    text(key));
            if (env_add(c, t, text(key), text(item), (size_t)(eq - text(item)), item, eq + 1) < 0)
                return -1;
        }
        return 0;
    }
    struct kv *pairs;
    size_t n;
    if (val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, t, val, "'%s' must be a mapping of variable names to values",
                            text(key));
    if (fs_yaml_flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *k = pairs[i].key;
        yaml_node_t *v = fs_yaml_resolve(c, t, pairs[i].val);
        if (v == NULL)
            return -1;
        if (!is_string(k))
            return fs_yaml_fail(c, t, k, "'%s' names must be strings", text(key));
        if (!is_null(v) && !is_string(v))
            return fs_yaml_fail(c, t, v, "%s '%s' must be a string, a number, a boolean or null",
                                text(key), text(k));
        if (env_add(c, t, text(key), text(k), strlen(text(k)), k, is_null(v) ? NULL : text(v)) < 0)
            return -1;
    }
    return 0;
}

static int
key_restart(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (!is_string(val) || fs_restart_from_name(text(val), &t->spec->restart) < 0)
        return fs_yaml_fail(c, t, val, "'restart' must be one of no, on-failure, always");
    return 0;
}

static int
key_serialization(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->ipc_key = key;
    if (is_string(val) && strcmp(text(val), "json") == 0)
        t->spec->ipc_advanced = false;
    else if (is_string(val) && strcmp(text(val), "advanced") == 0)
        t->spec->ipc_advanced = true;
    else
        return fs_yaml_fail(c, t, val, "'serialization' must be json or advanced");
    return 0;
}

static int
key_max_message(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->ipc_key = key;
    return want_size(c, t, text(key), val, &t->spec->ipc_max_frame);
}

static int
key_shared(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->shared_key = key;
    const char *s;
    if (fs_yaml_want_string(c, t, text(key), val, &s) < 0)
        return -1;
    free(t->spec->shared);
    t->spec->shared = fs_xstrdup(s);
    return 0;
}

static int
key_shared_size(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->shared_key = key;
    return want_size(c, t, text(key), val, &t->spec->shared_size);
}

static int
key_autorestart(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    bool on;
    if (fs_yaml_want_bool(c, t, text(key), val, &on) < 0)
        return -1;
    fs_yaml_autorestart(t, on);
    return 0;
}

static const struct {
    const char *name;
    enum { BO_DURATION, BO_FACTOR, BO_COUNT } type;
    size_t offset;
} backoff_fields[] = {
    {"base", BO_DURATION, offsetof(struct fs_backoff, base)},
    {"factor", BO_FACTOR, offsetof(struct fs_backoff, factor)},
    {"cap", BO_DURATION, offsetof(struct fs_backoff, cap)},
    {"max", BO_COUNT, offsetof(struct fs_backoff, max)},
    {"reset_after", BO_DURATION, offsetof(struct fs_backoff, reset_after)},
};
#define NBACKOFF (sizeof backoff_fields / sizeof backoff_fields[0])

static int
backoff_field(struct yctx *c, struct tstate *t, size_t f, const yaml_node_t *val)
{
    char *label = fs_xasprintf("backoff.%s", backoff_fields[f].name);
    char *field = (char *)&t->spec->backoff + backoff_fields[f].offset;
    unsigned long n = 0;
    int rc;
    switch (backoff_fields[f].type) {
    case BO_DURATION:
        rc = fs_yaml_want_duration(c, t, label, val, (double *)(void *)field);
        break;
    case BO_FACTOR:
        rc = fs_yaml_want_number(c, t, label, val, 1.0, (double *)(void *)field);
        break;
    default:
        rc = fs_yaml_want_count(c, t, label, val, 0, UINT_MAX, &n);
        if (rc == 0)
            *(unsigned *)(void *)field = (unsigned)n;
        break;
    }
    free(label);
    return rc;
}

static int
key_backoff(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, t, val,
                            "'backoff' must be a mapping with base, factor, cap, max and "
                            "reset_after");
    const yaml_node_t *seen[NBACKOFF] = {NULL};
    struct kv *pairs;
    size_t n;
    if (fs_yaml_flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *k = pairs[i].key;
        size_t f = 0;
        while (f < NBACKOFF && !(is_string(k) && strcmp(text(k), backoff_fields[f].name) == 0))
            f++;
        if (f == NBACKOFF)
            return fs_yaml_fail(c, NULL, k,
                                "unknown key '%s' in 'backoff' of task '%s' (valid keys: "
                                "base, factor, cap, max, reset_after)",
                                is_string(k) ? text(k) : "?", t->name);
        if (seen[f] != NULL)
            return fs_yaml_fail(c, t, k, "duplicate key 'backoff.%s' (first at line %zu)",
                                backoff_fields[f].name, seen[f]->start_mark.line + 1);
        seen[f] = k;
        if (backoff_field(c, t, f, pairs[i].val) < 0)
            return -1;
    }
    return 0;
}

static int
key_stop_signal(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    int sig = is_string(val) ? fs_signum(text(val)) : -1;
    if (sig < 0)
        return fs_yaml_fail(c, t, val,
                            "'stop_signal' must be a signal name or number such as TERM, "
                            "SIGINT or 9");
    t->spec->stop_signal = sig;
    return 0;
}

static int
key_stop_timeout(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    return fs_yaml_want_duration(c, t, text(key), val, &t->spec->stop_timeout);
}

/* true/false, or a size that sets the cap and turns buffering on. */
static int
key_buffer(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    size_t cap;
    if (as_bool(val, &t->spec->buffer))
        return 0;
    if (!is_string(val) || fs_config_parse_size(text(val), &cap) < 0 || cap == 0)
        return fs_yaml_fail(c, t, val,
                            "'buffer' must be true, false or a size such as 64k or 1MiB");
    t->spec->buffer = true;
    t->spec->buffer_cap = cap;
    t->buffer_key = key;
    return 0;
}

static int
key_buffer_cap(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->cap_key = key;
    return want_size(c, t, text(key), val, &t->spec->buffer_cap);
}

static int
key_autostart(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    return fs_yaml_want_bool(c, t, text(key), val, &t->spec->autostart);
}

static int
key_pty(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    return fs_yaml_want_bool(c, t, text(key), val, &t->spec->pty);
}

static int
key_trace(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    return fs_yaml_want_bool(c, t, text(key), val, &t->spec->trace);
}

int
fs_yaml_key_replicas(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->replicas_val = val;
    return fs_yaml_want_count(c, t, text(key), val, 1, MAX_REPLICAS, &t->replicas);
}

static int
key_pool(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    unsigned long n;
    t->pool_key = key;
    if (fs_yaml_want_count(c, t, text(key), val, 1, MAX_POOL, &n) < 0)
        return -1;
    t->spec->pool_size = (unsigned)n;
    return 0;
}

/* jobs: a count, or a list with one argument per job (numbers and strings). */
static int
key_jobs(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->jobs_key = key;
    if (val->type != YAML_SEQUENCE_NODE) {
        unsigned long n;
        if (fs_yaml_want_count(c, t, text(key), val, 1, MAX_JOBS, &n) < 0)
            return -1;
        t->spec->njobs = n;
        return 0;
    }
    size_t n = (size_t)(val->data.sequence.items.top - val->data.sequence.items.start);
    if (n == 0 || n > MAX_JOB_LIST)
        return fs_yaml_fail(c, t, val, "'%s' must list from 1 to %d jobs", text(key), MAX_JOB_LIST);
    char **jobs = fs_xcalloc(n + 1, sizeof *jobs);
    for (size_t k = 0; k < n; k++) {
        yaml_node_t *item = node(c, val->data.sequence.items.start[k]);
        if (!is_string(item)) {
            fs_strv_free(jobs);
            return fs_yaml_fail(c, t, item, "each job in '%s' must be a string or a number",
                                text(key));
        }
        jobs[k] = fs_xstrdup(text(item));
    }
    fs_strv_free(t->spec->jobs);
    t->spec->jobs = jobs;
    t->spec->njobs = n;
    return 0;
}

/* ---- key tables ------------------------------------------------------------------------- */

const struct key_def fs_yaml_task_keys[] = {
    {"args", MODE_TASKS, key_args},
    {"cwd", MODE_BOTH, key_cwd},
    {"env", MODE_BOTH, fs_yaml_key_env},
    {"restart", MODE_TASKS, key_restart},
    {"backoff", MODE_TASKS, key_backoff},
    {"stop_signal", MODE_TASKS, key_stop_signal},
    {"stop_timeout", MODE_TASKS, key_stop_timeout},
    {"buffer", MODE_TASKS, key_buffer},
    {"buffer_cap", MODE_TASKS, key_buffer_cap},
    {"autostart", MODE_BOTH, key_autostart},
    {"pty", MODE_TASKS, key_pty},
    {"trace", MODE_TASKS, key_trace},
    {"serialization", MODE_TASKS, key_serialization},
    {"max_message", MODE_TASKS, key_max_message},
    {"shared", MODE_TASKS, key_shared},
    {"shared_size", MODE_TASKS, key_shared_size},
    {"replicas", MODE_TASKS, fs_yaml_key_replicas},
    {"pool", MODE_TASKS, key_pool},
    {"jobs", MODE_TASKS, key_jobs},
    {"depends_on", MODE_TASKS, fs_yaml_key_depends_on},
    {"success_codes", MODE_TASKS, fs_yaml_key_success_codes},
    {"ready", MODE_TASKS, fs_yaml_key_ready},
    {"alive", MODE_TASKS, fs_yaml_key_alive},
    {"log", MODE_TASKS, fs_yaml_key_log_file},
    {"timestamps", MODE_TASKS, fs_yaml_key_timestamps},
    {"env_file", MODE_TASKS, fs_yaml_key_env_file},
    /* mprocs */
    {"stop", MODE_PROCS, fs_yaml_key_stop},
    {"deps", MODE_PROCS, fs_yaml_key_deps},
    {"autorestart", MODE_PROCS, key_autorestart},
    {"add_path", MODE_PROCS, NULL},
    {"log", MODE_PROCS, fs_yaml_key_log},
    {"scrollback", MODE_PROCS, NULL},
};
#define NTASK_KEYS (sizeof fs_yaml_task_keys / sizeof fs_yaml_task_keys[0])

const size_t fs_yaml_ntask_keys = NTASK_KEYS;

_Static_assert(NTASK_KEYS <= MAX_KEYS, "raise MAX_KEYS");
