/*
 * The headless front end. Output is split into lines per task and stream with a
 * bounded line buffer; each line becomes one text line or one JSON event,
 * queued on forkscope's standard output (fs_app_write), whose queue pauses the
 * tasks when its reader is slow. JSON is built with jansson. The session runs
 * through fs_app_run.
 */
#include <config.h>

#include "headless/headless.h"

#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "ipc/jsontext.h"
#include "model/control.h"
#include "model/linebuf.h"
#include "util/signame.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* Per task: one line buffer for each stream. */
struct hl_task {
    struct fs_linebuf lines[2];
};

struct hl {
    struct fs_headless_opts opts;
    struct fs_app *app;
    struct hl_task *tasks;
    size_t ntasks;
    int name_width;
    /* --control input */
    struct fs_linebuf control;
    unsigned long control_line;
    bool control_discard; /* inside a line that was too long */
    int quit_signals;
    /* The envelope of message events whose msg is spliced (message_verbatim),
     * kept from one to the next and updated in place; ebuf holds it printed
     * (elen 0: not yet). */
    json_t *menv, *menv_t, *menv_task, *menv_dir, *menv_bytes;
    char *ebuf;
    size_t elen, ecap;
};

/* Where the line callback writes. */
struct line_ctx {
    struct hl *hl;
    const struct fs_task *t;
    enum fs_stream stream;
};

static struct hl_task *
hl_task(struct hl *hl, const struct fs_task *t)
{
    for (size_t i = 0; i < hl->ntasks; i++)
        if (fs_app_task(hl->app, i) == t)
            return &hl->tasks[i];
    return NULL;
}

/* ---- JSON events -------------------------------------------------------------------- */

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

/* ---- text lines --------------------------------------------------------------------------- */

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

static void
status_line(struct hl *hl, const struct fs_task *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A lifecycle line in text mode, on standard error. */
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

/* ---- lines of task output ------------------------------------------------------------------ */

static void
on_line(void *arg, const char *line, size_t len, unsigned flags)
{
    struct line_ctx *c = arg;
    struct hl *hl = c->hl;
    if (!hl->opts.json) {
        text_line(hl, c->t, c->stream, (flags & FS_LINE_SPLIT) ? '+' : '|', "", line, len);
        return;
    }
    json_t *o = event_new(hl, "output", c->t);
    bool escaped;
    json_object_set_new(o, "stream", json_string(c->stream == FS_STREAM_STDOUT ? "stdout" : "stderr"));
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
fe_output(void *fe, const struct fs_task *t, enum fs_stream stream, const char *data, size_t len)
{
    struct hl *hl = fe;
    /* Nobody reads standard output any more (EPIPE): forkscope is quitting, and
     * formatting what cannot be delivered would only delay that. */
    if (fs_app_output_broken(hl->app, hl->opts.json ? FS_STREAM_STDOUT : stream))
        return;
    struct hl_task *ht = hl_task(hl, t);
    struct line_ctx c = {hl, t, stream};
    fs_linebuf_feed(&ht->lines[stream - 1], data, len, on_line, &c);
}

static void
fe_eof(void *fe, const struct fs_task *t, enum fs_stream stream)
{
    struct hl *hl = fe;
    struct hl_task *ht = hl_task(hl, t);
    struct line_ctx c = {hl, t, stream};
    fs_linebuf_flush(&ht->lines[stream - 1], on_line, &c);
}

/* ---- lifecycle events ------------------------------------------------------------------------ */

static void
fe_start(void *fe, const struct fs_task *t)
{
    struct hl *hl = fe;
    char *cmd = fs_task_spec_describe(&t->spec);
    bool pool = t->spec.pool_size > 0;
    if (hl->opts.json) {
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
    } else if (pool) {
        status_line(hl, t, "pool of %u started: %zu jobs of %s", t->spec.pool_size,
                    t->spec.njobs, cmd);
    } else {
        status_line(hl, t, "started (pid %d): %s", t->st.pid, cmd);
    }
    free(cmd);
}

static void
fe_exit(void *fe, const struct fs_task *t, const char *reason)
{
    struct hl *hl = fe;
    const char *sig = t->st.term_signal ? fs_signame(t->st.term_signal) : NULL;
    const struct fs_pool_counts *pc = fs_app_pool(hl->app, t);
    if (hl->opts.json) {
        json_t *o = event_new(hl, "exit", t);
        json_object_set_new(o, "pid", pc != NULL ? json_null() : json_integer(t->st.pid));
        json_object_set_new(o, "code", t->st.term_signal ? json_null() : json_integer(t->st.exit_code));
        if (t->st.term_signal)
            json_object_set_new(o, "signal", sig ? json_string(sig) : json_integer(t->st.term_signal));
        else
            json_object_set_new(o, "signal", json_null());
        if (reason != NULL)
            json_object_set_new(o, "reason", json_string(reason));
        if (pc != NULL) {
            json_object_set_new(o, "jobs", json_integer((json_int_t)pc->jobs));
            json_object_set_new(o, "done", json_integer((json_int_t)pc->done));
            json_object_set_new(o, "failed", json_integer((json_int_t)pc->failed));
            json_object_set_new(o, "cancelled", json_integer((json_int_t)pc->queued));
            json_object_set_new(o, "elapsed", json_seconds(pc->ended - pc->started));
        }
        event_emit(hl, o);
        return;
    }
    if (pc != NULL)
        status_line(hl, t, "%zu jobs: %zu done, %zu failed, %zu cancelled, in %.3fs", pc->jobs,
                    pc->done, pc->failed, pc->queued, pc->ended - pc->started);
    if (t->st.term_signal)
        status_line(hl, t, "killed by %s%s%s", sig ? sig : "a signal", reason ? ": " : "",
                    reason ? reason : "");
    else
        status_line(hl, t, "exited with code %d%s%s", t->st.exit_code, reason ? ": " : "",
                    reason ? reason : "");
}

static void
fe_job(void *fe, const struct fs_task *pool, const struct fs_task *member, long long job,
       enum fs_job_event ev, double elapsed, const char *error)
{
    struct hl *hl = fe;
    static const char *const states[] = {"start", "done", "failed"};
    if (hl->opts.json) {
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
    } else if (ev == FS_JOB_START) {
        status_line(hl, pool, "job %lld started on %s", job, member->spec.name);
    } else {
        status_line(hl, pool, "job %lld %s on %s in %.3fs%s%s", job, states[ev], member->spec.name,
                    elapsed, error ? ": " : "", error ? error : "");
    }
}

static void
fe_restart(void *fe, const struct fs_task *t, double delay)
{
    struct hl *hl = fe;
    if (hl->opts.json) {
        json_t *o = event_new(hl, "restart", t);
        json_object_set_new(o, "delay", json_real(delay));
        json_object_set_new(o, "attempt", json_integer(t->st.attempt));
        event_emit(hl, o);
    } else {
        status_line(hl, t, "restarting in %gs (attempt %u)", delay, t->st.attempt);
    }
}

static void
fe_error(void *fe, const struct fs_task *t, const char *msg)
{
    struct hl *hl = fe;
    if (hl->opts.json) {
        json_t *o = event_new(hl, "error", t);
        bool escaped;
        json_object_set_new(o, "msg", json_bytes(msg, strlen(msg), &escaped));
        event_emit(hl, o);
    } else {
        char *line = fs_xasprintf("forkscope: %s\n", msg);
        fs_app_write(hl->app, FS_STREAM_STDERR, line, strlen(line));
        free(line);
    }
}

/* A figure that may be unknown (NAN), rounded to 0.1. */
static json_t *
json_figure(double v)
{
    if (v != v)
        return json_null();
    return json_real((double)(long long)(v * 10.0 + (v < 0 ? -0.5 : 0.5)) / 10.0);
}

static void
fe_samples(void *fe)
{
    struct hl *hl = fe;
    if (!hl->opts.json)
        return;
    for (size_t i = 0; i < fs_app_ntasks(hl->app); i++) {
        const struct fs_task *t = fs_app_task(hl->app, i);
        const struct fs_sample *sm = fs_app_sample(hl->app, i);
        if (sm == NULL || !sm->alive || !fs_task_is_live(t))
            continue;
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
        if (sm->tid != 0)
            json_object_set_new(o, "shared", json_true()); /* rss, vsize: the whole process's */
        event_emit(hl, o);
    }
}

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
    struct hl *hl = data;
    if (hl->elen + size > hl->ecap) {
        size_t cap = hl->ecap ? hl->ecap : 256;
        while (cap < hl->elen + size)
            cap *= 2;
        hl->ebuf = fs_xrealloc(hl->ebuf, cap);
        hl->ecap = cap;
    }
    memcpy(hl->ebuf + hl->elen, buf, size);
    hl->elen += size;
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
    if (hl->elen > 0 && same_task && json_real_value(hl->menv_t) == now &&
        strcmp(json_string_value(hl->menv_dir), dir) == 0 &&
        json_integer_value(hl->menv_bytes) == (json_int_t)m->size)
        return true;
    hl->elen = 0;
    if (!same_task && json_string_set(hl->menv_task, t->spec.name) != 0)
        return false;
    json_string_set(hl->menv_dir, dir);
    json_real_set(hl->menv_t, now);
    json_integer_set(hl->menv_bytes, (json_int_t)m->size);
    if (json_dump_callback(hl->menv, ebuf_add, hl, JSON_COMPACT | JSON_REAL_PRECISION(12)) != 0 ||
        hl->elen == 0 || hl->ebuf[hl->elen - 1] != '}') {
        hl->elen = 0;
        return false;
    }
    return true;
}

/*
 * A message whose JSON text is what jansson would print for its value
 * (fs_jsontext_verbatim): the text is printed as it is, after an envelope that
 * jansson prints. Parsing the text into values and dumping them again cost
 * more than half of headless mode's time in a flood of small messages
 * (doc/headless.md). Returns false, having printed nothing, when the envelope
 * cannot be made.
 */
static bool
message_verbatim(struct hl *hl, const struct fs_task *t, const struct fs_msg *m)
{
    if (!hl->opts.json) {
        text_line(hl, t, FS_STREAM_STDOUT, '=', m->dir == FS_MSG_IN ? "<- " : "-> ", m->data,
                  m->len);
        return true;
    }
    if (!envelope(hl, t, m))
        return false;
    fs_app_write(hl->app, FS_STREAM_STDOUT, hl->ebuf, hl->elen - 1); /* without its "}" */
    fs_app_write(hl->app, FS_STREAM_STDOUT, ",\"msg\":", 7);
    fs_app_write(hl->app, FS_STREAM_STDOUT, m->data, m->len);
    fs_app_write(hl->app, FS_STREAM_STDOUT, "}\n", 2);
    return true;
}

static void
fe_message(void *fe, const struct fs_task *t, const struct fs_msg *m)
{
    struct hl *hl = fe;
    /* The fast path: a plain JSON message is printed as the child wrote it. */
    if (!(m->flags & FS_IPC_BAD) && !m->internal && m->fds == NULL && m->mode == FS_IPC_JSON &&
        (m->printed ? fs_jsontext_spelled_verbatim(m->data, m->len)
                    : fs_jsontext_verbatim(m->data, m->len)) &&
        message_verbatim(hl, t, m))
        return;
    const char *dir = m->dir == FS_MSG_IN ? "in" : "out";
    char *err = NULL;
    json_t *msg = (m->flags & FS_IPC_BAD) ? NULL : fs_ipc_display(m->mode, m->data, m->len, &err);
    if (hl->opts.json) {
        json_t *o = event_new(hl, "message", t);
        json_object_set_new(o, "dir", json_string(dir));
        json_object_set_new(o, "bytes", json_integer((json_int_t)m->size));
        json_object_set_new(o, "msg", msg != NULL ? msg : json_null());
        if (m->internal)
            json_object_set_new(o, "internal", json_true());
        if (m->fds != NULL)
            json_object_set_new(o, "handles", passed_fds(m->fds));
        if (msg == NULL) {
            /* Its first bytes, escaped like output lines where not UTF-8; a
             * character cut by the end of the head is left out. */
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
        event_emit(hl, o);
    } else {
        char *text = msg != NULL ? json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        char *line = text != NULL
                         ? fs_xasprintf("%s %s%s", m->dir == FS_MSG_IN ? "<-" : "->", text,
                                        m->internal ? "  (internal)" : "")
                         : fs_xasprintf("%s bad frame of %zu bytes", m->dir == FS_MSG_IN ? "<-" : "->",
                                        m->size);
        if (m->fds != NULL) {
            char what[160];
            char *with = fs_xasprintf("%s  (passed: %s)", line,
                                      fs_passfd_describe(m->fds, what, sizeof what));
            free(line);
            line = with;
        }
        text_line(hl, t, FS_STREAM_STDOUT, '=', "", line, strlen(line));
        free(line);
        free(text);
        json_decref(msg);
    }
    free(err);
}

/* No task_pty: headless tasks run on pipes, to keep stdout and stderr apart. */
static const struct fs_fe_ops headless_ops = {
    .task_start = fe_start,
    .task_output = fe_output,
    .task_eof = fe_eof,
    .task_exit = fe_exit,
    .task_restart = fe_restart,
    .error = fe_error,
    .samples = fe_samples,
    .task_message = fe_message,
    .task_job = fe_job,
};

/* ---- --control and quit signals -------------------------------------------------------------- */

/* A bad or refused command; t is the task it named, when there is one. */
static void
control_error(struct hl *hl, const struct fs_task *t, const char *what)
{
    char *msg = fs_xasprintf("control line %lu: %s", hl->control_line, what);
    fe_error(hl, t, msg);
    free(msg);
}

static const struct fs_task *
named_task(struct hl *hl, const char *name)
{
    for (size_t i = 0; name != NULL && i < fs_app_ntasks(hl->app); i++)
        if (strcmp(fs_app_task(hl->app, i)->spec.name, name) == 0)
            return fs_app_task(hl->app, i);
    return NULL;
}

static void
on_control_line(void *arg, const char *line, size_t len, unsigned flags)
{
    struct hl *hl = arg;
    /* A line longer than the buffer arrives in pieces: it is one bad line,
     * reported once, and none of its pieces is carried out. */
    if (flags & FS_LINE_SPLIT) {
        if (!hl->control_discard) {
            hl->control_line++;
            hl->control_discard = true;
            control_error(hl, NULL, "command line too long");
        }
        return;
    }
    if (hl->control_discard) {
        hl->control_discard = false;
        return;
    }
    hl->control_line++;
    struct fs_control_cmd cmd;
    char *err = NULL;
    int r = fs_control_parse(line, len, &cmd, &err);
    if (r == 0 && fs_app_command(hl->app, &cmd, &err) != 0)
        control_error(hl, named_task(hl, cmd.task), err);
    else if (err != NULL)
        control_error(hl, NULL, err);
    if (r == 0)
        fs_control_cmd_fini(&cmd);
    free(err);
}

/* Standard input; at its end the session ends once every task has settled
 * (fs_app_run sees to that). */
static void
on_control_input(void *fe, const char *data, size_t len)
{
    struct hl *hl = fe;
    if (len > 0)
        fs_linebuf_feed(&hl->control, data, len, on_control_line, hl);
    else
        fs_linebuf_flush(&hl->control, on_control_line, hl);
}

/* In text mode the first quit signal is said on standard error; SIGPIPE is
 * not: a reader that went away is a quiet stop. */
static void
on_quit_signal(void *fe, int sig)
{
    struct hl *hl = fe;
    hl->quit_signals++;
    if (sig != SIGPIPE && !hl->opts.json && hl->quit_signals == 1) {
        const char *name = fs_signame(sig);
        char *msg = fs_xasprintf("forkscope: %s: stopping every task (again to kill them)\n",
                                 name ? name : "signal");
        fs_app_write(hl->app, FS_STREAM_STDERR, msg, strlen(msg));
        free(msg);
    }
}

static void
on_ready(void *fe, struct fs_app *app)
{
    struct hl *hl = fe;
    hl->app = app;
}

int
fs_headless_run(const struct fs_session *s, const struct fs_headless_opts *opts)
{
    struct hl hl = {0};
    hl.opts = *opts;
    hl.ntasks = s->ntasks;
    hl.tasks = fs_xcalloc(s->ntasks, sizeof *hl.tasks);
    for (size_t i = 0; i < s->ntasks; i++) {
        int w = (int)strlen(s->tasks[i].name);
        if (w > hl.name_width)
            hl.name_width = w < 32 ? w : 32;
        fs_linebuf_init(&hl.tasks[i].lines[0], opts->max_line);
        fs_linebuf_init(&hl.tasks[i].lines[1], opts->max_line);
    }
    fs_linebuf_init(&hl.control, 1 << 20);
    /* Only JSON shows /proc figures, so text mode reads none. */
    const struct fs_app_run_opts run = {
        .input = opts->control ? FS_APP_INPUT_COMMANDS : FS_APP_INPUT_NONE,
        .exit_when_settled = true,
        .send_wait = opts->control ? opts->send_timeout : 0,
        .interval = opts->json ? opts->interval : 0,
        .proc_root = opts->proc_root,
        .sample_flags = FS_SAMPLE_CTXSW | FS_SAMPLE_TREE,
        .ready = on_ready,
        .quit_signal = on_quit_signal,
        .commands = on_control_input,
    };
    int status = fs_app_run(s, &run, &headless_ops, &hl);

    for (size_t i = 0; i < hl.ntasks; i++) {
        fs_linebuf_fini(&hl.tasks[i].lines[0]);
        fs_linebuf_fini(&hl.tasks[i].lines[1]);
    }
    fs_linebuf_fini(&hl.control);
    json_decref(hl.menv);
    free(hl.ebuf);
    free(hl.tasks);
    return status;
}
