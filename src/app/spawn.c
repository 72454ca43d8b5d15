/*
 * A task's run: how it starts (its argv and environment, a channel when its
 * kind has one, a thread for an in-process kind), what its process reports
 * (output, held until the end in buffer mode; EOF; the exit status), and how it
 * ends. What differs between kinds is looked up in model/kind.h's table.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app_int.h"
#include "rt/proc.h"
#include "sample/sampler.h"
#include "util/words.h"
#include "util/xalloc.h"

/* ---- buffer mode ------------------------------------------------------------------ */

static void
held_append(struct app_task *at, enum fs_stream stream, const char *data, size_t len)
{
    size_t room = at->t.spec.buffer_cap - at->held.data.len;
    size_t n = len < room ? len : room;
    if (n > 0) {
        size_t c = at->held.chunks.len / sizeof(struct app_held_chunk);
        struct app_held_chunk *last =
            c > 0 ? (struct app_held_chunk *)at->held.chunks.data + c - 1 : NULL;
        fs_bytes_add(&at->held.data, data, n);
        if (last != NULL && last->stream == stream) {
            last->end = at->held.data.len;
        } else {
            struct app_held_chunk chunk = {stream, at->held.data.len};
            fs_bytes_add(&at->held.chunks, &chunk, sizeof chunk);
        }
    }
    if (n < len) {
        at->held.cut += len - n;
        if (at->t.st.state == FS_STATE_RUNNING) {
            free(at->end_reason);
            at->end_reason =
                fs_xasprintf("buffer cap of %zu bytes exceeded", at->t.spec.buffer_cap);
            fs_app_act(at, fs_task_stop(&at->t, app_task_now(at)));
        }
    }
}

/* Hands the held output to the front end, then forgets it. */
static void
held_flush(struct app_task *at)
{
    const struct app_held_chunk *chunks = (const struct app_held_chunk *)at->held.chunks.data;
    size_t start = 0;
    for (size_t c = 0; c < at->held.chunks.len / sizeof *chunks; c++) {
        at->app->ops->task_output(at->app->fe, &at->t, chunks[c].stream, at->held.data.data + start,
                                  chunks[c].end - start);
        start = chunks[c].end;
    }
    at->app->ops->task_eof(at->app->fe, &at->t, FS_STREAM_STDOUT);
    at->app->ops->task_eof(at->app->fe, &at->t, FS_STREAM_STDERR);
    if (at->held.cut > 0 && at->end_reason != NULL) {
        char *r = fs_xasprintf("%s; %llu bytes cut", at->end_reason, at->held.cut);
        free(at->end_reason);
        at->end_reason = r;
    }
    fs_bytes_fini(&at->held.data);
    fs_bytes_fini(&at->held.chunks);
    at->held.cut = 0;
}

/* ---- what the process reports ------------------------------------------------------ */

static void
on_output(void *arg, enum fs_stream stream, const char *data, size_t len)
{
    struct app_task *at = arg;
    if (stream == FS_STREAM_CHANNEL) {
        fs_channel_input(at, data, len);
        return;
    }
    fs_app_log_output(at, stream, data, len);
    if (at->t.spec.buffer)
        held_append(at, stream, data, len);
    else
        at->app->ops->task_output(at->app->fe, &at->t, stream, data, len);
    /* After the front end has it: the line comes before the ready event. */
    fs_app_probe_output(at, stream, data, len);
}

static void
on_eof(void *arg, enum fs_stream stream)
{
    struct app_task *at = arg;
    if (stream == FS_STREAM_CHANNEL)
        fs_channel_eof(at);
    else if (!at->t.spec.buffer)
        at->app->ops->task_eof(at->app->fe, &at->t, stream);
    fs_app_act(at, fs_task_stream_eof(&at->t, app_task_now(at)));
}

static void
on_passed(void *arg, const struct fs_passfd *fds)
{
    fs_channel_passed(arg, fds);
}

/* Once the run's own process has exited, whatever still holds its output has
 * left the task's process group (setsid, a double-forking daemon): no signal
 * of ours reaches it and it may never close the output, so the run's streams
 * are ended here instead of waited for. See doc/processes.md. */
void
fs_app_stop_overdue(struct app_task *at)
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
on_exit_status(void *arg, int code, int sig, const struct fs_usage *use)
{
    struct app_task *at = arg;
    fs_task_usage(&at->t, use);
    fs_app_act(at, fs_task_exit_status(&at->t, code, sig, app_task_now(at)));
    if (at->stop_overdue)
        fs_app_stop_overdue(at);
}

static const struct fs_proc_cbs proc_cbs = {
    .output = on_output,
    .passed = on_passed,
    .eof = on_eof,
    .exit = on_exit_status,
};

/* ---- how a run starts ---------------------------------------------------------------- */

/* `forkscope worker-host MODULE [ARGS]`, with this very binary: where a module
 * that may not run in forkscope's own process runs. */
static char **
module_argv(const struct fs_task_spec *spec)
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

/* The program to run; a pool member's job argument (job_arg, when its kind
 * runs once per job) is $1 of the shell, or the command's last argument. */
static char **
task_argv(const struct fs_task_spec *spec, const char *job_arg)
{
    char **argv = NULL;
    switch (fs_kind_info(spec->kind)->argv) {
    case FS_ARGV_SHELL:
        fs_strv_push(&argv, "/bin/sh");
        fs_strv_push(&argv, "-c");
        fs_strv_push(&argv, spec->shell);
        if (job_arg != NULL) {
            fs_strv_push(&argv, "sh");
            fs_strv_push(&argv, job_arg);
        }
        break;
    case FS_ARGV_WORDS:
        argv = fs_strv_dup(spec->argv);
        if (job_arg != NULL)
            fs_strv_push(&argv, job_arg);
        break;
    case FS_ARGV_MODULE:
        argv = module_argv(spec);
        break;
    }
    return argv;
}

const char *
fs_app_spec_var(const struct fs_task_spec *spec, const char *name)
{
    size_t n = strlen(name);
    for (char **e = spec->env_set; e != NULL && *e != NULL; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

/* The variables the run gets on top of the spec's. */
static char **
task_env(const struct app_task *at, const char *job_arg)
{
    const struct fs_task_spec *spec = &at->t.spec;
    const struct fs_kind_info *kind = fs_kind_info(spec->kind);
    char **env = fs_strv_dup(spec->env_set);
    if (spec->pool_of != NULL && !kind->jobs_by_message) {
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
    if (kind->has_channel) {
        /* Where and how a Node child (or any other) finds its channel. */
        fs_strv_push(&env, "NODE_CHANNEL_FD=3");
        fs_strv_push(&env, spec->ipc_advanced ? "NODE_CHANNEL_SERIALIZATION_MODE=advanced"
                                              : "NODE_CHANNEL_SERIALIZATION_MODE=json");
    }
    if (at->app->lessons != NULL && fs_app_spec_var(spec, "FORKSCOPE_LESSONS") == NULL) {
        /* node's lesson programs (node/lessons), for the node demo and anyone. */
        char *e = fs_xasprintf("FORKSCOPE_LESSONS=%s", at->app->lessons);
        fs_strv_push(&env, e);
        free(e);
    }
    fs_app_trace_env(at, &env);
    return env;
}

/* The run began (the state machine knows): the sampler watches it, the front
 * end and the pool learn it. */
static void
started(struct app_task *at, int pid, int tid, unsigned flags)
{
    struct fs_app *app = at->app;
    if (app->sampler != NULL)
        fs_sampler_watch(app->sampler, at, pid, tid, flags);
    app->ops->task_start(app->fe, &at->t);
    fs_pool_member_spawned(at);
    fs_app_probes_begin(at);
    if (at->t.spec.ready_probe == NULL)
        fs_app_task_ready(at, NULL);
}

static void
spawn_failed(struct app_task *at, int r, const char *msg)
{
    at->app->ops->error(at->app->fe, &at->t, msg);
    fs_app_act(at, fs_task_spawn_failed(&at->t, r, app_task_now(at)));
}

/* An in-process kind's run on a thread: true when it started or failed, false
 * when its module must run in a process instead. */
static bool
spawn_thread(struct app_task *at)
{
    char *err = NULL;
    int w = fs_app_worker_spawn(at, &err);
    if (w < 0) {
        char *msg = fs_xasprintf("task '%s': %s", at->t.spec.name, err);
        spawn_failed(at, -EINVAL, msg);
        free(msg);
        free(err);
        return true;
    }
    if (w == 0) {
        pid_t tid = fs_app_worker_tid(at);
        fs_app_act(at, fs_task_spawned(&at->t, tid, 0, app_task_now(at)));
        started(at, getpid(), tid, 0);
    }
    return w == 0;
}

static void
spawn_process(struct app_task *at)
{
    struct fs_app *app = at->app;
    const struct fs_task_spec *spec = &at->t.spec;
    const struct fs_kind_info *kind = fs_kind_info(spec->kind);
    const char *job_arg =
        spec->pool_of != NULL && !kind->jobs_by_message ? fs_pool_job_arg(at) : NULL;
    int rows = 0, cols = 0;
    bool pty = spec->pty && app->ops->task_pty != NULL &&
               app->ops->task_pty(app->fe, &at->t, &rows, &cols);
    char **argv = task_argv(spec, job_arg), **env = task_env(at, job_arg);
    struct fs_proc_opts o = {
        .argv = argv,
        .pty = pty,
        .rows = rows,
        .cols = cols,
        .cwd = spec->cwd,
        .env_set = env,
        .env_unset = spec->env_unset,
        .stdin_fd = -1,
        .channel = kind->has_channel,
    };
    char *err = NULL;
    at->on_pty = pty;
    int r = fs_proc_spawn(app->rt, &o, &proc_cbs, at, &at->proc, &err);
    fs_strv_free(argv);
    fs_strv_free(env);
    if (r != 0) {
        char *msg = spec->file ? fs_xasprintf("task '%s' (%s:%d): %s", spec->name, spec->file,
                                              spec->line, err)
                               : fs_xasprintf("task '%s': %s", spec->name, err);
        spawn_failed(at, r, msg);
        free(msg);
        free(err);
        return;
    }
    if (kind->has_channel)
        fs_channel_begin(at);
    fs_app_act(at, fs_task_spawned(&at->t, fs_proc_pid(at->proc), fs_proc_streams(at->proc),
                                   app_task_now(at)));
    started(at, at->t.st.pid, 0, app->sample_flags);
}

void
fs_app_spawn(struct app_task *at)
{
    free(at->end_reason);
    at->end_reason = NULL;
    at->stop_overdue = false;
    if (at->t.spec.pool_size > 0)
        fs_pool_begin(at);
    else if (!fs_kind_info(at->t.spec.kind)->in_process || !spawn_thread(at))
        spawn_process(at);
}

/* ---- how it ends --------------------------------------------------------------------- */

void
fs_app_end_run(struct app_task *at)
{
    fs_timer_stop(at->kill_timer);
    fs_app_probes_end(at);
    fs_app_trace_drain(at->app);
    fs_app_worker_end(at);
    if (at->app->sampler != NULL)
        fs_sampler_retire(at->app->sampler, at); /* its tree's last rows linger */
    if (at->proc != NULL) {
        fs_proc_release(at->proc);
        at->proc = NULL;
    }
    if (at->t.spec.buffer)
        held_flush(at);
    fs_app_log_end(at);
    if (at->t.st.state != FS_STATE_FAILED || at->t.st.spawn_error == 0)
        at->app->ops->task_exit(at->app->fe, &at->t, at->end_reason);
    if (at->t.spec.pool_of != NULL)
        fs_pool_member_ended(at);
}
