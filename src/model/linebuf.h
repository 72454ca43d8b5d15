/*
 * Splits a byte stream into lines, bounded: a line longer than the limit is
 * delivered in pieces of at most `max_line` bytes, each piece but the last
 * marked FS_LINE_SPLIT, cut on a UTF-8 character boundary where possible.
 * Nothing is dropped. The buffer never holds more than max_line bytes.
 */
#ifndef FS_LINEBUF_H
#define FS_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>

#define FS_LINE_SPLIT 1u /* a piece of a longer line: more of it follows */
#define FS_LINE_NOEOL 2u /* the stream ended without a final newline */

/* Called for each line, without its "\n" (and without a "\r" before it). */
typedef void (*fs_line_cb)(void *arg, const char *line, size_t len, unsigned flags);

struct fs_linebuf {
    char *buf;
    size_t len;
    size_t max_line;
    bool in_split;                  /* the line being collected was already spilled */
    unsigned long long split_lines; /* lines that were delivered in pieces */
};

void fs_linebuf_init(struct fs_linebuf *lb, size_t max_line);
void fs_linebuf_fini(struct fs_linebuf *lb);
void fs_linebuf_feed(struct fs_linebuf *lb, const char *data, size_t len, fs_line_cb cb,
                     void *arg);
/* Delivers what is left (a last line without "\n") and empties the buffer. */
void fs_linebuf_flush(struct fs_linebuf *lb, fs_line_cb cb, void *arg);

#endif
