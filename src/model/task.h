/*
 * The task model: what a task is (its spec, as written on the command line or in
 * a session file) and what state it is in. The state machine is pure: it is fed
 * events with the time they happened and says what the runtime must do next, so
 * it is unit-tested without a loop, a process or a clock.
 */
#ifndef FS_TASK_H
#define FS_TASK_H

#include <stdbool.h>
#include <stddef.h>

#include "model/kind.h"
#include "model/probe.h"

struct fs_dep; /* model/deps.h */

enum fs_state {
    FS_STATE_IDLE,     /* never started */
    FS_STATE_STARTING, /* being spawned */
    FS_STATE_RUNNING,
    FS_STATE_STOPPING, /* stop signal sent, waiting for exit and EOF */
    FS_STATE_EXITED,   /* ended with 0, or ended after a stop was asked for */
    FS_STATE_FAILED,   /* could not start, or ended badly on its own */
    FS_STATE_BACKOFF,  /* waiting to be restarted */
    FS_STATE_WAITING,  /* not started: waits for its dependencies (model/deps.h) */
    FS_STATE_BLOCKED   /* not started: a dependency's condition can no longer hold */
};
#define FS_STATE_COUNT 9

/* The defaults of a log file's `max` and `keep`. */
#define FS_LOG_MAX_DEFAULT ((size_t)10 << 20)
#define FS_LOG_KEEP_DEFAULT 3u

enum fs_restart { FS_RESTART_NO, FS_RESTART_ON_FAILURE, FS_RESTART_ALWAYS };

/* A task's output streams; the channel is the IPC socket of a fork task. */
enum fs_stream { FS_STREAM_STDOUT = 1, FS_STREAM_STDERR = 2, FS_STREAM_CHANNEL = 3 };

/* Exponential backoff: delay(n) = min(base * factor^n, cap) for the n-th
 * consecutive restart. `max` bounds the consecutive restarts (0: no bound). A
 * run that lasted at least `reset_after` seconds resets the count. */
struct fs_backoff {
    double base;
    double factor;
    double cap;
    unsigned max;
    double reset_after;
};

struct fs_task_spec {
    char *name;
    enum fs_kind kind;  /* model/kind.h says how a kind runs */
    char *shell;        /* FS_ARGV_SHELL kinds: the command string */
    char **argv;        /* FS_ARGV_WORDS kinds: NULL-terminated */
    char *module;       /* FS_ARGV_MODULE kinds: module name or path */
    char *args;         /* FS_ARGV_MODULE kinds: its argument string */
    char *shared;       /* in-process kinds: the name of a shared memory block, or NULL */
    size_t shared_size; /* its size in bytes; 0: the default (4096) */
    char *cwd;          /* NULL: forkscope's own */
    char **env_set;     /* "KEY=VALUE" entries added to the environment */
    char **env_unset;   /* "KEY" entries removed from it */
    enum fs_restart restart;
    double restart_min_run; /* a run shorter than this (seconds) is not restarted; 0: any */
    struct fs_backoff backoff;
    int stop_signal;    /* first signal of a stop; SIGKILL follows after stop_timeout */
    char *stop_keys;    /* NULL, or bytes typed into a pty task's terminal to stop it
                         * (then stop_signal stops a run on pipes) */
    double stop_timeout;
    struct fs_probe *ready_probe; /* NULL: ready as soon as it started */
    struct fs_probe *alive_probe; /* NULL: no liveness check */
    struct fs_dep *deps;          /* depends_on: what it waits for before it starts */
    size_t ndeps;
    int *success_codes;           /* exit codes that count as success; NULL: only 0 */
    size_t nsuccess;
    char *replica_of;             /* a replica: the name of the task it was copied from */
    /* A log file of the output (doc/session-file.md, "Log files"): NULL for none. */
    char *log_file;
    size_t log_max;      /* a file is rotated before it would pass this many bytes */
    unsigned log_keep;   /* rotated files kept: log_file.1 ... log_file.N */
    bool log_timestamps; /* each line after its time of arrival */
    bool log_truncate;   /* empty the file when it is first opened (mprocs' mode: truncate) */
    bool buffer;        /* hold output until exit, like Node's exec() */
    size_t buffer_cap;  /* bytes held at most; past it the task is stopped */
    bool autostart;
    bool pty;           /* on the screen, run on a pty (default); false: pipes */
    bool trace;         /* process kinds: node anywhere below reports to forkscope
                           (doc/tracing.md); default true */
    bool ipc_advanced;  /* channel_options kinds: V8 serialization instead of JSON lines */
    size_t ipc_max_frame; /* channel_options kinds: longest message accepted; 0: 64 MiB */
    /* A pool (pool_size > 0) runs nothing itself: it hands njobs jobs to its
     * pool_size members, the tasks NAME-1 ... NAME-N whose pool_of is NAME. */
    unsigned pool_size;
    size_t njobs;
    char **jobs;        /* each job's argument, NULL-terminated; NULL: no argument per job */
    char *pool_of;      /* a pool member: the name of its pool; NULL otherwise */
    /* Where the task was defined: for messages. file is NULL for the command line. */
    char *file;
    int line;
    int col;
};

/* Fills a spec with the defaults of doc/session-file.md; the name is copied. */
void fs_task_spec_init(struct fs_task_spec *spec, const char *name);
void fs_task_spec_fini(struct fs_task_spec *spec);
/* Deep copy of src into dst (dst uninitialised). */
void fs_task_spec_copy(struct fs_task_spec *dst, const struct fs_task_spec *src);
/* A one-line description of what runs ("sh -c 'make'", "make -j2"); caller frees. */
char *fs_task_spec_describe(const struct fs_task_spec *spec);

const char *fs_state_name(enum fs_state state);
const char *fs_restart_name(enum fs_restart restart);
int fs_restart_from_name(const char *name, enum fs_restart *restart);

/* The delay before the restart that follows `attempt` consecutive restarts. */
double fs_backoff_delay(const struct fs_backoff *b, unsigned attempt);

/* A run's resources as wait4(2) reports them. Both cover the process and the
 * descendants it waited for: max_rss is the largest of their peaks. */
struct fs_usage {
    double cpu;          /* CPU seconds, user + system */
    long long max_rss;   /* peak resident set, bytes */
};

/* What the runtime must do after an event. */
enum fs_task_action {
    FS_TASK_NOTHING,
    FS_TASK_SPAWN,       /* start the process now */
    FS_TASK_SEND_STOP,   /* send stop_signal to the group, arm the kill timer */
    FS_TASK_FINISHED,    /* it ended and stays ended */
    FS_TASK_RESPAWN,     /* it ended on a restart request: report the end, then start */
    FS_TASK_SCHEDULE     /* it ended; restart after status.backoff_delay seconds */
};

struct fs_task_status {
    enum fs_state state;
    int pid;              /* 0 when not running */
    double started_at;    /* seconds on the session clock */
    double ended_at;
    bool have_exit;       /* the exit status arrived */
    int exit_code;        /* -1 when it ended by a signal or not at all */
    int term_signal;      /* 0 when it did not end by a signal */
    unsigned open_streams;/* output pipes not yet at EOF */
    unsigned restarts;    /* how often it was started again, automatically or by hand */
    unsigned attempt;     /* consecutive automatic restarts, for the backoff */
    bool stop_requested;  /* the current run was asked to stop */
    bool restart_pending; /* start again once the current run has finished */
    bool ready;           /* this run passed its readiness probe, or has none and started */
    bool ready_gave_up;   /* its readiness probe stopped trying: this run will not be ready */
    bool has_run;         /* a run of it has started (spawned), ever */
    bool was_ready;       /* a run of it has been ready, ever */
    bool unhealthy;       /* its liveness probe failed: stopped, and a failure */
    bool paused;          /* SIGSTOP sent by forkscope, no SIGCONT since */
    double backoff_delay; /* seconds, valid in FS_STATE_BACKOFF */
    int spawn_error;      /* negative errno when it could not be started */
    /* What the last run used, from wait4(2) when its process was reaped; kept
     * after it ended, cleared when the next run starts. A worker thread has no
     * usage of its own: have_usage stays false. */
    bool have_usage;
    struct fs_usage usage;
};

struct fs_task {
    struct fs_task_spec spec;
    struct fs_task_status st;
};

void fs_task_init(struct fs_task *t, const struct fs_task_spec *spec);
void fs_task_fini(struct fs_task *t);

/* Events. Each returns what the runtime must do. */
enum fs_task_action fs_task_start(struct fs_task *t, double now);
enum fs_task_action fs_task_spawned(struct fs_task *t, int pid, unsigned streams, double now);
enum fs_task_action fs_task_spawn_failed(struct fs_task *t, int err, double now);
enum fs_task_action fs_task_stop(struct fs_task *t, double now);
enum fs_task_action fs_task_restart(struct fs_task *t, double now);
/* Its liveness probe failed: the run is stopped and counts as a failure, so
 * the restart policy decides what follows. */
enum fs_task_action fs_task_unhealthy(struct fs_task *t, double now);
enum fs_task_action fs_task_exit_status(struct fs_task *t, int code, int sig, double now);
/* The live run's usage, given with its exit status (before fs_task_exit_status). */
void fs_task_usage(struct fs_task *t, const struct fs_usage *use);
enum fs_task_action fs_task_stream_eof(struct fs_task *t, double now);
enum fs_task_action fs_task_backoff_due(struct fs_task *t, double now);
/* A task with dependencies waits for them instead of starting (IDLE, EXITED or
 * FAILED -> WAITING); once they can no longer hold it is blocked (WAITING ->
 * BLOCKED). Starting either starts it now; stopping a waiting task leaves it
 * IDLE with stop_requested set. Neither returns an action. */
void fs_task_wait(struct fs_task *t);
void fs_task_block(struct fs_task *t);

/* True while a process of this run may exist (starting, running, stopping). */
bool fs_task_is_live(const struct fs_task *t);
/* True when the task has ended and nothing will start it again by itself. */
bool fs_task_is_settled(const struct fs_task *t);
/* True when it ended with exit code 0. */
bool fs_task_succeeded(const struct fs_task *t);

#endif
