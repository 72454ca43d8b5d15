/*
 * The app: a running session. It owns one task per spec, drives each task's
 * state machine from runtime events (spawned, output, EOF, exit, timers), applies
 * restart policies, stop grace periods and buffer caps, carries out commands
 * (from --control or keys), and reports to one front end through fs_fe_ops.
 */
#ifndef FS_APP_H
#define FS_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "app/fe.h"
#include "model/control.h"
#include "model/session.h"
#include "rt/rt.h"
#include "sample/sampler.h"

struct fs_app;

/* What both front ends do around a session: start the runtime (NULL, with the
 * reason on stderr, when it cannot start), and close it, turning a handle left
 * open — a bug — into exit status 70 so the tests catch it, and a failed write
 * of forkscope's own output (other than EPIPE) into a message and status 1. */
struct fs_rt *fs_app_runtime_new(void);
int fs_app_runtime_free(struct fs_rt *rt, int status);

/* Creates the app for a parsed session; the specs are copied. */
struct fs_app *fs_app_new(struct fs_rt *rt, const struct fs_session *s,
                          const struct fs_fe_ops *ops, void *fe);
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
 * when the pool's run started and ended (0 while it runs). */
struct fs_pool_counts {
    size_t jobs, queued, running, done, failed;
    double started, ended;
};
/* t's counts when t is a pool that has run, NULL otherwise. */
const struct fs_pool_counts *fs_app_pool(const struct fs_app *app, const struct fs_task *t);

size_t fs_app_ntasks(const struct fs_app *app);
const struct fs_task *fs_app_task(const struct fs_app *app, size_t i);
/* 0 when every task that ran ended with 0, 1 otherwise. */
int fs_app_exit_status(const struct fs_app *app);
double fs_app_now(const struct fs_app *app);

#endif
