/*
 * The IPC channel of a task's run on fd 3 (a fork task, a worker's host
 * process), as the app sees it: the framer that splits what arrives into
 * messages, and the counters the front ends read through fs_app_traffic. A
 * worker's port counts into the same counters. Private to app/: the front
 * ends see only struct fs_channel_counts, in app.h.
 */
#ifndef FS_CHANNEL_H
#define FS_CHANNEL_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_RT)
#error "app/ is for the front ends and main.c alone (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "ipc/ipc.h"
#include "util/passfd.h"

struct fs_channel {
    bool open; /* this run has a channel that is not closed */
    enum fs_ipc_mode mode;
    struct fs_ipc_framer framer;
    struct fs_passfd arrived; /* came with the chunk that fs_channel_input gets next */
    struct fs_passfd pending; /* belong to the frame being assembled */
    struct fs_channel_counts counts; /* over every run of the task */
};

struct app_task;

/* A new run with a channel (mode from the task's spec). */
void fs_channel_begin(struct app_task *at);
/* Bytes that arrived on the channel / its end. */
void fs_channel_input(struct app_task *at, const char *data, size_t len);
/* Descriptors the task passed came with the next chunk of input. */
void fs_channel_passed(struct app_task *at, const struct fs_passfd *fds);
void fs_channel_eof(struct app_task *at);
/* Sends the JSON text, checked and encoded for the channel's mode; internal
 * marks forkscope's own protocol answers. 0, or -1 with *err set. */
int fs_channel_send(struct app_task *at, const char *json, size_t len, bool internal, char **err);
/* Closes forkscope's end. 0, or -1 with *err set. */
int fs_channel_disconnect(struct app_task *at, char **err);
void fs_channel_fini(struct fs_channel *ch);

#endif
