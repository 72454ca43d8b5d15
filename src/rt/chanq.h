/*
 * The write side of a fork task's IPC channel, inside rt/: the bytes forkscope
 * sends, queued in front of the socket. Messages that arrive while a write is
 * in flight are gathered into one buffer and go out in one write. A channel
 * over its high-water mark holds back the --control input (the runtime stops
 * reading standard input) until the task has read it down to the low-water
 * mark; one whose task reads nothing for the send timeout stops holding it
 * back, and further sends to it are refused.
 */
#ifndef FS_CHANQ_H
#define FS_CHANQ_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "rt/hold.h"
#include "rt/proc.h"
#include "util/bytes.h"

/* Over this, a channel is full; it stops being full at half of it. */
#define FS_CHANQ_HIGH (1u << 20)
#define FS_CHANQ_LOW (FS_CHANQ_HIGH / 2)
/* A waiting send is refused past this (it cannot happen while the input is
 * held back: one read of input holds far fewer bytes). */
#define FS_CHANQ_CAP (16u << 20)

struct fs_chanq {
    struct fs_rt *rt;
    uv_stream_t *stream; /* NULL before init and once closed */
    uv_write_t req;      /* the one write in flight */
    bool writing;
    struct fs_bytes wbuf; /* the bytes of that write */
    struct fs_bytes pend; /* bytes waiting for the next write */
    int broken;           /* a write failed (UV_EPIPE...): nothing more is sent */
    size_t failed;        /* bytes of writes that failed */
    size_t unsent;        /* bytes not delivered when the channel closed */
    /* Flow control: holds the input back while full (over FS_CHANQ_HIGH
     * until down to FS_CHANQ_LOW). */
    struct fs_rt_hold hold;
};

void fs_chanq_init(struct fs_chanq *q, struct fs_rt *rt, uv_stream_t *stream);
/* Queues a copy of the bytes (see fs_proc_channel_write for the results). */
int fs_chanq_write(struct fs_chanq *q, const char *data, size_t len, enum fs_proc_send how);
/* Bytes queued and not yet taken by the task; after close, what was left. */
size_t fs_chanq_queued(const struct fs_chanq *q);
/* The stream is being closed: what is queued will not be sent. */
void fs_chanq_close(struct fs_chanq *q);
/* Frees the buffers once the stream's close callback has run. */
void fs_chanq_fini(struct fs_chanq *q);

#endif
