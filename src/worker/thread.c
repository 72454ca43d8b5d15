/*
 * Worker threads: start one with its asynchronous signals blocked and its TID recorded,
 * record the entry's return code, tell the loop when it has returned, join it.
 * Owns the struct fs_worker and its copy of the arguments; not the port.
 */
#include <config.h>

#include "worker/thread.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "worker/port.h"

struct fs_worker {
    pthread_t thread;
    fs_worker_main_fn entry;
    char *args;
    fs_worker_loop_fn loop; /* NULL: call entry once */
    struct fs_port *port;
    fs_worker_exit_fn on_exit;
    void *exit_arg;
    pthread_mutex_t lock; /* guards tid until the start handshake is over */
    pthread_cond_t started;
    pid_t tid;
    int rc;
    atomic_bool done;
};

/*
 * The signals a fault raises on the faulting thread itself. They stay unblocked
 * on a worker thread: blocking one does not stop the kernel from delivering it
 * (it then kills the process with the default action), it only keeps the
 * process's handler from running, the handler that gives the terminal back
 * (ui/ui.c). abort() and a failed assert raise SIGABRT on the calling thread.
 */
static const int synchronous_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                                          SIGTRAP, SIGSYS, SIGABRT};

static void *
worker_run(void *arg)
{
    struct fs_worker *w = arg;
    char name[16];

    snprintf(name, sizeof name, "fs:%s", fs_port_name(w->port));
    pthread_setname_np(pthread_self(), name);
    pthread_mutex_lock(&w->lock);
    w->tid = (pid_t)syscall(SYS_gettid);
    pthread_cond_signal(&w->started);
    pthread_mutex_unlock(&w->lock);

    w->rc = w->loop != NULL ? w->loop(w->entry, w->port) : w->entry(w->port, w->args);
    /* Release: whoever sees done also sees rc and every message posted. */
    atomic_store_explicit(&w->done, true, memory_order_release);
    if (w->on_exit != NULL)
        w->on_exit(w->exit_arg);
    else
        fs_port_wake(w->port);
    return NULL;
}

int
fs_worker_start(fs_worker_main_fn entry, const char *args, struct fs_port *port,
                fs_worker_exit_fn on_exit, void *exit_arg, struct fs_worker **out)
{
    return fs_worker_start_loop(entry, NULL, args, port, on_exit, exit_arg, out);
}

int
fs_worker_start_loop(fs_worker_main_fn entry, fs_worker_loop_fn loop, const char *args,
                     struct fs_port *port, fs_worker_exit_fn on_exit, void *exit_arg,
                     struct fs_worker **out)
{
    struct fs_worker *w = fs_xcalloc(1, sizeof *w);
    sigset_t all, old;
    int err;

    w->entry = entry;
    w->loop = loop;
    w->args = fs_xstrdup(args != NULL ? args : "");
    w->port = port;
    w->on_exit = on_exit;
    w->exit_arg = exit_arg;
    w->tid = 0;
    atomic_init(&w->done, false);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->started, NULL);

    /* The new thread inherits the mask: asynchronous signals (SIGCHLD, SIGTERM,
     * SIGWINCH...) stay with the loop's thread, where libuv handles them. */
    sigfillset(&all);
    for (size_t i = 0; i < sizeof synchronous_signals / sizeof synchronous_signals[0]; i++)
        sigdelset(&all, synchronous_signals[i]);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = pthread_create(&w->thread, NULL, worker_run, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) {
        pthread_cond_destroy(&w->started);
        pthread_mutex_destroy(&w->lock);
        free(w->args);
        free(w);
        *out = NULL;
        return -err;
    }
    pthread_mutex_lock(&w->lock);
    while (w->tid == 0)
        pthread_cond_wait(&w->started, &w->lock);
    pthread_mutex_unlock(&w->lock);
    *out = w;
    return 0;
}

void
fs_worker_stop(struct fs_worker *w)
{
    fs_port_request_stop(w->port);
}

bool
fs_worker_done(const struct fs_worker *w)
{
    return atomic_load_explicit(&w->done, memory_order_acquire);
}

pid_t
fs_worker_tid(const struct fs_worker *w)
{
    return w->tid;
}

int
fs_worker_join(struct fs_worker *w)
{
    int rc;

    pthread_join(w->thread, NULL);
    rc = w->rc;
    pthread_cond_destroy(&w->started);
    pthread_mutex_destroy(&w->lock);
    free(w->args);
    free(w);
    return rc;
}
