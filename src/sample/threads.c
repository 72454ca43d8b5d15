/*
 * The thread list of one process, read from /proc/PID/task: one directory fd for
 * the task folder, each thread's stat read relative to it. Per-thread CPU% comes
 * from the previous listing, matched by TID and start time. Owns its arrays
 * inside struct fs_threads.
 */
#include <config.h>

#include "sample/threads.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample/procfs.h"
#include "util/xalloc.h"

void
fs_threads_init(struct fs_threads *t)
{
    memset(t, 0, sizeof *t);
}

void
fs_threads_fini(struct fs_threads *t)
{
    free(t->list);
    free(t->prev);
    memset(t, 0, sizeof *t);
}

void
fs_threads_reset(struct fs_threads *t)
{
    t->n = 0;
    t->prev_n = 0;
    t->omitted = 0;
    t->listed = false;
}

/* Binary search of a tid-sorted list; returns the entry or NULL. */
static const struct fs_thread_sample *
find(const struct fs_thread_sample *list, size_t n, pid_t tid)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (list[mid].tid == tid)
            return &list[mid];
        if (list[mid].tid < tid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int
cmp_tid(const void *a, const void *b)
{
    pid_t x = ((const struct fs_thread_sample *)a)->tid;
    pid_t y = ((const struct fs_thread_sample *)b)->tid;
    return (x > y) - (x < y);
}

/* Reads "TID/stat" relative to the task folder and appends the thread. */
static void
add_thread(struct fs_threads *t, int taskfd, pid_t tid, const char *name)
{
    struct fs_pidstat st;
    if (fs_pidstat_read(taskfd, name, strlen(name), &st) != 0)
        return; /* ended since the listing */
    if (t->n == FS_THREADS_MAX) {
        t->omitted++;
        return;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->list = fs_xreallocarray(t->list, t->cap, sizeof *t->list);
    }
    struct fs_thread_sample *th = &t->list[t->n++];
    th->tid = tid;
    memcpy(th->name, st.comm, sizeof th->name);
    th->state = st.state;
    th->starttime = st.starttime;
    th->ticks = st.utime + st.stime;
    th->cpu = NAN;
}

/* Lists every thread of the task folder at taskfd (which it closes). */
static int
list_all(struct fs_threads *t, int taskfd)
{
    DIR *dir = fdopendir(taskfd);
    if (dir == NULL) {
        int err = -errno;
        close(taskfd);
        return err;
    }
    int dfd = dirfd(dir);
    for (struct dirent *de = readdir(dir); de != NULL; de = readdir(dir)) {
        pid_t tid = fs_procfs_name_pid(de->d_name);
        if (tid != 0)
            add_thread(t, dfd, tid, de->d_name);
    }
    closedir(dir);
    return 0;
}

/* Makes the last listing the previous one and empties the list. */
static void
rotate(struct fs_threads *t)
{
    struct fs_thread_sample *tmp = t->prev;
    size_t tmp_cap = t->prev_cap;
    t->prev = t->list;
    t->prev_n = t->listed ? t->n : 0;
    t->prev_cap = t->cap;
    t->list = tmp;
    t->cap = tmp_cap;
    t->n = 0;
    t->omitted = 0;
}

int
fs_threads_sample(struct fs_threads *t, int rootfd, pid_t pid, pid_t only_tid, double now,
                  long clk_tck)
{
    rotate(t);
    char path[FS_PROCFS_PATH_MAX];
    size_t len = fs_procfs_pid_path(path, pid, 0);
    memcpy(path + len, "/task", 6);
    int taskfd = openat(rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (taskfd < 0) {
        t->listed = false;
        return -errno;
    }
    int r = 0;
    if (only_tid > 0) {
        char name[24];
        name[fs_procfs_utoa(name, (uint64_t)only_tid)] = '\0';
        add_thread(t, taskfd, only_tid, name);
        close(taskfd);
    } else {
        r = list_all(t, taskfd);
    }
    if (r != 0) {
        t->listed = false;
        return r;
    }
    qsort(t->list, t->n, sizeof *t->list, cmp_tid);
    for (size_t i = 0; i < t->n; i++) {
        struct fs_thread_sample *th = &t->list[i];
        const struct fs_thread_sample *old = find(t->prev, t->prev_n, th->tid);
        if (old != NULL && old->starttime == th->starttime)
            th->cpu = fs_pidstat_cpu_pct(old->ticks, th->ticks, now - t->at, clk_tck);
    }
    t->at = now;
    t->listed = true;
    return 0;
}
