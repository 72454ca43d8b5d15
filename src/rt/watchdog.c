/*
 * The watchdog process (see watchdog.h). The protocol is one fixed-size record
 * per change, written with one write(2) of fewer than PIPE_BUF bytes so records
 * never interleave or tear: a sign byte ('+' or '-') and a 4-byte pgid.
 */
#include <config.h>

#include "rt/watchdog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt/trace.h"
#include "util/xalloc.h"

#define RECORD 5

/* The watchdog's list of groups: a small open-coded set, it holds at most as many
 * groups as there are live tasks. */
struct groups {
    int32_t *v;
    size_t n, cap;
};

static void
groups_add(struct groups *g, int32_t pgid)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->v[i] == pgid)
            return;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        int32_t *v = realloc(g->v, cap * sizeof *v);
        if (v == NULL)
            return; /* Out of memory in the watchdog: keep what it has. */
        g->v = v;
        g->cap = cap;
    }
    g->v[g->n++] = pgid;
}

static void
groups_remove(struct groups *g, int32_t pgid)
{
    for (size_t i = 0; i < g->n; i++) {
        if (g->v[i] == pgid) {
            g->v[i] = g->v[--g->n];
            return;
        }
    }
}

/* forkscope died without removing its tracer's directories (rt/trace.c):
 * the watchdog removes those named with its pid, the FIFO in each first. */
static void
remove_trace_dirs(pid_t owner)
{
    const char *tmp = getenv("TMPDIR");
    tmp = tmp != NULL && *tmp == '/' ? tmp : "/tmp";
    char prefix[64], path[4096];
    int n = snprintf(prefix, sizeof prefix, FS_TRACE_DIR_PREFIX "%ld.", (long)owner);
    DIR *d = opendir(tmp);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, prefix, (size_t)n) != 0 || strlen(e->d_name) != (size_t)n + 6)
            continue;
        if (snprintf(path, sizeof path, "%s/%s/reports", tmp, e->d_name) < (int)sizeof path)
            unlink(path);
        if (snprintf(path, sizeof path, "%s/%s", tmp, e->d_name) < (int)sizeof path)
            rmdir(path);
    }
    if (d != NULL)
        closedir(d);
}

/* The watchdog's main: never returns. */
static void __attribute__((noreturn)) watchdog_main(int fd, pid_t owner)
{
    struct groups g = {0};
    unsigned char rec[RECORD];
    size_t have = 0;

    /* Signals meant for forkscope's terminal group (Ctrl-C, hang-up) must not
     * end the watchdog before forkscope has stopped its tasks. */
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_NAME, "forkscope-wd", 0, 0, 0);
    if (chdir("/") != 0) {
        /* Not fatal: it only avoids holding a mount busy. */
    }
    for (;;) {
        ssize_t r = read(fd, rec + have, RECORD - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        have += (size_t)r;
        if (have < RECORD)
            continue;
        have = 0;
        int32_t pgid;
        memcpy(&pgid, rec + 1, sizeof pgid);
        if (pgid <= 1)
            continue;
        if (rec[0] == '+')
            groups_add(&g, pgid);
        else
            groups_remove(&g, pgid);
    }
    for (size_t i = 0; i < g.n; i++)
        kill(-g.v[i], SIGKILL);
    remove_trace_dirs(owner);
    _exit(0);
}

int
fs_watchdog_start(struct fs_watchdog *wd, char **err)
{
    int p[2];
    wd->pid = 0;
    wd->fd = -1;
    if (pipe2(p, O_CLOEXEC) != 0) {
        int e = errno;
        *err = fs_xasprintf("cannot create the watchdog pipe: %s", strerror(e));
        return -e;
    }
    pid_t owner = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        *err = fs_xasprintf("cannot fork the watchdog: %s", strerror(e));
        return -e;
    }
    if (pid == 0) {
        close(p[1]);
        /* Close everything else forkscope had open, so the watchdog holds no
         * terminal or pipe of anyone's open. */
        for (int fd = 0; fd < 3; fd++) {
            int null = open("/dev/null", O_RDWR);
            if (null >= 0 && null != fd) {
                dup2(null, fd);
                close(null);
            }
        }
        int keep = p[0];
        long maxfd = sysconf(_SC_OPEN_MAX);
        for (int fd = 3; fd < (maxfd > 0 && maxfd < 65536 ? maxfd : 65536); fd++)
            if (fd != keep)
                close(fd);
        watchdog_main(keep, owner);
    }
    close(p[0]);
    wd->pid = pid;
    wd->fd = p[1];
    return 0;
}

static void
send_record(struct fs_watchdog *wd, char sign, int pgid)
{
    if (wd->fd < 0)
        return;
    unsigned char rec[RECORD];
    int32_t v = pgid;
    rec[0] = (unsigned char)sign;
    memcpy(rec + 1, &v, sizeof v);
    ssize_t r;
    do
        r = write(wd->fd, rec, sizeof rec);
    while (r < 0 && errno == EINTR);
}

void
fs_watchdog_add(struct fs_watchdog *wd, int pgid)
{
    send_record(wd, '+', pgid);
}

void
fs_watchdog_remove(struct fs_watchdog *wd, int pgid)
{
    send_record(wd, '-', pgid);
}

void
fs_watchdog_stop(struct fs_watchdog *wd)
{
    if (wd->fd >= 0) {
        close(wd->fd);
        wd->fd = -1;
    }
    if (wd->pid > 0) {
        int status;
        while (waitpid(wd->pid, &status, 0) < 0 && errno == EINTR)
            ;
        wd->pid = 0;
    }
}
