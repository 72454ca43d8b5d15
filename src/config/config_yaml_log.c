/*
 * The keys of a YAML session file about log files and environment files:
 * a task's `log` (a path, or {file, max, keep}), `timestamps` and `env_file`,
 * the top-level `log_dir` that gives every task DIR/NAME.log, and
 * process-compose's `env_file` and `log_location` (per process, and at the top
 * level one file that every process without its own shares). An env_file is
 * read while the file is parsed, with the dotenv reader (config_dotenv.c):
 * later files override earlier ones and the task's `env` overrides them all.
 * Owns the variables read from a task's env files until the task is finished,
 * and the log directory until the walk ends.
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config.h"
#include "config/config_int.h"
#include "config/config_yaml_int.h"
#include "util/xalloc.h"

#define MAX_LOG_KEEP 1000
#define MAX_ENV_FILES 64

/* ---- env_file -------------------------------------------------------------------------- */

/* Reads one env file, named by node `at`, into t->file_env. */
static int
read_env_file(struct yctx *c, struct tstate *t, const char *label, const yaml_node_t *at)
{
    const char *s;
    if (fs_yaml_want_string(c, t, label, at, &s) < 0)
        return -1;
    if (*s == '\0')
        return fs_yaml_fail(c, t, at, "'%s' may not be empty", label);
    char *path = fs_config_join(c->dir, s), *e = NULL;
    size_t len;
    char *buf = fs_config_read_file(path, &len, &e);
    int rc = 0;
    if (buf == NULL || fs_config_parse_dotenv(&c->tmp, path, buf, len, &t->file_env, &e) < 0) {
        fs_yaml_fail(c, t, at, "%s: %s", label, e);
        rc = -1;
    }
    free(e);
    free(buf);
    free(path);
    return rc;
}

/* One path or a list of them; relative to the session file's directory. */
int
fs_yaml_key_env_file(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (val->type != YAML_SEQUENCE_NODE)
        return read_env_file(c, t, text(key), val);
    yaml_node_item_t *start = val->data.sequence.items.start;
    if (val->data.sequence.items.top - start > MAX_ENV_FILES)
        return fs_yaml_fail(c, t, val, "'%s' lists more than %d files", text(key), MAX_ENV_FILES);
    for (yaml_node_item_t *i = start; i < val->data.sequence.items.top; i++)
        if (read_env_file(c, t, text(key), node(c, *i)) < 0)
            return -1;
    return 0;
}

bool
fs_yaml_task_has_env(const struct fs_task_spec *spec, const char *name, size_t len)
{
    for (char **v = spec->env_set; v != NULL && *v != NULL; v++)
        if (strncmp(*v, name, len) == 0 && (*v)[len] == '=')
            return true;
    for (char **v = spec->env_unset; v != NULL && *v != NULL; v++)
        if (strlen(*v) == len && strncmp(*v, name, len) == 0)
            return true;
    return false;
}

void
fs_yaml_env_file_apply(struct tstate *t)
{
    for (char **v = t->file_env; v != NULL && *v != NULL; v++)
        if (!fs_yaml_task_has_env(t->spec, *v, (size_t)(strchr(*v, '=') - *v)))
            fs_strv_push(&t->spec->env_set, *v);
    fs_strv_free(t->file_env);
    t->file_env = NULL;
}

/* ---- log files ------------------------------------------------------------------------- */

static int
set_log_file(struct yctx *c, struct tstate *t, const char *label, const yaml_node_t *v,
             bool from_file_dir)
{
    const char *s;
    if (fs_yaml_want_string(c, t, label, v, &s) < 0)
        return -1;
    if (*s == '\0')
        return fs_yaml_fail(c, t, v, "'%s' may not be empty", label);
    free(t->spec->log_file);
    t->spec->log_file = from_file_dir ? fs_config_join(c->dir, s) : fs_xstrdup(s);
    return 0;
}

static int
log_field(struct yctx *c, struct tstate *t, const yaml_node_t *k, const yaml_node_t *v)
{
    const char *name = is_string(k) ? text(k) : "?";
    unsigned long keep;
    if (strcmp(name, "file") == 0)
        return set_log_file(c, t, "log.file", v, true);
    if (strcmp(name, "max") == 0) {
        if (!is_string(v) || fs_config_parse_size(text(v), &t->spec->log_max) < 0 ||
            t->spec->log_max == 0)
            return fs_yaml_fail(c, t, v, "'log.max' must be a size such as 65536, 64k or 10M");
        return 0;
    }
    if (strcmp(name, "keep") == 0) {
        if (fs_yaml_want_count(c, t, "log.keep", v, 0, MAX_LOG_KEEP, &keep) < 0)
            return -1;
        t->spec->log_keep = (unsigned)keep;
        return 0;
    }
    return fs_yaml_fail(c, NULL, k,
                        "unknown key '%s' in 'log' of task '%s' (valid keys: file, "
                        "max, keep)",
                        name, t->name);
}

/* log: PATH, or {file: PATH, max: SIZE, keep: N}. */
int
fs_yaml_key_log_file(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (val->type != YAML_MAPPING_NODE)
        return set_log_file(c, t, text(key), val, true);
    struct kv *pairs;
    size_t n;
    if (fs_yaml_flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            if (is_string(pairs[i].key) && is_string(pairs[j].key) &&
                strcmp(text(pairs[i].key), text(pairs[j].key)) == 0)
                return fs_yaml_fail(c, t, pairs[i].key, "duplicate key 'log.%s'",
                                    text(pairs[i].key));
        if (log_field(c, t, pairs[i].key, pairs[i].val) < 0)
            return -1;
    }
    if (t->spec->log_file == NULL)
        return fs_yaml_fail(c, t, val, "'log' needs 'file', the path of the log file");
    return 0;
}

int
fs_yaml_key_timestamps(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    return fs_yaml_want_bool(c, t, text(key), val, &t->spec->log_timestamps);
}

/* process-compose: relative to where forkscope runs, as process-compose opens it. */
int
fs_yaml_key_log_location(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (t != NULL)
        return set_log_file(c, t, text(key), val, false);
    const char *s;
    if (fs_yaml_want_string(c, NULL, text(key), val, &s) < 0)
        return -1;
    free(c->log_all);
    c->log_all = *s != '\0' ? fs_xstrdup(s) : NULL;
    return 0;
}

int
fs_yaml_key_log_dir(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    (void)t;
    const char *s;
    if (fs_yaml_want_string(c, NULL, text(key), val, &s) < 0)
        return -1;
    if (*s == '\0')
        return fs_yaml_fail(c, NULL, val, "'%s' may not be empty", text(key));
    free(c->log_dir);
    c->log_dir = fs_config_join(c->dir, s);
    return 0;
}

/* DIR/NAME.log, a '/' in the name made '_'. */
static char *
log_in_dir(const char *dir, const char *name)
{
    char *path = fs_xasprintf("%s/%s.log", dir, name);
    for (char *p = path + strlen(dir) + 1; *p != '\0'; p++)
        if (*p == '/')
            *p = '_';
    return path;
}

void
fs_yaml_logs_apply(struct yctx *c)
{
    if (c->mode == MODE_PROCS) {
        fs_yaml_mprocs_logs_apply(c);
        return;
    }
    for (size_t i = 0; i < c->tmp.ntasks; i++) {
        struct fs_task_spec *spec = &c->tmp.tasks[i];
        if (spec->log_file != NULL || spec->pool_size > 0)
            continue; /* its own log wins; a pool runs nothing itself */
        if (c->log_dir != NULL)
            spec->log_file = log_in_dir(c->log_dir, spec->name);
        else if (c->log_all != NULL)
            spec->log_file = fs_xstrdup(c->log_all);
    }
}
