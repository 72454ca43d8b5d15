/*
 * A child process of a task: spawned by fork+exec in its own process group,
 * with a parent-death signal, its output on pipes read through libuv, its exit
 * status collected through the runtime's SIGCHLD watcher. Stop, kill and any
 * signal go to the whole process group.
 */
#ifndef FS_PROC_H
#define FS_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "model/task.h"
#include "rt/rt.h"

struct fs_proc_opts {
    char *const *argv;       /* argv[0] is looked up in PATH unless it has a '/' */
    const char *cwd;         /* NULL: inherit */
    char *const *env_set;    /* "KEY=VALUE" added to forkscope's environment */
    char *const *env_unset;  /* "KEY" removed from it */
    int stdin_fd;            /* -1: /dev/null (ignored for a pty) */
    int channel_fd;          /* placed on fd 3 in the child, or -1 */
    bool pty;                /* run on a new pty as its controlling terminal */
    int rows, cols;          /* the pty's size */
};

struct fs_proc_cbs {
    void (*output)(void *arg, enum fs_stream stream, const char *data, size_t len);
    void (*eof)(void *arg, enum fs_stream stream);
    void (*exit)(void *arg, int code, int sig);
};

/* Starts a process. On success *out is the process (owned by the caller until
 * fs_proc_release); fs_proc_streams() says how many output streams it has (2
 * with pipes, stdout and stderr; 1 on a pty, reported as FS_STREAM_STDOUT). It
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
/* Sets a pty task's terminal size; the kernel sends SIGWINCH to its
 * foreground process group. */
int fs_proc_resize(struct fs_proc *p, int rows, int cols);
/* The owner lets go: no more callbacks; the process object is freed once its
 * pipes are closed and its exit status reaped. A live process is killed. */
void fs_proc_release(struct fs_proc *p);

#endif
