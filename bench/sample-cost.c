/*
 * The sampling cost benchmark (not a test): spawns N sleeping children (500 by
 * default) and measures, in the same run and in alternating rounds,
 *   (a) the floor: a minimal loop doing openat + read + close of exactly the files
 *       the sampler reads, with the paths prepared in advance and nothing parsed;
 *   (b) fs_sampler_sample() watching the same pids;
 * and prints microseconds per task per sample for each and their ratio. Two
 * configurations: stat + status (what the app's `sample` event shows), and the
 * same plus the descendants' tree (one scan of /proc per sample).
 *
 * The children run `sleep` in a process group of their own with
 * PR_SET_PDEATHSIG(SIGKILL); the group is killed on every exit path.
 *
 *   make bench/sample-cost && bench/sample-cost [-n TASKS] [-r ROUNDS]
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sample/procfs.h"
#include "sample/sampler.h"
#include "util/xalloc.h"

static volatile pid_t group; /* the children's process group, 0 before the first */

static void
kill_group(void)
{
    if (group > 0)
        kill(-group, SIGKILL);
}

static void
on_signal(int sig)
{
    kill_group();
    signal(sig, SIG_DFL);
    raise(sig);
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts one `sleep` child in the group (the first one founds it). */
static pid_t
spawn_sleep(pid_t parent)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        setpgid(0, group);
        execlp("sleep", "sleep", "3600", (char *)NULL);
        _exit(127);
    }
    /* Also from the parent, so the group exists before the next fork. */
    setpgid(pid, group ? group : pid);
    if (group == 0)
        group = pid;
    return pid;
}

/* Waits until every child shows the comm "sleep" (it has exec'd). */
static void
wait_exec(int rootfd, const pid_t *pids, int n)
{
    for (int i = 0; i < n; i++) {
        char dir[FS_PROCFS_PATH_MAX];
        size_t len = fs_procfs_pid_path(dir, pids[i], 0);
        struct fs_pidstat st;
        for (int tries = 0;; tries++) {
            if (fs_pidstat_read(rootfd, dir, len, &st) == 0 && strcmp(st.comm, "sleep") == 0)
                break;
            if (tries > 5000) {
                fprintf(stderr, "sample-cost: child %d never ran sleep\n", (int)pids[i]);
                exit(1);
            }
            usleep(1000);
        }
    }
}

/* Reads one file the way the floor does: openat, one read, close. */
static void
floor_read(int rootfd, const char *path, char *buf, size_t size)
{
    int fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (read(fd, buf, size) < 0)
        perror("read");
    close(fd);
}

/* The machine files the sampler reads once per sample. */
static void
floor_machine(int rootfd)
{
    char buf[1024];
    floor_read(rootfd, "stat", buf, sizeof buf);
    floor_read(rootfd, "meminfo", buf, sizeof buf);
    floor_read(rootfd, "uptime", buf, 128);
}

/* The floor of the tree: list the root and read every process's stat. */
static void
floor_tree(int rootfd)
{
    int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fdopendir(fd);
    char path[FS_PROCFS_PATH_MAX];
    char buf[FS_PIDSTAT_STAT_BUF];
    for (struct dirent *de = readdir(dir); de != NULL; de = readdir(dir)) {
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        fs_procfs_join(path, de->d_name, strlen(de->d_name), "stat");
        floor_read(rootfd, path, buf, sizeof buf - 1);
    }
    closedir(dir);
}

/* One round of the floor over every pid: stat and status, nothing parsed. */
static double
floor_round(int rootfd, char (*stat_paths)[FS_PROCFS_PATH_MAX],
            char (*status_paths)[FS_PROCFS_PATH_MAX], int n, int tree)
{
    char stat_buf[FS_PIDSTAT_STAT_BUF];
    char status_buf[FS_PIDSTAT_STATUS_BUF];
    double t0 = now();
    floor_machine(rootfd);
    if (tree)
        floor_tree(rootfd);
    for (int i = 0; i < n; i++) {
        floor_read(rootfd, stat_paths[i], stat_buf, sizeof stat_buf - 1);
        floor_read(rootfd, status_paths[i], status_buf, sizeof status_buf - 1);
    }
    return now() - t0;
}

static double
sampler_round(struct fs_sampler *s)
{
    double t0 = now();
    fs_sampler_sample(s, t0);
    return now() - t0;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs `rounds` alternating rounds of floor and sampler; prints one line. */
static void
measure(const char *label, const pid_t *pids, int n, int rounds, unsigned flags)
{
    int rootfd = fs_procfs_open_root(NULL);
    char(*stat_paths)[FS_PROCFS_PATH_MAX] = fs_xcalloc((size_t)n, sizeof *stat_paths);
    char(*status_paths)[FS_PROCFS_PATH_MAX] = fs_xcalloc((size_t)n, sizeof *status_paths);
    struct fs_sampler *s = NULL;
    if (rootfd < 0 || fs_sampler_new(NULL, &s) != 0) {
        fprintf(stderr, "sample-cost: cannot open /proc\n");
        exit(1);
    }
    for (int i = 0; i < n; i++) {
        char dir[FS_PROCFS_PATH_MAX];
        size_t len = fs_procfs_pid_path(dir, pids[i], 0);
        fs_procfs_join(stat_paths[i], dir, len, "stat");
        fs_procfs_join(status_paths[i], dir, len, "status");
        fs_sampler_watch(s, &pids[i], pids[i], 0, flags);
    }
    int tree = (flags & FS_SAMPLE_TREE) != 0;
    double *f = fs_xcalloc((size_t)rounds, sizeof *f);
    double *m = fs_xcalloc((size_t)rounds, sizeof *m);
    for (int i = 0; i < 5; i++) { /* warm the caches and the sampler's state */
        floor_round(rootfd, stat_paths, status_paths, n, tree);
        sampler_round(s);
    }
    for (int i = 0; i < rounds; i++) {
        /* Alternate which goes first so neither always follows the other. */
        if (i % 2) {
            f[i] = floor_round(rootfd, stat_paths, status_paths, n, tree);
            m[i] = sampler_round(s);
        } else {
            m[i] = sampler_round(s);
            f[i] = floor_round(rootfd, stat_paths, status_paths, n, tree);
        }
    }
    double fl = median(f, rounds) * 1e6 / n, sa = median(m, rounds) * 1e6 / n;
    printf("%-18s floor %7.2f us/task/sample   sampler %7.2f us/task/sample   ratio %.3f\n", label,
           fl, sa, sa / fl);
    free(f);
    free(m);
    free(stat_paths);
    free(status_paths);
    fs_sampler_free(s);
    close(rootfd);
}

int
main(int argc, char **argv)
{
    int n = 500, rounds = 200, opt;
    while ((opt = getopt(argc, argv, "n:r:")) != -1) {
        if (opt == 'n')
            n = atoi(optarg);
        else if (opt == 'r')
            rounds = atoi(optarg);
        else {
            fprintf(stderr, "usage: %s [-n TASKS] [-r ROUNDS]\n", argv[0]);
            return 2;
        }
    }
    if (n < 1 || rounds < 1)
        return 2;
    atexit(kill_group);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);

    pid_t *pids = fs_xcalloc((size_t)n, sizeof *pids);
    pid_t self = getpid();
    for (int i = 0; i < n; i++)
        pids[i] = spawn_sleep(self);
    int rootfd = fs_procfs_open_root(NULL);
    wait_exec(rootfd, pids, n);
    close(rootfd);

    int procs = 0;
    DIR *d = opendir("/proc");
    for (struct dirent *de = d ? readdir(d) : NULL; de != NULL; de = readdir(d))
        procs += fs_procfs_name_pid(de->d_name) != 0;
    if (d)
        closedir(d);
    printf("sample-cost: %d sleeping tasks, %d rounds (median), %d processes on the machine, "
           "CLK_TCK %ld\n",
           n, rounds, procs, sysconf(_SC_CLK_TCK));
    measure("stat+status", pids, n, rounds, FS_SAMPLE_CTXSW);
    measure("stat+status+tree", pids, n, rounds, FS_SAMPLE_CTXSW | FS_SAMPLE_TREE);

    kill_group();
    for (int i = 0; i < n; i++)
        waitpid(pids[i], NULL, 0);
    group = 0;
    free(pids);
    return 0;
}
