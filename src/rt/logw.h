/*
 * The writer of log files: one thread for every log file of a session, behind
 * one bounded queue, so the loop never blocks on a slow or full disk. The
 * loop hands it text that is ready to be written (model/logfmt.h); the thread
 * appends it to the file, rotating it before it would pass its size limit
 * (PATH becomes PATH.1, PATH.1 becomes PATH.2, ..., `keep` old files kept).
 * When the queue is full, text is dropped and counted, and a line saying how
 * much goes into the file once there is room again. A file that cannot be
 * opened or written is reported once (and once when it works again) through
 * the report callback, on the loop; nothing else stops. Files are opened with
 * O_CLOEXEC, so tasks do not inherit them.
 */
#ifndef FS_LOGW_H
#define FS_LOGW_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error                                                                                             \
    "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

struct fs_rt;
struct fs_logw;

/* On the loop: file `file` failed with errno err; or, err 0, it is written
 * again after `lost` bytes could not be. */
typedef void (*fs_logw_report_cb)(void *arg, int file, int err, unsigned long long lost);

/* The session's writer, made on first use with a queue of `cap` bytes; the
 * runtime owns it, drains it and closes it at its shutdown. NULL when no
 * thread could be made (the reason in *err, a UV error). */
struct fs_logw *fs_logw_get(struct fs_rt *rt, size_t cap, fs_logw_report_cb cb, void *arg,
                            int *err);
/* Adds a file (nothing is opened yet: the thread opens it at once, emptied
 * first with `truncate`, and reports a failure); returns its number. max > 0. */
int fs_logw_add(struct fs_logw *w, const char *path, size_t max, unsigned keep, bool truncate);
/* Queues text for a file. Never blocks; past the queue's capacity, drops it
 * and counts it. */
void fs_logw_write(struct fs_logw *w, int file, const char *data, size_t len);

#endif
