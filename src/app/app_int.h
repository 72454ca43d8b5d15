/*
 * The app's private state and what its files lend each other: app.c (the
 * session and the task lifecycle), spawn.c (a run: its start, what it reports,
 * its end), command.c (commands), channel.c (the IPC channel of a run), worker.c
 * (worker threads) and pool.c (pools and their members).
 */
#ifndef FS_APP_INT_H
#define FS_APP_INT_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_RT)
#error "app/ is for the front ends and main.c alone (doc/architecture.md)"
#endif

#include <sys/types.h>

#include "app/app.h"
#include "app/channel.h"
#include "model/logfmt.h"
#include "rt/proc.h"
#include "util/bytes.h"

/* A worker task's run inside forkscope (worker.c). */
struct app_worker;
/* A readiness or liveness probe of a task (probe.c). */
struct app_probe;

/* Buffer mode: one stretch of held output from one stream. */
struct app_held_chunk {
    enum fs_stream stream;
    size_t end; /* its end offset in the held bytes */
};

struct app_task {
    struct fs_task t;
    struct fs_app *app;
    struct fs_proc *proc;
    struct fs_timer *kill_timer;    /* SIGKILL after the stop grace period */
    struct fs_timer *restart_timer; /* backoff */
    /* Buffer mode: output held until the run ends. */
    struct {
        struct fs_bytes data;   /* at most the spec's buffer_cap */
        struct fs_bytes chunks; /* struct app_held_chunk, one per change of stream */
        unsigned long long cut; /* bytes that arrived past the cap */
    } held;
    char *end_reason;            /* why forkscope ended this run, or NULL */
    bool stop_overdue;           /* this run's stop grace period is over */
    struct fs_channel channel;   /* kinds with a channel: the one of the current run */
    struct app_worker *worker;   /* in-process kinds: the thread of the current run */
    bool on_pty;                 /* the current run is on a pty */
    struct app_probe *probes[2]; /* probe.c: readiness, liveness; NULL until a run needs one */
    /* Pools (pool.c). */
    struct app_pool *pool;       /* a pool task: its jobs and counts */
    long long job;               /* a pool member: the job it holds (from 1), 0 for none */
    double job_started;
    bool benched;                /* a member that was stopped or could not start: no more jobs */
    bool retiring;               /* a member with no job left, asked to end */
    struct fs_timer *retire_timer; /* stops a retiring member that does not end */
    /* Dependencies (deps.c): why it is blocked, and which of its conditions. */
    char *blocked;
    size_t blocked_dep;
    /* Its log file (logs.c), NULL when it has none. */
    struct app_log {
        int file;            /* the writer's number for it */
        int err;             /* errno of the file's failure in progress, 0 when none */
        struct fs_logfmt fmt;
    } *log;
};

struct fs_app {
    struct fs_rt *rt;
    const struct fs_fe_ops *ops;
    void *fe;
    struct app_task **tasks; /* heap objects: their addresses never change */
    size_t ntasks;
    bool exit_when_settled;
    int quitting; /* 0, 1 after the first quit, 2 after a forced one */
    double send_timeout; /* > 0: sends to a full channel wait (fs_app_set_send_wait) */
    bool shut;
    /* deps.c: a check is running (deps_again: another was asked meanwhile);
     * stop_ordered: every task is being stopped, dependents first. */
    bool deps_busy, deps_again, stop_ordered;
    /* /proc sampling: off while sampler is NULL. */
    struct fs_sampler *sampler;
    struct fs_timer *sample_timer;
    double interval;
    unsigned sample_flags;
    struct fs_timer *pool_pump; /* pools with processes left to start (pool.c) */
    /* node's tracer (trace.c): the session's report channel, NULL when off. */
    struct fs_trace_fifo *trace;
    char *trace_js;               /* the module's path */
    struct fs_porttab *trace_ports; /* who holds node's port ends (model/porttab.h) */
    char *lessons;                /* node/lessons, for $FORKSCOPE_LESSONS; NULL if not found */
    unsigned long long trace_bad; /* report lines not understood */
    /* The API that started a traced child, kept until the child is among its
     * task's descendants in a sample (trace.c: fs_app_trace_notes). */
    struct app_trace_note {
        const struct app_task *at;
        int pid;
        char api[16];
        unsigned tries;
    } trace_notes[64];
    size_t ntrace_notes;
    /* Log files (logs.c): the writer's files by number, a scratch buffer. */
    struct fs_logw *logw; /* owned by the runtime; NULL until a task has a log */
    char **log_paths;
    size_t nlog_paths;
    struct fs_bytes log_text;
    bool log_failed; /* no writer thread could be made; told once */
};

static inline double
app_task_now(const struct app_task *at)
{
    return fs_app_now(at->app);
}

/* app.c: carries out a state-machine action for a task. */
void fs_app_act(struct app_task *at, enum fs_task_action a);
/* Ends the loop once nothing is left to wait for. */
void fs_app_check_done(struct fs_app *app);
void fs_app_error(struct app_task *at, const char *msg);
/* Sends JSON text to a worker's port or a fork task's channel. 0, or -1 with
 * *err set. */
int fs_app_send(struct app_task *at, const char *json, size_t len, char **err);

/* app.c: the run is ready (its readiness probe passed: how names the
 * probe; or it has none and started: how is NULL). Tells the front end and
 * starts what waited for it. */
void fs_app_task_ready(struct app_task *at, const char *how);
/* deps.c: starts the tasks whose dependencies now hold; called whenever a
 * task starts, becomes ready or ends. */
void fs_app_deps_check(struct fs_app *app);
/* Starts a task now, or makes it wait when it has dependencies. */
void fs_app_deps_begin(struct app_task *at);
/* Begins every task from index first marked autostart, then checks what
 * waits (and whether the session is done). */
void fs_app_deps_begin_all(struct fs_app *app, size_t first);
/* Nothing is left running but tasks still wait: they are blocked, so a
 * session that ends by itself ends. */
void fs_app_deps_stuck(struct fs_app *app);
/* Stops every task, each once no task depending on it has a process left
 * (stop_next: the next round, after a task ended). */
void fs_app_deps_stop_all(struct fs_app *app);
void fs_app_deps_stop_next(struct fs_app *app);

/* probe.c: a run began (its probes start after their initial_delay); output
 * of the run (a log probe reads it); the run ended (every check stops, a
 * probe process is killed); the task goes. */
void fs_app_probes_begin(struct app_task *at);
void fs_app_probe_output(struct app_task *at, enum fs_stream stream, const char *data,
                         size_t len);
void fs_app_probes_end(struct app_task *at);
void fs_app_probes_free(struct app_task *at);

/* logs.c: gives a task with a log_file its formatter and file (when every
 * task of the session exists: the name prefix depends on who shares the
 * file); writes what it output there; ends a run's last line; frees its
 * side; frees the app's. */
void fs_app_log_open(struct app_task *at);
void fs_app_log_output(struct app_task *at, enum fs_stream stream, const char *data, size_t len);
/* A run ended: a last line without a newline gets one, so the next run's
 * output starts a line of its own. */
void fs_app_log_end(struct app_task *at);
void fs_app_log_free(struct app_task *at);
void fs_app_logs_fini(struct fs_app *app);

/* spawn.c: starts a run (FS_TASK_SPAWN); closes the run that is over and tells
 * the front end. */
void fs_app_spawn(struct app_task *at);
/* The value the spec's own env gives NAME, or NULL when it gives none. */
const char *fs_app_spec_var(const struct fs_task_spec *spec, const char *name);
void fs_app_end_run(struct app_task *at);
/* The stop grace period of the task's run is over (or a second quit cut it
 * short): once its own process has exited, its streams are ended. */
void fs_app_stop_overdue(struct app_task *at);

/* worker.c. spawn: 0 started in a thread, 1 the module is unsafe and must
 * run in a host process (the caller spawns `forkscope worker-host`), -1 with
 * *err set. */
int fs_app_worker_spawn(struct app_task *at, char **err);
pid_t fs_app_worker_tid(struct app_task *at);
void fs_app_worker_stop(struct app_task *at);
/* The grace period ended and the worker has not returned. */
void fs_app_worker_overdue(struct app_task *at);
int fs_app_worker_send(struct app_task *at, const char *json, size_t len, char **err);
void fs_app_worker_end(struct app_task *at);

/* trace.c: the path of one of forkscope's node files or directories (NAME:
 * trace.js, lessons), resolved: $VAR when set, else node/NAME beside the
 * binary or above it (a build tree), the source tree's node/NAME, then
 * FS_DATADIR/NAME; NULL when none can be read. */
char *fs_app_data_find(const char *var, const char *name);
/* trace.c: opens the session's report channel when a task may be traced and
 * the module is found; adds a traced run's variables to env; reads the
 * reports that are in (before a run's end is told); closes the channel. */
void fs_app_trace_open(struct fs_app *app);
void fs_app_trace_env(const struct app_task *at, char ***env);
void fs_app_trace_drain(struct fs_app *app);
/* After a sample: labels traced children in their task's tree with the API
 * that started them (fork, spawn, execSync...). */
void fs_app_trace_notes(struct fs_app *app);
void fs_app_trace_close(struct fs_app *app);

/* pool.c: the pool task's side, called from fs_app_spawn() and send_stop(). */
void fs_pool_begin(struct app_task *pool);
void fs_pool_stop(struct app_task *pool);
/* A member's side: spawned (a fork or worker member gets its job now), a
 * message that came from it, its run ended. */
void fs_pool_member_spawned(struct app_task *m);
void fs_pool_member_message(struct app_task *m, enum fs_ipc_mode mode, const char *data,
                            size_t len);
void fs_pool_member_ended(struct app_task *m);
/* A shell or cmd member's argument for the job it holds, or NULL. */
const char *fs_pool_job_arg(const struct app_task *m);
const struct fs_pool_counts *fs_pool_counts(const struct app_task *at);
/* After a /proc sample: each pool's members' figures, summed. */
void fs_pool_sampled(struct fs_app *app);
void fs_pool_free(struct app_task *at);

#endif
