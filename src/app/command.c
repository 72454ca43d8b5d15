/*
 * The commands of a running session, from --control lines or the screen's
 * keys: start, stop, kill, restart, signal, send, disconnect and quit by task
 * name (fs_app_command), and pause, typing and resizing by index. Each checks
 * that it applies to the task's state and says why when it does not.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "rt/proc.h"
#include "util/signame.h"
#include "util/xalloc.h"

/* The task of that name or, failing that, of that short name (a name with
 * blanks, model/control.h); NULL when none, or when two share the short name. */
static struct app_task *
find(struct fs_app *app, const char *name)
{
    struct app_task *by_short = NULL;
    size_t nshort = 0;
    for (size_t i = 0; i < app->ntasks; i++) {
        if (strcmp(app->tasks[i]->t.spec.name, name) == 0)
            return app->tasks[i];
        if (fs_control_short_name_is(app->tasks[i]->t.spec.name, name)) {
            by_short = app->tasks[i];
            nshort++;
        }
    }
    return nshort == 1 ? by_short : NULL;
}

/* Sends a signal to a live task's group. */
static int
signal_task(struct app_task *at, int sig, char **err)
{
    if (at->proc == NULL) {
        *err = fs_xasprintf("task '%s' is not running (%s)", at->t.spec.name,
                            fs_state_name(at->t.st.state));
        return -1;
    }
    int r = fs_proc_signal(at->proc, sig);
    if (r != 0) {
        *err = fs_xasprintf("task '%s': cannot send %s: %s", at->t.spec.name,
                            fs_signame(sig) ? fs_signame(sig) : "signal", strerror(-r));
        return -1;
    }
    return 0;
}

static int
start(struct app_task *at, double t, char **err)
{
    if (fs_task_is_live(&at->t)) {
        *err =
            fs_xasprintf("task '%s' is already %s", at->t.spec.name, fs_state_name(at->t.st.state));
        return -1;
    }
    fs_timer_stop(at->restart_timer);
    fs_app_act(at, fs_task_start(&at->t, t));
    return 0;
}

static int
stop(struct app_task *at, double t, char **err)
{
    if (!fs_task_is_live(&at->t) && at->t.st.state != FS_STATE_BACKOFF &&
        at->t.st.state != FS_STATE_WAITING) {
        *err = fs_xasprintf("task '%s' is not running (%s)", at->t.spec.name,
                            fs_state_name(at->t.st.state));
        return -1;
    }
    fs_timer_stop(at->restart_timer);
    fs_app_act(at, fs_task_stop(&at->t, t));
    return 0;
}

/* The task a command names, or NULL with *err set. */
static struct app_task *
target(struct fs_app *app, const struct fs_control_cmd *cmd, char **err)
{
    struct app_task *at = find(app, cmd->task);
    if (at == NULL) {
        *err = fs_xasprintf("no task named '%s'", cmd->task);
        return NULL;
    }
    if (app->quitting) {
        *err = fs_xasprintf("task '%s': forkscope is quitting", cmd->task);
        return NULL;
    }
    if (at->t.spec.pool_of != NULL &&
        (cmd->op == FS_CONTROL_START || cmd->op == FS_CONTROL_RESTART)) {
        *err = fs_xasprintf("task '%s' is a member of pool '%s': start the pool instead", cmd->task,
                            at->t.spec.pool_of);
        return NULL;
    }
    return at;
}

int
fs_app_command(struct fs_app *app, const struct fs_control_cmd *cmd, char **err)
{
    *err = NULL;
    if (cmd->op == FS_CONTROL_QUIT) {
        fs_app_quit(app);
        return 0;
    }
    struct app_task *at = target(app, cmd, err);
    if (at == NULL)
        return -1;
    double t = app_task_now(at);
    switch (cmd->op) {
    case FS_CONTROL_START:
        return start(at, t, err);
    case FS_CONTROL_STOP:
        return stop(at, t, err);
    case FS_CONTROL_KILL:
        if (signal_task(at, SIGKILL, err) != 0)
            return -1;
        /* Mark the run as stopped on request, so no restart policy applies; the
         * signal is already sent, so the stop action itself is not carried out. */
        (void)fs_task_stop(&at->t, t);
        return 0;
    case FS_CONTROL_RESTART:
        fs_timer_stop(at->restart_timer);
        fs_app_act(at, fs_task_restart(&at->t, t));
        return 0;
    case FS_CONTROL_SIGNAL:
        return signal_task(at, cmd->sig, err);
    case FS_CONTROL_SEND:
        return fs_app_send(at, cmd->json, strlen(cmd->json), err);
    case FS_CONTROL_DISCONNECT:
        return fs_channel_disconnect(at, err);
    case FS_CONTROL_QUIT:
        break;
    }
    return 0;
}

void
fs_app_quit(struct fs_app *app)
{
    app->quitting = app->quitting ? 2 : 1;
    fs_app_stop_all(app); /* replace.c: a second quit kills */
}

int
fs_app_pause(struct fs_app *app, size_t i, bool pause, char **err)
{
    if (i >= app->ntasks) {
        *err = fs_xasprintf("no task %zu", i);
        return -1;
    }
    struct app_task *at = app->tasks[i];
    if (signal_task(at, pause ? SIGSTOP : SIGCONT, err) != 0)
        return -1;
    at->t.st.paused = pause;
    return 0;
}

int
fs_app_input(struct fs_app *app, size_t i, const char *data, size_t len)
{
    if (i >= app->ntasks || app->tasks[i]->proc == NULL)
        return -ESRCH;
    return fs_proc_write(app->tasks[i]->proc, data, len);
}

int
fs_app_resize(struct fs_app *app, size_t i, int rows, int cols)
{
    if (i >= app->ntasks || app->tasks[i]->proc == NULL)
        return -ESRCH;
    return fs_proc_resize(app->tasks[i]->proc, rows, cols);
}
