/*
 * The dependency keys of a YAML session file: forkscope's `depends_on` (a
 * mapping of task name to condition, or a list of names meaning `started`)
 * and `success_codes`, process-compose's `depends_on` (name to `condition:
 * process_...`), and the check of the whole file's graph once every task is
 * known (model/deps.c: unknown names, a task depending on itself, cycles).
 */
#include <config.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config_yaml_int.h"
#include "model/deps.h"
#include "util/xalloc.h"

#define MAX_DEPS 256
#define MAX_SUCCESS_CODES 256

/* process-compose's conditions and forkscope's. */
static const struct {
    const char *name;
    enum fs_dep_cond cond;
} compose_conds[] = {
    {"process_started", FS_DEP_STARTED},
    {"process_healthy", FS_DEP_READY},
    {"process_log_ready", FS_DEP_READY},
    {"process_completed", FS_DEP_EXITED},
    {"process_completed_successfully", FS_DEP_SUCCEEDED},
};
#define NCOMPOSE_CONDS (sizeof compose_conds / sizeof compose_conds[0])

/* Adds one dependency named by the scalar name_node, refusing a name given twice. */
static int
add_dep(struct yctx *c, struct tstate *t, const yaml_node_t *name_node, enum fs_dep_cond cond)
{
    const char *name;
    if (fs_yaml_want_string(c, t, "depends_on", name_node, &name) < 0)
        return -1;
    struct fs_task_spec *s = t->spec;
    for (size_t k = 0; k < s->ndeps; k++)
        if (strcmp(s->deps[k].task, name) == 0)
            return fs_yaml_fail(c, t, name_node, "'depends_on' names '%s' twice", name);
    if (s->ndeps >= MAX_DEPS)
        return fs_yaml_fail(c, t, name_node, "'depends_on' names more than %d tasks", MAX_DEPS);
    fs_deps_add(&s->deps, &s->ndeps, name, cond, (int)name_node->start_mark.line + 1,
                (int)name_node->start_mark.column + 1);
    return 0;
}

/* forkscope's condition: started, ready, exited or succeeded. */
static int
own_cond(struct yctx *c, struct tstate *t, const yaml_node_t *v, enum fs_dep_cond *cond)
{
    if (!is_string(v) || fs_dep_cond_from_name(text(v), cond) < 0)
        return fs_yaml_fail(c, t, v,
                            "a condition in 'depends_on' must be started, ready, exited or "
                            "succeeded");
    return 0;
}

/* process-compose's `NAME: {condition: process_...}`. */
static int
compose_cond(struct yctx *c, struct tstate *t, yaml_node_t *v, enum fs_dep_cond *cond)
{
    struct kv *pairs;
    size_t n;
    *cond = FS_DEP_STARTED;
    if (is_null(v))
        return 0;
    if (v->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, t, v,
                            "each entry of 'depends_on' must be a mapping with a "
                            "'condition'");
    if (fs_yaml_flatten(c, t, v, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!is_string(pairs[i].key) || strcmp(text(pairs[i].key), "condition") != 0) {
            fs_yaml_warn(c, t, pairs[i].key, "'%s' in 'depends_on' is ignored",
                         is_string(pairs[i].key) ? text(pairs[i].key) : "?");
            continue;
        }
        const yaml_node_t *cv = pairs[i].val;
        size_t k = 0;
        while (k < NCOMPOSE_CONDS &&
               !(is_string(cv) && strcmp(text(cv), compose_conds[k].name) == 0))
            k++;
        if (k == NCOMPOSE_CONDS)
            return fs_yaml_fail(c, t, cv,
                                "'condition' must be process_started, process_healthy, "
                                "process_log_ready, process_completed or "
                                "process_completed_successfully");
        *cond = compose_conds[k].cond;
    }
    return 0;
}

int
fs_yaml_key_depends_on(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    (void)key;
    if (val->type == YAML_SEQUENCE_NODE && c->mode != MODE_COMPOSE) {
        /* A list of names: each must have started (process-compose's default). */
        for (yaml_node_item_t *i = val->data.sequence.items.start; i < val->data.sequence.items.top;
             i++)
            if (add_dep(c, t, node(c, *i), FS_DEP_STARTED) < 0)
                return -1;
        return 0;
    }
    if (val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, t, val,
                            c->mode == MODE_COMPOSE
                                ? "'depends_on' must be a mapping of process names to "
                                  "{condition: ...}"
                                : "'depends_on' must be a mapping of task names to conditions "
                                  "(started, ready, exited, succeeded) or a list of names");
    struct kv *pairs;
    size_t n;
    if (fs_yaml_flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        enum fs_dep_cond cond;
        int r = c->mode == MODE_COMPOSE ? compose_cond(c, t, pairs[i].val, &cond)
                                        : own_cond(c, t, pairs[i].val, &cond);
        if (r < 0 || add_dep(c, t, pairs[i].key, cond) < 0)
            return -1;
    }
    return 0;
}

int
fs_yaml_key_success_codes(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                          yaml_node_t *val)
{
    if (val->type != YAML_SEQUENCE_NODE ||
        val->data.sequence.items.top == val->data.sequence.items.start)
        return fs_yaml_fail(c, t, val, "'%s' must be a list of exit codes, such as [0, 3]",
                            text(key));
    size_t n = (size_t)(val->data.sequence.items.top - val->data.sequence.items.start);
    if (n > MAX_SUCCESS_CODES)
        return fs_yaml_fail(c, t, val, "'%s' lists more than %d codes", text(key),
                            MAX_SUCCESS_CODES);
    int *codes = fs_xcalloc(n, sizeof *codes);
    for (size_t k = 0; k < n; k++) {
        unsigned long code;
        if (fs_yaml_want_count(c, t, "success_codes", node(c, val->data.sequence.items.start[k]), 0,
                               255, &code) < 0) {
            free(codes);
            return -1;
        }
        codes[k] = (int)code;
    }
    free(t->spec->success_codes);
    t->spec->success_codes = codes;
    t->spec->nsuccess = n;
    return 0;
}

int
fs_yaml_deps_check(struct yctx *c)
{
    return fs_deps_check(c->tmp.tasks, c->tmp.ntasks, c->err);
}
