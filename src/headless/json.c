/*
 * The headless JSON printer (doc/headless.md, "JSON mode"): one event a line on
 * forkscope's standard output, built with jansson — output lines, lifecycle
 * events, samples, pool jobs and channel messages. Plain JSON messages are
 * spliced as the task wrote them after an envelope it keeps printed in the
 * front end's ebuf.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "headless/headless_int.h"
#include "model/deps.h"
#include "sample/sampler.h"
#include "util/signame.h"
#include "util/utf8.h"

/* Seconds, rounded to the millisecond. */
static double
round_ms(double s)
{
    return (double)(long long)(s * 1000.0 + 0.5) / 1000.0;
}

/* Seconds since the start, to the millisecond. */
static double
event_time(struct hl *hl)
{
    return round_ms(fs_app_now(hl->app));
}

static json_t *
event_new(struct hl *hl, const char *ev, const struct fs_task *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "t", json_real(event_time(hl)));
    json_object_set_new(o, "ev", json_string(ev));
    if (t != NULL)
        json_object_set_new(o, "task", json_string(t->spec.name));
    return o;
}

static void
event_emit(struct hl *hl, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(o);
    if (s == NULL)
        return;
    size_t n = strlen(s);
    s[n] = '\n';
    fs_app_write(hl->app, FS_STREAM_STDOUT, s, n + 1);
    free(s);
}

/* A JSON string from bytes that may not be UTF-8; *escaped says whether
 * invalid bytes were written as \xNN (and backslashes doubled). */
static json_t *
json_bytes(const char *data, size_t len, bool *escaped)
{
    *escaped = !fs_utf8_valid(data, len) || memchr(data, '\0', len) != NULL;
    if (!*escaped)
        return json_stringn(data, len);
    size_t n;
    char *e = fs_utf8_escape(data, len, &n);
    json_t *j = json_stringn(e, n);
    free(e);
    return j;
}

static json_t *
json_seconds(double s)
{
    return json_real(round_ms(s));
}

/* A figure that may be unknown (NAN), rounded to 0.1. */
static json_t *
json_figure(double v)
{
    if (v != v)
        return json_null();
    return json_real((double)(long long)(v * 10.0 + (v < 0 ? -0.5 : 0.5)) / 10.0);
}

/* ---- output and lifecycle events ---------------------------------------------------------- */

static void
json_output_line(struct hl *hl, const struct fs_task *t, enum fs_stream stream, const char *line,
                 size_t len, unsigned flags)
{
    json_t *o = event_new(hl, "output", t);
    bool escaped;
    json_object_set_new(o, "stream", json_string(stream == FS_STREAM_STDOUT ? "stdout" : "stderr"));
    json_object_set_new(o, "data", json_bytes(line, len, &escaped));
    if (escaped)
        json_object_set_new(o, "escaped", json_true());
    if (flags & FS_LINE_SPLIT)
        json_object_set_new(o, "split", json_true());
    if (flags & FS_LINE_NOEOL)
        json_object_set_new(o, "noeol", json_true());
    event_emit(hl, o);
}

static void
json_start(void *fe, const struct fs_task *t)
{
    struct hl *hl = fe;
    char *cmd = fs_task_spec_describe(&t->spec);
    bool pool = t->spec.pool_size > 0;
    json_t *o = event_new(hl, "start", t);
    json_object_set_new(o, "kind", json_string(fs_kind_name(t->spec.kind)));
    json_object_set_new(o, "pid", pool ? json_null() : json_integer(t->st.pid));
    if (pool) {
        json_object_set_new(o, "pool", json_integer(t->spec.pool_size));
        json_object_set_new(o, "jobs", json_integer((json_int_t)t->spec.njobs));
    }
    bool escaped;
    json_object_set_new(o, "cmd", json_bytes(cmd, strlen(cmd), &escaped));
    if (t->st.restarts > 0)
        json_object_set_new(o, "restarts", json_integer(t->st.restarts));
    event_emit(hl, o);
    free(cmd);
}

/* A pool's counts, on its exit event. */
static void
pool_counts(json_t *o, const struct fs_pool_counts *pc)
{
    json_object_set_new(o, "jobs", json_integer((json_int_t)pc->jobs));
    json_object_set_new(o, "done", json_integer((json_int_t)pc->done));
    json_object_set_new(o, "failed", json_integer((json_int_t)pc->failed));
    json_object_set_new(o, "cancelled", json_integer((json_int_t)pc->queued));
    json_object_set_new(o, "elapsed", json_seconds(pc->ended - pc->started));
    if (pc->up > 0)
        json_object_set_new(o, "up", json_seconds(pc->up));
    if (pc->sampled)
        json_object_set_new(o, "peak_rss", json_integer((json_int_t)pc->peak_rss));
}

static void
json_exit(void *fe, const struct fs_task *t, const char *reason)
{
    struct hl *hl = fe;
    const char *sig = t->st.term_signal ? fs_signame(t->st.term_signal) : NULL;
    const struct fs_pool_counts *pc = fs_app_pool(hl->app, t);
    json_t *o = event_new(hl, "exit", t);
    json_object_set_new(o, "pid", pc != NULL ? json_null() : json_integer(t->st.pid));
    json_object_set_new(o, "code", t->st.term_signal ? json_null() : json_integer(t->st.exit_code));
    if (t->st.term_signal)
        json_object_set_new(o, "signal", sig ? json_string(sig) : json_integer(t->st.term_signal));
    else
        json_object_set_new(o, "signal", json_null());
    if (reason != NULL)
        json_object_set_new(o, "reason", json_string(reason));
    if (t->st.have_usage) {
        /* wait4's figures: a worker thread and a pool have none of their own. */
        json_object_set_new(o, "cpu", json_seconds(t->st.usage.cpu));
        json_object_set_new(o, "max_rss", json_integer((json_int_t)t->st.usage.max_rss));
    }
    if (pc != NULL)
        pool_counts(o, pc);
    event_emit(hl, o);
}

static void
json_job(void *fe, const struct fs_task *pool, const struct fs_task *member, long long job,
         enum fs_job_event ev, double elapsed, const char *error)
{
    struct hl *hl = fe;
    static const char *const states[] = {"start", "done", "failed"};
    json_t *o = event_new(hl, "job", pool);
    json_object_set_new(o, "job", json_integer(job));
    json_object_set_new(o, "worker", json_string(member->spec.name));
    json_object_set_new(o, "state", json_string(states[ev]));
    if (ev != FS_JOB_START)
        json_object_set_new(o, "elapsed", json_seconds(elapsed));
    if (error != NULL) {
        bool escaped;
        json_object_set_new(o, "error", json_bytes(error, strlen(error), &escaped));
    }
    event_emit(hl, o);
}

static void
json_restart(void *fe, const struct fs_task *t, double delay)
{
    struct hl *hl = fe;
    json_t *o = event_new(hl, "restart", t);
    json_object_set_new(o, "delay", json_real(delay));
    json_object_set_new(o, "attempt", json_integer(t->st.attempt));
    event_emit(hl, o);
}

/* A task waits for its dependencies: "for" lists its conditions. */
static void
json_waiting(void *fe, const struct fs_task *t)
{
    json_t *o = event_new(fe, "waiting", t), *list = json_array();
    for (size_t k = 0; k < t->spec.ndeps; k++)
        json_array_append_new(list, json_pack("{s:s,s:s}", "task", t->spec.deps[k].task,
                                              "condition", fs_dep_cond_name(t->spec.deps[k].cond)));
    json_object_set_new(o, "for", list);
    event_emit(fe, o);
}

static void
json_blocked(void *fe, const struct fs_task *t, const struct fs_dep *dep, const char *reason)
{
    json_t *o = event_new(fe, "blocked", t);
    json_object_set_new(o, "dep", json_string(dep->task));
    json_object_set_new(o, "condition", json_string(fs_dep_cond_name(dep->cond)));
    json_object_set_new(o, "reason", json_string(reason));
    event_emit(fe, o);
}

/* A readiness probe passed: which, and how long after the run's start. */
static void
json_ready(void *fe, const struct fs_task *t, const char *how)
{
    struct hl *hl = fe;
    json_t *o = event_new(hl, "ready", t);
    json_object_set_new(o, "probe", json_string(how));
    json_object_set_new(o, "after", json_seconds(fs_app_now(hl->app) - t->st.started_at));
    event_emit(hl, o);
}

/* A probe's failure: probe_failed while it tries again, not_ready when a
 * readiness probe gave up, unhealthy when a liveness probe stops the run. A
 * pass after failures is not an event. */
static void
json_probe(void *fe, const struct fs_task *t, const struct fs_probe_report *r)
{
    struct hl *hl = fe;
    if (r->error == NULL)
        return;
    const char *ev = !r->final ? "probe_failed" : r->alive ? "unhealthy" : "not_ready";
    json_t *o = event_new(hl, ev, t);
    if (!r->final)
        json_object_set_new(o, "for", json_string(r->alive ? "alive" : "ready"));
    json_object_set_new(o, "probe", json_string(r->kind));
    json_object_set_new(o, "failures", json_integer(r->failures));
    bool escaped;
    json_object_set_new(o, "error", json_bytes(r->error, strlen(r->error), &escaped));
    event_emit(hl, o);
}

static void
json_error(void *fe, const struct fs_task *t, const char *msg)
{
    struct hl *hl = fe;
    json_t *o = event_new(hl, "error", t);
    bool escaped;
    json_object_set_new(o, "msg", json_bytes(msg, strlen(msg), &escaped));
    event_emit(hl, o);
}

/* A session file's warning ("PATH:LINE:COL: warning: what"), as it was printed
 * on standard error. */
static void
json_warning(struct hl *hl, const char *msg)
{
    json_t *o = event_new(hl, "warning", NULL);
    bool escaped;
    json_object_set_new(o, "msg", json_bytes(msg, strlen(msg), &escaped));
    event_emit(hl, o);
}

/* One descendant of task t: a `sample` event with "descendant":true. Its
 * exit status is there once it ended, when forkscope reaped it. */
static void
json_descendant(struct hl *hl, const struct fs_task *t, const struct fs_desc *d)
{
    json_t *o = event_new(hl, "sample", t);
    char state[2] = {d->state, '\0'};
    bool escaped;
    json_object_set_new(o, "descendant", json_true());
    json_object_set_new(o, "pid", json_integer(d->pid));
    json_object_set_new(o, "ppid", json_integer(d->ppid));
    json_object_set_new(o, "depth", json_integer(d->depth));
    json_object_set_new(o, "cmd", json_bytes(d->cmd, strlen(d->cmd), &escaped));
    if (escaped)
        json_object_set_new(o, "escaped", json_true());
    json_object_set_new(o, "state", json_string(state));
    json_object_set_new(o, "cpu", json_figure(d->cpu));
    json_object_set_new(o, "rss", json_integer((json_int_t)d->rss));
    json_object_set_new(o, "threads", json_integer(d->threads));
    if (d->note != NULL)
        json_object_set_new(o, "note", json_string(d->note));
    if (d->ended) {
        json_object_set_new(o, "ended", json_true());
        if (d->have_status) {
            bool exited = WIFEXITED(d->status);
            int sig = WIFSIGNALED(d->status) ? WTERMSIG(d->status) : 0;
            const char *name = sig ? fs_signame(sig) : NULL;
            json_object_set_new(o, "code",
                                exited ? json_integer(WEXITSTATUS(d->status)) : json_null());
            json_object_set_new(o, "signal",
                                name  ? json_string(name)
                                : sig ? json_integer(sig)
                                      : json_null());
        }
    }
    event_emit(hl, o);
}

/* Task t's own `sample` event (descendants_cut only when some were cut). */
static void
json_task_sample(struct hl *hl, const struct fs_task *t, const struct fs_sample *sm,
                 const struct fs_desc_list *dl)
{
    json_t *o = event_new(hl, "sample", t);
    char state[2] = {sm->state, '\0'};
    json_object_set_new(o, "pid", json_integer(sm->pid));
    json_object_set_new(o, "cpu", json_figure(sm->cpu));
    json_object_set_new(o, "rss", json_integer((json_int_t)sm->rss));
    json_object_set_new(o, "vsize", json_integer((json_int_t)sm->vsize));
    json_object_set_new(o, "threads", json_integer(sm->threads));
    json_object_set_new(o, "state", json_string(state));
    json_object_set_new(o, "ctx_vol", json_figure(sm->ctx_vol_rate));
    json_object_set_new(o, "ctx_invol", json_figure(sm->ctx_invol_rate));
    json_object_set_new(o, "tree_cpu", json_figure(sm->tree_cpu));
    json_object_set_new(o, "tree_rss", json_integer((json_int_t)sm->tree_rss));
    json_object_set_new(o, "descendants", json_integer(sm->descendants));
    if (dl != NULL && dl->cut > 0)
        json_object_set_new(o, "descendants_cut", json_integer((json_int_t)dl->cut));
    if (sm->tid != 0)
        json_object_set_new(o, "shared", json_true()); /* rss, vsize: the whole process's */
    event_emit(hl, o);
}

/* Each running task's sample, then one for each of its descendants (a task
 * whose own process ended may still have some: adopted orphans). */
static void
json_samples(void *fe)
{
    struct hl *hl = fe;
    for (size_t i = 0; i < fs_app_ntasks(hl->app); i++) {
        const struct fs_task *t = fs_app_task(hl->app, i);
        const struct fs_sample *sm = fs_app_sample(hl->app, i);
        if (sm == NULL || !fs_task_is_live(t))
            continue;
        const struct fs_desc_list *dl = fs_app_descendants(hl->app, i);
        if (sm->alive)
            json_task_sample(hl, t, sm, dl);
        for (size_t k = 0; dl != NULL && k < dl->n; k++)
            json_descendant(hl, t, &dl->v[k]);
    }
}

/* ---- channel messages ------------------------------------------------------------------------ */

/* Why a frame is bad: its framing, or what decoding it said. */
static const char *
bad_reason(const struct fs_msg *m, const char *err)
{
    if ((m->flags & FS_IPC_LOST_SYNC) && (m->flags & FS_IPC_TOO_LONG))
        return "length over the limit without a serializer header: the stream is lost";
    if (m->flags & FS_IPC_TOO_LONG)
        return "frame longer than the limit";
    if (m->flags & FS_IPC_TRUNCATED)
        return "truncated frame";
    if (m->flags & FS_IPC_LOST_SYNC)
        return "bytes after a lost frame";
    return err ? err : "undecodable";
}

/* The descriptors passed with a message: {"count":N,"kinds":[…],"cut":true}. */
static json_t *
passed_fds(const struct fs_passfd *p)
{
    json_t *o = json_object(), *kinds = json_array();
    for (unsigned i = 0; i < p->n && i < FS_PASSFD_KEEP; i++)
        json_array_append_new(kinds, json_string(fs_passfd_name(p->kind[i])));
    json_object_set_new(o, "count", json_integer(p->n));
    json_object_set_new(o, "kinds", kinds);
    if (p->cut)
        json_object_set_new(o, "cut", json_true());
    return o;
}

static int
ebuf_add(const char *buf, size_t size, void *data)
{
    fs_bytes_add(data, buf, size);
    return 0;
}

/* Prints the envelope of a spliced message event into ebuf, unless ebuf
 * already holds it: in a flood, most messages have the same time (to the
 * ms), task, direction and size as the one before. False when the task's
 * name is not UTF-8 (jansson refuses it). */
static bool
envelope(struct hl *hl, const struct fs_task *t, const struct fs_msg *m)
{
    const char *dir = m->dir == FS_MSG_IN ? "in" : "out";
    double now = event_time(hl);
    if (hl->menv == NULL) {
        hl->menv = json_object();
        json_object_set_new(hl->menv, "t", hl->menv_t = json_real(0));
        json_object_set_new(hl->menv, "ev", json_string("message"));
        json_object_set_new(hl->menv, "task", hl->menv_task = json_string(""));
        json_object_set_new(hl->menv, "dir", hl->menv_dir = json_string(dir));
        json_object_set_new(hl->menv, "bytes", hl->menv_bytes = json_integer(0));
    }
    bool same_task = strcmp(json_string_value(hl->menv_task), t->spec.name) == 0;
    if (hl->ebuf.len > 0 && same_task && json_real_value(hl->menv_t) == now &&
        strcmp(json_string_value(hl->menv_dir), dir) == 0 &&
        json_integer_value(hl->menv_bytes) == (json_int_t)m->size)
        return true;
    fs_bytes_clear(&hl->ebuf);
    if (!same_task && json_string_set(hl->menv_task, t->spec.name) != 0)
        return false;
    json_string_set(hl->menv_dir, dir);
    json_real_set(hl->menv_t, now);
    json_integer_set(hl->menv_bytes, (json_int_t)m->size);
    int r =
        json_dump_callback(hl->menv, ebuf_add, &hl->ebuf, JSON_COMPACT | JSON_REAL_PRECISION(12));
    if (r != 0 || hl->ebuf.len == 0 || hl->ebuf.data[hl->ebuf.len - 1] != '}') {
        fs_bytes_clear(&hl->ebuf);
        return false;
    }
    return true;
}

/*
 * A message whose JSON text is what jansson would print for its value
 * (hl_verbatim): the text is printed as it is, after an envelope that jansson
 * prints. Parsing the text into values and dumping them again cost more than
 * half of headless mode's time in a flood of small messages (doc/headless.md).
 * Returns false, having printed nothing, when the envelope cannot be made.
 */
static bool
message_verbatim(struct hl *hl, const struct fs_task *t, const struct fs_msg *m)
{
    if (!envelope(hl, t, m))
        return false;
    fs_app_write(hl->app, FS_STREAM_STDOUT, hl->ebuf.data, hl->ebuf.len - 1); /* without "}" */
    fs_app_write(hl->app, FS_STREAM_STDOUT, ",\"msg\":", 7);
    fs_app_write(hl->app, FS_STREAM_STDOUT, m->data, m->len);
    fs_app_write(hl->app, FS_STREAM_STDOUT, "}\n", 2);
    return true;
}

/* A bad frame's fields: why, and its first bytes, escaped like output lines
 * where not UTF-8; a character cut by the end of the head is left out. */
static void
bad_frame(json_t *o, const struct fs_msg *m, const char *err)
{
    size_t n = m->len < FS_IPC_HEAD ? m->len : FS_IPC_HEAD;
    if (n < m->size)
        n = fs_utf8_boundary(m->data, n);
    bool escaped;
    json_object_set_new(o, "bad", json_true());
    json_object_set_new(o, "error", json_string(bad_reason(m, err)));
    json_object_set_new(o, "head", json_bytes(m->data, n, &escaped));
    if (escaped)
        json_object_set_new(o, "escaped", json_true());
}

static void
json_message(void *fe, const struct fs_task *t, const struct fs_msg *m)
{
    struct hl *hl = fe;
    /* The fast path: a plain JSON message is printed as the child wrote it. */
    if (hl_verbatim(m) && message_verbatim(hl, t, m))
        return;
    char *err = NULL;
    json_t *msg = (m->flags & FS_IPC_BAD) ? NULL : fs_ipc_display(m->mode, m->data, m->len, &err);
    json_t *o = event_new(hl, "message", t);
    json_object_set_new(o, "dir", json_string(m->dir == FS_MSG_IN ? "in" : "out"));
    json_object_set_new(o, "bytes", json_integer((json_int_t)m->size));
    json_object_set_new(o, "msg", msg != NULL ? msg : json_null());
    if (m->internal)
        json_object_set_new(o, "internal", json_true());
    if (m->fds != NULL)
        json_object_set_new(o, "handles", passed_fds(m->fds));
    if (msg == NULL)
        bad_frame(o, m, err);
    event_emit(hl, o);
    free(err);
}

/* ---- node's tracer (doc/tracing.md) ---- */

static json_t *
num_or_null(long long v)
{
    return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

static json_t *
trace_end(const struct fs_trace_end *e)
{
    json_t *o =
        json_pack("{s:o,s:o}", "pid", num_or_null(e->pid), "thread_id", num_or_null(e->thread_id));
    if (e->port)
        json_object_set_new(o, "port", json_true());
    return o;
}

/* A JSON text the app dumped (valid), as a value. */
static json_t *
trace_value(const char *text)
{
    json_t *v = text != NULL ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v != NULL ? v : json_null();
}

/* A child's error has its code (ENOENT), a thread's its name (TypeError). */
static void
trace_error(json_t *o, const struct fs_trace_ev *ev, const char *key)
{
    if (ev->err_code != NULL || ev->err_msg != NULL)
        json_object_set_new(o, "error",
                            json_pack("{s:s?,s:s?}", key, ev->err_code, "msg", ev->err_msg));
}

static void
trace_child(json_t *o, const struct fs_trace_ev *ev)
{
    json_object_set_new(o, "pid", num_or_null(ev->pid));
    if (ev->kind == FS_TRACE_CHILD) {
        json_object_set_new(o, "ppid", num_or_null(ev->ppid));
        json_object_set_new(o, "api", json_string(ev->api ? ev->api : "?"));
        json_object_set_new(o, "argv", trace_value(ev->argv));
        if (ev->cut)
            json_object_set_new(o, "argv_cut", json_true());
        return;
    }
    json_object_set_new(o, "api", json_string(ev->api ? ev->api : "?"));
    json_object_set_new(o, "code", num_or_null(ev->code));
    json_object_set_new(o, "signal", ev->signal ? json_string(ev->signal) : json_null());
    trace_error(o, ev, "code");
}

static void
trace_flow(json_t *o, const struct fs_trace_ev *ev)
{
    json_object_set_new(o, "from", trace_end(&ev->from));
    json_object_set_new(o, "to", trace_end(&ev->to));
    json_object_set_new(o, "bytes", num_or_null(ev->bytes));
    if (ev->kind == FS_TRACE_MESSAGE) {
        json_object_set_new(o, ev->cut ? "head" : "msg", trace_value(ev->msg));
        if (ev->cut)
            json_object_set_new(o, "cut", json_true());
        if (ev->sampled)
            json_object_set_new(o, "sampled", json_true());
    } else if (ev->kind == FS_TRACE_MESSAGES) {
        json_object_set_new(o, "count", num_or_null(ev->count));
        json_object_set_new(o, "kept", num_or_null(ev->kept));
    } else {
        json_object_set_new(o, "how", json_string(ev->what ? ev->what : "?"));
    }
}

static void
json_trace(void *fe, const struct fs_task *t, const struct fs_trace_ev *ev)
{
    static const char *const names[] = {
        [FS_TRACE_CHILD] = "child",       [FS_TRACE_CHILD_EXIT] = "child-exit",
        [FS_TRACE_THREAD] = "thread",     [FS_TRACE_MESSAGE] = "message",
        [FS_TRACE_MESSAGES] = "messages", [FS_TRACE_SHARED] = "shared",
        [FS_TRACE_NOTE] = "trace-note",
    };
    json_t *o = event_new(fe, names[ev->kind], t);
    switch (ev->kind) {
    case FS_TRACE_CHILD:
    case FS_TRACE_CHILD_EXIT:
        trace_child(o, ev);
        break;
    case FS_TRACE_THREAD:
        json_object_set_new(o, "pid", num_or_null(ev->pid));
        json_object_set_new(o, "thread_id", num_or_null(ev->thread_id));
        json_object_set_new(o, "state", json_string(ev->state ? ev->state : "?"));
        if (ev->tid >= 0 || (ev->state && strcmp(ev->state, "online") == 0))
            json_object_set_new(o, "tid", num_or_null(ev->tid));
        if (ev->state && strcmp(ev->state, "exit") == 0)
            json_object_set_new(o, "code", num_or_null(ev->code));
        if (ev->script != NULL)
            json_object_set_new(o, "script", json_string(ev->script));
        trace_error(o, ev, "name");
        break;
    case FS_TRACE_MESSAGE:
    case FS_TRACE_MESSAGES:
    case FS_TRACE_SHARED:
        trace_flow(o, ev);
        break;
    case FS_TRACE_NOTE:
        json_object_set_new(o, "pid", num_or_null(ev->pid));
        json_object_set_new(o, "what", json_string(ev->what ? ev->what : "?"));
        break;
    }
    event_emit(fe, o);
}

/* No task_pty: headless tasks run on pipes, to keep stdout and stderr apart. */
static const struct fs_fe_ops json_ops = {
    .task_start = json_start,
    .task_output = hl_output,
    .task_eof = hl_eof,
    .task_exit = json_exit,
    .task_restart = json_restart,
    .task_waiting = json_waiting,
    .task_blocked = json_blocked,
    .error = json_error,
    .samples = json_samples,
    .task_message = json_message,
    .task_job = json_job,
    .task_ready = json_ready,
    .task_probe = json_probe,
    .task_trace = json_trace,
};

const struct hl_mode hl_json_mode = {
    .ops = &json_ops,
    .line = json_output_line,
    .stderr_apart = false,
    .quit_signal = NULL, /* nothing but events is printed */
    .sample_flags = FS_SAMPLE_CTXSW | FS_SAMPLE_TREE,
    .warning = json_warning,
};
