/*
 * Dependencies between tasks (`depends_on`, doc/session-file.md): the
 * conditions a task waits for, the checks on a session's graph (unknown names,
 * a task depending on itself, cycles with their path), whether a condition
 * holds against the tasks' states, and which task is a dependent of which (the
 * stop order). Pure: no loop, no clock.
 */
#ifndef FS_DEPS_H
#define FS_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/task.h"

enum fs_dep_cond {
    FS_DEP_STARTED,  /* it has started a run */
    FS_DEP_READY,    /* a run of it passed its readiness probe (or started, without one) */
    FS_DEP_EXITED,   /* it has ended and nothing restarts it */
    FS_DEP_SUCCEEDED /* it has ended with one of its success codes */
};
#define FS_DEP_COND_COUNT 4

/* One condition of a task: the task named `task` (or every replica of it). */
struct fs_dep {
    char *task;
    enum fs_dep_cond cond;
    int line, col; /* where it is written, for messages; 0 when not known */
};

/* What a condition is now. */
enum fs_dep_state {
    FS_DEP_NOT_YET, /* it may hold later */
    FS_DEP_HOLDS,
    FS_DEP_NEVER /* it can no longer hold */
};

const char *fs_dep_cond_name(enum fs_dep_cond cond);
/* 0 and *cond set, or -1 for a name that is none of the four. */
int fs_dep_cond_from_name(const char *name, enum fs_dep_cond *cond);

/* Copies and frees a list of n conditions. */
struct fs_dep *fs_deps_copy(const struct fs_dep *deps, size_t n);
void fs_deps_free(struct fs_dep *deps, size_t n);
/* Appends a condition to *deps (n of them); the name is copied. */
void fs_deps_add(struct fs_dep **deps, size_t *n, const char *task, enum fs_dep_cond cond, int line,
                 int col);

/* Whether `name` in a depends_on names this spec: its own name, or the name of
 * the task it is a replica of (depending on a replicated task means depending
 * on every replica). */
bool fs_deps_names(const struct fs_task_spec *spec, const char *name);

/* Whether an exit code counts as success for the task (success_codes, [0] by
 * default). */
bool fs_deps_success_code(const struct fs_task_spec *spec, int code);

/* The state of one condition on one task. *why (allocated) says why it can no
 * longer hold ("db exited with 1"); set only for FS_DEP_NEVER. */
enum fs_dep_state fs_dep_eval(enum fs_dep_cond cond, const struct fs_task *t, char **why);

/* The tasks of a running session, as the app holds them. */
struct fs_deps_set {
    size_t n;
    const struct fs_task *(*task)(const void *arg, size_t i);
    const void *arg;
};

/* The state of dependency d of a task against the set: it holds when it holds
 * for every task it names, it can no longer hold when that is so for one; a
 * name that matches no task can never hold. *why as for fs_dep_eval. */
enum fs_dep_state fs_deps_eval_one(const struct fs_deps_set *set, const struct fs_dep *d,
                                   char **why);
/* The state of all of a task's conditions: HOLDS when all hold, NEVER as soon
 * as one can no longer hold (*which is its index, *why its reason), NOT_YET
 * otherwise (*which: the first that does not hold yet). */
enum fs_dep_state fs_deps_eval(const struct fs_deps_set *set, const struct fs_task *t,
                               size_t *which, char **why);

/* Whether `t` depends directly on `dep` (one of t's conditions names it). */
bool fs_deps_on(const struct fs_task *t, const struct fs_task_spec *dep);

/* The stop order: whether a task of the set that depends on t is still live
 * (t is stopped only once none is). */
bool fs_deps_dependent_live(const struct fs_deps_set *set, const struct fs_task *t);

/* Checks the dependencies of n specs: every name is a task of the set, no task
 * depends on itself, and there is no cycle. 0, or -1 with *err set (allocated)
 * to "FILE:LINE:COL: task 'a': ..." naming the cycle as "a -> b -> a". */
int fs_deps_check(const struct fs_task_spec *specs, size_t n, char **err);

#endif
