/*
 * A child process of a task: spawned by fork+exec in its own process group,
 * with a parent-death signal, its output on pipes read through libuv, its exit
 * status collected through the runtime's SIGCHLD watcher. Stop, kill and any
 * signal go to the whole process group.
 */
#ifndef FS_PROC_H
#define FS_PROC_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "model/task.h"
#include "rt/rt.h"
#include "util/passfd.h"

struct fs_proc_opts {
    char *const *argv;       /* argv[0] is looked up in PATH unless it has a '/' */
    const char *cwd;         /* NULL: inherit */
    char *const *env_set;    /* "KEY=VALUE" added to forkscope's environment */
    char *const *env_unset;  /* "KEY" removed from it */
    int stdin_fd;            /* -1: /dev/null (ignored for a pty) */
    bool channel;            /* an IPC channel: a socket pair, the child's end on fd 3 */
    bool pty;                /* run on a new pty as its controlling terminal */
    int rows, cols;          /* the pty's size */
};

/* Descriptors taken with one read of a channel; more are cut by the kernel. */
#define FS_PROC_CHANNEL_FDS 16

struct fs_proc_cbs {
    void (*output)(void *arg, enum fs_stream stream, const char *data, size_t len);
    /* Descriptors the child passed on its channel (SCM_RIGHTS) came with the
     * bytes that the next `output` call delivers; forkscope has closed them. */
    void (*passed)(void *arg, const struct fs_passfd *fds);
    void (*eof)(void *arg, enum fs_stream stream);
    /* use: what the process and the descendants it waited for used (wait4). */
    void (*exit)(void *arg, int code, int sig, const struct fs_usage *use);
};

/* Raises forkscope's soft limit on open descriptors to its hard limit (each
 * task takes three to five; a few hundred tasks pass the usual 1024). Every
 * task gets the limit forkscope was started with back before it executes:
 * a program that uses select() may rely on it. */
void fs_proc_raise_fd_limit(void);

/* Starts a process. On success *out is the process (owned by the caller until
 * fs_proc_release); fs_proc_streams() says how many streams it has (2 with
 * pipes, stdout and stderr; 1 on a pty, reported as FS_STREAM_STDOUT; one more
 * for a channel, FS_STREAM_CHANNEL, whose bytes come through `output` too). It
 * returns once the program has been executed, so the process group exists.
 * On failure returns a negative errno and *err says what
 * failed (not found, not executable, bad cwd), without naming the task. */
int fs_proc_spawn(struct fs_rt *rt, const struct fs_proc_opts *opts,
                  const struct fs_proc_cbs *cbs, void *arg, struct fs_proc **out, char **err);
int fs_proc_pid(const struct fs_proc *p);
unsigned fs_proc_streams(const struct fs_proc *p);
/* Sends sig to the process group; 0 or a negative errno. */
int fs_proc_signal(struct fs_proc *p, int sig);
/* Writes to a pty task's terminal (keys typed into its pane). Returns 0, or
 * -EAGAIN when more than 1 MiB is still waiting to be written, -ENOTTY when the
 * task has no pty, -EPIPE after its end. The bytes are copied. */
int fs_proc_write(struct fs_proc *p, const char *data, size_t len);
/* What a send does when the channel is full: more than 1 MiB waits for the
 * task to read it. */
enum fs_proc_send {
    FS_PROC_SEND_REFUSE, /* -EAGAIN (keys and the prompt on screen) */
    FS_PROC_SEND_WAIT,   /* queued: standard input (--control) is not read until
                            the task has read it down to half; -ETIMEDOUT while
                            the task has read nothing for the send timeout */
    FS_PROC_SEND_FORCE,  /* always queued (forkscope's own protocol answers) */
};
/* Writes to a fork task's channel (bytes copied): 0, or a negative errno as
 * above, -ENOTCONN without a channel, -EPIPE after it closed. */
int fs_proc_channel_write(struct fs_proc *p, const char *data, size_t len, enum fs_proc_send how);
/* Bytes queued on the channel and not yet taken by the child; once the channel
 * is closed, the bytes that were never delivered. */
size_t fs_proc_channel_queued(struct fs_proc *p);
/* Closes forkscope's end of the channel (disconnect); reported as its EOF. */
int fs_proc_channel_close(struct fs_proc *p);
/* Sets a pty task's terminal size; the kernel sends SIGWINCH to its
 * foreground process group. */
int fs_proc_resize(struct fs_proc *p, int rows, int cols);
/* Ends every stream still open as if it had reached EOF (the `eof` callback
 * comes for each): for a run whose process has exited while a process out of
 * reach of its group (one that left it with setsid) still holds its output. */
void fs_proc_end_streams(struct fs_proc *p);
/* The owner lets go: no more callbacks; the process object is freed once its
 * pipes are closed and its exit status reaped. A live process is killed. */
void fs_proc_release(struct fs_proc *p);

#endif
