/*
 * A log file's text and rotation arithmetic (see logfmt.h). Owns the prefix.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/logfmt.h"
#include "util/xalloc.h"

void
fs_logfmt_init(struct fs_logfmt *f, bool timestamps, const char *prefix)
{
    *f = (struct fs_logfmt){.timestamps = timestamps};
    fs_ansistrip_init(&f->strip[0]);
    fs_ansistrip_init(&f->strip[1]);
    f->prefix = prefix != NULL ? fs_xstrdup(prefix) : NULL;
}

void
fs_logfmt_fini(struct fs_logfmt *f)
{
    free(f->prefix);
    f->prefix = NULL;
}

void
fs_logfmt_stamp(double wall, char *buf)
{
    time_t sec = (time_t)wall;
    int ms = (int)((wall - (double)sec) * 1000.0);
    struct tm tm;
    if (ms < 0 || ms > 999)
        ms = 0;
    if (localtime_r(&sec, &tm) == NULL)
        memset(&tm, 0, sizeof tm);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, FS_LOGFMT_STAMP_LEN + 1, "%.19s.%03d ", date, ms);
}

/* What goes before a line: the timestamp and the prefix. */
static void
line_head(const struct fs_logfmt *f, double wall, struct fs_bytes *out)
{
    if (f->timestamps) {
        char stamp[FS_LOGFMT_STAMP_LEN + 1];
        fs_logfmt_stamp(wall, stamp);
        fs_bytes_add(out, stamp, FS_LOGFMT_STAMP_LEN);
    }
    if (f->prefix != NULL)
        fs_bytes_add(out, f->prefix, strlen(f->prefix));
}

void
fs_logfmt_feed(struct fs_logfmt *f, int stream, const char *data, size_t len, double wall,
               struct fs_bytes *out)
{
    char buf[4096];
    struct fs_ansistrip *s = &f->strip[stream == 1 ? 1 : 0];
    while (len > 0) {
        size_t n = len < sizeof buf ? len : sizeof buf;
        size_t m = fs_ansistrip_feed(s, data, n, buf);
        data += n;
        len -= n;
        for (size_t i = 0; i < m;) {
            const char *nl = memchr(buf + i, '\n', m - i);
            size_t end = nl != NULL ? (size_t)(nl - buf) + 1 : m;
            if (!f->mid_line)
                line_head(f, wall, out);
            fs_bytes_add(out, buf + i, end - i);
            f->mid_line = nl == NULL;
            i = end;
        }
    }
}

size_t
fs_logfmt_take(size_t size, size_t max, const char *data, size_t len, bool *rotate)
{
    size_t avail = size < max ? max - size : 0;
    *rotate = false;
    if (len <= avail)
        return len;
    *rotate = true;
    /* Whole lines up to the last newline that fits. */
    const char *last = avail > 0 ? memrchr(data, '\n', avail) : NULL;
    if (last != NULL)
        return (size_t)(last - data) + 1;
    /* The first line does not fit: in the next file if it would fit there. */
    const char *nl = memchr(data, '\n', len);
    size_t first = nl != NULL ? (size_t)(nl - data) + 1 : len;
    if (size > 0 && first <= max)
        return 0;
    return avail; /* longer than a file: cut at the limit (0 when this one is full) */
}
