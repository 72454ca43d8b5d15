/*
 * The app: runs a session's tasks on the runtime and reports to a front end.
 *
 * Each task couples the pure state machine of model/task.c with the runtime
 * objects of one run: the process, a kill timer for the stop grace period and a
 * restart timer for the backoff. Every runtime event goes through the state
 * machine first, and the app carries out the action it returns (act()).
 */
#include <config.h>

#include "app/app.h"
#include "app/app_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt/proc.h"
#include "sample/sampler.h"
#include "util/signame.h"
#include "util/xalloc.h"

static void act(struct app_task *at, enum fs_task_action a);

double
fs_app_now(const struct fs_app *app)
{
    return fs_rt_now(app->rt);
}

static double
now(struct app_task *at)
{
    return fs_rt_now(at->app->rt);
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

/* Ends the loop once nothing is left to wait for. */
static void
check_done(struct fs_app *app)
{
    if (app->shut)
        return;
    if ((app->quitting && none_live(app)) || (app->exit_when_settled && all_settled(app))) {
        app->shut = true;
        for (size_t i = 0; i < app->ntasks; i++)
            fs_timer_stop(app->tasks[i]->restart_timer);
        if (app->sample_timer != NULL)
            fs_timer_stop(app->sample_timer);
        fs_rt_kill_lingering(app->rt);
        fs_rt_shutdown(app->rt);
    }
}

/* ---- buffer mode ------------------------------------------------------------------ */

static void
held_append(struct app_task *at, enum fs_stream stream, const char *data, size_t len)
{
    size_t room = at->t.spec.buffer_cap - at->held.len;
    size_t n = len < room ? len : room;
    if (n > 0) {
        size_t c = at->held.nchunks;
        if (c > 0 && at->held.streams[c - 1] == stream) {
            at->held.ends[c - 1] += n;
        } else {
            at->held.streams = fs_xreallocarray(at->held.streams, c + 1, sizeof *at->held.streams);
            at->held.ends = fs_xreallocarray(at->held.ends, c + 1, sizeof *at->held.ends);
            at->held.streams[c] = stream;
            at->held.ends[c] = at->held.len + n;
            at->held.nchunks++;
        }
        at->held.data = fs_xrealloc(at->held.data, at->held.len + n);
        memcpy(at->held.data + at->held.len, data, n);
        at->held.len += n;
    }
    if (n < len) {
        at->held.cut += len - n;
        if (at->t.st.state == FS_STATE_RUNNING) {
            free(at->end_reason);
            at->end_reason = fs_xasprintf("buffer cap of %zu bytes exceeded",
                                          at->t.spec.buffer_cap);
            act(at, fs_task_stop(&at->t, now(at)));
        }
    }
}

/* Hands the held output to the front end, then forgets it. */
static void
held_flush(struct app_task *at)
{
    size_t start = 0;
    for (size_t c = 0; c < at->held.nchunks; c++) {
        at->app->ops->task_output(at->app->fe, &at->t, at->held.streams[c],
                                  at->held.data + start, at->held.ends[c] - start);
        start = at->held.ends[c];
    }
    at->app->ops->task_eof(at->app->fe, &at->t, FS_STREAM_STDOUT);
    at->app->ops->task_eof(at->app->fe, &at->t, FS_STREAM_STDERR);
    if (at->held.cut > 0 && at->end_reason != NULL) {
        char *r = fs_xasprintf("%s; %llu bytes cut", at->end_reason, at->held.cut);
        free(at->end_reason);
        at->end_reason = r;
    }
    free(at->held.data);
    free(at->held.streams);
    free(at->held.ends);
    memset(&at->held, 0, sizeof at->held);
}

/* ---- runtime callbacks ------------------------------------------------------------ */

static void
on_output(void *arg, enum fs_stream stream, const char *data, size_t len)
{
    struct app_task *at = arg;
    if (stream == FS_STREAM_CHANNEL)
        fs_channel_input(at, data, len);
    else if (at->t.spec.buffer)
        held_append(at, stream, data, len);
    else
        at->app->ops->task_output(at->app->fe, &at->t, stream, data, len);
}

static void
on_eof(void *arg, enum fs_stream stream)
{
    struct app_task *at = arg;
    if (stream == FS_STREAM_CHANNEL)
        fs_channel_eof(at);
    else if (!at->t.spec.buffer)
        at->app->ops->task_eof(at->app->fe, &at->t, stream);
    act(at, fs_task_stream_eof(&at->t, now(at)));
}

static void
on_passed(void *arg, const struct fs_passfd *fds)
{
    fs_channel_passed(arg, fds);
}

/* The stop grace period is over (or a second quit cut it short). Once the
 * run's own process has exited, whatever still holds its output has left the
 * task's process group (setsid, a double-forking daemon): no signal of ours
 * reaches it and it may never close the output, so the run's streams are ended
 * here instead of waited for. See doc/processes.md. */
static void
stop_overdue(struct app_task *at)
{
    at->stop_overdue = true;
    if (at->proc == NULL || !at->t.st.have_exit)
        return;
    static const char why[] = "a process outside its group still held its output open; "
                              "forkscope stopped waiting for it";
    char *r =
        at->end_reason != NULL ? fs_xasprintf("%s; %s", at->end_reason, why) : fs_xstrdup(why);
    free(at->end_reason);
    at->end_reason = r;
    fs_proc_end_streams(at->proc);
}

static void
on_exit_status(void *arg, int code, int sig)
{
    struct app_task *at = arg;
    act(at, fs_task_exit_status(&at->t, code, sig, now(at)));
    if (at->stop_overdue)
        stop_overdue(at);
}

static void
on_kill_timer(void *arg)
{
    struct app_task *at = arg;
    if (at->worker != NULL) {
        fs_app_worker_overdue(at);
    } else if (at->proc != NULL) {
        fs_proc_signal(at->proc, SIGKILL);
        stop_overdue(at);
    }
}

static const struct fs_proc_cbs proc_cbs = {
    .output = on_output,
    .passed = on_passed,
    .eof = on_eof,
    .exit = on_exit_status,
};

static void
on_restart_timer(void *arg)
{
    struct app_task *at = arg;
    act(at, fs_task_backoff_due(&at->t, now(at)));
}

/* ---- carrying out actions ------------------------------------------------------------ */

/* The program to run; a shell or cmd pool member's job argument is $1 of the
 * shell, or the command's last argument. */
static char **
task_argv(const struct fs_task_spec *spec, const char *job_arg)
{
    char **argv = NULL;
    if (spec->kind == FS_KIND_SHELL) {
        fs_strv_push(&argv, "/bin/sh");
        fs_strv_push(&argv, "-c");
        fs_strv_push(&argv, spec->shell);
        if (job_arg != NULL) {
            fs_strv_push(&argv, "sh");
            fs_strv_push(&argv, job_arg);
        }
        return argv;
    }
    argv = fs_strv_dup(spec->argv);
    if (job_arg != NULL && spec->kind == FS_KIND_CMD)
        fs_strv_push(&argv, job_arg);
    return argv;
}

/* `forkscope worker-host MODULE [ARGS]`, with this very binary. */
static char **
worker_host_argv(const struct fs_task_spec *spec)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    char **argv = NULL;
    fs_strv_push(&argv, n > 0 ? exe : "forkscope");
    fs_strv_push(&argv, "worker-host");
    if (spec->pool_of != NULL)
        fs_strv_push(&argv, "--jobs");
    fs_strv_push(&argv, spec->module);
    if (spec->args != NULL)
        fs_strv_push(&argv, spec->args);
    return argv;
}

static void
spawn(struct app_task *at)
{
    struct fs_app *app = at->app;
    const struct fs_task_spec *spec = &at->t.spec;
    free(at->end_reason);
    at->end_reason = NULL;
    at->stop_overdue = false;
    if (spec->pool_size > 0) {
        fs_pool_begin(at);
        return;
    }
    bool host = false;
    if (spec->kind == FS_KIND_WORKER) {
        char *werr = NULL;
        int w = fs_app_worker_spawn(at, &werr);
        if (w < 0) {
            char *msg = fs_xasprintf("task '%s': %s", spec->name, werr);
            app->ops->error(app->fe, &at->t, msg);
            free(msg);
            free(werr);
            act(at, fs_task_spawn_failed(&at->t, -EINVAL, now(at)));
            return;
        }
        if (w == 0) {
            pid_t tid = fs_app_worker_tid(at);
            act(at, fs_task_spawned(&at->t, tid, 0, now(at)));
            if (app->sampler != NULL)
                fs_sampler_watch(app->sampler, at, getpid(), tid, 0);
            app->ops->task_start(app->fe, &at->t);
            fs_pool_member_spawned(at);
            return;
        }
        /* An unsafe module runs in a host process with a channel. */
        host = true;
    }
    const char *job_arg = spec->pool_of != NULL ? fs_pool_job_arg(at) : NULL;
    char **argv = host ? worker_host_argv(spec) : task_argv(spec, job_arg);
    char **env = fs_strv_dup(spec->env_set);
    if (spec->pool_of != NULL && (spec->kind == FS_KIND_SHELL || spec->kind == FS_KIND_CMD)) {
        /* Which job this process runs, for any program. */
        char *e = fs_xasprintf("FORKSCOPE_JOB=%lld", at->job);
        fs_strv_push(&env, e);
        free(e);
        if (job_arg != NULL) {
            e = fs_xasprintf("FORKSCOPE_JOB_ARG=%s", job_arg);
            fs_strv_push(&env, e);
            free(e);
        }
    }
    if (spec->kind == FS_KIND_FORK || host) {
        /* Where and how a Node child (or any other) finds its channel. */
        fs_strv_push(&env, "NODE_CHANNEL_FD=3");
        fs_strv_push(&env, spec->ipc_advanced ? "NODE_CHANNEL_SERIALIZATION_MODE=advanced"
                                               : "NODE_CHANNEL_SERIALIZATION_MODE=json");
    }
    int rows = 0, cols = 0;
    bool pty = spec->pty && app->ops->task_pty != NULL &&
               app->ops->task_pty(app->fe, &at->t, &rows, &cols);
    struct fs_proc_opts o = {
        .argv = argv,
        .pty = pty,
        .rows = rows,
        .cols = cols,
        .cwd = spec->cwd,
        .env_set = env,
        .env_unset = spec->env_unset,
        .stdin_fd = -1,
        .channel = spec->kind == FS_KIND_FORK || host,
    };
    char *err = NULL;
    int r = fs_proc_spawn(app->rt, &o, &proc_cbs, at, &at->proc, &err);
    fs_strv_free(argv);
    fs_strv_free(env);
    if (r != 0) {
        char *msg = spec->file
                        ? fs_xasprintf("task '%s' (%s:%d): %s", spec->name, spec->file,
                                       spec->line, err)
                        : fs_xasprintf("task '%s': %s", spec->name, err);
        app->ops->error(app->fe, &at->t, msg);
        free(msg);
        free(err);
        act(at, fs_task_spawn_failed(&at->t, r, now(at)));
        return;
    }
    if (spec->kind == FS_KIND_FORK || host)
        fs_channel_begin(at);
    act(at, fs_task_spawned(&at->t, fs_proc_pid(at->proc), fs_proc_streams(at->proc), now(at)));
    if (app->sampler != NULL)
        fs_sampler_watch(app->sampler, at, at->t.st.pid, 0, app->sample_flags);
    app->ops->task_start(app->fe, &at->t);
    fs_pool_member_spawned(at);
}

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
    fs_proc_signal(at->proc, at->t.spec.stop_signal);
    /* A stopped (SIGSTOP) group cannot act on the signal until it runs again. */
    fs_proc_signal(at->proc, SIGCONT);
    at->t.st.paused = false;
    if (at->app->quitting > 1 || at->t.spec.stop_signal == SIGKILL)
        fs_proc_signal(at->proc, SIGKILL);
    else
        fs_timer_start(at->kill_timer, at->t.spec.stop_timeout);
}

/* The run is over: close its process and tell the front end. */
static void
end_run(struct app_task *at)
{
    fs_timer_stop(at->kill_timer);
    fs_app_worker_end(at);
    if (at->app->sampler != NULL)
        fs_sampler_unwatch(at->app->sampler, at);
    if (at->proc != NULL) {
        fs_proc_release(at->proc);
        at->proc = NULL;
    }
    if (at->t.spec.buffer)
        held_flush(at);
    if (at->t.st.state != FS_STATE_FAILED || at->t.st.spawn_error == 0)
        at->app->ops->task_exit(at->app->fe, &at->t, at->end_reason);
    if (at->t.spec.pool_of != NULL)
        fs_pool_member_ended(at);
}

void
fs_app_act(struct app_task *at, enum fs_task_action a)
{
    act(at, a);
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

static void
act(struct app_task *at, enum fs_task_action a)
{
    struct fs_app *app = at->app;
    switch (a) {
    case FS_TASK_NOTHING:
        break;
    case FS_TASK_RESPAWN:
        end_run(at);
        act(at, fs_task_start(&at->t, now(at)));
        return;
    case FS_TASK_SPAWN:
        if (app->quitting) {
            act(at, fs_task_spawn_failed(&at->t, -ECANCELED, now(at)));
            break;
        }
        spawn(at);
        break;
    case FS_TASK_SEND_STOP:
        send_stop(at);
        break;
    case FS_TASK_FINISHED:
        end_run(at);
        break;
    case FS_TASK_SCHEDULE:
        end_run(at);
        if (app->quitting) {
            act(at, fs_task_stop(&at->t, now(at)));
            break;
        }
        app->ops->task_restart(app->fe, &at->t, at->t.st.backoff_delay);
        fs_timer_start(at->restart_timer, at->t.st.backoff_delay);
        break;
    }
    check_done(app);
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
    if (at->app->sampler != NULL)
        fs_sampler_unwatch(at->app->sampler, at);
    fs_proc_release(at->proc);
    fs_timer_free(at->kill_timer);
    fs_timer_free(at->restart_timer);
    fs_pool_free(at);
    free(at->held.data);
    free(at->held.streams);
    free(at->held.ends);
    free(at->end_reason);
    fs_channel_fini(&at->channel);
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
    fs_sampler_free(app->sampler);
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
    check_done(app);
}

void
fs_app_start_all(struct fs_app *app)
{
    for (size_t i = 0; i < app->ntasks; i++)
        if (app->tasks[i]->t.spec.autostart)
            act(app->tasks[i], fs_task_start(&app->tasks[i]->t, now(app->tasks[i])));
    check_done(app);
}

static struct app_task *
find(struct fs_app *app, const char *name)
{
    for (size_t i = 0; i < app->ntasks; i++)
        if (strcmp(app->tasks[i]->t.spec.name, name) == 0)
            return app->tasks[i];
    return NULL;
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

int
fs_app_command(struct fs_app *app, const struct fs_control_cmd *cmd, char **err)
{
    *err = NULL;
    if (cmd->op == FS_CONTROL_QUIT) {
        fs_app_quit(app);
        return 0;
    }
    struct app_task *at = find(app, cmd->task);
    if (at == NULL) {
        *err = fs_xasprintf("no task named '%s'", cmd->task);
        return -1;
    }
    if (app->quitting) {
        *err = fs_xasprintf("task '%s': forkscope is quitting", cmd->task);
        return -1;
    }
    double t = now(at);
    if (at->t.spec.pool_of != NULL &&
        (cmd->op == FS_CONTROL_START || cmd->op == FS_CONTROL_RESTART)) {
        *err = fs_xasprintf("task '%s' is a member of pool '%s': start the pool instead",
                            cmd->task, at->t.spec.pool_of);
        return -1;
    }
    switch (cmd->op) {
    case FS_CONTROL_START:
        if (fs_task_is_live(&at->t)) {
            *err = fs_xasprintf("task '%s' is already %s", cmd->task,
                                fs_state_name(at->t.st.state));
            return -1;
        }
        fs_timer_stop(at->restart_timer);
        act(at, fs_task_start(&at->t, t));
        return 0;
    case FS_CONTROL_STOP:
        if (!fs_task_is_live(&at->t) && at->t.st.state != FS_STATE_BACKOFF) {
            *err = fs_xasprintf("task '%s' is not running (%s)", cmd->task,
                                fs_state_name(at->t.st.state));
            return -1;
        }
        fs_timer_stop(at->restart_timer);
        act(at, fs_task_stop(&at->t, t));
        return 0;
    case FS_CONTROL_KILL:
        if (signal_task(at, SIGKILL, err) != 0)
            return -1;
        /* Mark the run as stopped on request, so no restart policy applies; the
         * signal is already sent, so the stop action itself is not carried out. */
        (void)fs_task_stop(&at->t, t);
        return 0;
    case FS_CONTROL_RESTART:
        fs_timer_stop(at->restart_timer);
        act(at, fs_task_restart(&at->t, t));
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
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *at = app->tasks[i];
        fs_timer_stop(at->restart_timer);
        if (app->quitting > 1 && at->proc != NULL) {
            fs_proc_signal(at->proc, SIGKILL);
            stop_overdue(at);
        } else
            act(at, fs_task_stop(&at->t, now(at)));
    }
    check_done(app);
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

size_t
fs_app_add_task(struct fs_app *app, const struct fs_task_spec *spec, bool start)
{
    app->tasks = fs_xreallocarray(app->tasks, app->ntasks + 1, sizeof *app->tasks);
    size_t i = app->ntasks++;
    struct app_task *at = app->tasks[i] = task_new(app, spec);
    if (start)
        act(at, fs_task_start(&at->t, now(at)));
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
    if (app->ops->samples != NULL)
        app->ops->samples(app->fe);
    if (!app->shut)
        fs_timer_start(app->sample_timer, app->interval);
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
        (app->tasks[i]->t.spec.kind != FS_KIND_FORK &&
         app->tasks[i]->t.spec.kind != FS_KIND_WORKER))
        return NULL;
    return &app->tasks[i]->channel.counts;
}
