/*
 * What a task's log file holds, as pure functions: its output as plain text
 * (model/ansistrip.h), each line after an optional timestamp and prefix, and
 * the arithmetic of rotation (how much of what is queued goes into the current
 * file before it is rotated, so that no file passes its size limit and files
 * end at line boundaries when a line fits). Owns nothing but a few bytes of
 * state per log.
 */
#ifndef FS_LOGFMT_H
#define FS_LOGFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/ansistrip.h"
#include "util/bytes.h"

/* "2026-12-05T10:14:42.123 ": ISO 8601 local time with milliseconds, a blank. */
#define FS_LOGFMT_STAMP_LEN 24

struct fs_logfmt {
    struct fs_ansistrip strip[2]; /* standard output, standard error */
    bool mid_line;                /* the last byte written was not a newline */
    bool timestamps;
    char *prefix; /* "NAME | " before each line, or NULL */
};

/* prefix is copied; NULL for none. */
void fs_logfmt_init(struct fs_logfmt *f, bool timestamps, const char *prefix);
void fs_logfmt_fini(struct fs_logfmt *f);
/* Appends to out the log text of len bytes a task wrote on stream (0:
 * standard output, 1: standard error) at wall-clock time `wall` (seconds since
 * the epoch). */
void fs_logfmt_feed(struct fs_logfmt *f, int stream, const char *data, size_t len, double wall,
                    struct fs_bytes *out);
/* Writes the timestamp of `wall` into buf (FS_LOGFMT_STAMP_LEN + 1 bytes). */
void fs_logfmt_stamp(double wall, char *buf);

/* Of the len bytes of data waiting for a file that holds `size` bytes and may
 * hold `max` (> 0): how many to write now, and whether the file is to be
 * rotated after them (*rotate). Whole lines go in while they fit; a line that
 * would pass max goes to the next file, unless it is longer than max itself,
 * when it is cut at max. The answer is 0 only with *rotate set and size > 0,
 * so a writer that loops on it always makes progress. */
size_t fs_logfmt_take(size_t size, size_t max, const char *data, size_t len, bool *rotate);

#endif
