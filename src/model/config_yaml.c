/*
 * YAML session files on libyaml's document API: forkscope files (`tasks:`) and
 * mprocs files (`procs:`). The document is walked with const tables of keys, one
 * handler per key, into a temporary session that is adopted only when the whole
 * file is good. Every message is "PATH:LINE:COL: what is wrong" at the node that
 * is wrong.
 */
#include "config.h"

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "model/config.h"
#include "model/config_int.h"
#include "util/signame.h"
#include "util/xalloc.h"

#define MODE_TASKS 1u /* a forkscope file */
#define MODE_PROCS 2u /* an mprocs file */
#define MODE_BOTH (MODE_TASKS | MODE_PROCS)
#define MAX_KEYS 32
#define MAX_REPLICAS 64

struct yctx {
    yaml_document_t *doc;
    const char *path;
    char **err;
    unsigned mode;
    char *dir; /* the file's directory, NULL when the path has none */
    struct fs_session tmp;
    void **scratch; /* flattened mappings, freed when the parse ends */
    size_t nscratch;
};

/* One key and its value, after merge keys are applied. */
struct kv {
    yaml_node_t *key;
    yaml_node_t *val;
};

/* What one task's walk has seen so far. */
struct tstate {
    struct fs_task_spec *spec; /* in ctx->tmp; no task is appended during the walk */
    const char *name;
    const yaml_node_t *name_node;
    const yaml_node_t *kind_key;   /* shell, cmd, fork or worker */
    const yaml_node_t *args_val;   /* the args value, applied once the kind is known */
    const yaml_node_t *buffer_key; /* set when 'buffer' was a size */
    const yaml_node_t *cap_key;
    const yaml_node_t *replicas_val;
    unsigned long replicas;
};

typedef int (*key_fn)(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);

struct key_def {
    const char *name;
    unsigned modes;
    key_fn fn; /* NULL: accepted and ignored */
};

/* ---- messages and node access ----------------------------------------------------------- */

static int fail(struct yctx *c, const struct tstate *t, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets the error for node n, prefixed with the task when there is one. */
static int
fail(struct yctx *c, const struct tstate *t, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = fs_xvasprintf(fmt, ap);
    va_end(ap);
    *c->err = fs_xasprintf("%s:%zu:%zu: %s%s%s%s", c->path, n->start_mark.line + 1,
                           n->start_mark.column + 1, t ? "task '" : "", t ? t->name : "",
                           t ? "': " : "", what);
    free(what);
    return -1;
}

static yaml_node_t *
node(struct yctx *c, int index)
{
    return yaml_document_get_node(c->doc, index);
}

static const char *
text(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static bool
is_null(const yaml_node_t *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    if (n->type != YAML_SCALAR_NODE)
        return false;
    if (n->tag != NULL && strcmp((const char *)n->tag, YAML_NULL_TAG) == 0)
        return true;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strcmp(text(n), nulls[i]) == 0)
            return true;
    return false;
}

/* A scalar that is not null and holds no NUL byte: usable as a C string. */
static bool
is_string(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && !is_null(n) && strlen(text(n)) == n->data.scalar.length;
}

static bool
same_key(const yaml_node_t *a, const yaml_node_t *b)
{
    return is_string(a) && is_string(b) && strcmp(text(a), text(b)) == 0;
}

/* Appends the pairs of map to *v: its own keys first, then those of its merge keys
 * ('<<: *anchor' or '<<: [*a, *b]'), which never override a key already there.
 * Repeated keys of map itself are kept, so the walkers can report them. */
static int
merge_into(struct yctx *c, const struct tstate *t, yaml_node_t *map, struct kv **v, size_t *n,
           int depth)
{
    const yaml_node_pair_t *start = map->data.mapping.pairs.start;
    const yaml_node_pair_t *top = map->data.mapping.pairs.top;
    if (depth > 8)
        return fail(c, t, map, "merge keys ('<<') nest too deeply");
    for (const yaml_node_pair_t *p = start; p < top; p++) {
        yaml_node_t *k = node(c, p->key);
        bool known = false;
        for (size_t i = 0; depth > 0 && i < *n && !known; i++)
            known = same_key((*v)[i].key, k);
        if (known || (is_string(k) && strcmp(text(k), "<<") == 0))
            continue;
        *v = fs_xreallocarray(*v, *n + 1, sizeof **v);
        (*v)[(*n)++] = (struct kv){k, node(c, p->value)};
    }
    for (const yaml_node_pair_t *p = start; p < top; p++) {
        yaml_node_t *k = node(c, p->key), *src = node(c, p->value);
        if (!is_string(k) || strcmp(text(k), "<<") != 0)
            continue;
        bool list = src->type == YAML_SEQUENCE_NODE;
        size_t count =
            list ? (size_t)(src->data.sequence.items.top - src->data.sequence.items.start) : 1;
        for (size_t i = 0; i < count; i++) {
            yaml_node_t *m = list ? node(c, src->data.sequence.items.start[i]) : src;
            if (m->type != YAML_MAPPING_NODE)
                return fail(c, t, m, "'<<' must be an alias of a mapping or a list of them");
            if (merge_into(c, t, m, v, n, depth + 1) < 0)
                return -1;
        }
    }
    return 0;
}

/* The pairs of a mapping with merge keys applied; the array lives until the parse
 * ends. */
static int
flatten(struct yctx *c, const struct tstate *t, yaml_node_t *map, struct kv **pairs, size_t *n)
{
    *pairs = NULL;
    *n = 0;
    int rc = merge_into(c, t, map, pairs, n, 0);
    c->scratch = fs_xreallocarray(c->scratch, c->nscratch + 1, sizeof *c->scratch);
    c->scratch[c->nscratch++] = *pairs;
    return rc;
}

/* mprocs wraps any value in {$select: os, linux: ..., $else: ...}; this picks the
 * Linux branch. Aliases can make a cycle of selects, hence the depth bound. */
static yaml_node_t *
resolve(struct yctx *c, const struct tstate *t, yaml_node_t *n)
{
    for (int depth = 0; c->mode == MODE_PROCS && n->type == YAML_MAPPING_NODE; depth++) {
        yaml_node_pair_t *p = n->data.mapping.pairs.start;
        if (p == n->data.mapping.pairs.top || !is_string(node(c, p->key)) ||
            strcmp(text(node(c, p->key)), "$select") != 0)
            return n;
        if (depth == 8 || !is_string(node(c, p->value)) ||
            strcmp(text(node(c, p->value)), "os") != 0) {
            fail(c, t, n, "only '$select: os' is supported");
            return NULL;
        }
        yaml_node_t *pick = NULL;
        for (; p < n->data.mapping.pairs.top; p++) {
            const yaml_node_t *k = node(c, p->key);
            if (is_string(k) && strcmp(text(k), "linux") == 0)
                pick = node(c, p->value);
            else if (is_string(k) && strcmp(text(k), "$else") == 0 && pick == NULL)
                pick = node(c, p->value);
        }
        if (pick == NULL) {
            fail(c, t, n, "'$select: os' has neither 'linux' nor '$else'");
            return NULL;
        }
        n = pick;
    }
    return n;
}

/* ---- typed values ----------------------------------------------------------------------- */

static int
want_string(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
            const char **out)
{
    if (v->type == YAML_SCALAR_NODE && !is_string(v) && !is_null(v))
        return fail(c, t, v, "'%s' may not contain a NUL character", label);
    if (!is_string(v))
        return fail(c, t, v, "'%s' must be a string", label);
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

static int
want_bool(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
          bool *out)
{
    if (!as_bool(v, out))
        return fail(c, t, v, "'%s' must be true or false", label);
    return 0;
}

static int
want_duration(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
              double *out)
{
    if (!is_string(v) || fs_config_parse_duration(text(v), out) < 0)
        return fail(c, t, v, "'%s' must be a duration such as 5, 1.5, 250ms, 2m or 1h", label);
    return 0;
}

static int
want_size(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
          size_t *out)
{
    if (!is_string(v) || fs_config_parse_size(text(v), out) < 0 || *out == 0)
        return fail(c, t, v, "'%s' must be a size such as 65536, 64k, 64KiB or 1MiB", label);
    return 0;
}

/* A whole number in [lo, hi]. */
static int
want_count(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
           unsigned long lo, unsigned long hi, unsigned long *out)
{
    const char *s = is_string(v) ? text(v) : "";
    char *end;
    unsigned long n = *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : 0;
    if (*s < '0' || *s > '9' || *end != '\0' || n < lo || n > hi)
        return fail(c, t, v, "'%s' must be a whole number from %lu to %lu", label, lo, hi);
    *out = n;
    return 0;
}

/* A plain decimal number of at least `lo`: "2", "1.5". */
static int
want_number(struct yctx *c, const struct tstate *t, const char *label, const yaml_node_t *v,
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
        return fail(c, t, v, "'%s' must be a number of at least %g", label, lo);
    return 0;
}

/* ---- the command: shell, cmd, fork, worker ---------------------------------------------- */

static const char *
kinds_list(const struct yctx *c)
{
    return c->mode == MODE_PROCS ? "shell, cmd" : "shell, cmd, fork, worker";
}

/* Records that key picks the task's kind; a second kind key is an error. */
static int
set_kind_key(struct yctx *c, struct tstate *t, const yaml_node_t *key)
{
    if (t->kind_key != NULL)
        return fail(c, NULL, key, "task '%s' has both '%s' and '%s'; use exactly one of %s",
                    t->name, text(t->kind_key), text(key), kinds_list(c));
    t->kind_key = key;
    return 0;
}

static int
command_from_text(struct yctx *c, struct tstate *t, const char *label, const yaml_node_t *val,
                  enum fs_kind kind)
{
    const char *s;
    char *e = NULL;
    if (want_string(c, t, label, val, &s) < 0)
        return -1;
    if (fs_config_set_command(t->spec, kind, s, &e) < 0) {
        fail(c, t, val, "%s in '%s'", e, label);
        free(e);
        return -1;
    }
    return 0;
}

static int
key_shell(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (set_kind_key(c, t, key) < 0)
        return -1;
    return command_from_text(c, t, text(key), val, FS_KIND_SHELL);
}

static int
key_worker(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (set_kind_key(c, t, key) < 0)
        return -1;
    return command_from_text(c, t, text(key), val, FS_KIND_WORKER);
}

/* cmd and fork: a list of strings, or one string split into words. */
static int
key_argv(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    enum fs_kind kind = strcmp(text(key), "fork") == 0 ? FS_KIND_FORK : FS_KIND_CMD;
    if (set_kind_key(c, t, key) < 0)
        return -1;
    if (val->type == YAML_SCALAR_NODE && !is_null(val))
        return command_from_text(c, t, text(key), val, kind);
    if (val->type != YAML_SEQUENCE_NODE)
        return fail(c, t, val, "'%s' must be a string or a list of strings", text(key));
    char **argv = fs_xcalloc(1, sizeof *argv);
    for (yaml_node_item_t *i = val->data.sequence.items.start; i < val->data.sequence.items.top;
         i++) {
        yaml_node_t *item = resolve(c, t, node(c, *i));
        if (item == NULL || !is_string(item)) {
            fs_strv_free(argv);
            return item == NULL
                       ? -1
                       : fail(c, t, item, "'%s' must be a string or a list of strings", text(key));
        }
        fs_strv_push(&argv, text(item));
    }
    char *e = NULL;
    if (fs_config_set_argv(t->spec, kind, argv, &e) < 0) {
        fail(c, t, val, "%s in '%s'", e, text(key));
        free(e);
        return -1;
    }
    return 0;
}

static int
key_args(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const char *s;
    if (want_string(c, t, text(key), val, &s) < 0)
        return -1;
    t->args_val = val;
    return 0;
}

/* ---- where and how it runs -------------------------------------------------------------- */

static int
key_cwd(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const char *s;
    if (want_string(c, t, text(key), val, &s) < 0)
        return -1;
    if (*s == '\0')
        return fail(c, t, val, "'cwd' may not be empty");
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
env_add(struct yctx *c, struct tstate *t, const char *name, size_t len, const yaml_node_t *at,
        const char *value)
{
    if (len == 0 || memchr(name, '=', len) != NULL)
        return fail(c, t, at, "bad environment variable name '%.*s'", (int)len, name);
    for (char **v = t->spec->env_set; v != NULL && *v != NULL; v++)
        if (strncmp(*v, name, len) == 0 && (*v)[len] == '=')
            return fail(c, t, at, "'env' sets '%.*s' twice", (int)len, name);
    for (char **v = t->spec->env_unset; v != NULL && *v != NULL; v++)
        if (strlen(*v) == len && strncmp(*v, name, len) == 0)
            return fail(c, t, at, "'env' sets '%.*s' twice", (int)len, name);
    char *entry =
        value != NULL ? fs_xasprintf("%.*s=%s", (int)len, name, value) : fs_xstrndup(name, len);
    fs_strv_push(value != NULL ? &t->spec->env_set : &t->spec->env_unset, entry);
    free(entry);
    return 0;
}

/* A mapping NAME: value (null unsets NAME), or the older mprocs list of "NAME=value". */
static int
key_env(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (val->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *i = val->data.sequence.items.start; i < val->data.sequence.items.top;
             i++) {
            yaml_node_t *item = node(c, *i);
            const char *eq = is_string(item) ? strchr(text(item), '=') : NULL;
            if (eq == NULL)
                return fail(c, t, item, "'env' list entries must look like NAME=value");
            if (env_add(c, t, text(item), (size_t)(eq - text(item)), item, eq + 1) < 0)
                return -1;
        }
        return 0;
    }
    struct kv *pairs;
    size_t n;
    if (val->type != YAML_MAPPING_NODE)
        return fail(c, t, val, "'env' must be a mapping of variable names to values");
    if (flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *k = pairs[i].key;
        yaml_node_t *v = resolve(c, t, pairs[i].val);
        if (v == NULL)
            return -1;
        if (!is_string(k))
            return fail(c, t, k, "'env' names must be strings");
        if (!is_null(v) && !is_string(v))
            return fail(c, t, v, "env '%s' must be a string, a number, a boolean or null", text(k));
        if (env_add(c, t, text(k), strlen(text(k)), k, is_null(v) ? NULL : text(v)) < 0)
            return -1;
    }
    return 0;
}

static int
key_restart(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (!is_string(val) || fs_restart_from_name(text(val), &t->spec->restart) < 0)
        return fail(c, t, val, "'restart' must be one of no, on-failure, always");
    return 0;
}

static int
key_autorestart(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    bool on;
    if (want_bool(c, t, text(key), val, &on) < 0)
        return -1;
    t->spec->restart = on ? FS_RESTART_ALWAYS : FS_RESTART_NO;
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
        rc = want_duration(c, t, label, val, (double *)(void *)field);
        break;
    case BO_FACTOR:
        rc = want_number(c, t, label, val, 1.0, (double *)(void *)field);
        break;
    default:
        rc = want_count(c, t, label, val, 0, UINT_MAX, &n);
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
        return fail(c, t, val,
                    "'backoff' must be a mapping with base, factor, cap, max and "
                    "reset_after");
    const yaml_node_t *seen[NBACKOFF] = {NULL};
    struct kv *pairs;
    size_t n;
    if (flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *k = pairs[i].key;
        size_t f = 0;
        while (f < NBACKOFF && !(is_string(k) && strcmp(text(k), backoff_fields[f].name) == 0))
            f++;
        if (f == NBACKOFF)
            return fail(c, NULL, k,
                        "unknown key '%s' in 'backoff' of task '%s' (valid keys: "
                        "base, factor, cap, max, reset_after)",
                        is_string(k) ? text(k) : "?", t->name);
        if (seen[f] != NULL)
            return fail(c, t, k, "duplicate key 'backoff.%s' (first at line %zu)",
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
        return fail(c, t, val,
                    "'stop_signal' must be a signal name or number such as TERM, "
                    "SIGINT or 9");
    t->spec->stop_signal = sig;
    return 0;
}

/* mprocs' stop: a signal name, "hard-kill", or {send-keys: [...]}, which forkscope
 * cannot do and replaces with SIGTERM. */
static int
key_stop(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    if (val->type == YAML_MAPPING_NODE &&
        val->data.mapping.pairs.top - val->data.mapping.pairs.start == 1) {
        const yaml_node_t *k = node(c, val->data.mapping.pairs.start->key);
        if (is_string(k) && strcmp(text(k), "send-keys") == 0) {
            t->spec->stop_signal = SIGTERM;
            return 0;
        }
    }
    int sig = -1;
    if (is_string(val))
        sig = strcmp(text(val), "hard-kill") == 0 ? SIGKILL : fs_signum(text(val));
    if (sig < 0)
        return fail(c, t, val,
                    "'stop' must be SIGINT, SIGTERM, SIGKILL, hard-kill or "
                    "{send-keys: [...]}");
    t->spec->stop_signal = sig;
    return 0;
}

static int
key_stop_timeout(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    return want_duration(c, t, text(key), val, &t->spec->stop_timeout);
}

/* true/false, or a size that sets the cap and turns buffering on. */
static int
key_buffer(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    size_t cap;
    if (as_bool(val, &t->spec->buffer))
        return 0;
    if (!is_string(val) || fs_config_parse_size(text(val), &cap) < 0 || cap == 0)
        return fail(c, t, val, "'buffer' must be true, false or a size such as 64k or 1MiB");
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
    return want_bool(c, t, text(key), val, &t->spec->autostart);
}

static int
key_replicas(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    t->replicas_val = val;
    return want_count(c, t, text(key), val, 1, MAX_REPLICAS, &t->replicas);
}

/* ---- key tables ------------------------------------------------------------------------- */

static const struct key_def task_keys[] = {
    {"shell", MODE_BOTH, key_shell},
    {"cmd", MODE_BOTH, key_argv},
    {"fork", MODE_TASKS, key_argv},
    {"worker", MODE_TASKS, key_worker},
    {"args", MODE_TASKS, key_args},
    {"cwd", MODE_BOTH, key_cwd},
    {"env", MODE_BOTH, key_env},
    {"restart", MODE_TASKS, key_restart},
    {"backoff", MODE_TASKS, key_backoff},
    {"stop_signal", MODE_TASKS, key_stop_signal},
    {"stop_timeout", MODE_TASKS, key_stop_timeout},
    {"buffer", MODE_TASKS, key_buffer},
    {"buffer_cap", MODE_TASKS, key_buffer_cap},
    {"autostart", MODE_BOTH, key_autostart},
    {"replicas", MODE_TASKS, key_replicas},
    /* mprocs */
    {"stop", MODE_PROCS, key_stop},
    {"autorestart", MODE_PROCS, key_autorestart},
    {"add_path", MODE_PROCS, NULL},
    {"log", MODE_PROCS, NULL},
    {"scrollback", MODE_PROCS, NULL},
};
#define NTASK_KEYS (sizeof task_keys / sizeof task_keys[0])

static int top_tasks(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);
static int top_theme(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);

static const struct key_def top_keys[] = {
    {"tasks", MODE_TASKS, top_tasks},
    {"theme", MODE_TASKS, top_theme},
    {"procs", MODE_PROCS, top_tasks},
    /* mprocs settings that have no meaning here */
    {"hide_keymap_window", MODE_PROCS, NULL},
    {"mouse_scroll_speed", MODE_PROCS, NULL},
    {"scrollback", MODE_PROCS, NULL},
    {"proc_list_width", MODE_PROCS, NULL},
    {"on_all_finished", MODE_PROCS, NULL},
    {"keymap_procs", MODE_PROCS, NULL},
    {"keymap_term", MODE_PROCS, NULL},
    {"keymap_copy", MODE_PROCS, NULL},
    {"server", MODE_PROCS, NULL},
    {"tui", MODE_PROCS, NULL},
};
#define NTOP_KEYS (sizeof top_keys / sizeof top_keys[0])

_Static_assert(NTASK_KEYS <= MAX_KEYS && NTOP_KEYS <= MAX_KEYS, "raise MAX_KEYS");

/* ---- walking ---------------------------------------------------------------------------- */

static char *
valid_keys(const struct key_def *defs, size_t n, unsigned mode)
{
    char *list = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!(defs[i].modes & mode))
            continue;
        char *old = list;
        list = old ? fs_xasprintf("%s, %s", old, defs[i].name) : fs_xstrdup(defs[i].name);
        free(old);
    }
    return list;
}

static size_t
lookup(const struct key_def *defs, size_t n, unsigned mode, const char *name)
{
    size_t i = 0;
    while (i < n && !((defs[i].modes & mode) && strcmp(defs[i].name, name) == 0))
        i++;
    return i;
}

static int
unknown_key(struct yctx *c, const struct tstate *t, const yaml_node_t *k,
            const struct key_def *defs, size_t n)
{
    char *list = valid_keys(defs, n, c->mode);
    if (t != NULL)
        fail(c, NULL, k, "unknown key '%s' in task '%s' (valid keys: %s)", text(k), t->name, list);
    else
        fail(c, NULL, k, "unknown key '%s' at the top level (valid keys: %s)", text(k), list);
    free(list);
    return -1;
}

/* Walks the keys of a task (t set) or of the top level (t NULL) through a table:
 * unknown and repeated keys are errors, everything else goes to its handler. */
static int
walk_keys(struct yctx *c, struct tstate *t, yaml_node_t *map, const struct key_def *defs, size_t n)
{
    const yaml_node_t *seen[MAX_KEYS] = {NULL};
    struct kv *pairs;
    size_t npairs;
    if (flatten(c, t, map, &pairs, &npairs) < 0)
        return -1;
    for (size_t j = 0; j < npairs; j++) {
        const yaml_node_t *k = pairs[j].key;
        if (!is_string(k))
            return fail(c, t, k, "keys must be strings");
        if (t == NULL && strncmp(text(k), "x-", 2) == 0)
            continue; /* a place for anchors, as in docker compose files */
        size_t i = lookup(defs, n, c->mode, text(k));
        if (i == n)
            return unknown_key(c, t, k, defs, n);
        if (seen[i] != NULL)
            return fail(c, t, k, "duplicate key '%s' (first at line %zu)", text(k),
                        seen[i]->start_mark.line + 1);
        seen[i] = k;
        yaml_node_t *v = resolve(c, t, pairs[j].val);
        if (v == NULL || (defs[i].fn != NULL && defs[i].fn(c, t, k, v) < 0))
            return -1;
    }
    return 0;
}

/* `replicas: N` turns one task into N: name-1 ... name-N, all alike. */
static int
expand_replicas(struct yctx *c, struct tstate *t)
{
    size_t first = c->tmp.ntasks - 1;
    if (t->replicas <= 1)
        return 0;
    if (first + t->replicas > FS_CONFIG_MAX_TASKS)
        return fail(c, t, t->replicas_val, "too many tasks (at most %d)", FS_CONFIG_MAX_TASKS);
    for (unsigned long r = 1; r <= t->replicas; r++) {
        char *name = fs_xasprintf("%s-%lu", t->name, r);
        const struct fs_task_spec *old = fs_session_find(&c->tmp, name);
        if (old != NULL) {
            fail(c, t, t->replicas_val, "replica name '%s' is taken by the task at line %d", name,
                 old->line);
            free(name);
            return -1;
        }
        struct fs_task_spec *spec = &c->tmp.tasks[first];
        if (r > 1) {
            spec = fs_session_add(&c->tmp, "");
            fs_task_spec_fini(spec);
            fs_task_spec_copy(spec, &c->tmp.tasks[first]);
        }
        free(spec->name);
        spec->name = name;
    }
    return 0;
}

/* Checks what only the whole task can tell, then expands replicas. */
static int
finish_task(struct yctx *c, struct tstate *t)
{
    if (t->kind_key == NULL)
        return fail(c, NULL, t->name_node, "task '%s' has none of %s", t->name, kinds_list(c));
    if (t->args_val != NULL) {
        if (t->spec->kind != FS_KIND_WORKER)
            return fail(c, t, t->args_val, "'args' is only for worker tasks");
        if (t->spec->args != NULL)
            return fail(c, t, t->args_val, "arguments given both in 'worker' and in 'args'");
        if (!fs_config_blank(text(t->args_val)))
            t->spec->args = fs_xstrdup(text(t->args_val));
    }
    if (t->buffer_key != NULL && t->cap_key != NULL) {
        const yaml_node_t *later = t->buffer_key->start_mark.index > t->cap_key->start_mark.index
                                       ? t->buffer_key
                                       : t->cap_key;
        return fail(c, t, later, "both 'buffer' and 'buffer_cap' give a size; use one");
    }
    return expand_replicas(c, t);
}

static int
walk_task(struct yctx *c, const yaml_node_t *key, yaml_node_t *val)
{
    char *e = NULL;
    if (!is_string(key))
        return fail(c, NULL, key, "task names must be strings");
    if (fs_config_check_name(text(key), &e) < 0) {
        fail(c, NULL, key, "%s", e);
        free(e);
        return -1;
    }
    const struct fs_task_spec *old = fs_session_find(&c->tmp, text(key));
    if (old != NULL)
        return fail(c, NULL, key, "duplicate task name '%s' (first defined at line %d)", text(key),
                    old->line);
    if (c->tmp.ntasks >= FS_CONFIG_MAX_TASKS)
        return fail(c, NULL, key, "too many tasks (at most %d)", FS_CONFIG_MAX_TASKS);

    struct tstate t = {.name = text(key), .name_node = key, .replicas = 1};
    t.spec = fs_session_add(&c->tmp, t.name);
    t.spec->file = fs_xstrdup(c->path);
    t.spec->line = (int)key->start_mark.line + 1;
    t.spec->col = (int)key->start_mark.column + 1;
    if (c->mode == MODE_TASKS && c->dir != NULL)
        t.spec->cwd = fs_xstrdup(c->dir); /* tasks run beside their file */
    if ((val = resolve(c, &t, val)) == NULL)
        return -1;
    if (c->mode == MODE_PROCS && is_string(val)) {
        /* mprocs shorthand: `name: "command"` is a shell task. */
        t.kind_key = key;
        return command_from_text(c, &t, "shell", val, FS_KIND_SHELL);
    }
    if (val->type != YAML_MAPPING_NODE)
        return fail(c, NULL, val, "task '%s' must be a mapping with one of %s", t.name,
                    kinds_list(c));
    if (walk_keys(c, &t, val, task_keys, NTASK_KEYS) < 0)
        return -1;
    return finish_task(c, &t);
}

static int
top_tasks(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    struct kv *pairs = NULL;
    size_t n = 0;
    if (val->type == YAML_MAPPING_NODE && flatten(c, NULL, val, &pairs, &n) < 0)
        return -1;
    if (is_null(val) || (val->type == YAML_MAPPING_NODE && n == 0))
        return fail(c, NULL, val, "'%s' is empty: define at least one task", text(key));
    if (val->type != YAML_MAPPING_NODE)
        return fail(c, NULL, val, "'%s' must be a mapping of task names to tasks", text(key));
    for (size_t i = 0; i < n; i++)
        if (walk_task(c, pairs[i].key, pairs[i].val) < 0)
            return -1;
    return 0;
}

static int
top_theme(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const char *s;
    if (want_string(c, NULL, "theme", val, &s) < 0)
        return -1;
    if (fs_config_blank(s))
        return fail(c, NULL, val, "'theme' may not be empty");
    free(c->tmp.theme);
    c->tmp.theme = fs_xstrdup(s);
    return 0;
}

/* A forkscope file has `tasks`, an mprocs file `procs`; the other keys depend on it. */
static int
pick_mode(struct yctx *c, yaml_node_t *root)
{
    const yaml_node_t *tasks = NULL, *procs = NULL;
    struct kv *pairs;
    size_t n;
    if (flatten(c, NULL, root, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *k = pairs[i].key;
        if (is_string(k) && strcmp(text(k), "tasks") == 0 && tasks == NULL)
            tasks = k;
        if (is_string(k) && strcmp(text(k), "procs") == 0 && procs == NULL)
            procs = k;
    }
    if (tasks != NULL && procs != NULL)
        return fail(c, NULL, tasks->start_mark.index > procs->start_mark.index ? tasks : procs,
                    "a file has either 'tasks' (forkscope) or 'procs' (mprocs), not both");
    if (tasks == NULL && procs == NULL)
        return fail(c, NULL, root,
                    "no 'tasks' key: list the tasks under 'tasks:' (or under "
                    "'procs:' in an mprocs file)");
    c->mode = procs != NULL ? MODE_PROCS : MODE_TASKS;
    return 0;
}

static int
walk_root(struct yctx *c, yaml_node_t *root)
{
    if (root->type != YAML_MAPPING_NODE)
        return fail(c, NULL, root, "the top level must be a mapping with a 'tasks' key");
    if (pick_mode(c, root) < 0)
        return -1;
    return walk_keys(c, NULL, root, top_keys, NTOP_KEYS);
}

/* ---- entry point ------------------------------------------------------------------------ */

/* Line and column (1-based, in characters) of a byte offset, for reader errors,
 * which libyaml reports as an offset only. */
static void
position_of(const char *buf, size_t len, size_t offset, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset && i < len; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static int
syntax_error(struct yctx *c, const yaml_parser_t *p, const char *buf, size_t len)
{
    size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;
    const char *problem = p->problem != NULL ? p->problem : "out of memory";
    if (p->error == YAML_READER_ERROR)
        position_of(buf, len, p->problem_offset, &line, &col);
    if (p->context != NULL)
        *c->err = fs_xasprintf("%s:%zu:%zu: %s (%s at line %zu)", c->path, line, col, problem,
                               p->context, p->context_mark.line + 1);
    else
        *c->err = fs_xasprintf("%s:%zu:%zu: %s", c->path, line, col, problem);
    return -1;
}

/* Loads the only document of the stream into doc; a second one is an error. */
static int
load_document(struct yctx *c, yaml_parser_t *p, yaml_document_t *doc, const char *buf, size_t len)
{
    yaml_document_t next;
    if (!yaml_parser_load(p, doc))
        return syntax_error(c, p, buf, len);
    if (yaml_document_get_root_node(doc) == NULL) {
        yaml_document_delete(doc);
        *c->err = fs_xasprintf("%s:1:1: the file is empty: expected 'tasks:'", c->path);
        return -1;
    }
    int rc = 0;
    if (!yaml_parser_load(p, &next)) {
        rc = syntax_error(c, p, buf, len);
    } else {
        if (yaml_document_get_root_node(&next) != NULL)
            rc = fail(c, NULL, yaml_document_get_root_node(&next),
                      "a second YAML document; a session file holds only one");
        yaml_document_delete(&next);
    }
    if (rc < 0)
        yaml_document_delete(doc);
    return rc;
}

int
fs_config_parse_yaml(struct fs_session *s, const char *path, const char *buf, size_t len,
                     char **err)
{
    if (len > FS_CONFIG_MAX_FILE) {
        *err = fs_xasprintf("%s: the file is larger than %zu MiB", path, FS_CONFIG_MAX_FILE >> 20);
        return -1;
    }
    struct yctx c = {.path = path, .err = err, .dir = fs_config_dir_of(path)};
    fs_session_init(&c.tmp);
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        abort();
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    int rc = load_document(&c, &parser, &doc, buf, len);
    if (rc == 0) {
        c.doc = &doc;
        rc = walk_root(&c, yaml_document_get_root_node(&doc));
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    for (size_t i = 0; i < c.nscratch; i++)
        free(c.scratch[i]);
    free(c.scratch);
    free(c.dir);
    if (rc < 0) {
        fs_session_fini(&c.tmp);
        return -1;
    }
    return fs_config_adopt(s, &c.tmp, path, err);
}
