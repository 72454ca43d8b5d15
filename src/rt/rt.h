/*
 * The runtime: the one libuv loop of forkscope and everything that touches it.
 * It owns the loop, the session clock, the signal watchers (quit signals and
 * SIGCHLD), timers, the standard-input reader for --control, the output queue
 * and the watchdog. Nothing above rt/ includes uv.h: these types are opaque.
 */
#ifndef FS_RT_H
#define FS_RT_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

struct fs_rt;
struct fs_timer;
struct fs_proc;
struct fs_outq;

typedef void (*fs_rt_signal_cb)(void *arg, int sig);
typedef void (*fs_timer_cb)(void *arg);
/* Data read from standard input; len 0 means end of file. */
typedef void (*fs_rt_input_cb)(void *arg, const char *data, size_t len);

/* Creates the runtime: forks the watchdog (do this before any thread exists),
 * makes forkscope a child subreaper, starts the loop's clock. Returns NULL with
 * *err set when the watchdog cannot be started. */
struct fs_rt *fs_rt_new(char **err);
/* Closes what is left and the loop. Returns the result of uv_loop_close (0 when
 * every handle was closed: anything else is a leak). */
int fs_rt_free(struct fs_rt *rt);

/* Runs the loop until nothing is active. */
int fs_rt_run(struct fs_rt *rt);
/* Runs one turn of the loop, waiting for at least one event: a caller that
 * waits for a condition (the benchmarks) turns the loop until it holds.
 * Returns non-zero while handles or requests are still active. */
int fs_rt_run_once(struct fs_rt *rt);
/* Closes the runtime's own handles (signal watchers, stdin, output queue) so
 * that fs_rt_run returns once the last task handle is closed. */
void fs_rt_shutdown(struct fs_rt *rt);

/* Seconds since the runtime started. */
double fs_rt_now(struct fs_rt *rt);

/* Calls cb for SIGINT, SIGTERM, SIGHUP and (when stdout's reader went away)
 * SIGPIPE. */
void fs_rt_on_quit_signal(struct fs_rt *rt, fs_rt_signal_cb cb, void *arg);

/* Reads standard input and passes each chunk to cb. Reading pauses while a
 * task's channel is full (more than 1 MiB waits for the task to read it) until
 * the task has read it down to half, so commands that send to a slow task wait
 * for it instead of being refused; and while standard output is paused. */
int fs_rt_read_stdin(struct fs_rt *rt, fs_rt_input_cb cb, void *arg);
/* A full channel whose task takes nothing for this long stops holding back
 * standard input, and sends that wait (FS_PROC_SEND_WAIT) are refused until it
 * reads again. */
#define FS_RT_SEND_TIMEOUT 10.0
void fs_rt_set_send_timeout(struct fs_rt *rt, double seconds);

/* The queues in front of standard output and standard error (see outq.h). */
struct fs_outq *fs_rt_stdout(struct fs_rt *rt);
struct fs_outq *fs_rt_stderr(struct fs_rt *rt);

/* The first write error on standard output or standard error other than
 * EPIPE (a reader that went away is a quiet stop, not an error): a positive
 * errno, with *what naming the stream ("standard output"), or 0. */
int fs_rt_write_error(struct fs_rt *rt, const char **what);

/* Timers: one-shot, in seconds. fs_timer_free stops and releases it. */
struct fs_timer *fs_timer_new(struct fs_rt *rt, fs_timer_cb cb, void *arg);
void fs_timer_start(struct fs_timer *t, double seconds);
void fs_timer_stop(struct fs_timer *t);
void fs_timer_free(struct fs_timer *t);
/* A weak timer does not keep the loop running by itself (screen frames). */
void fs_timer_weak(struct fs_timer *t);

/* A wake-up another thread can send (uv_async): cb runs on the loop; sends
 * before it runs coalesce into one call. fs_wake_send is the only function
 * here that may be called from another thread. */
struct fs_wake;
struct fs_wake *fs_wake_new(struct fs_rt *rt, fs_timer_cb cb, void *arg);
void fs_wake_send(struct fs_wake *w);
void fs_wake_free(struct fs_wake *w);

/* Calls cb whenever standard input is readable (the screen reads keys itself).
 * When the terminal hangs up instead, calls the quit callback with SIGHUP
 * (once) and watches no more. 0, or a UV error with nothing left open. */
int fs_rt_watch_input(struct fs_rt *rt, fs_timer_cb cb, void *arg);
/* Whether the terminal on standard input or output has hung up; the first time
 * it is found so, the quit callback is called with SIGHUP. */
bool fs_rt_terminal_gone(struct fs_rt *rt);
/* Calls cb for another signal, such as SIGWINCH. At most 4 of them. */
int fs_rt_on_signal(struct fs_rt *rt, int sig, fs_rt_signal_cb cb, void *arg);

/* Calls cb with the pid and wait status of each process forkscope reaps that
 * is not a task's own: orphaned descendants re-parented to forkscope, the
 * child subreaper. NULL: none is told. */
typedef void (*fs_rt_reaped_cb)(void *arg, int pid, int status);
void fs_rt_on_orphan_reaped(struct fs_rt *rt, fs_rt_reaped_cb cb, void *arg);

/* Kills what remains of every process group forkscope started (members left
 * behind by a task whose leader already exited). Called on quit. */
void fs_rt_kill_lingering(struct fs_rt *rt);

#endif
