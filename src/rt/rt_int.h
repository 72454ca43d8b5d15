/*
 * The runtime's private state, shared by the files of rt/ only.
 */
#ifndef FS_RT_INT_H
#define FS_RT_INT_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include <uv.h>

#include "rt/hold.h"
#include "rt/outq.h"
#include "rt/rt.h"
#include "rt/watchdog.h"

struct rusage;

enum fs_input_kind { FS_INPUT_NONE, FS_INPUT_STREAM, FS_INPUT_FILE };

struct fs_rt {
    uv_loop_t loop;
    uint64_t t0;
    uv_signal_t sig_int, sig_term, sig_hup, sig_chld;
    fs_rt_signal_cb quit_cb;
    void *quit_arg;

    /* --control input. */
    enum fs_input_kind in_kind;
    union {
        uv_pipe_t pipe;
        uv_tty_t tty;
    } in;
    uv_fs_t in_req;
    bool in_reading;
    bool in_eof;
    bool in_held; /* not read while a channel is full (chanq.c) or output paused */
    fs_rt_input_cb in_cb;
    void *in_arg;
    char in_buf[65536];

    /* The screen's key input and extra signals. */
    uv_poll_t keys;
    bool keys_active;
    bool hung_up; /* the terminal is gone (fs_rt_terminal_gone) */
    fs_timer_cb keys_cb;
    void *keys_arg;
    struct {
        uv_signal_t h;
        fs_rt_signal_cb cb;
        void *arg;
    } extra_sig[4];
    int nextra_sig;

    struct fs_outq *out;
    struct fs_outq *err;
    struct fs_logw *logw; /* log files (logw.c), NULL until one is asked for */
    struct fs_watchdog wd;
    struct fs_proc *procs;   /* every process object not yet freed */
    /* Told of every reaped process that is no task's own (fs_rt_on_orphan_reaped). */
    fs_rt_reaped_cb orphan_cb;
    void *orphan_arg;
    bool output_paused;      /* standard output is over its high-water mark */
    /* What holds back standard input (hold.c): full channels, worker
     * queues; and how many of them still do (those whose task has not
     * stalled). */
    struct fs_rt_hold *holds;
    unsigned waiting;
    struct fs_timer *stall_timer;
    double send_timeout;
    /* The pace timer of channel reads (proc_chan.c): a timerfd, -1 when
     * there is none. */
    int pace_fd;
    uv_poll_t pace_poll;
    bool pace_armed;
    int *lingering;          /* groups whose leader exited while members remained */
    size_t nlingering;
    bool shut;
    char read_buf[65536];    /* one buffer for every pipe read: libuv reads synchronously */
};

/* proc.c: the SIGCHLD watcher reaped pid with this wait status and usage. */
void fs_proc_reaped(struct fs_rt *rt, int pid, int status, const struct rusage *ru);
/* proc.c: start or stop reading every process's pipes after output_paused changed. */
void fs_proc_flow_all(struct fs_rt *rt);
/* proc_chan.c: makes the pace timer (on failure, channels are not paced). */
void fs_proc_chan_pace_open(struct fs_rt *rt);
/* proc_chan.c: resumes every paced channel and closes the pace timer. */
void fs_proc_chan_pace_close(struct fs_rt *rt);
/* proc.c: at the very end, kills and reaps whatever process objects remain. */
void fs_proc_reap_remaining(struct fs_rt *rt);
/* rt.c: stop or resume reading standard input after `waiting` or
 * `output_paused` changed. */
void fs_rt_input_flow(struct fs_rt *rt);
/* rt.c: remember a group that outlived its leader. */
void fs_rt_add_lingering(struct fs_rt *rt, int pgid);

/* outq.c: writes everything, blocking (waiting out EAGAIN): 0, or the errno
 * of the write that failed. For the writer threads. */
int fs_rt_write_all(int fd, const char *p, size_t len);
/* outq.c: 0 and *out, or a UV error (nothing is left open then). */
int fs_outq_new(struct fs_rt *rt, int fd, size_t high_water, struct fs_outq **out);
/* Writes out everything queued, stops the thread and closes the async handle. */
void fs_outq_close(struct fs_outq *q);
void fs_outq_free(struct fs_outq *q);
/* logw.c: writes out everything queued, stops the thread and closes the async
 * handle; free closes the files. */
void fs_logw_close(struct fs_logw *w);
void fs_logw_free(struct fs_logw *w);

#endif
