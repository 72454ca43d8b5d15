/*
 * Replacing a session's tasks while the app runs (the screen's tour steps from
 * one demo to the next): every task stopped as on quit but without quitting,
 * and another session's tasks added and started. Removing the stopped tasks
 * is the front end's (fs_app_remove_task), which keeps its own view in step.
 */
#include <config.h>

#include "app/app.h"
#include "app/app_int.h"

#include <signal.h>

void
fs_app_stop_all(struct fs_app *app)
{
    if (app->quitting <= 1) {
        fs_app_deps_stop_all(app); /* deps.c: dependents first */
        return;
    }
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *at = app->tasks[i];
        fs_timer_stop(at->restart_timer);
        if (at->proc != NULL) {
            fs_proc_signal(at->proc, SIGKILL);
            fs_app_stop_overdue(at);
        } else
            fs_app_act(at, fs_task_stop(&at->t, app_task_now(at)));
    }
    fs_app_check_done(app);
}

void
fs_app_load(struct fs_app *app, const struct fs_session *s)
{
    size_t first = app->ntasks;
    app->stop_ordered = app->stop_ordered && app->quitting; /* a quit's goes on */
    /* Every task exists before any starts: a pool finds its members. */
    for (size_t i = 0; i < s->ntasks; i++)
        fs_app_add_task(app, &s->tasks[i], false);
    fs_app_deps_begin_all(app, first);
}
