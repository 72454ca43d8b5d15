/*
 * The log-file writer (see logw.h). The loop appends records (file number,
 * length, text) to `queue` under the mutex; the thread swaps it for an empty
 * buffer and writes the records out with blocking write(2), rotating by
 * model/logfmt.c's arithmetic. A file's failure is its errno, set by the
 * thread; the loop compares it with the one it last reported whenever the
 * thread wakes it. Owns the files' descriptors, the queue and the thread.
 */
#include <config.h>

#include "rt/rt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/logfmt.h"
#include "rt/logw.h"
#include "util/bytes.h"
#include "util/xalloc.h"

struct logw_file {
    char *path;
    size_t max;
    unsigned keep;
    bool truncate;                /* thread only: empty the file when it is next opened */
    int fd;                       /* thread only; -1 when closed */
    size_t size;                  /* thread only: bytes in the current file */
    unsigned long long lost;      /* thread only: bytes not written since the failure began */
    int err;                      /* guarded by mu: the failure in progress, 0 when none */
    unsigned long long lost_told; /* guarded by mu: lost, when err went back to 0 */
    int told;                     /* loop only: the err last reported */
    unsigned long long dropped;   /* loop only: bytes dropped for want of room, not yet noted */
    bool mid_line;                /* loop only: what was queued last did not end a line */
};

struct rec {
    uint32_t file, len;
};

struct fs_logw {
    struct fs_rt *rt;
    size_t cap;
    fs_logw_report_cb cb;
    void *arg;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct fs_bytes queue;    /* guarded by mu: struct rec + text, ... */
    struct logw_file **files; /* guarded by mu; the objects never move */
    size_t nfiles;
    bool closing; /* guarded by mu */
    uv_async_t wake;
};

/* ---- the thread ------------------------------------------------------------------------- */

/* Opens the file for appending; creates its directory (one level) if missing. */
static int
open_file(struct logw_file *f)
{
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (f->truncate ? O_TRUNC : 0);
    f->fd = open(f->path, flags, 0644);
    if (f->fd < 0 && errno == ENOENT) {
        char *dir = fs_xstrdup(f->path), *slash = strrchr(dir, '/');
        if (slash != NULL && slash != dir) {
            *slash = '\0';
            if (mkdir(dir, 0755) == 0 || errno == EEXIST)
                f->fd = open(f->path, flags, 0644);
        }
        free(dir);
    }
    if (f->fd < 0)
        return errno;
    f->truncate = false;
    struct stat st;
    f->size = fstat(f->fd, &st) == 0 ? (size_t)st.st_size : 0;
    return 0;
}

static void
close_file(struct logw_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

/* PATH.N-1 -> PATH.N ... PATH -> PATH.1, then a new PATH; keep 0 empties it. */
static int
rotate(struct logw_file *f)
{
    close_file(f);
    if (f->keep == 0) {
        if (unlink(f->path) < 0 && errno != ENOENT)
            return errno;
    }
    for (unsigned i = f->keep; i > 0; i--) {
        char *from = i > 1 ? fs_xasprintf("%s.%u", f->path, i - 1) : fs_xstrdup(f->path);
        char *to = fs_xasprintf("%s.%u", f->path, i);
        int r = rename(from, to) < 0 && errno != ENOENT ? errno : 0;
        free(from);
        free(to);
        if (r != 0)
            return r;
    }
    return open_file(f);
}

static void
set_err(struct fs_logw *w, struct logw_file *f, int err, bool *wake)
{
    pthread_mutex_lock(&w->mu);
    if (f->err != err) {
        f->err = err;
        if (err == 0)
            f->lost_told = f->lost;
        *wake = true;
    }
    pthread_mutex_unlock(&w->mu);
}

/* Writes one record to its file; a failure loses the record and closes the
 * file, which the next record opens again. */
static void
write_rec(struct fs_logw *w, struct logw_file *f, const char *data, size_t len, bool *wake)
{
    int e = f->fd < 0 ? open_file(f) : 0;
    while (e == 0 && len > 0) {
        bool rot;
        size_t n = fs_logfmt_take(f->size, f->max, data, len, &rot);
        if ((e = fs_rt_write_all(f->fd, data, n)) != 0)
            break;
        f->size += n;
        data += n;
        len -= n;
        if (rot)
            e = rotate(f);
    }
    if (e != 0) {
        close_file(f);
        f->lost += len;
        set_err(w, f, e, wake);
        return;
    }
    set_err(w, f, 0, wake);
    f->lost = 0;
}

static void *
writer(void *arg)
{
    struct fs_logw *w = arg;
    struct fs_bytes drain = FS_BYTES_INIT;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->queue.len == 0 && !w->closing)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->queue.len == 0)
            break;
        struct fs_bytes t = w->queue;
        w->queue = drain;
        drain = t;
        pthread_mutex_unlock(&w->mu);
        bool wake = false;
        for (size_t off = 0; off < drain.len;) {
            struct rec r;
            memcpy(&r, drain.data + off, sizeof r);
            pthread_mutex_lock(&w->mu);
            struct logw_file *f = w->files[r.file];
            pthread_mutex_unlock(&w->mu);
            write_rec(w, f, drain.data + off + sizeof r, r.len, &wake);
            off += sizeof r + r.len;
        }
        fs_bytes_clear(&drain);
        if (wake)
            uv_async_send(&w->wake);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    fs_bytes_fini(&drain);
    return NULL;
}

/* ---- the loop --------------------------------------------------------------------------- */

static void
on_wake(uv_async_t *h)
{
    struct fs_logw *w = h->data;
    for (size_t i = 0; i < w->nfiles; i++) {
        struct logw_file *f = w->files[i];
        pthread_mutex_lock(&w->mu);
        int err = f->err;
        unsigned long long lost = f->lost_told;
        pthread_mutex_unlock(&w->mu);
        if (err != f->told && w->cb != NULL) {
            f->told = err;
            w->cb(w->arg, (int)i, err, lost);
        }
    }
}

/* Appends one record; false when there is no room (unless forced). Called
 * with mu held. */
static bool
push(struct fs_logw *w, int file, const char *data, size_t len, bool force)
{
    struct rec r = {(uint32_t)file, (uint32_t)len};
    if (!force && w->queue.len + sizeof r + len > w->cap)
        return false;
    if (w->queue.len == 0)
        pthread_cond_signal(&w->cv);
    fs_bytes_add(&w->queue, &r, sizeof r);
    fs_bytes_add(&w->queue, data, len);
    return true;
}

/* The line that says what was dropped, once there is room for it (or at the
 * end, forced). Called with mu held. */
static void
note_dropped(struct fs_logw *w, int file, bool force)
{
    struct logw_file *f = w->files[file];
    char note[160];
    int n = snprintf(note, sizeof note,
                     "%s[forkscope: %llu bytes of output are missing here: the log writer fell "
                     "behind]\n",
                     f->mid_line ? "\n" : "", f->dropped);
    if (push(w, file, note, (size_t)n, force)) {
        f->dropped = 0;
        f->mid_line = false;
    }
}

void
fs_logw_write(struct fs_logw *w, int file, const char *data, size_t len)
{
    struct logw_file *f = w->files[file];
    pthread_mutex_lock(&w->mu);
    /* After a drop, writing resumes once the queue is down to half, so that
     * the file gets one note per stretch of dropped text, not one per chunk. */
    bool room = f->dropped == 0 || w->queue.len <= w->cap / 2;
    if (room && f->dropped > 0)
        note_dropped(w, file, false);
    if (!room || f->dropped > 0 || !push(w, file, data, len, false))
        f->dropped += len;
    else if (len > 0)
        f->mid_line = data[len - 1] != '\n';
    pthread_mutex_unlock(&w->mu);
}

int
fs_logw_add(struct fs_logw *w, const char *path, size_t max, unsigned keep, bool truncate)
{
    struct logw_file *f = fs_xcalloc(1, sizeof *f);
    f->path = fs_xstrdup(path);
    f->max = max > 0 ? max : 1;
    f->keep = keep;
    f->truncate = truncate;
    f->fd = -1;
    pthread_mutex_lock(&w->mu);
    w->files = fs_xreallocarray(w->files, w->nfiles + 1, sizeof *w->files);
    w->files[w->nfiles++] = f;
    pthread_mutex_unlock(&w->mu);
    fs_logw_write(w, (int)(w->nfiles - 1), "", 0); /* opens it now: a failure shows at once */
    return (int)(w->nfiles - 1);
}

static void
free_on_close(uv_handle_t *h)
{
    free(h->data);
}

struct fs_logw *
fs_logw_get(struct fs_rt *rt, size_t cap, fs_logw_report_cb cb, void *arg, int *err)
{
    if (rt->logw != NULL)
        return rt->logw;
    struct fs_logw *w = fs_xcalloc(1, sizeof *w);
    *err = uv_async_init(&rt->loop, &w->wake, on_wake);
    if (*err != 0) {
        free(w);
        return NULL;
    }
    *w = (struct fs_logw){.rt = rt, .cap = cap, .cb = cb, .arg = arg, .wake = w->wake};
    w->wake.data = w;
    uv_unref((uv_handle_t *)&w->wake);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, writer, w) != 0) {
        *err = UV_EAGAIN;
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        uv_close((uv_handle_t *)&w->wake, free_on_close);
        return NULL;
    }
    rt->logw = w;
    return w;
}

void
fs_logw_close(struct fs_logw *w)
{
    if (w == NULL || w->closing)
        return;
    pthread_mutex_lock(&w->mu);
    for (size_t i = 0; i < w->nfiles; i++)
        if (w->files[i]->dropped > 0)
            note_dropped(w, (int)i, true);
    w->closing = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    on_wake(&w->wake); /* what the last writes changed: a wake-up pending now is dropped */
    uv_close((uv_handle_t *)&w->wake, NULL);
}

void
fs_logw_free(struct fs_logw *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->nfiles; i++) {
        close_file(w->files[i]);
        free(w->files[i]->path);
        free(w->files[i]);
    }
    free(w->files);
    fs_bytes_fini(&w->queue);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}
