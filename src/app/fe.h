/*
 * The front-end interface: what the app tells whatever shows a session — the
 * screen (ui/) or the headless printer (headless/). Nothing above this
 * interface knows which front end is attached (ncdu's dir_output seam). The
 * task pointers are owned by the app and valid for the duration of the call.
 */
#ifndef FS_FE_H
#define FS_FE_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_RT)
#error "app/ is for the front ends and main.c alone (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "ipc/ipc.h"
#include "model/task.h"
#include "util/passfd.h"

enum fs_msg_dir { FS_MSG_IN, FS_MSG_OUT }; /* task→forkscope, forkscope→task */

/* One message on a channel, as it crossed it. The bytes are borrowed for the
 * call: decode them (fs_ipc_display) only if they are shown. */
struct fs_msg {
    enum fs_msg_dir dir;
    enum fs_ipc_mode mode;
    const char *data; /* the payload, without framing; for a bad frame its first bytes */
    size_t len;
    size_t size;     /* the payload's full size */
    unsigned flags;  /* FS_IPC_TOO_LONG, FS_IPC_TRUNCATED, FS_IPC_LOST_SYNC: a bad frame;
                        FS_IPC_NOT_VALUE: whole, but not JSON (or V8 bytes) */
    bool internal;   /* Node's own (cmd NODE_*) */
    const char *cmd; /* its "cmd", "" when none was seen */
    /* Descriptors the task passed with it (already closed), NULL when none. */
    const struct fs_passfd *fds;
    bool printed; /* json mode: jansson's own compact text (what forkscope
                     sends), so valid and without duplicate keys */
};

/* What node's tracer reported (doc/tracing.md): one of a traced task's node
 * processes started a child, saw it end, ran a worker thread, sent a message
 * or shared memory with a worker. */
enum fs_trace_kind {
    FS_TRACE_CHILD,      /* pid started (api, argv) by ppid */
    FS_TRACE_CHILD_EXIT, /* pid ended: code or signal, err_code when the API reported one */
    FS_TRACE_THREAD,     /* worker thread_id of pid: state online (tid), exit (code), error */
    FS_TRACE_MESSAGE,    /* one message from -> to: bytes, msg */
    FS_TRACE_MESSAGES,   /* past the rate: count messages from -> to, bytes in all */
    FS_TRACE_SHARED,     /* a SharedArrayBuffer of `bytes` handed from -> to (`what`: how) */
    FS_TRACE_NOTE        /* the tracer's own word: `what` */
};

/* A message's end: a process's thread (0 its main thread); thread_id -1 when
 * not known (a port whose other end was not seen: `port`). */
struct fs_trace_end {
    long long pid, thread_id;
    bool port;
    bool kid, parent; /* another process: a child of the reporter, its parent */
};

/* One report, its strings borrowed for the call; -1 for a number not given. */
struct fs_trace_ev {
    enum fs_trace_kind kind;
    long long pid, ppid;      /* child events: the child and its parent; others: the reporter */
    long long thread_id, tid; /* thread: the worker's threadId and OS thread id */
    const char *api;          /* child events: spawn, exec, execFile, fork, ...Sync */
    const char *argv;         /* child: the JSON text of its argv */
    long long code;           /* child-exit, thread exit: the exit code */
    const char *signal;       /* child-exit: the signal's name, or NULL */
    const char *state;        /* thread: "start", "online", "exit" or "error" */
    const char *script;       /* thread start: what the worker runs ("worker.js", "eval") */
    const char *err_code, *err_msg; /* child-exit, thread error: NULL when none */
    struct fs_trace_end from, to;
    long long bytes, count, kept; /* message(s), shared */
    const char *msg;              /* message: the value's JSON text, or its first bytes when cut */
    bool cut,
        sampled; /* the value (msg is a string of its head) or the argv was cut; one of a flood */
    const char *what; /* note: what; shared: how (workerData, postMessage) */
};

/* What became of a pool's job. */
enum fs_job_event { FS_JOB_START, FS_JOB_DONE, FS_JOB_FAILED };

/* A probe's failure, or its pass after failures (error NULL). */
struct fs_probe_report {
    bool alive;        /* a liveness probe; else readiness */
    const char *kind;  /* "tcp", "http", ... */
    unsigned failures; /* in a row */
    unsigned retries;  /* the probe's retries (0: a readiness probe that keeps trying) */
    const char *error; /* what failed ("127.0.0.1:5432: connection refused"), NULL: passed */
    bool final;        /* failures reached retries: the readiness probe gave up, or the
                          liveness probe stops the run */
};

struct fs_fe_ops {
    /* Whether a run about to start gets a pty, and its size. NULL: never. */
    bool (*task_pty)(void *fe, const struct fs_task *t, int *rows, int *cols);
    /* A run began: pid and start time are set. */
    void (*task_start)(void *fe, const struct fs_task *t);
    /* Bytes a task wrote (in buffer mode: all of them, when it ends). */
    void (*task_output)(void *fe, const struct fs_task *t, enum fs_stream stream, const char *data,
                        size_t len);
    /* A stream reached its end: flush anything held for it. */
    void (*task_eof)(void *fe, const struct fs_task *t, enum fs_stream stream);
    /* A run finished (exit status and every EOF in). reason is NULL, or why
     * forkscope ended it ("buffer cap of 1048576 bytes exceeded"). */
    void (*task_exit)(void *fe, const struct fs_task *t, const char *reason);
    /* The task will start again in `delay` seconds. */
    void (*task_restart)(void *fe, const struct fs_task *t, double delay);
    /* Something went wrong; t is NULL when no task is concerned (a bad control
     * command). The message names what and where. */
    void (*error)(void *fe, const struct fs_task *t, const char *msg);
    /* New /proc figures are in (fs_app_sample). NULL: not interested. */
    void (*samples)(void *fe);
    /* A message crossed a task's channel. NULL: not interested. */
    void (*task_message)(void *fe, const struct fs_task *t, const struct fs_msg *m);
    /* A pool's job (numbered from 1) started on a member, or ended after
     * `elapsed` seconds; error says why it failed. NULL: not interested. */
    void (*task_job)(void *fe, const struct fs_task *pool, const struct fs_task *member,
                     long long job, enum fs_job_event ev, double elapsed, const char *error);
    /* The run passed its readiness probe (`how` says which, e.g. "log",
     * "tcp"). Not told for a task without one. NULL: not interested. */
    void (*task_ready)(void *fe, const struct fs_task *t, const char *how);
    /* The task waits for its dependencies (t->spec.deps) instead of starting;
     * told once when it starts waiting. NULL: not interested. */
    void (*task_waiting)(void *fe, const struct fs_task *t);
    /* One of its dependencies can no longer hold: it will not start by itself.
     * reason says why ("db exited with 1"). NULL: not interested. */
    void (*task_blocked)(void *fe, const struct fs_task *t, const struct fs_dep *dep,
                         const char *reason);
    /* A probe failed (told when its error changes or it reaches its retries,
     * not at every check), or passed after failures. NULL: not interested. */
    void (*task_probe)(void *fe, const struct fs_task *t, const struct fs_probe_report *r);
    /* node's tracer reported something of task t. NULL: not interested. */
    void (*task_trace)(void *fe, const struct fs_task *t, const struct fs_trace_ev *ev);
};

#endif
