/*
 * YAML session files on libyaml's document API: forkscope files (`tasks:`),
 * mprocs files (`procs:`) and process-compose files (`processes:`). The
 * document is walked with const tables of keys, one handler per key, into a
 * temporary session that is adopted only when the whole file is good. Every
 * message is "PATH:LINE:COL: what is wrong" at the node that is wrong; a
 * warning (an unknown key of an mprocs or process-compose file) is kept in the
 * session as "PATH:LINE:COL: warning: what". This file owns the walk: loading
 * the document, merge keys, the top-level keys, and the checks on a whole task;
 * the task keys and their handlers are in config_yaml_keys.c, mprocs' own keys
 * and '$select' in config_mprocs.c, process-compose's in config_compose.c.
 */
#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config.h"
#include "config/config_int.h"
#include "config/config_yaml_int.h"
#include "util/xalloc.h"

/* ---- messages and node access ----------------------------------------------------------- */

static char *message_at(struct yctx *c, const struct tstate *t, const yaml_node_t *n,
                        const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* "PATH:LINE:COL: LEVEL[task 'NAME': ]what" for node n; LEVEL is "" or
 * "warning: ". Caller frees. */
static char *
message_at(struct yctx *c, const struct tstate *t, const yaml_node_t *n, const char *level,
           const char *fmt, va_list ap)
{
    char *what = fs_xvasprintf(fmt, ap);
    char *msg = fs_xasprintf("%s:%zu:%zu: %s%s%s%s%s", c->path, n->start_mark.line + 1,
                             n->start_mark.column + 1, level, t ? "task '" : "", t ? t->name : "",
                             t ? "': " : "", what);
    free(what);
    return msg;
}

/* Sets the error for node n, prefixed with the task when there is one. */
int
fs_yaml_fail(struct yctx *c, const struct tstate *t, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *c->err = message_at(c, t, n, "", fmt, ap);
    va_end(ap);
    return -1;
}

void
fs_yaml_warn(struct yctx *c, const struct tstate *t, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fs_session_warn(&c->tmp, message_at(c, t, n, "warning: ", fmt, ap));
    va_end(ap);
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
        return fs_yaml_fail(c, t, map, "merge keys ('<<') nest too deeply");
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
                return fs_yaml_fail(c, t, m,
                                    "'<<' must be an alias of a mapping or a list of them");
            if (merge_into(c, t, m, v, n, depth + 1) < 0)
                return -1;
        }
    }
    return 0;
}

/* The pairs of a mapping with merge keys applied; the array lives until the parse
 * ends. */
int
fs_yaml_flatten(struct yctx *c, const struct tstate *t, yaml_node_t *map, struct kv **pairs,
                size_t *n)
{
    *pairs = NULL;
    *n = 0;
    int rc = merge_into(c, t, map, pairs, n, 0);
    c->scratch = fs_xreallocarray(c->scratch, c->nscratch + 1, sizeof *c->scratch);
    c->scratch[c->nscratch++] = *pairs;
    return rc;
}

/* ---- top-level keys --------------------------------------------------------------------- */

static int top_theme(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);

static const struct key_def top_keys[] = {
    {"tasks", MODE_TASKS, fs_yaml_key_tasks},
    {"theme", MODE_TASKS, top_theme},
    {"log_dir", MODE_TASKS, fs_yaml_key_log_dir},
    {"procs", MODE_PROCS, fs_yaml_key_tasks},
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
    {"proc_list_title", MODE_PROCS, NULL},
    {"proc_log", MODE_PROCS, fs_yaml_key_log},
};
#define NTOP_KEYS (sizeof top_keys / sizeof top_keys[0])

/* ---- walking ---------------------------------------------------------------------------- */

/* Appends ", name" (or name, to an empty list) to *list. */
static void
append_name(char **list, const char *name)
{
    char *old = *list;
    *list = old ? fs_xasprintf("%s, %s", old, name) : fs_xstrdup(name);
    free(old);
}

/* The keys of the kinds this file may use, in the table's order. */
static char *
list_kinds(const struct yctx *c)
{
    char *list = NULL;
    const struct fs_kind_info *k;
    for (int i = 0; (k = fs_kind_info(i)) != NULL; i++)
        if (kind_of_key(c, k->key) != NULL)
            append_name(&list, k->key);
    return list;
}

/* The keys valid here: a task's kinds first (t not NULL), then the table's. */
static char *
valid_keys(const struct yctx *c, const struct tstate *t, const struct key_def *defs, size_t n)
{
    char *list = t != NULL ? fs_xstrdup(c->kinds) : NULL;
    for (size_t i = 0; i < n; i++)
        if (defs[i].modes & c->mode)
            append_name(&list, defs[i].name);
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
    if (c->mode == MODE_PROCS) {
        /* mprocs ignores keys it does not know; so does forkscope, saying so. */
        fs_yaml_warn(c, NULL, k, "unknown key '%s' %s%s%s is ignored (mprocs ignores it too)",
                     text(k), t ? "in proc '" : "at the top level", t ? t->name : "", t ? "'" : "");
        return 0;
    }
    if (c->mode == MODE_COMPOSE) {
        fs_yaml_warn(c, NULL, k, "unknown key '%s' %s%s%s is ignored", text(k),
                     t ? "in process '" : "at the top level", t ? t->name : "", t ? "'" : "");
        return 0;
    }
    char *list = valid_keys(c, t, defs, n);
    if (t != NULL)
        fs_yaml_fail(c, NULL, k, "unknown key '%s' in task '%s' (valid keys: %s)", text(k), t->name,
                     list);
    else
        fs_yaml_fail(c, NULL, k, "unknown key '%s' at the top level (valid keys: %s)", text(k),
                     list);
    free(list);
    return -1;
}

static int
duplicate_key(struct yctx *c, const struct tstate *t, const yaml_node_t *k,
              const yaml_node_t *first)
{
    return fs_yaml_fail(c, t, k, "duplicate key '%s' (first at line %zu)", text(k),
                        first->start_mark.line + 1);
}

/* A key of a task that names its kind. The first such key is t->kind_key, so
 * the same key again is a duplicate; another one is the handler's error. */
static int
walk_kind_key(struct yctx *c, struct tstate *t, const yaml_node_t *k, yaml_node_t *v)
{
    if (t->kind_key != NULL && strcmp(text(t->kind_key), text(k)) == 0)
        return duplicate_key(c, t, k, t->kind_key);
    v = fs_yaml_resolve(c, t, v);
    return v != NULL ? fs_yaml_key_kind(c, t, k, v) : -1;
}

/* Walks the keys of a task (t set) or of the top level (t NULL) through a table:
 * unknown and repeated keys are errors, everything else goes to its handler. */
static int
walk_keys(struct yctx *c, struct tstate *t, yaml_node_t *map, const struct key_def *defs, size_t n)
{
    const yaml_node_t *seen[MAX_KEYS] = {NULL};
    struct kv *pairs;
    size_t npairs;
    if (fs_yaml_flatten(c, t, map, &pairs, &npairs) < 0)
        return -1;
    for (size_t j = 0; j < npairs; j++) {
        const yaml_node_t *k = pairs[j].key;
        if (!is_string(k))
            return fs_yaml_fail(c, t, k, "keys must be strings");
        if (t == NULL && strncmp(text(k), "x-", 2) == 0)
            continue; /* a place for anchors, as in docker compose files */
        if (t != NULL && kind_of_key(c, text(k)) != NULL) {
            if (walk_kind_key(c, t, k, pairs[j].val) < 0)
                return -1;
            continue;
        }
        size_t i = lookup(defs, n, c->mode, text(k));
        if (i == n) {
            if (unknown_key(c, t, k, defs, n) < 0)
                return -1;
            continue;
        }
        if (seen[i] != NULL)
            return duplicate_key(c, t, k, seen[i]);
        seen[i] = k;
        yaml_node_t *v = fs_yaml_resolve(c, t, pairs[j].val);
        if (v == NULL || (defs[i].fn != NULL && defs[i].fn(c, t, k, v) < 0))
            return -1;
    }
    return 0;
}

/*
 * Copies the task just walked into tasks named name-1 ... name-N: `replicas: N`
 * turns it into N alike (the first copy is the task itself); `pool: N` keeps it
 * as the pool, a task that runs nothing, and adds N members that its jobs go to.
 */
static int
expand_copies(struct yctx *c, struct tstate *t, unsigned long n, bool pool)
{
    size_t first = c->tmp.ntasks - 1;
    const yaml_node_t *at = pool ? t->pool_key : t->replicas_val;
    if (first + (pool ? 1 : 0) + n > FS_CONFIG_MAX_TASKS)
        return fs_yaml_fail(c, t, at, "too many tasks (at most %d)", FS_CONFIG_MAX_TASKS);
    for (unsigned long r = 1; r <= n; r++) {
        char *name = fs_xasprintf("%s-%lu", t->name, r);
        const struct fs_task_spec *old = fs_session_find(&c->tmp, name);
        if (old != NULL) {
            fs_yaml_fail(c, t, at, "%s name '%s' is taken by the task at line %d",
                         pool ? "pool member" : "replica", name, old->line);
            free(name);
            return -1;
        }
        struct fs_task_spec *spec = &c->tmp.tasks[first];
        if (pool || r > 1) {
            spec = fs_session_add(&c->tmp, "");
            fs_task_spec_fini(spec);
            fs_task_spec_copy(spec, &c->tmp.tasks[first]);
        }
        free(spec->name);
        spec->name = name;
        if (!pool) {
            free(spec->replica_of);
            spec->replica_of = fs_xstrdup(t->name);
        }
        if (pool) {
            spec->pool_of = fs_xstrdup(t->name);
            spec->pool_size = 0;
            spec->njobs = 0;
            fs_strv_free(spec->jobs);
            spec->jobs = NULL;
            spec->autostart = false; /* the pool starts its members */
        }
    }
    return 0;
}

/* Checks what only the whole task can tell, then expands replicas and pools. */
static int
finish_task(struct yctx *c, struct tstate *t)
{
    fs_yaml_env_file_apply(t);
    if (t->kind_key == NULL && c->mode == MODE_COMPOSE)
        return fs_yaml_fail(c, NULL, t->name_node, "process '%s' has no 'command'", t->name);
    if (t->kind_key == NULL)
        return fs_yaml_fail(c, NULL, t->name_node, "task '%s' has none of %s", t->name,
                            kinds_list(c));
    const struct fs_kind_info *kind = fs_kind_info(t->spec->kind);
    if (t->args_val != NULL) {
        if (kind->argv != FS_ARGV_MODULE)
            return fs_yaml_fail(c, t, t->args_val, "'args' is only for worker tasks");
        if (t->spec->args != NULL)
            return fs_yaml_fail(c, t, t->args_val,
                                "arguments given both in 'worker' and in 'args'");
        if (!fs_config_blank(text(t->args_val)))
            t->spec->args = fs_xstrdup(text(t->args_val));
    }
    if (t->shared_key != NULL && !kind->in_process)
        return fs_yaml_fail(c, t, t->shared_key, "'%s' is only for worker tasks",
                            text(t->shared_key));
    if (t->ipc_key != NULL && !kind->channel_options)
        return fs_yaml_fail(c, t, t->ipc_key, "'%s' is only for fork tasks", text(t->ipc_key));
    if (t->buffer_key != NULL && t->cap_key != NULL) {
        const yaml_node_t *later = t->buffer_key->start_mark.index > t->cap_key->start_mark.index
                                       ? t->buffer_key
                                       : t->cap_key;
        return fs_yaml_fail(c, t, later, "both 'buffer' and 'buffer_cap' give a size; use one");
    }
    if (t->pool_key != NULL || t->jobs_key != NULL) {
        if (t->pool_key == NULL || t->jobs_key == NULL)
            return fs_yaml_fail(c, t, t->pool_key ? t->pool_key : t->jobs_key,
                                "a pool needs both 'pool' (its size) and 'jobs'");
        if (t->replicas_val != NULL)
            return fs_yaml_fail(c, t, t->replicas_val,
                                "'replicas' and 'pool' do not go together: a pool of N "
                                "already runs N members");
        if (t->spec->restart != FS_RESTART_NO)
            return fs_yaml_fail(c, t, t->pool_key,
                                "a pool restarts a member that fails while jobs are left; "
                                "'restart' does not apply to it");
        return expand_copies(c, t, t->spec->pool_size, true);
    }
    return t->replicas > 1 ? expand_copies(c, t, t->replicas, false) : 0;
}

static int
walk_task(struct yctx *c, const yaml_node_t *key, yaml_node_t *val)
{
    char *e = NULL;
    if (!is_string(key))
        return fs_yaml_fail(c, NULL, key, "task names must be strings");
    if (fs_config_check_name(text(key), c->mode != MODE_TASKS, &e) < 0) {
        fs_yaml_fail(c, NULL, key, "%s", e);
        free(e);
        return -1;
    }
    const struct fs_task_spec *old = fs_session_find(&c->tmp, text(key));
    if (old != NULL)
        return fs_yaml_fail(c, NULL, key, "duplicate task name '%s' (first defined at line %d)",
                            text(key), old->line);
    if (c->tmp.ntasks >= FS_CONFIG_MAX_TASKS)
        return fs_yaml_fail(c, NULL, key, "too many tasks (at most %d)", FS_CONFIG_MAX_TASKS);
    if (c->mode == MODE_PROCS && is_null(val))
        return 0; /* mprocs: `name: null` disables the proc */

    struct tstate t = {.name = text(key), .name_node = key, .replicas = 1};
    t.spec = fs_session_add(&c->tmp, t.name);
    t.spec->file = fs_xstrdup(c->path);
    t.spec->line = (int)key->start_mark.line + 1;
    t.spec->col = (int)key->start_mark.column + 1;
    if (c->mode == MODE_TASKS && c->dir != NULL)
        t.spec->cwd = fs_xstrdup(c->dir); /* tasks run beside their file */
    if ((val = fs_yaml_resolve(c, &t, val)) == NULL)
        return -1;
    if (c->mode == MODE_PROCS && is_string(val)) {
        /* mprocs shorthand: `name: "command"` is a shell task. */
        t.kind_key = key;
        return fs_yaml_command_from_text(c, &t, "shell", val, fs_kind_by_key("shell")->kind);
    }
    if (c->mode == MODE_PROCS && val->type == YAML_SEQUENCE_NODE) {
        /* mprocs shorthand: `name: [argv...]` runs the program directly. */
        t.kind_key = key;
        return fs_yaml_command_from_list(c, &t, "cmd", val, fs_kind_by_key("cmd")->kind);
    }
    if (c->mode == MODE_COMPOSE && val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, NULL, val, "process '%s' must be a mapping with a 'command'",
                            t.name);
    if (val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, NULL, val, "task '%s' must be a mapping with one of %s", t.name,
                            kinds_list(c));
    bool compose = c->mode == MODE_COMPOSE;
    int rc = walk_keys(c, &t, val, compose ? fs_yaml_compose_task_keys : fs_yaml_task_keys,
                       compose ? fs_yaml_ncompose_task_keys : fs_yaml_ntask_keys);
    rc = rc < 0 ? -1 : finish_task(c, &t);
    fs_strv_free(t.file_env);
    return rc;
}

int
fs_yaml_key_tasks(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    struct kv *pairs = NULL;
    size_t n = 0;
    if (val->type == YAML_MAPPING_NODE && fs_yaml_flatten(c, NULL, val, &pairs, &n) < 0)
        return -1;
    if (is_null(val) || (val->type == YAML_MAPPING_NODE && n == 0))
        return fs_yaml_fail(c, NULL, val, "'%s' is empty: define at least one task", text(key));
    if (val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, NULL, val, "'%s' must be a mapping of task names to tasks",
                            text(key));
    for (size_t i = 0; i < n; i++)
        if (walk_task(c, pairs[i].key, pairs[i].val) < 0)
            return -1;
    return 0;
}

static int
top_theme(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const char *s;
    if (fs_yaml_want_string(c, NULL, "theme", val, &s) < 0)
        return -1;
    if (fs_config_blank(s))
        return fs_yaml_fail(c, NULL, val, "'theme' may not be empty");
    free(c->tmp.theme);
    c->tmp.theme = fs_xstrdup(s);
    return 0;
}

/* A forkscope file has `tasks`, an mprocs file `procs`, a process-compose file
 * `processes`; the other keys depend on it. */
static int
pick_mode(struct yctx *c, yaml_node_t *root)
{
    const yaml_node_t *tasks = NULL, *procs = NULL, *processes = NULL;
    struct kv *pairs;
    size_t n;
    if (fs_yaml_flatten(c, NULL, root, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *k = pairs[i].key;
        if (is_string(k) && strcmp(text(k), "tasks") == 0 && tasks == NULL)
            tasks = k;
        if (is_string(k) && strcmp(text(k), "procs") == 0 && procs == NULL)
            procs = k;
        if (is_string(k) && strcmp(text(k), "processes") == 0 && processes == NULL)
            processes = k;
    }
    if (processes != NULL && (tasks != NULL || procs != NULL))
        return fs_yaml_fail(c, NULL, processes,
                            "a file has one of 'tasks' (forkscope), 'procs' (mprocs) and "
                            "'processes' (process-compose), not more");
    if (processes != NULL) {
        c->mode = MODE_COMPOSE;
        c->kinds = fs_xstrdup("command");
        return 0;
    }
    if (tasks != NULL && procs != NULL)
        return fs_yaml_fail(c, NULL,
                            tasks->start_mark.index > procs->start_mark.index ? tasks : procs,
                            "a file has either 'tasks' (forkscope) or 'procs' (mprocs), not both");
    if (tasks == NULL && procs == NULL)
        return fs_yaml_fail(c, NULL, root,
                            "no 'tasks' key: list the tasks under 'tasks:' (or under "
                            "'procs:' in an mprocs file, 'processes:' in a process-compose "
                            "file)");
    c->mode = procs != NULL ? MODE_PROCS : MODE_TASKS;
    c->kinds = list_kinds(c);
    return 0;
}

static int
walk_root(struct yctx *c, yaml_node_t *root)
{
    if (root->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, NULL, root, "the top level must be a mapping with a 'tasks' key");
    if (pick_mode(c, root) < 0)
        return -1;
    bool compose = c->mode == MODE_COMPOSE;
    if (walk_keys(c, NULL, root, compose ? fs_yaml_compose_top_keys : top_keys,
                  compose ? fs_yaml_ncompose_top_keys : NTOP_KEYS) < 0)
        return -1;
    if (compose)
        fs_yaml_compose_env_apply(c);
    fs_yaml_logs_apply(c);
    return fs_yaml_deps_check(c);
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
            rc = fs_yaml_fail(c, NULL, yaml_document_get_root_node(&next),
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
    if (fs_config_encoding(path, &buf, &len, err) < 0)
        return -1;
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
    free(c.kinds);
    fs_strv_free(c.compose_env);
    free(c.log_dir);
    free(c.log_all);
    free(c.mlogs);
    if (rc < 0) {
        fs_session_fini(&c.tmp);
        return -1;
    }
    return fs_config_adopt(s, &c.tmp, path, err);
}
