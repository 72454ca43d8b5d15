/*
 * The task model: spec defaults and copies, names of states, the
 * backoff formula, and the state machine that turns events (spawned, exit
 * status, EOF, stop, restart, backoff due) into what the runtime does next.
 *
 * A run is finished only when its exit status has arrived and every output
 * stream has reached EOF, in either order (tmux's job_check_died rule).
 */
#include <config.h>

#include "model/task.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "model/deps.h"
#include "util/xalloc.h"

static const char *const state_names[FS_STATE_COUNT] = {
    "idle", "starting", "running", "stopping", "exited", "failed", "backoff", "waiting", "blocked"};
static const char *const restart_names[] = {"no", "on-failure", "always"};

void
fs_task_spec_init(struct fs_task_spec *spec, const char *name)
{
    memset(spec, 0, sizeof *spec);
    spec->name = fs_xstrdup(name);
    spec->kind = fs_kind_default();
    spec->restart = FS_RESTART_NO;
    spec->backoff.base = 1.0;
    spec->backoff.factor = 2.0;
    spec->backoff.cap = 30.0;
    spec->backoff.max = 0;
    spec->backoff.reset_after = 10.0;
    spec->stop_signal = SIGTERM;
    spec->stop_timeout = 5.0;
    spec->buffer = false;
    spec->buffer_cap = 1024 * 1024;
    spec->log_max = FS_LOG_MAX_DEFAULT;
    spec->log_keep = FS_LOG_KEEP_DEFAULT;
    spec->autostart = true;
    spec->pty = true;
    spec->trace = true;
}

void
fs_task_spec_fini(struct fs_task_spec *spec)
{
    if (spec == NULL)
        return;
    free(spec->name);
    free(spec->shell);
    fs_strv_free(spec->argv);
    free(spec->module);
    free(spec->args);
    free(spec->shared);
    free(spec->cwd);
    free(spec->stop_keys);
    free(spec->log_file);
    fs_strv_free(spec->env_set);
    fs_strv_free(spec->env_unset);
    free(spec->file);
    fs_strv_free(spec->jobs);
    free(spec->pool_of);
    fs_probe_free(spec->ready_probe);
    fs_probe_free(spec->alive_probe);
    fs_deps_free(spec->deps, spec->ndeps);
    free(spec->success_codes);
    free(spec->replica_of);
    memset(spec, 0, sizeof *spec);
}

static char *
dup_or_null(const char *s)
{
    return s != NULL ? fs_xstrdup(s) : NULL;
}

void
fs_task_spec_copy(struct fs_task_spec *dst, const struct fs_task_spec *src)
{
    *dst = *src;
    dst->name = dup_or_null(src->name);
    dst->shell = dup_or_null(src->shell);
    dst->argv = fs_strv_dup(src->argv);
    dst->module = dup_or_null(src->module);
    dst->args = dup_or_null(src->args);
    dst->shared = dup_or_null(src->shared);
    dst->cwd = dup_or_null(src->cwd);
    dst->stop_keys = dup_or_null(src->stop_keys);
    dst->log_file = dup_or_null(src->log_file);
    dst->env_set = fs_strv_dup(src->env_set);
    dst->env_unset = fs_strv_dup(src->env_unset);
    dst->file = dup_or_null(src->file);
    dst->jobs = fs_strv_dup(src->jobs);
    dst->pool_of = dup_or_null(src->pool_of);
    dst->ready_probe = fs_probe_copy(src->ready_probe);
    dst->alive_probe = fs_probe_copy(src->alive_probe);
    dst->deps = fs_deps_copy(src->deps, src->ndeps);
    dst->success_codes = NULL;
    if (src->nsuccess > 0) {
        dst->success_codes = fs_xcalloc(src->nsuccess, sizeof *dst->success_codes);
        memcpy(dst->success_codes, src->success_codes, src->nsuccess * sizeof *src->success_codes);
    }
    dst->replica_of = dup_or_null(src->replica_of);
}

/* Appends s to a growing buffer, quoting it for a shell when it needs quotes. */
static void
append_word(char **buf, const char *s)
{
    bool plain = *s != '\0' && strpbrk(s, " \t\n'\"\\$`*?[]{}()<>|&;#~!") == NULL;
    char *old = *buf;
    if (plain) {
        *buf = old ? fs_xasprintf("%s %s", old, s) : fs_xstrdup(s);
    } else {
        /* Single quotes, with each ' written as '\'' */
        size_t n = strlen(s);
        char *q = fs_xmalloc(n * 4 + 3), *p = q;
        *p++ = '\'';
        for (const char *c = s; *c; c++) {
            if (*c == '\'') {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *c;
            }
        }
        *p++ = '\'';
        *p = '\0';
        *buf = old ? fs_xasprintf("%s %s", old, q) : fs_xstrdup(q);
        free(q);
    }
    free(old);
}

char *
fs_task_spec_describe(const struct fs_task_spec *spec)
{
    char *out = NULL;
    switch (fs_kind_info(spec->kind)->argv) {
    case FS_ARGV_SHELL:
        return fs_xstrdup(spec->shell ? spec->shell : "");
    case FS_ARGV_WORDS:
        for (char **a = spec->argv; a && *a; a++)
            append_word(&out, *a);
        return out ? out : fs_xstrdup("");
    case FS_ARGV_MODULE:
        return spec->args ? fs_xasprintf("%s %s", spec->module, spec->args)
                          : fs_xstrdup(spec->module ? spec->module : "");
    }
    return fs_xstrdup("");
}

const char *
fs_state_name(enum fs_state state)
{
    return (unsigned)state < FS_STATE_COUNT ? state_names[state] : "?";
}

const char *
fs_restart_name(enum fs_restart restart)
{
    return (unsigned)restart < 3 ? restart_names[restart] : "?";
}

int
fs_restart_from_name(const char *name, enum fs_restart *restart)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(name, restart_names[i]) == 0) {
            *restart = (enum fs_restart)i;
            return 0;
        }
    }
    return -1;
}

double
fs_backoff_delay(const struct fs_backoff *b, unsigned attempt)
{
    double d = b->base;
    for (unsigned i = 0; i < attempt && d < b->cap; i++)
        d *= b->factor;
    if (d > b->cap)
        d = b->cap;
    return d < 0 || isnan(d) ? 0 : d;
}

void
fs_task_init(struct fs_task *t, const struct fs_task_spec *spec)
{
    memset(t, 0, sizeof *t);
    fs_task_spec_copy(&t->spec, spec);
    t->st.state = FS_STATE_IDLE;
    t->st.exit_code = -1;
}

void
fs_task_fini(struct fs_task *t)
{
    if (t == NULL)
        return;
    fs_task_spec_fini(&t->spec);
}

bool
fs_task_is_live(const struct fs_task *t)
{
    return t->st.state == FS_STATE_STARTING || t->st.state == FS_STATE_RUNNING ||
           t->st.state == FS_STATE_STOPPING;
}

bool
fs_task_is_settled(const struct fs_task *t)
{
    return !fs_task_is_live(t) && t->st.state != FS_STATE_BACKOFF &&
           t->st.state != FS_STATE_WAITING && !t->st.restart_pending;
}

bool
fs_task_succeeded(const struct fs_task *t)
{
    return t->st.have_exit && t->st.exit_code == 0 && t->st.term_signal == 0;
}

/* Resets the per-run fields and enters STARTING. */
static enum fs_task_action
begin_run(struct fs_task *t, double now)
{
    t->st.state = FS_STATE_STARTING;
    t->st.pid = 0;
    t->st.started_at = now;
    t->st.ended_at = 0;
    t->st.have_exit = false;
    t->st.exit_code = -1;
    t->st.term_signal = 0;
    t->st.open_streams = 0;
    t->st.stop_requested = false;
    t->st.restart_pending = false;
    t->st.paused = false;
    t->st.ready = false;
    t->st.ready_gave_up = false;
    t->st.unhealthy = false;
    t->st.spawn_error = 0;
    t->st.have_usage = false;
    return FS_TASK_SPAWN;
}

enum fs_task_action
fs_task_start(struct fs_task *t, double now)
{
    switch (t->st.state) {
    case FS_STATE_IDLE:
    case FS_STATE_EXITED:
    case FS_STATE_FAILED:
    case FS_STATE_WAITING:
    case FS_STATE_BLOCKED:
        t->st.attempt = 0;
        return begin_run(t, now);
    case FS_STATE_BACKOFF:
        /* Starting by hand cuts the wait short; it is still a restart. */
        t->st.restarts++;
        return begin_run(t, now);
    default:
        return FS_TASK_NOTHING;
    }
}

enum fs_task_action
fs_task_spawned(struct fs_task *t, int pid, unsigned streams, double now)
{
    if (t->st.state != FS_STATE_STARTING)
        return FS_TASK_NOTHING;
    t->st.state = FS_STATE_RUNNING;
    t->st.has_run = true;
    t->st.pid = pid;
    t->st.started_at = now;
    t->st.open_streams = streams;
    return FS_TASK_NOTHING;
}

enum fs_task_action
fs_task_spawn_failed(struct fs_task *t, int err, double now)
{
    if (t->st.state != FS_STATE_STARTING)
        return FS_TASK_NOTHING;
    /* A program that cannot be started will not start on a retry either, so
     * the restart policy does not apply. */
    t->st.state = FS_STATE_FAILED;
    t->st.spawn_error = err;
    t->st.ended_at = now;
    t->st.restart_pending = false;
    return FS_TASK_FINISHED;
}

enum fs_task_action
fs_task_stop(struct fs_task *t, double now)
{
    (void)now;
    switch (t->st.state) {
    case FS_STATE_STARTING:
    case FS_STATE_RUNNING:
        t->st.state = FS_STATE_STOPPING;
        t->st.stop_requested = true;
        return FS_TASK_SEND_STOP;
    case FS_STATE_STOPPING:
        t->st.restart_pending = false;
        return FS_TASK_NOTHING;
    case FS_STATE_BACKOFF:
        /* The run already ended (and was reported); only the restart is off. */
        t->st.state = t->st.have_exit && (t->st.exit_code != 0 || t->st.term_signal != 0)
                          ? FS_STATE_FAILED
                          : FS_STATE_EXITED;
        t->st.stop_requested = true;
        return FS_TASK_NOTHING;
    case FS_STATE_WAITING:
        t->st.state = FS_STATE_IDLE;
        t->st.stop_requested = true;
        return FS_TASK_NOTHING;
    default:
        return FS_TASK_NOTHING;
    }
}

enum fs_task_action
fs_task_restart(struct fs_task *t, double now)
{
    if (fs_task_is_live(t)) {
        enum fs_task_action a = fs_task_stop(t, now);
        t->st.restart_pending = true;
        return a;
    }
    if (t->st.state != FS_STATE_IDLE && t->st.state != FS_STATE_BACKOFF &&
        t->st.state != FS_STATE_WAITING && t->st.state != FS_STATE_BLOCKED)
        t->st.restarts++;
    enum fs_task_action a = fs_task_start(t, now);
    t->st.attempt = 0;
    return a;
}

enum fs_task_action
fs_task_unhealthy(struct fs_task *t, double now)
{
    (void)now;
    if (t->st.state != FS_STATE_RUNNING)
        return FS_TASK_NOTHING;
    t->st.state = FS_STATE_STOPPING;
    t->st.unhealthy = true;
    return FS_TASK_SEND_STOP;
}

/* Both the exit status and every EOF are in: decide what follows. */
static enum fs_task_action
finish(struct fs_task *t, double now)
{
    struct fs_task_status *st = &t->st;
    bool ok = st->exit_code == 0 && st->term_signal == 0 && !st->unhealthy;
    st->ended_at = now;
    st->ready = false;
    if (st->restart_pending) {
        /* The run's end is kept for the front end to report; the next start
         * (fs_task_start from EXITED) begins the new run. */
        st->restart_pending = false;
        st->restarts++;
        st->state = FS_STATE_EXITED;
        return FS_TASK_RESPAWN;
    }
    if (st->stop_requested) {
        st->state = FS_STATE_EXITED;
        return FS_TASK_FINISHED;
    }
    bool again = (t->spec.restart == FS_RESTART_ALWAYS ||
                  (t->spec.restart == FS_RESTART_ON_FAILURE && !ok)) &&
                 now - st->started_at >= t->spec.restart_min_run;
    if (now - st->started_at >= t->spec.backoff.reset_after)
        st->attempt = 0;
    if (again && (t->spec.backoff.max == 0 || st->attempt < t->spec.backoff.max)) {
        st->backoff_delay = fs_backoff_delay(&t->spec.backoff, st->attempt);
        st->attempt++;
        st->state = FS_STATE_BACKOFF;
        return FS_TASK_SCHEDULE;
    }
    st->state = ok ? FS_STATE_EXITED : FS_STATE_FAILED;
    return FS_TASK_FINISHED;
}

enum fs_task_action
fs_task_exit_status(struct fs_task *t, int code, int sig, double now)
{
    if (!fs_task_is_live(t) || t->st.have_exit)
        return FS_TASK_NOTHING;
    t->st.have_exit = true;
    t->st.exit_code = sig ? -1 : code;
    t->st.term_signal = sig;
    return t->st.open_streams == 0 ? finish(t, now) : FS_TASK_NOTHING;
}

void
fs_task_usage(struct fs_task *t, const struct fs_usage *use)
{
    if (!fs_task_is_live(t) || t->st.have_exit)
        return;
    t->st.usage = *use;
    t->st.have_usage = true;
}

enum fs_task_action
fs_task_stream_eof(struct fs_task *t, double now)
{
    if (!fs_task_is_live(t) || t->st.open_streams == 0)
        return FS_TASK_NOTHING;
    t->st.open_streams--;
    return t->st.open_streams == 0 && t->st.have_exit ? finish(t, now) : FS_TASK_NOTHING;
}

enum fs_task_action
fs_task_backoff_due(struct fs_task *t, double now)
{
    if (t->st.state != FS_STATE_BACKOFF)
        return FS_TASK_NOTHING;
    t->st.restarts++;
    unsigned attempt = t->st.attempt;
    enum fs_task_action a = begin_run(t, now);
    t->st.attempt = attempt;
    return a;
}

void
fs_task_wait(struct fs_task *t)
{
    if (t->st.state != FS_STATE_IDLE && t->st.state != FS_STATE_EXITED &&
        t->st.state != FS_STATE_FAILED)
        return;
    t->st.state = FS_STATE_WAITING;
    t->st.stop_requested = false;
}

void
fs_task_block(struct fs_task *t)
{
    if (t->st.state == FS_STATE_WAITING)
        t->st.state = FS_STATE_BLOCKED;
}
