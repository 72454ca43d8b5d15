/*
 * The thread list of one process, read from /proc/PID/task: one directory fd for
 * the task folder, each thread's stat read relative to it. The listings and the
 * per-thread CPU% against the previous one (matched by TID and start time) are a
 * struct fs_snapdiff, owned inside struct fs_threads.
 */
#include <config.h>

#include "sample/threads.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "sample/procfs.h"

_Static_assert(offsetof(struct fs_thread_sample, tid) == 0, "fs_snapdiff wants the id first");

static const struct fs_snapdiff_layout layout = FS_SNAPDIFF_LAYOUT(struct fs_thread_sample, 16);

void
fs_threads_init(struct fs_threads *t)
{
    memset(t, 0, sizeof *t);
    fs_snapdiff_init(&t->lists, &layout);
}

void
fs_threads_fini(struct fs_threads *t)
{
    fs_snapdiff_fini(&t->lists);
    memset(t, 0, sizeof *t);
}

void
fs_threads_reset(struct fs_threads *t)
{
    fs_snapdiff_reset(&t->lists);
    t->omitted = 0;
}

const struct fs_thread_sample *
fs_threads_list(const struct fs_threads *t, size_t *n)
{
    *n = t->lists.valid ? t->lists.n : 0;
    return t->lists.valid ? t->lists.cur : NULL;
}

/* Reads "TID/stat" relative to the task folder and appends the thread. */
static void
add_thread(struct fs_threads *t, int taskfd, pid_t tid, const char *name)
{
    struct fs_pidstat st;
    if (fs_pidstat_read(taskfd, name, strlen(name), &st) != 0)
        return; /* ended since the listing */
    if (t->lists.n == FS_THREADS_MAX) {
        t->omitted++;
        return;
    }
    struct fs_thread_sample *th = fs_snapdiff_add(&t->lists);
    th->tid = tid;
    memcpy(th->name, st.comm, sizeof th->name);
    th->state = st.state;
    th->starttime = st.starttime;
    th->ticks = st.utime + st.stime;
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

int
fs_threads_sample(struct fs_threads *t, int rootfd, pid_t pid, pid_t only_tid, double now,
                  long clk_tck)
{
    fs_snapdiff_begin(&t->lists);
    t->omitted = 0;
    char path[FS_PROCFS_PATH_MAX];
    size_t len = fs_procfs_pid_path(path, pid, 0);
    memcpy(path + len, "/task", 6);
    int taskfd = openat(rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (taskfd < 0)
        return -errno;
    int r = 0;
    if (only_tid > 0) {
        char name[24];
        name[fs_procfs_utoa(name, (uint64_t)only_tid)] = '\0';
        add_thread(t, taskfd, only_tid, name);
        close(taskfd);
    } else {
        r = list_all(t, taskfd);
    }
    if (r != 0)
        return r;
    fs_snapdiff_end(&t->lists, now, clk_tck);
    return 0;
}
