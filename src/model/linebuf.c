/*
 * Bounded line splitting of task output. The buffer holds at most one partial
 * line of max_line bytes; complete lines inside a chunk are delivered straight
 * from the chunk without a copy.
 */
#include <config.h>

#include "model/linebuf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

void
fs_linebuf_init(struct fs_linebuf *lb, size_t max_line)
{
    memset(lb, 0, sizeof *lb);
    lb->max_line = max_line < 4 ? 4 : max_line;
    lb->buf = fs_xmalloc(lb->max_line);
}

void
fs_linebuf_fini(struct fs_linebuf *lb)
{
    if (lb == NULL)
        return;
    free(lb->buf);
    lb->buf = NULL;
}

static void
emit(fs_line_cb cb, void *arg, const char *line, size_t len, unsigned flags)
{
    if (!(flags & FS_LINE_SPLIT) && len > 0 && line[len - 1] == '\r')
        len--;
    cb(arg, line, len, flags);
}

/* The buffer is full without a newline: deliver a piece cut on a character
 * boundary and keep the rest. */
static void
spill(struct fs_linebuf *lb, fs_line_cb cb, void *arg)
{
    size_t cut = fs_utf8_boundary(lb->buf, lb->len);
    if (cut == 0)
        cut = lb->len;
    emit(cb, arg, lb->buf, cut, FS_LINE_SPLIT);
    memmove(lb->buf, lb->buf + cut, lb->len - cut);
    lb->len -= cut;
}

static void
end_line(struct fs_linebuf *lb)
{
    if (lb->in_split)
        lb->split_lines++;
    lb->in_split = false;
    lb->len = 0;
}

void
fs_linebuf_feed(struct fs_linebuf *lb, const char *data, size_t len, fs_line_cb cb, void *arg)
{
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t)(nl - data) : len;
        if (lb->len == 0 && nl && take <= lb->max_line) {
            /* The common case: a whole line inside the chunk. */
            emit(cb, arg, data, take, 0);
            data += take + 1;
            len -= take + 1;
            continue;
        }
        while (take > 0) {
            /* Spill only when more of the line arrives, so a line of exactly
             * max_line bytes is still delivered whole. */
            if (lb->len == lb->max_line) {
                spill(lb, cb, arg);
                lb->in_split = true;
            }
            size_t room = lb->max_line - lb->len;
            size_t n = take < room ? take : room;
            memcpy(lb->buf + lb->len, data, n);
            lb->len += n;
            data += n;
            len -= n;
            take -= n;
        }
        if (nl) {
            emit(cb, arg, lb->buf, lb->len, 0);
            end_line(lb);
            data++;
            len--;
        }
    }
}

void
fs_linebuf_flush(struct fs_linebuf *lb, fs_line_cb cb, void *arg)
{
    if (lb->len == 0)
        return;
    emit(cb, arg, lb->buf, lb->len, FS_LINE_NOEOL);
    end_line(lb);
}
