/*
 * The headless text printer (doc/headless.md, "Text mode"): each line of a
 * task's output as `NAME | line` on forkscope's standard output, or standard
 * error for the task's, and each lifecycle event as a `NAME * what` line on
 * standard error. It owns nothing but its fs_fe_ops table.
 */
#include <config.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headless/headless_int.h"
#include "model/deps.h"
#include "util/signame.h"
#include "util/xalloc.h"

/* `NAME | line`: the task's name, the mark, then lead and data. */
static void
text_line(struct hl *hl, const struct fs_task *t, enum fs_stream to, char mark, const char *lead,
          const char *data, size_t len)
{
    char prefix[256];
    int n = snprintf(prefix, sizeof prefix, "%-*s %c %s", hl->name_width, t->spec.name, mark, lead);
    if (n < 0)
        return;
    fs_app_write(hl->app, to, prefix, (size_t)n < sizeof prefix ? (size_t)n : sizeof prefix - 1);
    fs_app_write(hl->app, to, data, len);
    fs_app_write(hl->app, to, "\n", 1);
}

static void status_line(struct hl *hl, const struct fs_task *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A lifecycle line, on standard error. */
static void
status_line(struct hl *hl, const struct fs_task *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = fs_xvasprintf(fmt, ap);
    va_end(ap);
    text_line(hl, t, FS_STREAM_STDERR, '*', "", msg, strlen(msg));
    free(msg);
}

/* A line of a task's output, on the stream it came from. */
static void
text_output_line(struct hl *hl, const struct fs_task *t, enum fs_stream stream, const char *line,
                 size_t len, unsigned flags)
{
    text_line(hl, t, stream, (flags & FS_LINE_SPLIT) ? '+' : '|', "", line, len);
}

static void
text_start(void *fe, const struct fs_task *t)
{
    struct hl *hl = fe;
    char *cmd = fs_task_spec_describe(&t->spec);
    if (t->spec.pool_size > 0)
        status_line(hl, t, "pool of %u started: %zu jobs of %s", t->spec.pool_size, t->spec.njobs,
                    cmd);
    else
        status_line(hl, t, "started (pid %d): %s", t->st.pid, cmd);
    free(cmd);
}

static void
text_exit(void *fe, const struct fs_task *t, const char *reason)
{
    struct hl *hl = fe;
    const char *sig = t->st.term_signal ? fs_signame(t->st.term_signal) : NULL;
    const struct fs_pool_counts *pc = fs_app_pool(hl->app, t);
    if (pc != NULL) {
        char up[48] = "";
        if (pc->up > 0)
            snprintf(up, sizeof up, " (the last started at %.3fs)", pc->up);
        status_line(hl, t, "%zu jobs: %zu done, %zu failed, %zu cancelled, in %.3fs%s", pc->jobs,
                    pc->done, pc->failed, pc->queued, pc->ended - pc->started, up);
    }
    if (t->st.term_signal)
        status_line(hl, t, "killed by %s%s%s", sig ? sig : "a signal", reason ? ": " : "",
                    reason ? reason : "");
    else
        status_line(hl, t, "exited with code %d%s%s", t->st.exit_code, reason ? ": " : "",
                    reason ? reason : "");
}

static void
text_job(void *fe, const struct fs_task *pool, const struct fs_task *member, long long job,
         enum fs_job_event ev, double elapsed, const char *error)
{
    struct hl *hl = fe;
    static const char *const states[] = {"start", "done", "failed"};
    if (ev == FS_JOB_START)
        status_line(hl, pool, "job %lld started on %s", job, member->spec.name);
    else
        status_line(hl, pool, "job %lld %s on %s in %.3fs%s%s", job, states[ev], member->spec.name,
                    elapsed, error ? ": " : "", error ? error : "");
}

static void
text_restart(void *fe, const struct fs_task *t, double delay)
{
    status_line(fe, t, "restarting in %gs (attempt %u)", delay, t->st.attempt);
}

static void
text_waiting(void *fe, const struct fs_task *t)
{
    char *list = NULL;
    for (size_t k = 0; k < t->spec.ndeps; k++) {
        char *old = list;
        list = fs_xasprintf("%s%s%s (%s)", old ? old : "", old ? ", " : "", t->spec.deps[k].task,
                            fs_dep_cond_name(t->spec.deps[k].cond));
        free(old);
    }
    status_line(fe, t, "waiting for %s", list ? list : "nothing");
    free(list);
}

static void
text_blocked(void *fe, const struct fs_task *t, const struct fs_dep *dep, const char *reason)
{
    status_line(fe, t, "blocked: %s (%s) can no longer hold: %s", dep->task,
                fs_dep_cond_name(dep->cond), reason);
}

static void
text_ready(void *fe, const struct fs_task *t, const char *how)
{
    struct hl *hl = fe;
    status_line(hl, t, "ready (%s probe, after %.3fs)", how,
                fs_app_now(hl->app) - t->st.started_at);
}

static void
text_probe(void *fe, const struct fs_task *t, const struct fs_probe_report *r)
{
    if (r->error == NULL)
        return;
    const char *what = r->alive ? "liveness" : "readiness";
    if (!r->final)
        status_line(fe, t, "%s probe %s failed (%u in a row): %s", what, r->kind, r->failures,
                    r->error);
    else if (r->alive)
        status_line(fe, t, "unhealthy: %s probe %s failed %u times in a row: %s", what, r->kind,
                    r->failures, r->error);
    else
        status_line(fe, t, "not ready: %s probe %s gave up after %u failures: %s", what, r->kind,
                    r->failures, r->error);
}

static void
text_error(void *fe, const struct fs_task *t, const char *msg)
{
    struct hl *hl = fe;
    char *line = fs_xasprintf("forkscope: %s\n", msg);
    fs_app_write(hl->app, FS_STREAM_STDERR, line, strlen(line));
    free(line);
}

/* `NAME = -> {...}`: the message's value as compact JSON. */
static void
text_message(void *fe, const struct fs_task *t, const struct fs_msg *m)
{
    struct hl *hl = fe;
    const char *arrow = m->dir == FS_MSG_IN ? "<-" : "->";
    /* The fast path: a plain JSON message is printed as the child wrote it. */
    if (hl_verbatim(m)) {
        text_line(hl, t, FS_STREAM_STDOUT, '=', m->dir == FS_MSG_IN ? "<- " : "-> ", m->data,
                  m->len);
        return;
    }
    char *err = NULL;
    json_t *msg = (m->flags & FS_IPC_BAD) ? NULL : fs_ipc_display(m->mode, m->data, m->len, &err);
    char *text = msg != NULL ? json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *line = text != NULL
                     ? fs_xasprintf("%s %s%s", arrow, text, m->internal ? "  (internal)" : "")
                     : fs_xasprintf("%s bad frame of %zu bytes", arrow, m->size);
    if (m->fds != NULL) {
        char what[160];
        char *with =
            fs_xasprintf("%s  (passed: %s)", line, fs_passfd_describe(m->fds, what, sizeof what));
        free(line);
        line = with;
    }
    text_line(hl, t, FS_STREAM_STDOUT, '=', "", line, strlen(line));
    free(line);
    free(text);
    json_decref(msg);
    free(err);
}

/* How a traced child or thread ended: "exited 3", "killed by SIGTERM". */
static char *
trace_end_text(const struct fs_trace_ev *ev)
{
    char *end = ev->signal != NULL ? fs_xasprintf("killed by %s", ev->signal)
                : ev->code >= 0    ? fs_xasprintf("exited %lld", ev->code)
                                   : fs_xasprintf("%s", ev->state ? ev->state : "ended");
    if (ev->err_code == NULL && ev->err_msg == NULL)
        return end;
    char *with = fs_xasprintf("%s, error %s: %s", end, ev->err_code ? ev->err_code : "?",
                              ev->err_msg ? ev->err_msg : "");
    free(end);
    return with;
}

/* `NAME ~ what node did`: one readable line per report of its tracer. */
static char *
trace_text(const struct fs_trace_ev *ev)
{
    char route[128];
    fs_app_trace_route(ev, route, sizeof route);
    switch (ev->kind) {
    case FS_TRACE_CHILD:
        return fs_xasprintf("child %lld started by %lld with %s %s", ev->pid, ev->ppid,
                            ev->api ? ev->api : "?", ev->argv ? ev->argv : "[]");
    case FS_TRACE_CHILD_EXIT: {
        char *end = trace_end_text(ev);
        char *s = fs_xasprintf("child %lld (%s) %s", ev->pid, ev->api ? ev->api : "?", end);
        free(end);
        return s;
    }
    case FS_TRACE_THREAD:
        if (ev->state != NULL && strcmp(ev->state, "start") == 0)
            return fs_xasprintf("worker %lld of %lld started: %s", ev->thread_id, ev->pid,
                                ev->script ? ev->script : "?");
        if (ev->state != NULL && strcmp(ev->state, "online") == 0)
            return fs_xasprintf("worker %lld of %lld online (tid %lld)", ev->thread_id, ev->pid,
                                ev->tid);
        char *end = trace_end_text(ev);
        char *s = fs_xasprintf("worker %lld of %lld %s", ev->thread_id, ev->pid, end);
        free(end);
        return s;
    case FS_TRACE_MESSAGE:
        return fs_xasprintf("%s %s%s", route, ev->msg ? ev->msg : "null",
                            ev->cut ? "... (cut)" : "");
    case FS_TRACE_MESSAGES:
        return fs_xasprintf("%s %lld more messages, %lld bytes", route, ev->count, ev->bytes);
    case FS_TRACE_SHARED:
        return fs_xasprintf("%s SharedArrayBuffer of %lld bytes (%s)", route, ev->bytes,
                            ev->what ? ev->what : "?");
    case FS_TRACE_NOTE:
        break;
    }
    return fs_xasprintf("tracer of %lld: %s", ev->pid, ev->what ? ev->what : "?");
}

static void
text_trace(void *fe, const struct fs_task *t, const struct fs_trace_ev *ev)
{
    char *line = trace_text(ev);
    text_line(fe, t, FS_STREAM_STDOUT, '~', "", line, strlen(line));
    free(line);
}

/* The first quit signal is said on standard error; SIGPIPE is not: a reader
 * that went away is a quiet stop. */
static void
text_quit_signal(void *fe, int sig)
{
    struct hl *hl = fe;
    hl->quit_signals++;
    if (sig == SIGPIPE || hl->quit_signals != 1)
        return;
    const char *name = fs_signame(sig);
    char *msg = fs_xasprintf("forkscope: %s: stopping every task (again to kill them)\n",
                             name ? name : "signal");
    fs_app_write(hl->app, FS_STREAM_STDERR, msg, strlen(msg));
    free(msg);
}

/* No task_pty: headless tasks run on pipes, to keep stdout and stderr apart.
 * No samples: text shows no /proc figures. */
static const struct fs_fe_ops text_ops = {
    .task_start = text_start,
    .task_output = hl_output,
    .task_eof = hl_eof,
    .task_exit = text_exit,
    .task_restart = text_restart,
    .task_waiting = text_waiting,
    .task_blocked = text_blocked,
    .error = text_error,
    .task_message = text_message,
    .task_job = text_job,
    .task_ready = text_ready,
    .task_probe = text_probe,
    .task_trace = text_trace,
};

const struct hl_mode hl_text_mode = {
    .ops = &text_ops,
    .line = text_output_line,
    .stderr_apart = true,
    .quit_signal = text_quit_signal,
    .sample_flags = 0,
};
