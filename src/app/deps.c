/*
 * Dependencies between tasks at run time (`depends_on`, doc/session-file.md):
 * a task with dependencies waits instead of starting, starts as soon as every
 * condition holds, and is blocked (with the dependency and why) once one can
 * no longer hold; a headless session that has nothing left to run blocks what
 * still waits, so it ends. On quit, dependents stop before what they depend
 * on. The conditions themselves are model/deps.c's; this file owns each
 * task's blocked reason.
 */
#include <config.h>

#include <stdlib.h>

#include "app/app.h"
#include "app/app_int.h"
#include "model/deps.h"
#include "util/xalloc.h"

static const struct fs_task *
set_task(const void *arg, size_t i)
{
    return fs_app_task(arg, i);
}

static struct fs_deps_set
session_set(const struct fs_app *app)
{
    return (struct fs_deps_set){app->ntasks, set_task, app};
}

/* ---- waiting and starting ---------------------------------------------------------------- */

static void
block(struct app_task *at, size_t dep, char *why)
{
    struct fs_app *app = at->app;
    fs_task_block(&at->t);
    free(at->blocked);
    at->blocked = why;
    at->blocked_dep = dep;
    if (app->ops->task_blocked != NULL)
        app->ops->task_blocked(app->fe, &at->t, &at->t.spec.deps[dep], why);
}

void
fs_app_deps_begin(struct app_task *at)
{
    if (at->t.spec.ndeps == 0 || at->app->quitting) {
        fs_app_act(at, fs_task_start(&at->t, app_task_now(at)));
        return;
    }
    fs_task_wait(&at->t);
    if (at->t.st.state != FS_STATE_WAITING)
        return;
    if (at->app->ops->task_waiting != NULL)
        at->app->ops->task_waiting(at->app->fe, &at->t);
    fs_app_deps_check(at->app);
}

void
fs_app_deps_begin_all(struct fs_app *app, size_t first)
{
    /* No check until every task has begun: one that has not started yet
     * would look as if it never will. */
    bool busy = app->deps_busy;
    app->deps_busy = true;
    for (size_t i = first; i < app->ntasks; i++)
        if (app->tasks[i]->t.spec.autostart)
            fs_app_deps_begin(app->tasks[i]);
    app->deps_busy = busy;
    fs_app_deps_check(app);
}

/* Why a dependency that does not hold yet never will, in a session with
 * nothing left running. */
static char *
stuck_reason(struct fs_app *app, const struct fs_dep *d)
{
    for (size_t i = 0; i < app->ntasks; i++) {
        const struct fs_task *t = &app->tasks[i]->t;
        if (fs_deps_names(&t->spec, d->task) && t->st.state == FS_STATE_IDLE)
            return fs_xasprintf("%s was never started", t->spec.name);
    }
    return fs_xstrdup("nothing left running could make it hold");
}

/* One pass over the waiting tasks: each starts once its conditions hold, and
 * is blocked once one can no longer hold or, when the session is stuck
 * (nothing left running), does not hold yet. True when one changed. */
static bool
check_once(struct fs_app *app, bool stuck)
{
    struct fs_deps_set set = session_set(app);
    bool changed = false;
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *at = app->tasks[i];
        if (at->t.st.state != FS_STATE_WAITING)
            continue;
        size_t which;
        char *why;
        enum fs_dep_state s = fs_deps_eval(&set, &at->t, &which, &why);
        if (s == FS_DEP_HOLDS) {
            fs_app_act(at, fs_task_start(&at->t, app_task_now(at)));
            changed = true;
        } else if (s == FS_DEP_NEVER || stuck) {
            block(at, which, why != NULL ? why : stuck_reason(app, &at->t.spec.deps[which]));
            changed = true;
        }
    }
    return changed;
}

void
fs_app_deps_check(struct fs_app *app)
{
    if (app->deps_busy) {
        app->deps_again = true;
        return;
    }
    app->deps_busy = true;
    do {
        app->deps_again = false;
        if (app->stop_ordered)
            fs_app_deps_stop_next(app);
        else if (!app->quitting)
            app->deps_again |= check_once(app, false);
    } while (app->deps_again);
    app->deps_busy = false;
    fs_app_check_done(app);
}

void
fs_app_deps_stuck(struct fs_app *app)
{
    bool waiting = false;
    if (app->deps_busy)
        return;
    for (size_t i = 0; i < app->ntasks; i++) {
        const struct app_task *at = app->tasks[i];
        if (at->t.st.state == FS_STATE_WAITING)
            waiting = true;
        else if (!fs_task_is_settled(&at->t) || at->proc != NULL)
            return;
    }
    if (!waiting)
        return;
    app->deps_busy = true;
    check_once(app, true);
    app->deps_busy = false;
}

/* ---- the stop order ------------------------------------------------------------------------ */

void
fs_app_deps_stop_next(struct fs_app *app)
{
    struct fs_deps_set set = session_set(app);
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *at = app->tasks[i];
        enum fs_state s = at->t.st.state;
        bool stoppable = s == FS_STATE_STARTING || s == FS_STATE_RUNNING || s == FS_STATE_BACKOFF ||
                         s == FS_STATE_WAITING;
        if (!stoppable || fs_deps_dependent_live(&set, &at->t))
            continue;
        fs_timer_stop(at->restart_timer);
        fs_app_act(at, fs_task_stop(&at->t, app_task_now(at)));
    }
}

void
fs_app_deps_stop_all(struct fs_app *app)
{
    app->stop_ordered = true;
    fs_app_deps_check(app);
}

/* ---- what the front ends ask ------------------------------------------------------------- */

enum fs_dep_state
fs_app_dep_state(const struct fs_app *app, size_t i, size_t k, char **why)
{
    *why = NULL;
    if (i >= app->ntasks || k >= app->tasks[i]->t.spec.ndeps)
        return FS_DEP_NOT_YET;
    struct fs_deps_set set = session_set(app);
    return fs_deps_eval_one(&set, &app->tasks[i]->t.spec.deps[k], why);
}

const char *
fs_app_blocked(const struct fs_app *app, size_t i, const struct fs_dep **dep)
{
    if (i >= app->ntasks || app->tasks[i]->t.st.state != FS_STATE_BLOCKED ||
        app->tasks[i]->blocked == NULL)
        return NULL;
    if (dep != NULL)
        *dep = &app->tasks[i]->t.spec.deps[app->tasks[i]->blocked_dep];
    return app->tasks[i]->blocked;
}
