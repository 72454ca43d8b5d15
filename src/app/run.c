/*
 * Running a session for a front end: the one start, run and free sequence of
 * both front ends (fs_app_run), and the thin services they use while it runs —
 * forkscope's own output queues, a weak timer, the hung-up terminal check — so
 * that no front end sees the runtime. It owns the runtime of the run.
 */
#include <config.h>

#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "rt/outq.h"
#include "rt/rt.h"
#include "util/xalloc.h"

/* What the runtime's callbacks of one run need. */
struct run {
    struct fs_app *app;
    const struct fs_app_run_opts *o;
    const struct fs_fe_ops *ops;
    void *fe;
};

/* Starts the runtime: NULL, with the reason on stderr, when it cannot start. */
static struct fs_rt *
runtime_new(void)
{
    char *err = NULL;
    struct fs_rt *rt = fs_rt_new(&err);
    if (rt == NULL) {
        fprintf(stderr, "forkscope: %s\n", err);
        free(err);
    }
    return rt;
}

/* Closes the runtime, turning a handle left open — a bug — into exit status 70
 * so the tests catch it, and a failed write of forkscope's own output (other
 * than EPIPE) into a message and status 1. */
static int
runtime_free(struct fs_rt *rt, int status)
{
    /* Output that could not be written is a failure of the session, said
     * after the fact: the queues have been written out (or failed) by now. */
    const char *what = NULL;
    int e = fs_rt_write_error(rt, &what);
    if (e != 0) {
        fprintf(stderr, "forkscope: writing %s: %s\n", what, strerror(e));
        if (status == 0)
            status = 1;
    }
    if (fs_rt_free(rt) != 0) {
        fprintf(stderr, "forkscope: internal error: the event loop did not close cleanly\n");
        return 70;
    }
    return status;
}

/* ---- the runtime's callbacks ----------------------------------------------------------- */

static void
on_quit_signal(void *arg, int sig)
{
    struct run *r = arg;
    if (r->o->quit_signal != NULL)
        r->o->quit_signal(r->fe, sig);
    fs_app_quit(r->app);
}

static void
on_signal(void *arg, int sig)
{
    struct run *r = arg;
    r->o->on_signal(r->fe, sig);
}

static void
on_commands(void *arg, const char *data, size_t len)
{
    struct run *r = arg;
    r->o->commands(r->fe, data, len);
    /* End of input: the session ends once every task has settled. */
    if (len == 0 && r->o->exit_when_settled)
        fs_app_set_exit_when_settled(r->app, true);
}

static void
on_keys(void *arg)
{
    struct run *r = arg;
    r->o->keys(r->fe);
}

/* ---- the run ------------------------------------------------------------------------------ */

/* A failure to set something up, told to the front end like any error. */
static void
setup_error(struct run *r, const char *what, int err)
{
    char *msg = fs_xasprintf("%s: %s", what, strerror(-err));
    r->ops->error(r->fe, NULL, msg);
    free(msg);
}

/* Watches the signals the front end follows: a failed extra one is told. */
static void
watch_signals(struct fs_rt *rt, struct run *r)
{
    const struct fs_app_run_opts *o = r->o;
    fs_rt_on_quit_signal(rt, on_quit_signal, r);
    if (o->signal == 0)
        return;
    int e = fs_rt_on_signal(rt, o->signal, on_signal, r);
    if (e != 0) {
        char *what = fs_xasprintf("%s will not be followed", o->signal_what);
        setup_error(r, what, e);
        free(what);
    }
}

/* Starts the tasks and standard input. Keys are watched before anything
 * starts: a screen that cannot read them could be neither driven nor quit but
 * by signals, so nothing starts and the app quits at once. Returns 0, or the
 * key watcher's error. */
static int
start(struct fs_rt *rt, struct run *r)
{
    const struct fs_app_run_opts *o = r->o;
    if (o->input == FS_APP_INPUT_KEYS) {
        int e = fs_rt_watch_input(rt, on_keys, r);
        if (e != 0) {
            fs_app_quit(r->app);
            return e;
        }
    }
    fs_app_start_all(r->app);
    bool settle = o->exit_when_settled;
    if (o->input == FS_APP_INPUT_COMMANDS) {
        int e = fs_rt_read_stdin(rt, on_commands, r);
        if (e == 0)
            settle = false; /* until standard input ends (on_commands) */
        else
            setup_error(r, "cannot read commands from standard input", e);
    }
    if (settle)
        fs_app_set_exit_when_settled(r->app, true);
    return 0;
}

int
fs_app_run(const struct fs_session *s, const struct fs_app_run_opts *o, const struct fs_fe_ops *ops,
           void *fe)
{
    struct fs_rt *rt = runtime_new();
    if (rt == NULL)
        return 1;
    struct run r = {fs_app_new(rt, s, ops, fe), o, ops, fe};
    if (o->ready != NULL)
        o->ready(fe, r.app);
    fs_app_trace_open(r.app);
    char *err = NULL;
    if (o->interval > 0 &&
        fs_app_set_sampling(r.app, o->interval, o->proc_root, o->sample_flags, &err) != 0) {
        ops->error(fe, NULL, err);
        free(err);
    }
    watch_signals(rt, &r);
    fs_app_set_send_wait(r.app, o->send_wait);
    int keys_failed = start(rt, &r);
    fs_rt_run(rt);

    int status = fs_app_exit_status(r.app);
    if (o->stopped != NULL)
        o->stopped(fe);
    if (keys_failed != 0) {
        fprintf(stderr, "forkscope: cannot watch the terminal for keys: %s\n",
                strerror(-keys_failed));
        status = 1;
    }
    fs_app_free(r.app);
    return runtime_free(rt, status);
}

/* ---- services while a session runs --------------------------------------------------------- */

static struct fs_outq *
queue(struct fs_app *app, enum fs_stream to)
{
    return to == FS_STREAM_STDERR ? fs_rt_stderr(app->rt) : fs_rt_stdout(app->rt);
}

void
fs_app_write(struct fs_app *app, enum fs_stream to, const char *data, size_t len)
{
    fs_outq_write(queue(app, to), data, len);
}

bool
fs_app_output_broken(struct fs_app *app, enum fs_stream to)
{
    return fs_outq_broken(queue(app, to));
}

bool
fs_app_terminal_gone(struct fs_app *app)
{
    return fs_rt_terminal_gone(app->rt);
}

struct fs_app_timer {
    struct fs_timer *timer;
};

struct fs_app_timer *
fs_app_timer_new(struct fs_app *app, void (*cb)(void *arg), void *arg)
{
    struct fs_app_timer *t = fs_xmalloc(sizeof *t);
    t->timer = fs_timer_new(app->rt, cb, arg);
    fs_timer_weak(t->timer);
    return t;
}

void
fs_app_timer_start(struct fs_app_timer *t, double seconds)
{
    fs_timer_start(t->timer, seconds);
}

void
fs_app_timer_free(struct fs_app_timer *t)
{
    if (t == NULL)
        return;
    fs_timer_free(t->timer);
    free(t);
}
