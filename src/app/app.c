/*
 * The app: a session's tasks on the runtime, reported to a front end. This file
 * owns the session (its tasks, when it ends, /proc sampling) and each task's
 * lifecycle: it couples the pure state machine of model/task.c with the runtime
 * objects of the task, a kill timer for the stop grace period and a restart
 * timer for the backoff. Every runtime event goes through the state machine
 * first, and the app carries out the action it returns (fs_app_act()); spawn.c starts
 * and ends the runs, command.c carries out commands.
 */
#include <config.h>

#include "app/app.h"
#include "app/app_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/proc.h"
#include "sample/sampler.h"
#include "util/xalloc.h"

double
fs_app_now(const struct fs_app *app)
{
    return fs_rt_now(app->rt);
}

/* ---- ending the session ------------------------------------------------------- */

static bool
all_settled(const struct fs_app *app)
{
    for (size_t i = 0; i < app->ntasks; i++) {
        const struct app_task *at = app->tasks[i];
        if (!fs_task_is_settled(&at->t) || at->proc != NULL)
            return false;
    }
    return true;
}

static bool
none_live(const struct fs_app *app)
{
    for (size_t i = 0; i < app->ntasks; i++)
        if (fs_task_is_live(&app->tasks[i]->t) || app->tasks[i]->proc != NULL)
            return false;
    return true;
}

void
fs_app_check_done(struct fs_app *app)
{
    if (app->shut)
        return;
    if (app->exit_when_settled && !app->quitting)
        fs_app_deps_stuck(app);
    if ((app->quitting && none_live(app)) || (app->exit_when_settled && all_settled(app))) {
        app->shut = true;
        for (size_t i = 0; i < app->ntasks; i++)
            fs_timer_stop(app->tasks[i]->restart_timer);
        if (app->sample_timer != NULL)
            fs_timer_stop(app->sample_timer);
        fs_rt_kill_lingering(app->rt);
        fs_app_trace_close(app);
        fs_rt_shutdown(app->rt);
    }
}

static void
on_kill_timer(void *arg)
{
    struct app_task *at = arg;
    if (at->worker != NULL) {
        fs_app_worker_overdue(at);
    } else if (at->proc != NULL) {
        fs_proc_signal(at->proc, SIGKILL);
        fs_app_stop_overdue(at);
    }
}

static void
on_restart_timer(void *arg)
{
    struct app_task *at = arg;
    fs_app_act(at, fs_task_backoff_due(&at->t, app_task_now(at)));
}

/* ---- carrying out actions ------------------------------------------------------------ */

static void
send_stop(struct app_task *at)
{
    if (at->t.spec.pool_size > 0) {
        fs_pool_stop(at);
        return;
    }
    if (at->worker != NULL) {
        /* A thread cannot be killed: it is asked to return. */
        fs_app_worker_stop(at);
        fs_timer_start(at->kill_timer, at->t.spec.stop_timeout);
        return;
    }
    if (at->proc == NULL)
        return;
    const char *keys = at->t.spec.stop_keys;
    /* Keys reach a task on a pty; a task on pipes gets the stop signal. */
    if (keys == NULL || at->app->quitting > 1 || fs_proc_write(at->proc, keys, strlen(keys)) < 0)
        fs_proc_signal(at->proc, at->t.spec.stop_signal);
    /* A stopped (SIGSTOP) group cannot act on the signal until it runs again. */
    fs_proc_signal(at->proc, SIGCONT);
    at->t.st.paused = false;
    if (at->app->quitting > 1 || at->t.spec.stop_signal == SIGKILL)
        fs_proc_signal(at->proc, SIGKILL);
    else
        fs_timer_start(at->kill_timer, at->t.spec.stop_timeout);
}

int
fs_app_send(struct app_task *at, const char *json, size_t len, char **err)
{
    if (at->worker != NULL)
        return fs_app_worker_send(at, json, len, err);
    return fs_channel_send(at, json, len, false, err);
}

void
fs_app_error(struct app_task *at, const char *msg)
{
    at->app->ops->error(at->app->fe, &at->t, msg);
}

void
fs_app_task_ready(struct app_task *at, const char *how)
{
    struct fs_app *app = at->app;
    if (at->t.st.ready || at->t.st.state != FS_STATE_RUNNING)
        return;
    at->t.st.ready = true;
    at->t.st.was_ready = true;
    if (how != NULL && app->ops->task_ready != NULL)
        app->ops->task_ready(app->fe, &at->t, how);
    fs_app_deps_check(app);
}

void
fs_app_act(struct app_task *at, enum fs_task_action a)
{
    struct fs_app *app = at->app;
    switch (a) {
    case FS_TASK_NOTHING:
        break;
    case FS_TASK_RESPAWN:
        fs_app_end_run(at);
        fs_app_act(at, fs_task_start(&at->t, app_task_now(at)));
        return;
    case FS_TASK_SPAWN:
        if (app->quitting) {
            fs_app_act(at, fs_task_spawn_failed(&at->t, -ECANCELED, app_task_now(at)));
            break;
        }
        fs_app_spawn(at);
        break;
    case FS_TASK_SEND_STOP:
        send_stop(at);
        break;
    case FS_TASK_FINISHED:
        fs_app_end_run(at);
        break;
    case FS_TASK_SCHEDULE:
        fs_app_end_run(at);
        if (app->quitting) {
            fs_app_act(at, fs_task_stop(&at->t, app_task_now(at)));
            break;
        }
        app->ops->task_restart(app->fe, &at->t, at->t.st.backoff_delay);
        fs_timer_start(at->restart_timer, at->t.st.backoff_delay);
        break;
    }
    fs_app_deps_check(app); /* then fs_app_check_done */
}

/* A task of the session, with its runtime side. */
static struct app_task *
task_new(struct fs_app *app, const struct fs_task_spec *spec)
{
    struct app_task *at = fs_xcalloc(1, sizeof *at);
    fs_task_init(&at->t, spec);
    at->app = app;
    at->kill_timer = fs_timer_new(app->rt, on_kill_timer, at);
    at->restart_timer = fs_timer_new(app->rt, on_restart_timer, at);
    return at;
}

/* Releases everything a task holds, and the task. */
static void
task_free(struct app_task *at)
{
    fs_app_worker_end(at);
    fs_app_probes_free(at);
    if (at->app->sampler != NULL)
        fs_sampler_unwatch(at->app->sampler, at);
    fs_proc_release(at->proc);
    fs_timer_free(at->kill_timer);
    fs_timer_free(at->restart_timer);
    fs_pool_free(at);
    fs_bytes_fini(&at->held.data);
    fs_bytes_fini(&at->held.chunks);
    free(at->end_reason);
    free(at->blocked);
    fs_channel_fini(&at->channel);
    fs_app_log_free(at);
    fs_task_fini(&at->t);
    free(at);
}

/* ---- the session ------------------------------------------------------------------------ */

struct fs_app *
fs_app_new(struct fs_rt *rt, const struct fs_session *s, const struct fs_fe_ops *ops, void *fe)
{
    struct fs_app *app = fs_xcalloc(1, sizeof *app);
    app->rt = rt;
    app->ops = ops;
    app->fe = fe;
    app->ntasks = s->ntasks;
    app->tasks = fs_xcalloc(s->ntasks, sizeof *app->tasks);
    for (size_t i = 0; i < s->ntasks; i++) {
        app->tasks[i] = task_new(app, &s->tasks[i]);
    }
    for (size_t i = 0; i < s->ntasks; i++)
        fs_app_log_open(app->tasks[i]);
    app->lessons = fs_app_data_find("FORKSCOPE_LESSONS", "lessons");
    return app;
}

void
fs_app_free(struct fs_app *app)
{
    if (app == NULL)
        return;
    for (size_t i = 0; i < app->ntasks; i++)
        task_free(app->tasks[i]);
    free(app->tasks);
    fs_timer_free(app->sample_timer);
    fs_timer_free(app->pool_pump);
    if (app->sampler != NULL)
        fs_rt_on_orphan_reaped(app->rt, NULL, NULL);
    fs_sampler_free(app->sampler);
    fs_app_trace_close(app);
    fs_app_logs_fini(app);
    free(app->lessons);
    free(app);
}

void
fs_app_set_send_wait(struct fs_app *app, double timeout)
{
    app->send_timeout = timeout;
    if (timeout > 0)
        fs_rt_set_send_timeout(app->rt, timeout);
}

void
fs_app_set_exit_when_settled(struct fs_app *app, bool on)
{
    app->exit_when_settled = on;
    fs_app_check_done(app);
}

void
fs_app_start_all(struct fs_app *app)
{
    fs_app_deps_begin_all(app, 0);
}

size_t
fs_app_add_task(struct fs_app *app, const struct fs_task_spec *spec, bool start)
{
    app->tasks = fs_xreallocarray(app->tasks, app->ntasks + 1, sizeof *app->tasks);
    size_t i = app->ntasks++;
    struct app_task *at = app->tasks[i] = task_new(app, spec);
    app->stop_ordered = app->stop_ordered && app->quitting; /* a quit's goes on */
    fs_app_log_open(at);
    if (start)
        fs_app_deps_begin(at);
    return i;
}

int
fs_app_remove_task(struct fs_app *app, size_t i)
{
    if (i >= app->ntasks)
        return -ESRCH;
    struct app_task *at = app->tasks[i];
    if (fs_task_is_live(&at->t) || at->proc != NULL)
        return -EBUSY;
    task_free(at);
    memmove(&app->tasks[i], &app->tasks[i + 1], (app->ntasks - i - 1) * sizeof *app->tasks);
    app->ntasks--;
    return 0;
}

size_t
fs_app_ntasks(const struct fs_app *app)
{
    return app->ntasks;
}

const struct fs_task *
fs_app_task(const struct fs_app *app, size_t i)
{
    return i < app->ntasks ? &app->tasks[i]->t : NULL;
}

int
fs_app_exit_status(const struct fs_app *app)
{
    for (size_t i = 0; i < app->ntasks; i++) {
        const struct fs_task *t = &app->tasks[i]->t;
        if (t->st.state != FS_STATE_IDLE && !fs_task_succeeded(t))
            return 1;
    }
    return 0;
}

/* ---- /proc sampling ------------------------------------------------------------------------ */

static void
on_sample_timer(void *arg)
{
    struct fs_app *app = arg;
    fs_sampler_sample(app->sampler, fs_rt_now(app->rt));
    fs_pool_sampled(app);
    fs_app_trace_notes(app);
    if (app->ops->samples != NULL)
        app->ops->samples(app->fe);
    if (!app->shut)
        fs_timer_start(app->sample_timer, app->interval);
}

/* forkscope reaped an orphaned descendant: its record gets the status. */
static void
on_orphan_reaped(void *arg, int pid, int status)
{
    struct fs_app *app = arg;
    fs_sampler_reaped(app->sampler, pid, status, fs_rt_now(app->rt));
}

int
fs_app_set_sampling(struct fs_app *app, double interval, const char *proc_root, unsigned flags,
                    char **err)
{
    struct fs_sampler_config cfg = {proc_root, 0, 0};
    int r = fs_sampler_new(&cfg, &app->sampler);
    if (r != 0) {
        *err = fs_xasprintf("cannot read %s: %s", proc_root ? proc_root : "/proc", strerror(-r));
        app->sampler = NULL;
        return -1;
    }
    app->sample_flags = flags;
    fs_rt_on_orphan_reaped(app->rt, on_orphan_reaped, app);
    app->sample_timer = fs_timer_new(app->rt, on_sample_timer, app);
    /* Sampling alone does not keep a finished session alive. */
    fs_timer_weak(app->sample_timer);
    fs_app_set_interval(app, interval);
    return 0;
}

void
fs_app_set_interval(struct fs_app *app, double interval)
{
    if (app->sampler == NULL)
        return;
    app->interval = interval < 0.1 ? 0.1 : interval;
    /* A first reading now, so CPU% is known one interval later. */
    fs_sampler_sample(app->sampler, fs_rt_now(app->rt));
    fs_timer_start(app->sample_timer, app->interval);
}

double
fs_app_interval(const struct fs_app *app)
{
    return app->sampler != NULL ? app->interval : 0;
}

const struct fs_sample *
fs_app_sample(const struct fs_app *app, size_t i)
{
    if (app->sampler == NULL || i >= app->ntasks)
        return NULL;
    return fs_sampler_get(app->sampler, app->tasks[i]);
}

size_t
fs_app_history(const struct fs_app *app, size_t i, float *cpu, uint64_t *rss)
{
    if (app->sampler == NULL || i >= app->ntasks)
        return 0;
    return fs_sampler_history(app->sampler, app->tasks[i], cpu, rss);
}

const struct fs_machine *
fs_app_machine(const struct fs_app *app)
{
    return app->sampler != NULL ? fs_sampler_machine(app->sampler) : NULL;
}

const struct fs_desc_list *
fs_app_descendants(const struct fs_app *app, size_t i)
{
    if (app->sampler == NULL || i >= app->ntasks)
        return NULL;
    return fs_sampler_descendants(app->sampler, app->tasks[i]);
}

const struct fs_thread_sample *
fs_app_threads(struct fs_app *app, size_t i, bool want, size_t *n)
{
    *n = 0;
    if (app->sampler == NULL || i >= app->ntasks)
        return NULL;
    unsigned flags = app->sample_flags | (want ? FS_SAMPLE_THREADS : 0);
    fs_sampler_set_flags(app->sampler, app->tasks[i], flags);
    return want ? fs_sampler_threads(app->sampler, app->tasks[i], n, NULL) : NULL;
}

const struct fs_pool_counts *
fs_app_pool(const struct fs_app *app, const struct fs_task *t)
{
    (void)app;
    /* A task is the first member of its app_task. */
    return t != NULL && t->spec.pool_size > 0 ? fs_pool_counts((const struct app_task *)t) : NULL;
}

const struct fs_channel_counts *
fs_app_traffic(const struct fs_app *app, size_t i)
{
    if (i >= app->ntasks || app->tasks[i]->t.spec.pool_size > 0 ||
        !fs_kind_info(app->tasks[i]->t.spec.kind)->has_channel)
        return NULL;
    return &app->tasks[i]->channel.counts;
}
