/*
 * The IPC channel of a fork task's run, as the app sees it: the framer that
 * splits what arrives on fd 3 into messages, and the counters the screen and
 * headless mode show. The functions that need the task live in channel.c and
 * are declared in app_int.h's users through this header.
 */
#ifndef FS_CHANNEL_H
#define FS_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/ipc.h"
#include "util/passfd.h"

struct fs_channel_counts {
    unsigned long long msgs_in, msgs_out;   /* messages task→forkscope, forkscope→task */
    unsigned long long bytes_in, bytes_out; /* payload bytes */
    unsigned long long bad;                 /* bad frames received */
    unsigned long long internal;            /* Node's internal (NODE_*) messages, both ways */
};

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
