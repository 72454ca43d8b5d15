/*
 * The app: a running session. It owns one task per spec, drives each task's
 * state machine from runtime events (spawned, output, EOF, exit, timers), applies
 * restart policies, stop grace periods and buffer caps, carries out commands
 * (from --control or keys), and reports to one front end through fs_fe_ops.
 */
#ifndef FS_APP_H
#define FS_APP_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_RT)
#error "app/ is for the front ends and main.c alone (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "app/fe.h"
#include "model/control.h"
#include "model/deps.h"
#include "model/session.h"
#include "sample/sampler.h"

struct fs_app;
struct fs_rt;

/* ---- running a session (run.c): what a front end calls ---------------------------------- */

/* What the session does with standard input. */
enum fs_app_input {
    FS_APP_INPUT_NONE,
    FS_APP_INPUT_COMMANDS, /* read; each chunk goes to the `commands` hook (--control) */
    FS_APP_INPUT_KEYS      /* watched; `keys` reads it whenever it is readable (the screen) */
};

/* What differs between the front ends around a session. Each hook is called
 * with the front end's `fe`; a NULL hook is not called (but `commands`, `keys`
 * and `on_signal` are required with the input or signal that calls them). */
struct fs_app_run_opts {
    enum fs_app_input input;
    /* The session ends by itself once every task has settled; with commands,
     * once standard input has ended too (headless). */
    bool exit_when_settled;
    /* Seconds a send from a command waits on a full channel (fs_app_set_send_wait). */
    double send_wait;
    /* /proc sampling every `interval` seconds (0: none), reading `sample_flags`. */
    double interval;
    const char *proc_root;
    unsigned sample_flags;
    /* Another signal to follow (SIGWINCH), 0: none; `signal_what` names what is
     * lost when it cannot be watched ("terminal resizes"). */
    int signal;
    const char *signal_what;
    /* The app exists and nothing has started: set up what needs it. */
    void (*ready)(void *fe, struct fs_app *app);
    /* SIGINT, SIGTERM, SIGHUP (the terminal hung up included) or, when standard
     * output's reader went away, SIGPIPE; the app is told to quit right after. */
    void (*quit_signal)(void *fe, int sig);
    void (*on_signal)(void *fe, int sig);
    /* Bytes read from standard input; len 0 at its end. */
    void (*commands)(void *fe, const char *data, size_t len);
    void (*keys)(void *fe);
    /* The loop has ended; the app still exists (the screen gives the terminal back). */
    void (*stopped)(void *fe);
};

/* Runs a session to its end with a front end: starts the runtime, creates the
 * app, starts the tasks and runs until the session ends, then frees both. What
 * cannot be set up is reported through ops->error. Returns forkscope's exit
 * status: the app's (fs_app_exit_status), 1 when the runtime cannot start (the
 * reason on stderr), when the keys cannot be watched, or when forkscope's own
 * output could not be written (other than EPIPE), and 70 when a handle was left
 * open — a bug, so the tests catch it. */
int fs_app_run(const struct fs_session *s, const struct fs_app_run_opts *o,
               const struct fs_fe_ops *ops, void *fe);

/* Appends to forkscope's own standard output or error (FS_STREAM_STDOUT,
 * FS_STREAM_STDERR) through its queue; never blocks. */
void fs_app_write(struct fs_app *app, enum fs_stream to, const char *data, size_t len);
/* Whether writes there failed for good (EPIPE...): what is written is dropped. */
bool fs_app_output_broken(struct fs_app *app, enum fs_stream to);
/* Whether the terminal on standard input or output has hung up; the first time
 * it is found so, the session quits as on SIGHUP (the quit_signal hook). */
bool fs_app_terminal_gone(struct fs_app *app);

/* A front end's timer: one-shot, in seconds, and weak — it does not keep the
 * session running (screen frames). fs_app_timer_free stops and releases it;
 * call it before the run ends (the `stopped` hook). */
struct fs_app_timer;
struct fs_app_timer *fs_app_timer_new(struct fs_app *app, void (*cb)(void *arg), void *arg);
void fs_app_timer_start(struct fs_app_timer *t, double seconds);
void fs_app_timer_free(struct fs_app_timer *t);

/* A traced message's route from the reporting process ("main → kid 1234",
 * "worker 2 → main"), in buf of n bytes (64 is enough). */
void fs_app_trace_route(const struct fs_trace_ev *ev, char *buf, size_t n);

/* ---- the session (app.c) ------------------------------------------------------------------ */

/* Creates the app for a parsed session (fs_app_run does); the specs are copied. */
struct fs_app *fs_app_new(struct fs_rt *rt, const struct fs_session *s, const struct fs_fe_ops *ops,
                          void *fe);
void fs_app_free(struct fs_app *app);

/* Ends the session by itself once every task has settled (headless). */
void fs_app_set_exit_when_settled(struct fs_app *app, bool on);
/* Sends from commands (--control) to a full channel wait instead of being
 * refused: the runtime stops reading standard input until the task has read
 * most of what waits. A task that reads nothing for `timeout` seconds gets its
 * sends refused again. 0: refuse at once (the screen). */
void fs_app_set_send_wait(struct fs_app *app, double timeout);
/* Starts every task marked autostart. */
void fs_app_start_all(struct fs_app *app);
/* Carries out a command. Returns 0, or -1 with *err set (allocated) to a
 * message that names the task. */
int fs_app_command(struct fs_app *app, const struct fs_control_cmd *cmd, char **err);
/* Stops every task, waits for them, then ends the loop. A second call sends
 * SIGKILL at once. */
void fs_app_quit(struct fs_app *app);

/* Stops every task as quit does (a task's stop signal, SIGKILL after its grace
 * period), without ending the session: the front end removes them once none
 * is live, then may load another session (replace.c). */
void fs_app_stop_all(struct fs_app *app);
/* Adds every task of s after the existing ones, then starts those marked
 * autostart; the specs are copied. */
void fs_app_load(struct fs_app *app, const struct fs_session *s);

/* Whether condition k of task i holds now (model/deps.h); *why (allocated)
 * when it can no longer hold. */
enum fs_dep_state fs_app_dep_state(const struct fs_app *app, size_t i, size_t k, char **why);
/* Why task i is blocked ("db exited with 1") and on which condition (*dep);
 * NULL when it is not blocked. */
const char *fs_app_blocked(const struct fs_app *app, size_t i, const struct fs_dep **dep);

/* Pauses (SIGSTOP) or resumes (SIGCONT) a running task's process group.
 * Returns 0, or -1 with *err set. */
int fs_app_pause(struct fs_app *app, size_t i, bool pause, char **err);
/* Types into a pty task's terminal / resizes it. 0 or a negative errno. */
int fs_app_input(struct fs_app *app, size_t i, const char *data, size_t len);
int fs_app_resize(struct fs_app *app, size_t i, int rows, int cols);
/* Adds a task (the spec is copied) and returns its index. */
size_t fs_app_add_task(struct fs_app *app, const struct fs_task_spec *spec, bool start);
/* Removes a task that is not running: 0, -EBUSY, or -ESRCH. Later indices shift
 * down by one; the removed task's pointer is invalid afterwards, the others stay
 * valid (a task's address never changes while it exists). */
int fs_app_remove_task(struct fs_app *app, size_t i);

/* Turns /proc sampling on: every `interval` seconds each running task is
 * sampled (reading what `flags`, FS_SAMPLE_*, ask for) and the front end's
 * `samples` op is called. Returns 0, or -1 with *err set. */
int fs_app_set_sampling(struct fs_app *app, double interval, const char *proc_root, unsigned flags,
                        char **err);
void fs_app_set_interval(struct fs_app *app, double interval);
/* The interval in seconds, 0 when sampling is off. */
double fs_app_interval(const struct fs_app *app);
/* Figures of task i's current run (owned by the app; NULL when not sampled). */
const struct fs_sample *fs_app_sample(const struct fs_app *app, size_t i);
/* Task i's last samples of CPU% and RSS, oldest first; returns the count. */
size_t fs_app_history(const struct fs_app *app, size_t i, float *cpu, uint64_t *rss);
/* The machine's CPU and memory (NULL when sampling is off). */
const struct fs_machine *fs_app_machine(const struct fs_app *app);
/* Task i's descendants one by one, in tree order, with those that ended a
 * moment ago (sample/desc.h); NULL when they are not sampled. Valid until the
 * next sample. */
const struct fs_desc_list *fs_app_descendants(const struct fs_app *app, size_t i);
/* Task i's threads (read from the next sample on while `want`); NULL, *n 0 when
 * not yet known. */
const struct fs_thread_sample *fs_app_threads(struct fs_app *app, size_t i, bool want, size_t *n);

/* What crossed a task's channel, over every run of the task. */
struct fs_channel_counts {
    unsigned long long msgs_in, msgs_out;   /* messages task→forkscope, forkscope→task */
    unsigned long long bytes_in, bytes_out; /* payload bytes */
    unsigned long long bad;                 /* bad frames received */
    unsigned long long internal;            /* Node's internal (NODE_*) messages, both ways */
};
/* Task i's channel counters (NULL for a task whose kind has no channel, and for
 * a pool). */
const struct fs_channel_counts *fs_app_traffic(const struct fs_app *app, size_t i);

/* A pool task's jobs: how many in all, waiting, running, done and failed, and
 * when the pool's run started and ended (0 while it runs). `up`: seconds from
 * the start until its last job had started (0 until then): with as many
 * members as jobs, what starting them all took.
 * From the last /proc sample (`sampled` once there was one or a member's
 * run ended): the members' CPU% and resident memory summed with their
 * descendants' (threads share forkscope's memory: counted once). peak_rss:
 * the largest such sum this run, or a member run's own peak (wait4) when
 * larger: a lower bound of the pool's true peak. */
struct fs_pool_counts {
    size_t jobs, queued, running, done, failed;
    double started, ended;
    double up;
    bool sampled;
    double cpu;
    uint64_t rss, peak_rss;
};
/* t's counts when t is a pool that has run, NULL otherwise. */
const struct fs_pool_counts *fs_app_pool(const struct fs_app *app, const struct fs_task *t);

size_t fs_app_ntasks(const struct fs_app *app);
const struct fs_task *fs_app_task(const struct fs_app *app, size_t i);
/* The errno of task i's log file failing now, 0 when it works or there is none. */
int fs_app_task_log_error(const struct fs_app *app, size_t i);
/* 0 when every task that ran ended with 0, 1 otherwise. */
int fs_app_exit_status(const struct fs_app *app);
double fs_app_now(const struct fs_app *app);

#endif
