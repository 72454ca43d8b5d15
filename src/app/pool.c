/*
 * Pools (`pool: SIZE`, `jobs: N` or a list): a pool task runs no process of
 * its own. It queues its jobs and hands each to the next free member, the
 * tasks NAME-1 ... NAME-SIZE that the session file expanded:
 *
 *  - a worker member is one thread for the whole pool, running its module once
 *    per job (worker/jobs.h); a fork member (and an unsafe module's host
 *    process) is one child for the whole pool. Both get each job as a message,
 *    {"job":N,"args":"..."}, and finish it with a message {"job":N} (failed
 *    when it has an "error" member). When no job is left, a worker is asked to
 *    stop and a fork member's channel is closed; one that has not exited after
 *    its stop_timeout is stopped.
 *  - a shell or cmd member runs one process per job, with the job's argument
 *    appended (cmd) or as $1 (shell); exit code 0 is done, anything else failed.
 *
 * A member that exits while holding a job fails that job and, while jobs are
 * left, is started again; one that the user stopped, or that could not be
 * started, is left alone. The pool ends when every job has ended and no member
 * runs: exit code 0 when every job was done, 1 when one failed or was never
 * run (the pool was stopped).
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "ipc/ipc.h"
#include "sample/sampler.h"
#include "util/signame.h"
#include "util/xalloc.h"

/* Starting a process takes a fork and an exec, a millisecond on an idle
 * machine and tens on a busy one: in one turn of the loop the pools start
 * processes for at most this long (one at least), and the rest in the next
 * turns, so the screen, the samples and the other tasks are not held up for
 * seconds while a pool of 200 starts. Each turn serves the pools in the
 * session's order: an earlier pool's processes all start before a later
 * one's. */
#define POOL_TURN 0.02

struct app_pool {
    struct fs_pool_counts c;
    size_t next;   /* the next job to hand out, 0-based */
    size_t cursor; /* where the search for a free member starts (app->tasks) */
    bool stopping; /* the pool was asked to stop: nothing more is handed out */
    bool more;     /* it has processes left to start in a later turn */
    uint64_t shared; /* while a sample is summed: forkscope's RSS, once a thread member counted */
};

static bool
is_member(const struct app_task *m, const struct app_task *pool)
{
    return m->t.spec.pool_of != NULL && strcmp(m->t.spec.pool_of, pool->t.spec.name) == 0;
}

static struct app_task *
pool_of(const struct app_task *m)
{
    struct fs_app *app = m->app;
    if (m->t.spec.pool_of == NULL)
        return NULL;
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *p = app->tasks[i];
        if (p->t.spec.pool_size > 0 && strcmp(p->t.spec.name, m->t.spec.pool_of) == 0)
            return p;
    }
    return NULL;
}

/* Members that keep one process or thread for the whole pool (model/kind.h). */
static bool
persistent(const struct app_task *m)
{
    return fs_kind_info(m->t.spec.kind)->jobs_by_message;
}

const char *
fs_pool_job_arg(const struct app_task *m)
{
    struct app_task *pool = pool_of(m);
    if (pool == NULL || m->job == 0 || pool->t.spec.jobs == NULL)
        return NULL;
    return pool->t.spec.jobs[m->job - 1];
}

static void
report(struct app_task *pool, struct app_task *m, enum fs_job_event ev, double elapsed,
       const char *error)
{
    if (pool->app->ops->task_job != NULL)
        pool->app->ops->task_job(pool->app->fe, &pool->t, &m->t, m->job, ev, elapsed, error);
}

/* Sends the member its job as a message. */
static void
send_job(struct app_task *m)
{
    json_t *msg = json_pack("{s:I}", "job", (json_int_t)m->job);
    const char *arg = fs_pool_job_arg(m);
    if (arg == NULL)
        arg = m->t.spec.args; /* jobs: N: each job gets the task's args */
    json_object_set_new(msg, "args", arg != NULL ? json_string(arg) : json_null());
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    char *err = NULL;
    int r = fs_app_send(m, text, strlen(text), &err);
    free(text);
    if (r != 0) {
        /* The member cannot take it (its channel closed): it fails when it ends. */
        fs_app_error(m, err);
        free(err);
    }
}

/* Takes the next job for member m and starts it there; true when that
 * started a process (a thread is cheap to start; a message is cheaper). */
static bool
give(struct app_task *pool, struct app_task *m)
{
    struct app_pool *p = pool->pool;
    m->job = (long long)++p->next; /* job numbers count from 1 */
    m->job_started = app_task_now(m);
    p->c.queued--;
    p->c.running++;
    report(pool, m, FS_JOB_START, 0, NULL);
    if (persistent(m) && fs_task_is_live(&m->t)) {
        send_job(m);
        if (p->next == p->c.jobs)
            p->c.up = app_task_now(m) - p->c.started;
        return false;
    }
    fs_app_act(m, fs_task_start(&m->t, app_task_now(m))); /* sent once spawned */
    /* A spawn returns once the program runs: the last job's start ends the
     * pool's start time. */
    if (p->next == p->c.jobs)
        p->c.up = app_task_now(m) - p->c.started;
    return !fs_kind_info(m->t.spec.kind)->in_process;
}

/* The job m holds has ended. */
static void
job_ended(struct app_task *pool, struct app_task *m, const char *error)
{
    struct app_pool *p = pool->pool;
    double elapsed = app_task_now(m) - m->job_started;
    p->c.running--;
    if (error == NULL)
        p->c.done++;
    else
        p->c.failed++;
    report(pool, m, error == NULL ? FS_JOB_DONE : FS_JOB_FAILED, elapsed, error);
    m->job = 0;
}

/* A member with nothing left to do: let it go. */
static void
retire(struct app_task *m)
{
    if (m->retiring || !fs_task_is_live(&m->t) || m->t.st.stop_requested)
        return;
    m->retiring = true;
    if (m->worker != NULL) {
        fs_app_worker_stop(m); /* its job loop returns */
    } else {
        char *err = NULL;
        if (fs_channel_disconnect(m, &err) != 0)
            free(err);
    }
    fs_timer_start(m->retire_timer, m->t.spec.stop_timeout);
}

static void
on_retire_timer(void *arg)
{
    struct app_task *m = arg;
    if (fs_task_is_live(&m->t) && !m->t.st.stop_requested)
        fs_app_act(m, fs_task_stop(&m->t, app_task_now(m)));
}

static void pump(void *arg);

/* Hands out jobs to free members, lets idle ones go once none is left, and
 * ends the pool when everything has ended. */
static void
fill(struct app_task *pool)
{
    struct app_pool *p = pool->pool;
    struct fs_app *app = pool->app;
    if (p == NULL || pool->t.st.state == FS_STATE_EXITED || pool->t.st.state == FS_STATE_FAILED)
        return;
    bool open = !p->stopping && !app->quitting;
    bool live = false, more = false;
    double t0 = app_task_now(pool);
    p->more = false;
    /* The search goes round from the member after the last one given a job, so
     * that jobs go to every member in turn: with as many members as jobs, each
     * gets one, even when starting them all takes longer than a job. */
    size_t from = p->cursor;
    for (size_t k = 0; k < app->ntasks; k++) {
        size_t i = (from + k) % app->ntasks;
        struct app_task *m = app->tasks[i];
        if (!is_member(m, pool))
            continue;
        /* A live member takes a job only between two jobs of its own. */
        bool free_now =
            fs_task_is_live(&m->t)
                ? persistent(m) && m->t.st.state == FS_STATE_RUNNING && !m->t.st.stop_requested
                : m->proc == NULL;
        if (open && m->job == 0 && p->next < p->c.jobs && !m->benched && !m->retiring && free_now &&
            !more) {
            more = give(pool, m) && app_task_now(pool) - t0 >= POOL_TURN;
            p->cursor = i + 1;
        }
        if (m->job == 0 && persistent(m) && (p->next >= p->c.jobs || !open))
            retire(m);
        live |= fs_task_is_live(&m->t) || m->proc != NULL;
    }
    /* More may be free: look again after the loop has polled (a 0 ms timer
     * restarted from a timer's callback would run again before any poll). */
    if (more) {
        p->more = true;
        if (app->pool_pump == NULL)
            app->pool_pump = fs_timer_new(app->rt, pump, app);
        fs_timer_start(app->pool_pump, 0.001);
    }
    bool ending = pool->t.st.state == FS_STATE_RUNNING || pool->t.st.state == FS_STATE_STOPPING;
    if (ending && p->c.running == 0 && !live && (p->next >= p->c.jobs || !open)) {
        p->c.ended = app_task_now(pool);
        int code = p->c.failed > 0 || p->c.queued > 0 ? 1 : 0;
        fs_app_act(pool, fs_task_exit_status(&pool->t, code, 0, app_task_now(pool)));
    }
}

/* The next turn: the pools with processes left to start, in order, until
 * the turn's time is used. */
static void
pump(void *arg)
{
    struct fs_app *app = arg;
    double t0 = fs_app_now(app);
    for (size_t i = 0; i < app->ntasks && fs_app_now(app) - t0 < POOL_TURN; i++) {
        struct app_task *pool = app->tasks[i];
        if (pool->pool != NULL && pool->pool->more)
            fill(pool);
    }
    for (size_t i = 0; i < app->ntasks; i++)
        if (app->tasks[i]->pool != NULL && app->tasks[i]->pool->more) {
            fs_timer_start(app->pool_pump, 0.001);
            break;
        }
}

void
fs_pool_begin(struct app_task *pool)
{
    struct fs_app *app = pool->app;
    if (pool->pool == NULL)
        pool->pool = fs_xcalloc(1, sizeof *pool->pool);
    struct app_pool *p = pool->pool;
    memset(p, 0, sizeof *p);
    p->c.jobs = p->c.queued = pool->t.spec.njobs;
    p->c.started = app_task_now(pool);
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *m = app->tasks[i];
        if (is_member(m, pool)) {
            m->benched = false;
            m->retiring = false;
            if (m->retire_timer == NULL)
                m->retire_timer = fs_timer_new(app->rt, on_retire_timer, m);
        }
    }
    fs_app_act(pool, fs_task_spawned(&pool->t, 0, 0, app_task_now(pool)));
    app->ops->task_start(app->fe, &pool->t);
    fs_app_task_ready(pool, NULL); /* a pool has no probe of its own */
    fill(pool);
}

void
fs_pool_stop(struct app_task *pool)
{
    struct app_pool *p = pool->pool;
    struct fs_app *app = pool->app;
    if (p == NULL)
        return;
    p->stopping = true;
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *m = app->tasks[i];
        if (is_member(m, pool) && fs_task_is_live(&m->t))
            fs_app_act(m, fs_task_stop(&m->t, app_task_now(m)));
    }
    fill(pool);
}

void
fs_pool_member_spawned(struct app_task *m)
{
    struct app_task *pool = pool_of(m);
    if (pool == NULL || pool->pool == NULL)
        return;
    if (m->job != 0 && persistent(m))
        send_job(m);
}

/* A member's figures: its own and its descendants'. */
static void
add_member(struct fs_pool_counts *c, const struct fs_sample *sm, uint64_t *shared)
{
    double cpu = isnan(sm->cpu) ? 0 : sm->cpu;
    cpu += isnan(sm->tree_cpu) ? 0 : sm->tree_cpu;
    c->cpu += cpu;
    if (sm->tid != 0)
        *shared = sm->rss > *shared ? sm->rss : *shared; /* forkscope's own, once */
    else
        c->rss += sm->rss + sm->tree_rss;
}

static bool
live_pool(const struct app_task *pool)
{
    return pool != NULL && pool->pool != NULL && fs_task_is_live(&pool->t);
}

/* One pass over the members: they come right after their pool, so a pool is
 * looked up by name only where the run of its members begins. */
void
fs_pool_sampled(struct fs_app *app)
{
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *p = app->tasks[i];
        if (live_pool(p)) {
            p->pool->c.cpu = 0;
            p->pool->c.rss = 0;
            p->pool->shared = 0;
        }
    }
    struct app_task *pool = NULL;
    for (size_t k = 0; k < app->ntasks; k++) {
        struct app_task *m = app->tasks[k];
        if (m->t.spec.pool_of == NULL || !fs_task_is_live(&m->t))
            continue;
        if (pool == NULL || strcmp(pool->t.spec.name, m->t.spec.pool_of) != 0)
            pool = pool_of(m);
        const struct fs_sample *sm = fs_sampler_get(app->sampler, m);
        if (live_pool(pool) && sm != NULL && sm->alive)
            add_member(&pool->pool->c, sm, &pool->pool->shared);
    }
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *p = app->tasks[i];
        if (!live_pool(p))
            continue;
        struct fs_pool_counts *c = &p->pool->c;
        c->rss += p->pool->shared;
        c->sampled = true;
        c->peak_rss = c->rss > c->peak_rss ? c->rss : c->peak_rss;
    }
}

void
fs_pool_member_message(struct app_task *m, enum fs_ipc_mode mode, const char *data, size_t len)
{
    if (m->job == 0 || memmem(data, len, "job", 3) == NULL)
        return;
    struct app_task *pool = pool_of(m);
    if (pool == NULL || pool->pool == NULL)
        return;
    char *err = NULL;
    json_t *v = fs_ipc_display(mode, data, len, &err);
    free(err);
    json_t *id = json_object_get(v, "job");
    if (json_is_integer(id) && json_integer_value(id) == m->job) {
        json_t *e = json_object_get(v, "error");
        char *error = NULL;
        if (e != NULL && !json_is_null(e))
            error = json_is_string(e) ? fs_xstrdup(json_string_value(e))
                                      : json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
        job_ended(pool, m, error);
        free(error);
        fill(pool);
    }
    json_decref(v);
}

void
fs_pool_member_ended(struct app_task *m)
{
    struct app_task *pool = pool_of(m);
    fs_timer_stop(m->retire_timer);
    m->retiring = false;
    if (pool == NULL || pool->pool == NULL)
        return;
    const struct fs_task_status *st = &m->t.st;
    bool ok = st->exit_code == 0 && st->term_signal == 0 && st->spawn_error == 0;
    /* When one member peaked the pool held at least that much: a sample can
     * miss a short peak, wait4 cannot. */
    struct fs_pool_counts *c = &pool->pool->c;
    if (st->have_usage && (uint64_t)st->usage.max_rss > c->peak_rss) {
        c->peak_rss = (uint64_t)st->usage.max_rss;
        c->sampled = true;
    }
    if (st->spawn_error != 0 || st->stop_requested)
        m->benched = true; /* not started again by this pool run */
    if (m->job != 0) {
        char *error = NULL;
        if (st->spawn_error != 0)
            error = fs_xasprintf("%s could not be started", m->t.spec.name);
        else if (st->stop_requested)
            error = fs_xasprintf("%s was stopped", m->t.spec.name);
        else if (st->term_signal != 0)
            error = fs_xasprintf("%s was killed by %s", m->t.spec.name,
                                 fs_signame(st->term_signal) ? fs_signame(st->term_signal)
                                                             : "a signal");
        else if (!ok || persistent(m))
            error = fs_xasprintf("%s exited with code %d%s", m->t.spec.name, st->exit_code,
                                 persistent(m) ? " before finishing it" : "");
        job_ended(pool, m, error);
        free(error);
    }
    fill(pool);
}

const struct fs_pool_counts *
fs_pool_counts(const struct app_task *at)
{
    return at->pool != NULL ? &at->pool->c : NULL;
}

void
fs_pool_free(struct app_task *at)
{
    free(at->pool);
    at->pool = NULL;
    fs_timer_free(at->retire_timer);
    at->retire_timer = NULL;
}
