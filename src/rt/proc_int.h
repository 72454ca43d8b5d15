/*
 * A task process's private state, shared by rt/proc_spawn.c (everything up to
 * exec), rt/proc.c (the process object, output pipes, exit) and rt/proc_chan.c
 * (the IPC channel of a fork task).
 */
#ifndef FS_PROC_INT_H
#define FS_PROC_INT_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "rt/chanq.h"
#include "rt/proc.h"
#include "rt/rt_int.h"

struct fs_proc {
    struct fs_rt *rt;
    struct fs_proc *next; /* in rt->procs */
    pid_t pid;
    /* [0] stdout (for a pty, its master), [1] stderr (unused with a pty),
     * [2] the IPC channel of a fork task. */
    uv_pipe_t pipes[3];
    /* The channel is written through pipes[2] and read through this poll on a
     * duplicate of its descriptor, with recvmsg, so that the descriptors a
     * child passes arrive (read(2) lets the kernel drop them). */
    uv_poll_t chan_poll;
    int chan_fd; /* the duplicate; -1: pipes[2] reads (no descriptors) */
    /* Pacing (proc_chan.c): when the last read drained the channel, whether
     * anything was sent on it since, and whether reading waits for rt's pace
     * timer. */
    uint64_t chan_last_read;
    bool chan_sent;
    bool chan_paced;
    bool chan_rested; /* on_pace's mark: rested until this timer */
    unsigned nstreams;
    bool pty;
    bool pipe_open[3]; /* initialised and not yet closed */
    bool pipe_eof[3];
    unsigned closing; /* close callbacks still to come */
    bool reaped;
    bool released;
    unsigned busy; /* inside a callback: the owner may release, not free */
    struct fs_proc_cbs cbs;
    void *arg;
    struct fs_chanq chq; /* what is sent on the channel */
};

/* proc.c: the process object of a spawned child, reading its streams: fds
 * are the forkscope ends of stdout, stderr (-1 on a pty) and the channel (-1
 * without one). A descriptor libuv cannot take is closed and its slot left
 * shut, and *failed holds the error: the caller gives the process up (its
 * slots can never end). The object is owned as fs_proc_spawn's result is. */
struct fs_proc *fs_proc_new(struct fs_rt *rt, pid_t pid, const struct fs_proc_cbs *cbs, void *arg,
                            const int fds[3], bool pty, int *failed);
/* proc.c: closes stream slot i (for the channel, its reader too). */
void fs_proc_close_slot(struct fs_proc *p, int i);
/* proc.c: slot i reached EOF or failed: closes it and tells the owner. */
void fs_proc_slot_over(struct fs_proc *p, int i);
/* proc.c: frees p once it is released, reaped, closed and in no callback. */
void fs_proc_maybe_free(struct fs_proc *p);
/* proc.c: queues a copy of the bytes on slot i (see fs_proc_write). */
int fs_proc_write_slot(struct fs_proc *p, int i, const char *data, size_t len);

/* proc_chan.c: sets up reading the channel whose forkscope end is fd (already
 * opened in pipes[2]). */
void fs_proc_chan_open(struct fs_proc *p, int fd);
/* proc_chan.c: starts or stops reading it as output_paused says; false when
 * pipes[2] reads it instead. */
bool fs_proc_chan_flow(struct fs_proc *p);
/* proc_chan.c: closes the reader (part of closing slot 2). */
void fs_proc_chan_close(struct fs_proc *p);
/* Reads what waits on the channel now, up to max bytes, and delivers it (the
 * run's streams are about to be ended: fs_proc_end_streams). */
void fs_proc_chan_drain(struct fs_proc *p, size_t max);

#endif
