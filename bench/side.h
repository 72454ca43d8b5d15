/*
 * One end of bench/worker-vs-fork's comparisons on forkscope's runtime: a
 * worker thread started and drained as app/worker.c does it, or a child
 * started and read as a fork task (fs_proc_spawn with a channel, forkscope's
 * framer and classifier on what arrives). The struct records what the loop has
 * seen of it: messages and their times, and when it was gone.
 */
#ifndef FS_BENCH_SIDE_H
#define FS_BENCH_SIDE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/ipc.h"
#include "rt/rt.h"
#include "worker/modules.h"

enum side_kind { SIDE_WORKER, SIDE_CHILD };

struct side {
    struct fs_rt *rt; /* set by the caller, with ping; the rest zeroed */
    enum side_kind kind;
    /* A worker. */
    struct fs_port *port;
    struct fs_worker *thread;
    struct fs_wake *wake;
    pthread_mutex_t mu;
    /* A child. */
    struct fs_proc *proc;
    struct fs_ipc_framer framer;
    unsigned eofs;
    bool exited;
    /* Progress. */
    long got;         /* messages received */
    bool gone;        /* joined, or reaped with every stream at EOF */
    uint64_t t_first; /* when the first message arrived */
    uint64_t t_last;  /* when the latest arrived */
    uint64_t t_gone;
    /* Round trips: the answer expected, and when its question left. */
    bool ping;
    char expect[64];
    size_t expect_len;
    uint64_t t_sent;
};

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t side_now_ns(void);

/* Starts a worker thread running entry(port, args); exits on failure. */
void side_start_worker(struct side *s, fs_worker_entry entry, const char *args);
/* Starts a child with a channel on fd 3 (NODE_CHANNEL_FD=3, json mode).
 * Returns 0, or a negative errno (said on stderr unless it is -ENOENT). */
int side_start_child(struct side *s, char *const *argv);
/* Turns the loop until n messages have arrived. */
void side_turn_until_got(struct side *s, long n);
/* Stops it as forkscope does (the port's stop request; SIGTERM to the child's
 * group) and turns the loop until it is gone. */
void side_stop(struct side *s);
/* Once gone: frees what it holds. */
void side_free(struct side *s);
/* Sends {"i":k} as forkscope sends a message (fs_ipc_encode, then the port or
 * the channel) and expects {"echo":{"i":k}} back. */
void side_ping(struct side *s, long k);

/* Worker entries: one message, then wait to be stopped; N messages {"i":k},
 * one post each, then wait to be stopped. */
int side_hello_main(struct fs_port *p, const char *args);
int side_flood_main(struct fs_port *p, const char *args);

#endif
