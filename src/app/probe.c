/*
 * Running a task's readiness and liveness probes (model/probe.h): when a run
 * starts, each probe waits its initial_delay, then checks every interval
 * until the run ends. A log probe watches the run's output; tcp and http
 * checks are rt/net.c's; shell and cmd probes are processes of their own
 * (rt/proc.c: their own group, on the watchdog's list, killed at their
 * timeout and when the run ends), their output kept only as a last line for
 * the failure message. A readiness probe calls fs_app_task_ready once it
 * passes, or gives up after `retries` failures in a row; a liveness probe
 * stops the run after `retries` failures in a row, as a failure, so that the
 * restart policy decides what follows. Failures are told to the front end
 * when they change or reach `retries`, not at every check. Owns the probes'
 * state, timers and the checks in flight.
 */
#include <config.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "model/probe.h"
#include "rt/net.h"
#include "rt/proc.h"
#include "util/xalloc.h"

/* The last line of a probe process's output kept for the message. */
#define LAST_LINE_MAX 160

struct app_probe {
    struct app_task *at;
    const struct fs_probe *spec; /* the task's spec's */
    bool alive;                  /* a liveness probe; else readiness */
    bool on;                     /* the run is live and this probe checks it */
    bool matcher;                /* log: `lines` is compiled */
    struct fs_probe_lines lines;
    struct fs_timer *timer;    /* the next check */
    struct fs_timer *deadline; /* a process probe's timeout */
    struct fs_net *net;        /* a tcp or http check in flight */
    struct fs_proc *proc;      /* a shell or cmd check in flight */
    bool proc_exited;
    int proc_code, proc_sig;
    unsigned proc_open; /* its streams not at EOF yet */
    char last[LAST_LINE_MAX + 1];
    size_t last_len;
    bool last_done; /* `last` holds a whole line; the next byte starts another */
    unsigned failures;
    char *told; /* the failure last told to the front end, NULL when none */
};

static void check(struct app_probe *p);

/* ---- results ------------------------------------------------------------------------ */

static void
tell(struct app_probe *p, const char *error, bool final)
{
    struct fs_app *app = p->at->app;
    struct fs_probe_report r = {
        .alive = p->alive,
        .kind = fs_probe_kind_name(p->spec->kind),
        .failures = p->failures,
        .retries = p->spec->retries,
        .error = error,
        .final = final,
    };
    if (app->ops->task_probe != NULL)
        app->ops->task_probe(app->fe, &p->at->t, &r);
}

static void
passed(struct app_probe *p)
{
    struct app_task *at = p->at;
    p->failures = 0;
    if (p->told != NULL) {
        free(p->told);
        p->told = NULL;
        tell(p, NULL, false);
    }
    if (!p->alive) {
        /* A readiness probe is done once it passed. */
        p->on = false;
        fs_app_task_ready(at, fs_probe_kind_name(p->spec->kind));
        return;
    }
    fs_timer_start(p->timer, p->spec->interval);
}

static void
failed(struct app_probe *p, const char *why)
{
    struct app_task *at = p->at;
    if (at->t.st.state != FS_STATE_RUNNING) {
        /* The run is being stopped meanwhile: this failure is not the run's. */
        fs_timer_start(p->timer, p->spec->interval);
        return;
    }
    p->failures++;
    bool final = p->spec->retries > 0 && p->failures >= p->spec->retries;
    if (final || p->told == NULL || strcmp(p->told, why) != 0) {
        free(p->told);
        p->told = fs_xstrdup(why);
        tell(p, why, final);
    }
    if (!final) {
        fs_timer_start(p->timer, p->spec->interval);
        return;
    }
    p->on = false;
    if (!p->alive) {
        at->t.st.ready_gave_up = true;
        fs_app_deps_check(at->app);
        return;
    }
    free(at->end_reason);
    at->end_reason = fs_xasprintf("liveness probe %s failed %u times in a row: %s",
                                  fs_probe_kind_name(p->spec->kind), p->failures, why);
    fs_app_act(at, fs_task_unhealthy(&at->t, app_task_now(at)));
}

static void
on_net(void *arg, bool ok, const char *why)
{
    struct app_probe *p = arg;
    p->net = NULL;
    if (!p->on)
        return;
    if (ok) {
        passed(p);
        return;
    }
    char *msg = p->spec->kind == FS_PROBE_HTTP
                    ? fs_xasprintf("%s: %s", p->spec->url, why)
                    : fs_xasprintf("%s:%d: %s", p->spec->host ? p->spec->host : "127.0.0.1",
                                   p->spec->port, why);
    failed(p, msg);
    free(msg);
}

/* ---- process probes ------------------------------------------------------------------- */

static void
proc_output(void *arg, enum fs_stream stream, const char *data, size_t len)
{
    struct app_probe *p = arg;
    (void)stream;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n' || data[i] == '\r') {
            p->last_done = p->last_len > 0;
            continue;
        }
        if (p->last_done) {
            p->last_len = 0;
            p->last_done = false;
        }
        if (p->last_len < LAST_LINE_MAX && (unsigned char)data[i] >= 0x20)
            p->last[p->last_len++] = data[i];
    }
}

/* The process is over (exit status and every EOF in) or out of time. */
static void
proc_done(struct app_probe *p, bool timed_out)
{
    fs_timer_stop(p->deadline);
    fs_proc_release(p->proc); /* kills the group if anything of it is left */
    p->proc = NULL;
    if (!p->on)
        return;
    if (!timed_out && p->proc_code == 0 && p->proc_sig == 0) {
        passed(p);
        return;
    }
    p->last[p->last_len] = '\0';
    char *msg = timed_out     ? fs_xasprintf("no result within %gs", p->spec->timeout)
                : p->proc_sig ? fs_xasprintf("killed by signal %d", p->proc_sig)
                : p->last_len ? fs_xasprintf("exit %d: %s", p->proc_code, p->last)
                              : fs_xasprintf("exit %d", p->proc_code);
    failed(p, msg);
    free(msg);
}

static void
proc_eof(void *arg, enum fs_stream stream)
{
    struct app_probe *p = arg;
    (void)stream;
    if (p->proc_open > 0 && --p->proc_open == 0 && p->proc_exited)
        proc_done(p, false);
}

static void
proc_exit(void *arg, int code, int sig, const struct fs_usage *use)
{
    struct app_probe *p = arg;
    (void)use;
    p->proc_exited = true;
    p->proc_code = code;
    p->proc_sig = sig;
    if (p->proc_open == 0)
        proc_done(p, false);
}

static const struct fs_proc_cbs probe_proc_cbs = {
    .output = proc_output,
    .eof = proc_eof,
    .exit = proc_exit,
};

static void
on_deadline(void *arg)
{
    struct app_probe *p = arg;
    if (p->proc != NULL)
        proc_done(p, true);
}

static void
spawn_check(struct app_probe *p)
{
    const struct fs_task_spec *spec = &p->at->t.spec;
    char **argv = NULL;
    if (p->spec->kind == FS_PROBE_SHELL) {
        fs_strv_push(&argv, "/bin/sh");
        fs_strv_push(&argv, "-c");
        fs_strv_push(&argv, p->spec->shell);
    } else {
        argv = fs_strv_dup(p->spec->argv);
    }
    struct fs_proc_opts o = {
        .argv = argv,
        .cwd = spec->cwd,
        .env_set = spec->env_set,
        .env_unset = spec->env_unset,
        .stdin_fd = -1,
    };
    char *err = NULL;
    p->proc_exited = false;
    p->last_len = 0;
    p->last_done = false;
    int r = fs_proc_spawn(p->at->app->rt, &o, &probe_proc_cbs, p, &p->proc, &err);
    fs_strv_free(argv);
    if (r != 0) {
        p->proc = NULL;
        failed(p, err != NULL ? err : "cannot start");
        free(err);
        return;
    }
    p->proc_open = fs_proc_streams(p->proc);
    fs_timer_start(p->deadline, p->spec->timeout);
}

/* ---- scheduling --------------------------------------------------------------------- */

static void
check(struct app_probe *p)
{
    if (!p->on || p->net != NULL || p->proc != NULL)
        return;
    if (p->at->app->quitting)
        return;
    /* Not while it starts, stops or is paused (SIGSTOP) by hand. */
    if (p->at->t.st.state != FS_STATE_RUNNING || p->at->t.st.paused) {
        fs_timer_start(p->timer, p->spec->interval);
        return;
    }
    switch (p->spec->kind) {
    case FS_PROBE_LOG:
        break; /* it passes on output (fs_app_probe_output) */
    case FS_PROBE_TCP:
    case FS_PROBE_HTTP:
        p->net = fs_net_check(p->at->app->rt, p->spec->host, p->spec->port,
                              p->spec->kind == FS_PROBE_HTTP ? p->spec->path : NULL,
                              p->spec->timeout, on_net, p);
        break;
    case FS_PROBE_SHELL:
    case FS_PROBE_CMD:
        spawn_check(p);
        break;
    }
}

static void
on_timer(void *arg)
{
    check(arg);
}

static struct app_probe *
probe_new(struct app_task *at, const struct fs_probe *spec, bool alive)
{
    struct app_probe *p = fs_xcalloc(1, sizeof *p);
    p->at = at;
    p->spec = spec;
    p->alive = alive;
    p->timer = fs_timer_new(at->app->rt, on_timer, p);
    p->deadline = fs_timer_new(at->app->rt, on_deadline, p);
    if (spec->kind == FS_PROBE_LOG) {
        char *err = NULL;
        /* The reader compiled it already: this cannot fail but is checked. */
        p->matcher = fs_probe_lines_init(&p->lines, spec->pattern, &err) == 0;
        free(err);
    }
    return p;
}

/* Stops whatever the probe does; it may begin again with the next run. */
static void
probe_halt(struct app_probe *p)
{
    p->on = false;
    fs_timer_stop(p->timer);
    fs_timer_stop(p->deadline);
    fs_net_cancel(p->net);
    p->net = NULL;
    fs_proc_release(p->proc);
    p->proc = NULL;
}

void
fs_app_probes_begin(struct app_task *at)
{
    const struct fs_probe *specs[2] = {at->t.spec.ready_probe, at->t.spec.alive_probe};
    for (int i = 0; i < 2; i++) {
        if (specs[i] == NULL)
            continue;
        if (at->probes[i] == NULL)
            at->probes[i] = probe_new(at, specs[i], i == 1);
        struct app_probe *p = at->probes[i];
        probe_halt(p);
        p->on = true;
        p->failures = 0;
        free(p->told);
        p->told = NULL;
        if (p->matcher)
            fs_probe_lines_reset(&p->lines);
        if (specs[i]->kind != FS_PROBE_LOG)
            fs_timer_start(p->timer, specs[i]->initial_delay);
    }
}

void
fs_app_probe_output(struct app_task *at, enum fs_stream stream, const char *data, size_t len)
{
    struct app_probe *p = at->probes[0];
    if (p == NULL || !p->on || !p->matcher || stream == FS_STREAM_CHANNEL)
        return;
    if (fs_probe_lines_feed(&p->lines, stream == FS_STREAM_STDERR, data, len, at->on_pty))
        passed(p);
}

void
fs_app_probes_end(struct app_task *at)
{
    for (int i = 0; i < 2; i++)
        if (at->probes[i] != NULL)
            probe_halt(at->probes[i]);
}

void
fs_app_probes_free(struct app_task *at)
{
    for (int i = 0; i < 2; i++) {
        struct app_probe *p = at->probes[i];
        if (p == NULL)
            continue;
        probe_halt(p);
        fs_timer_free(p->timer);
        fs_timer_free(p->deadline);
        if (p->matcher)
            fs_probe_lines_fini(&p->lines);
        free(p->told);
        free(p);
        at->probes[i] = NULL;
    }
}
