/*
 * Running one worker: a thread of forkscope's own process that calls a
 * module's entry point with its port and arguments.
 *
 * A thread cannot be killed. fs_worker_stop only asks (the port's stop flag,
 * which also ends a blocked fs_port_recv); the module returns at its next
 * check. When the entry returns, the thread marks itself done and calls the
 * exit function (by default the port's wake function), so the loop, woken,
 * drains the port, sees fs_worker_done() and joins the thread without blocking.
 */
#ifndef FS_WORKER_THREAD_H
#define FS_WORKER_THREAD_H

#include <stdbool.h>
#include <sys/types.h>

#include "forkscope/worker.h"

struct fs_port;
struct fs_worker;

/* Called on the worker thread after the entry returned; must not block. */
typedef void (*fs_worker_exit_fn)(void *arg);

/*
 * Starts a thread running entry(port, args). `args` is copied (NULL means "").
 * `on_exit` may be NULL: the port's wake function is called instead. The
 * thread blocks every signal (they belong to the loop) and is named
 * "fs:<port name>" (/proc/self/task/TID/comm). Returns when the thread's TID is
 * known. Returns 0 and sets *out, or a negative errno from pthread_create.
 * The port must outlive the thread; the caller owns both.
 */
int fs_worker_start(fs_worker_main_fn entry, const char *args, struct fs_port *port,
                    fs_worker_exit_fn on_exit, void *exit_arg, struct fs_worker **out);

/* The same with a loop around the entry: the thread runs loop(entry, port)
 * and its return code is the worker's (the pool members' job loop,
 * worker/jobs.h). loop NULL: the entry runs once with args. */
typedef int (*fs_worker_loop_fn)(fs_worker_main_fn entry, struct fs_port *port);
int fs_worker_start_loop(fs_worker_main_fn entry, fs_worker_loop_fn loop, const char *args,
                         struct fs_port *port, fs_worker_exit_fn on_exit, void *exit_arg,
                         struct fs_worker **out);

/* Asks the worker to return (sets the port's stop flag). Never blocks. */
void fs_worker_stop(struct fs_worker *w);

/* True once the entry has returned: fs_worker_join will not block. */
bool fs_worker_done(const struct fs_worker *w);

/* The thread's kernel TID, for /proc/self/task/TID. */
pid_t fs_worker_tid(const struct fs_worker *w);

/*
 * Waits for the thread and frees the worker. Returns the entry's return code.
 * Blocks if the worker is not done: the loop calls it only once done.
 */
int fs_worker_join(struct fs_worker *w);

#endif
