/*
 * Tracing node (doc/tracing.md): where forkscope's tracer module is, the
 * session's report channel (rt/trace.c) and the variables that point a task's
 * processes at both, and each report line parsed (jansson) into a
 * struct fs_trace_ev for the front end; and where forkscope's node files are
 * (the module, the lessons). It owns the module's path and the channel of the
 * session.
 */
#include <config.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app_int.h"
#include "model/kind.h"
#include "model/porttab.h"
#include "rt/trace.h"
#include "sample/sampler.h"
#include "util/exedir.h"
#include "util/signame.h"
#include "util/words.h"
#include "util/xalloc.h"

/* ---- the module --------------------------------------------------------------------------- */

/* The path, resolved (the module compares it with its own __filename), when
 * it can be read; NULL otherwise. Frees path. */
static char *
readable(char *path)
{
    char *real = access(path, R_OK) == 0 ? realpath(path, NULL) : NULL;
    free(path);
    return real;
}

char *
fs_app_data_find(const char *var, const char *name)
{
    const char *env = getenv(var);
    if (env != NULL && *env != '\0')
        return readable(fs_xstrdup(env));
    char *exe = fs_exe_dir(), *p = NULL;
    if (exe != NULL) {
        const char *const rel[] = {"/node/", "/../node/"};
        for (size_t i = 0; p == NULL && i < sizeof rel / sizeof rel[0]; i++)
            p = readable(fs_xasprintf("%s%s%s", exe, rel[i], name));
#ifdef FS_SRCDIR
        if (p == NULL)
            p = readable(fs_xasprintf("%s/node/%s", FS_SRCDIR, name));
#endif
    }
    free(exe);
    return p != NULL ? p : readable(fs_xasprintf("%s/%s", FS_DATADIR, name));
}

/* ---- the variables of a traced run ---------------------------------------------------- */

/* The value a variable of the run has: the spec's, else forkscope's own unless
 * the spec removes it; NULL when it has none. */
static const char *
run_value(const struct fs_task_spec *spec, const char *name)
{
    const char *own = fs_app_spec_var(spec, name);
    if (own != NULL)
        return own;
    for (char **e = spec->env_unset; e != NULL && *e != NULL; e++)
        if (strcmp(*e, name) == 0)
            return NULL;
    return getenv(name);
}

void
fs_app_trace_env(const struct app_task *at, char ***env)
{
    const struct fs_app *app = at->app;
    const struct fs_task_spec *spec = &at->t.spec;
    if (app->trace == NULL || !spec->trace || fs_kind_info(spec->kind)->in_process)
        return;
    const char *own = run_value(spec, "NODE_OPTIONS");
    /* The program's own options stay; the module is required after them. */
    char *opts = fs_xasprintf("NODE_OPTIONS=%s%s--require \"%s\"", own ? own : "",
                              own && *own ? " " : "", app->trace_js);
    size_t k = 0;
    for (char **e = *env; e != NULL && *e != NULL; e++)
        if (strncmp(*e, "NODE_OPTIONS=", 13) != 0)
            (*env)[k++] = *e;
        else
            free(*e);
    if (*env != NULL)
        (*env)[k] = NULL;
    fs_strv_push(env, opts);
    free(opts);
    char *e = fs_xasprintf("FORKSCOPE_TRACE=%s", fs_trace_fifo_path(app->trace));
    fs_strv_push(env, e);
    free(e);
    e = fs_xasprintf("FORKSCOPE_TRACE_TASK=%s", spec->name);
    fs_strv_push(env, e);
    free(e);
    /* A channel to forkscope itself (a fork task's) is told by forkscope. */
    e = fs_xasprintf("FORKSCOPE_TRACE_SELF=%ld", (long)getpid());
    fs_strv_push(env, e);
    free(e);
}

/* ---- reports --------------------------------------------------------------------------------- */

static long long
num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static const char *
str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static struct fs_trace_end
end_of(const json_t *o, const char *key)
{
    const json_t *e = json_object_get(o, key);
    struct fs_trace_end end = {
        num(e, "pid"), num(e, "thread_id"), json_is_true(json_object_get(e, "port")),
        json_is_true(json_object_get(e, "kid")), json_is_true(json_object_get(e, "parent"))};
    return end;
}

static const struct {
    const char *ev;
    enum fs_trace_kind kind;
} kinds[] = {
    {"child", FS_TRACE_CHILD},     {"child-exit", FS_TRACE_CHILD_EXIT}, {"thread", FS_TRACE_THREAD},
    {"message", FS_TRACE_MESSAGE}, {"messages", FS_TRACE_MESSAGES},     {"shared", FS_TRACE_SHARED},
    {"note", FS_TRACE_NOTE},
};

static int
kind_of(const char *ev, enum fs_trace_kind *kind)
{
    for (size_t i = 0; ev != NULL && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].ev, ev) == 0) {
            *kind = kinds[i].kind;
            return 0;
        }
    return -1;
}

/* The fields every kind may have, read once. */
static void
fill(struct fs_trace_ev *ev, const json_t *o)
{
    const json_t *err = json_object_get(o, "error");
    ev->pid = num(o, "pid");
    ev->thread_id = num(o, "of");
    ev->tid = num(o, "tid");
    ev->api = str(o, "api");
    ev->code = num(o, "code");
    ev->signal = str(o, "signal");
    ev->state = str(o, "state");
    ev->script = str(o, "script");
    ev->err_code = str(err, "code") ? str(err, "code") : str(err, "name");
    ev->err_msg = str(err, "msg");
    ev->from = end_of(o, "from");
    ev->to = end_of(o, "to");
    ev->bytes = num(o, "bytes");
    ev->count = num(o, "count");
    ev->kept = num(o, "kept");
    ev->cut =
        json_is_true(json_object_get(o, "cut")) || json_is_true(json_object_get(o, "argv_cut"));
    ev->sampled = json_is_true(json_object_get(o, "sampled"));
    ev->what = ev->kind == FS_TRACE_SHARED ? str(o, "how") : str(o, "what");
    if (ev->kind == FS_TRACE_CHILD || ev->kind == FS_TRACE_CHILD_EXIT) {
        ev->ppid = ev->pid;
        ev->pid = num(o, "child");
    }
}

static struct app_task *
task_named(struct fs_app *app, const char *name)
{
    for (size_t i = 0; name != NULL && i < app->ntasks; i++)
        if (strcmp(app->tasks[i]->t.spec.name, name) == 0)
            return app->tasks[i];
    return NULL;
}

/* A message on a channel of forkscope's own (a fork task's): the channel
 * already tells it. */
static bool
own_channel(const struct fs_trace_ev *ev)
{
    long long me = (long long)getpid();
    return ev->from.pid == me || ev->to.pid == me;
}

/* A traced child's API, for its row in the tree once a sample has seen it.
 * The oldest waiting note gives way when the list is full. */
static void
note_child(struct fs_app *app, const struct app_task *at, long long pid, const char *api)
{
    size_t cap = sizeof app->trace_notes / sizeof app->trace_notes[0];
    if (app->sampler == NULL)
        return;
    if (app->ntrace_notes == cap) {
        memmove(app->trace_notes, app->trace_notes + 1, (cap - 1) * sizeof app->trace_notes[0]);
        app->ntrace_notes--;
    }
    struct app_trace_note *n = &app->trace_notes[app->ntrace_notes++];
    n->at = at;
    n->pid = (int)pid;
    snprintf(n->api, sizeof n->api, "%s", api);
    n->tries = 0;
}

void
fs_app_trace_notes(struct fs_app *app)
{
    size_t kept = 0;
    for (size_t i = 0; i < app->ntrace_notes; i++) {
        struct app_trace_note *n = &app->trace_notes[i];
        /* A child not seen in three samples ended before one could (or it is
         * not below its task): its note is dropped. */
        int r = fs_sampler_set_note(app->sampler, n->at, n->pid, n->api);
        if (r == -ESRCH && ++n->tries < 3)
            app->trace_notes[kept++] = *n;
    }
    app->ntrace_notes = kept;
}

/* A traced child's end, as its parent saw it: its row in the tree says how it
 * ended, though forkscope did not reap it. */
static void
child_ended(struct fs_app *app, const struct app_task *at, const struct fs_trace_ev *ev)
{
    int sig = ev->signal != NULL ? fs_signum(ev->signal) : -1;
    int status;
    if (sig > 0)
        status = sig & 0x7f; /* a wait status: killed by sig */
    else if (ev->code >= 0)
        status = (int)(ev->code & 0xff) << 8; /* exited with code */
    else
        return;
    if (app->sampler != NULL && ev->pid > 0)
        fs_sampler_ended(app->sampler, at, (pid_t)ev->pid, status, fs_app_now(app));
}

/* ---- ports handed over in messages (model/porttab.h) ---------------------------------- */

#define PORTS_MAX 2048 /* entries of the session's port table */

/* A report of the ports a message moves or brought: kept in the table, not
 * told. */
static bool
port_report(struct fs_app *app, const json_t *o)
{
    const char *ev = str(o, "ev");
    long long pid = num(o, "pid");
    if (ev == NULL || strncmp(ev, "port-", 5) != 0)
        return false;
    if (strcmp(ev, "port-in") == 0) {
        fs_porttab_arrive(app->trace_ports, pid, str(o, "via"), str(o, "k"), num(o, "n"),
                          num(o, "i"), str(o, "as"));
    } else {
        const json_t *ends = json_object_get(o, "ends");
        const char *names[64];
        size_t n = 0;
        for (; n < json_array_size(ends) && n < sizeof names / sizeof names[0]; n++)
            names[n] = json_string_value(json_array_get(ends, n));
        if (strcmp(ev, "port-move") == 0)
            fs_porttab_move(app->trace_ports, pid, str(o, "via"), str(o, "k"), num(o, "n"), names,
                            n);
        else if (strcmp(ev, "port-stay") == 0)
            fs_porttab_stay(app->trace_ports, pid, num(o, "thread_id"), names, n);
    }
    return true;
}

/* A message posted on a port whose far end the table knows: to that thread. */
static void
port_peer(struct fs_app *app, const json_t *o, struct fs_trace_ev *ev)
{
    if (ev->kind == FS_TRACE_THREAD && ev->state != NULL && strcmp(ev->state, "start") == 0)
        fs_porttab_worker(app->trace_ports, ev->pid, ev->thread_id, num(o, "thread_id"));
    if ((ev->kind != FS_TRACE_MESSAGE && ev->kind != FS_TRACE_MESSAGES) || !ev->to.port)
        return;
    long long t = fs_porttab_peer(app->trace_ports, ev->pid, str(json_object_get(o, "to"), "end"));
    if (t >= 0) {
        ev->to.thread_id = t;
        ev->to.port = false;
    }
}

static void
on_line(void *arg, const char *line, size_t len)
{
    struct fs_app *app = arg;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
    struct fs_trace_ev ev = {0};
    struct app_task *at = task_named(app, str(o, "task"));
    if (o != NULL && at != NULL && port_report(app, o)) {
        json_decref(o);
        return;
    }
    if (o == NULL || at == NULL || kind_of(str(o, "ev"), &ev.kind) != 0 ||
        app->ops->task_trace == NULL) {
        app->trace_bad += o == NULL || at == NULL;
        json_decref(o);
        return;
    }
    fill(&ev, o);
    port_peer(app, o, &ev);
    char *argv = NULL, *msg = NULL;
    if (ev.kind == FS_TRACE_CHILD)
        ev.argv = argv = json_dumps(json_object_get(o, "argv"), JSON_COMPACT | JSON_ENCODE_ANY);
    if (ev.kind == FS_TRACE_MESSAGE)
        ev.msg = msg =
            json_dumps(json_object_get(o, ev.cut ? "head" : "msg"), JSON_COMPACT | JSON_ENCODE_ANY);
    if (ev.kind == FS_TRACE_CHILD && ev.api != NULL && ev.pid > 0)
        note_child(app, at, ev.pid, ev.api);
    if (ev.kind == FS_TRACE_CHILD_EXIT)
        child_ended(app, at, &ev);
    if (!((ev.kind == FS_TRACE_MESSAGE || ev.kind == FS_TRACE_MESSAGES) && own_channel(&ev)))
        app->ops->task_trace(app->fe, &at->t, &ev);
    free(argv);
    free(msg);
    json_decref(o);
}

/* One end as a person would name it, from the reporting process. */
static void
end_name(const struct fs_trace_ev *ev, const struct fs_trace_end *e, char *buf, size_t n)
{
    if (e->pid == ev->pid && e->thread_id == 0)
        snprintf(buf, n, "main");
    else if (e->pid == ev->pid && e->thread_id > 0)
        snprintf(buf, n, "worker %lld", e->thread_id);
    else if (e->pid == ev->pid)
        snprintf(buf, n, "port");
    else
        snprintf(buf, n, "%s %lld", e->kid ? "kid" : e->parent ? "parent" : "pid", e->pid);
}

void
fs_app_trace_route(const struct fs_trace_ev *ev, char *buf, size_t n)
{
    char from[48], to[48];
    end_name(ev, &ev->from, from, sizeof from);
    /* A child's message to its parent: the sender is the kid. */
    if (ev->to.parent && ev->from.thread_id == 0)
        snprintf(from, sizeof from, "kid %lld", ev->from.pid);
    end_name(ev, &ev->to, to, sizeof to);
    snprintf(buf, n, "%s \u2192 %s", from, to);
}

/* ---- the channel --------------------------------------------------------------------------- */

void
fs_app_trace_open(struct fs_app *app)
{
    bool wanted = false;
    for (size_t i = 0; i < app->ntasks; i++)
        wanted |= app->tasks[i]->t.spec.trace;
    if (!wanted || (app->trace_js = fs_app_data_find("FORKSCOPE_TRACE_JS", "trace.js")) == NULL)
        return;
    char *err = NULL;
    app->trace = fs_trace_fifo_new(app->rt, on_line, app, &err);
    if (app->trace != NULL)
        app->trace_ports = fs_porttab_new(PORTS_MAX);
    if (app->trace == NULL) {
        char *msg = fs_xasprintf("node programs are not traced: %s", err);
        app->ops->error(app->fe, NULL, msg);
        free(msg);
        free(err);
    }
}

void
fs_app_trace_drain(struct fs_app *app)
{
    if (app->trace != NULL)
        fs_trace_fifo_drain(app->trace);
}

void
fs_app_trace_close(struct fs_app *app)
{
    if (app->trace == NULL) {
        free(app->trace_js);
        app->trace_js = NULL;
        return;
    }
    fs_trace_fifo_drain(app->trace);
    unsigned long long cut = fs_trace_fifo_dropped(app->trace);
    if ((cut > 0 || app->trace_bad > 0) && app->ops->error != NULL) {
        char *msg = fs_xasprintf("node's reports: %llu lines over %d bytes dropped, %llu not "
                                 "understood",
                                 cut, FS_TRACE_LINE_MAX, app->trace_bad);
        app->ops->error(app->fe, NULL, msg);
        free(msg);
    }
    fs_trace_fifo_free(app->trace);
    app->trace = NULL;
    fs_porttab_free(app->trace_ports);
    app->trace_ports = NULL;
    free(app->trace_js);
    app->trace_js = NULL;
}
