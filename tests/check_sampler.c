/*
 * Unit tests of sample/sampler.c: the watches, CPU% over intervals, PID reuse, a
 * counter going backwards, zombies, vanished pids, descendants (summed and one
 * by one), thread lists, worker threads watched by TID, history rings and the
 * read-only-what-is-shown flags, on the fixture snapshots proc-a and proc-b
 * (two seconds apart; see tests/fixtures/proc/README.md) and once on the real
 * /proc.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sample/sampler.h"
#include "util/xalloc.h"

#define PAGE 4096

/* Keys: any distinct addresses. */
static const char K1, K2, K3, K4, K5, K6;

static char *
fixture(const char *name)
{
    const char *src = getenv("FS_SRCDIR");
    return fs_xasprintf("%s/tests/fixtures/proc/%s", src ? src : ".", name);
}

/* A sampler on proc-a at 100 Hz with 4 KiB pages. */
static struct fs_sampler *
fixture_sampler(void)
{
    char *root = fixture("proc-a");
    struct fs_sampler_config cfg = {root, 100, PAGE};
    struct fs_sampler *s = NULL;
    ck_assert_int_eq(fs_sampler_new(&cfg, &s), 0);
    free(root);
    return s;
}

static void
switch_to(struct fs_sampler *s, const char *name)
{
    char *root = fixture(name);
    ck_assert_int_eq(fs_sampler_set_root(s, root), 0);
    free(root);
}

START_TEST(first_sample_then_cpu)
{
    struct fs_sampler *s = fixture_sampler();
    ck_assert_int_eq(fs_sampler_watch(s, &K1, 100, 0, FS_SAMPLE_CTXSW | FS_SAMPLE_STATM), 0);
    const struct fs_sample *x = fs_sampler_get(s, &K1);
    ck_assert_int_eq(x->state, '?');
    ck_assert_int_eq(fs_sampler_sample(s, 10.0), 0);
    ck_assert(x->alive);
    ck_assert_int_eq(x->generation, 1);
    ck_assert_str_eq(x->comm, "sh");
    ck_assert_int_eq(x->state, 'S');
    ck_assert(isnan(x->cpu)); /* the first sample */
    ck_assert(isnan(x->ctx_vol_rate));
    ck_assert_uint_eq(x->rss, 200 * PAGE);
    ck_assert_uint_eq(x->vsize, 8388608);
    ck_assert_int_eq(x->threads, 1);
    ck_assert_double_eq(x->start, 50.0); /* starttime 5000 jiffies */
    ck_assert_uint_eq(x->shared, 50 * PAGE);
    ck_assert_uint_eq(x->ctx_vol, 10);

    switch_to(s, "proc-b");
    ck_assert_int_eq(fs_sampler_sample(s, 12.0), 0);
    ck_assert_double_eq(x->cpu, 15.0);           /* 150 -> 180 jiffies in 2 s at 100 Hz */
    ck_assert_double_eq(x->ctx_vol_rate, 10.0);  /* 10 -> 30 */
    ck_assert_double_eq(x->ctx_invol_rate, 1.0); /* 2 -> 4 */
    ck_assert_int_eq(x->generation, 1);
    ck_assert_double_eq(fs_sampler_machine(s)->cpu, 37.5);
    fs_sampler_free(s);
}
END_TEST

START_TEST(zero_period_is_unknown)
{
    struct fs_sampler *s = fixture_sampler();
    fs_sampler_watch(s, &K1, 100, 0, FS_SAMPLE_CTXSW);
    const struct fs_sample *x = fs_sampler_get(s, &K1);
    fs_sampler_sample(s, 10.0);
    switch_to(s, "proc-b");
    fs_sampler_sample(s, 12.0);
    fs_sampler_sample(s, 12.0); /* no time went by */
    ck_assert(isnan(x->cpu));
    ck_assert(isnan(x->ctx_vol_rate));
    fs_sampler_sample(s, 13.0);
    ck_assert_double_eq(x->cpu, 0.0);
    ck_assert_double_eq(x->ctx_vol_rate, 0.0);
    fs_sampler_free(s);
}
END_TEST

START_TEST(pid_reuse_and_backwards_counter)
{
    struct fs_sampler *s = fixture_sampler();
    fs_sampler_watch(s, &K1, 200, 0, FS_SAMPLE_CMDLINE);
    fs_sampler_watch(s, &K2, 300, 0, 0);
    const struct fs_sample *reused = fs_sampler_get(s, &K1);
    const struct fs_sample *wrap = fs_sampler_get(s, &K2);
    fs_sampler_sample(s, 10.0);
    ck_assert_str_eq(reused->cmdline, "old");
    switch_to(s, "proc-b");
    fs_sampler_sample(s, 12.0);
    /* 200's start time changed: another process, seen for the first time. */
    ck_assert_int_eq(reused->generation, 2);
    ck_assert(isnan(reused->cpu));
    ck_assert_str_eq(reused->comm, "new");
    ck_assert_str_eq(reused->cmdline, "new"); /* read again for the new process */
    /* 300's counter went from 5000 to 100 with the same start: a first sample. */
    ck_assert_int_eq(wrap->generation, 1);
    ck_assert(isnan(wrap->cpu));
    fs_sampler_sample(s, 14.0);
    ck_assert_double_eq(reused->cpu, 0.0);
    ck_assert_double_eq(wrap->cpu, 0.0);
    fs_sampler_free(s);
}
END_TEST

START_TEST(zombie_and_vanished)
{
    struct fs_sampler *s = fixture_sampler();
    fs_sampler_watch(s, &K1, 103, 0, FS_SAMPLE_ALL);
    fs_sampler_watch(s, &K2, 104, 0, FS_SAMPLE_ALL);
    fs_sampler_watch(s, &K3, 999, 0, FS_SAMPLE_ALL);
    fs_sampler_watch(s, &K4, 400, 0, FS_SAMPLE_ALL); /* listed, no stat */
    const struct fs_sample *z = fs_sampler_get(s, &K1);
    const struct fs_sample *gone = fs_sampler_get(s, &K2);
    ck_assert_int_eq(fs_sampler_sample(s, 10.0), 0);
    ck_assert(z->alive);
    ck_assert_int_eq(z->state, 'Z');
    ck_assert_uint_eq(z->rss, 0);
    ck_assert_str_eq(z->cmdline, "");
    ck_assert(gone->alive);
    ck_assert(!fs_sampler_get(s, &K3)->alive);
    ck_assert_int_eq(fs_sampler_get(s, &K3)->err, -ENOENT);
    ck_assert_int_eq(fs_sampler_get(s, &K3)->state, '?');
    ck_assert_int_eq(fs_sampler_get(s, &K4)->err, -ENOENT);

    switch_to(s, "proc-b");
    ck_assert_int_eq(fs_sampler_sample(s, 12.0), 0);
    ck_assert_double_eq(z->cpu, 0.0);
    ck_assert(!gone->alive);
    ck_assert_int_eq(gone->err, -ENOENT);
    ck_assert(isnan(gone->cpu));
    ck_assert_str_eq(gone->comm, "make"); /* the last figures read stay */
    size_t n;
    ck_assert_ptr_null(fs_sampler_threads(s, &K2, &n, NULL));
    ck_assert_uint_eq(n, 0);
    /* A pid that comes back is a new process. */
    switch_to(s, "proc-a");
    fs_sampler_sample(s, 14.0);
    ck_assert(gone->alive);
    ck_assert_int_eq(gone->generation, 2);
    ck_assert(isnan(gone->cpu));
    fs_sampler_free(s);
}
END_TEST

START_TEST(tree_figures)
{
    struct fs_sampler *s = fixture_sampler();
    fs_sampler_watch(s, &K1, 100, 0, FS_SAMPLE_TREE);
    fs_sampler_watch(s, &K2, 101, 0, FS_SAMPLE_TREE);
    fs_sampler_watch(s, &K3, 200, 0, 0); /* no flag: no tree figures */
    const struct fs_sample *x = fs_sampler_get(s, &K1);
    fs_sampler_sample(s, 10.0);
    ck_assert_uint_eq(x->descendants, 3);
    ck_assert_uint_eq(x->tree_cpu_unknown, 3);
    ck_assert_uint_eq(x->tree_rss, 1500 * PAGE);
    ck_assert_int_eq(x->tree_threads, 4);
    switch_to(s, "proc-b");
    fs_sampler_sample(s, 12.0);
    ck_assert_uint_eq(x->descendants, 3); /* 101, zombie 103, new 105 */
    ck_assert_uint_eq(x->tree_cpu_unknown, 1);
    ck_assert_double_eq(x->tree_cpu, 100.0);
    ck_assert_uint_eq(x->tree_rss, 1500 * PAGE);
    ck_assert_int_eq(x->tree_threads, 5);
    ck_assert_uint_eq(fs_sampler_get(s, &K2)->descendants, 2);
    ck_assert_uint_eq(fs_sampler_get(s, &K3)->descendants, 0);
    /* Turning the flag off clears the figures. */
    fs_sampler_set_flags(s, &K1, 0);
    ck_assert_uint_eq(x->descendants, 0);
    fs_sampler_free(s);
}
END_TEST

/* The descendants one by one: listed per tree watch, a reaped status goes to
 * the watch that lists the pid, notes stay, the flag off forgets them. */
START_TEST(descendant_records)
{
    struct fs_sampler *s = fixture_sampler();
    fs_sampler_watch(s, &K1, 100, 0, FS_SAMPLE_TREE);
    fs_sampler_watch(s, &K2, 300, 0, FS_SAMPLE_TREE); /* no descendants */
    fs_sampler_watch(s, &K3, 200, 0, 0);
    fs_sampler_sample(s, 10.0);
    const struct fs_desc_list *l = fs_sampler_descendants(s, &K1);
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->n, 3);
    ck_assert_uint_eq(fs_sampler_descendants(s, &K2)->n, 0);
    ck_assert_ptr_null(fs_sampler_descendants(s, &K3)); /* no flag */
    ck_assert_int_eq(fs_sampler_set_note(s, &K1, 101, "fork"), 0);
    ck_assert_int_eq(fs_sampler_set_note(s, &K3, 101, "fork"), -ESRCH);
    ck_assert(fs_sampler_reaped(s, 104, 0, 11.0));
    ck_assert(!fs_sampler_reaped(s, 200, 0, 11.0)); /* a watch's own pid is no descendant */
    switch_to(s, "proc-b");
    fs_sampler_sample(s, 12.0);
    l = fs_sampler_descendants(s, &K1);
    ck_assert_uint_eq(l->n, 4);
    ck_assert_str_eq(fs_desc_find(l, 101)->note, "fork");
    ck_assert(fs_desc_find(l, 104)->have_status);
    fs_sampler_set_flags(s, &K1, 0);
    ck_assert_ptr_null(fs_sampler_descendants(s, &K1));
    fs_sampler_set_flags(s, &K1, FS_SAMPLE_TREE);
    ck_assert_uint_eq(fs_sampler_descendants(s, &K1)->n, 0);
    fs_sampler_free(s);
}
END_TEST

START_TEST(thread_list)
{
    struct fs_sampler *s = fixture_sampler();
    fs_sampler_watch(s, &K1, 101, 0, FS_SAMPLE_THREADS);
    size_t n, omitted;
    const struct fs_thread_sample *t = fs_sampler_threads(s, &K1, &n, &omitted);
    ck_assert_ptr_null(t); /* not sampled yet */
    fs_sampler_sample(s, 10.0);
    t = fs_sampler_threads(s, &K1, &n, &omitted);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(omitted, 0);
    ck_assert_int_eq(t[0].tid, 101);
    ck_assert_str_eq(t[0].name, "my (weird) name");
    ck_assert_int_eq(t[1].tid, 102);
    ck_assert_str_eq(t[1].name, "pool) x(");
    ck_assert_int_eq(t[1].state, 'R');
    ck_assert(isnan(t[0].cpu));
    switch_to(s, "proc-b");
    fs_sampler_sample(s, 12.0);
    t = fs_sampler_threads(s, &K1, &n, NULL);
    ck_assert_uint_eq(n, 3);
    ck_assert_double_eq(t[0].cpu, 25.0); /* 250 -> 300 */
    ck_assert_double_eq(t[1].cpu, 75.0); /* 150 -> 300 */
    ck_assert_int_eq(t[2].tid, 106);     /* new: no CPU% yet */
    ck_assert(isnan(t[2].cpu));
    ck_assert_double_eq(fs_sampler_get(s, &K1)->cpu, 100.0); /* the process: 400 -> 600 */
    fs_sampler_set_flags(s, &K1, 0);
    ck_assert_ptr_null(fs_sampler_threads(s, &K1, &n, NULL));
    fs_sampler_free(s);
}
END_TEST

START_TEST(thread_watch_is_data)
{
    /* A worker thread: pid and TID, read from PID/task/TID by the same code. */
    struct fs_sampler *s = fixture_sampler();
    fs_sampler_watch(s, &K1, 101, 102, FS_SAMPLE_ALL);
    const struct fs_sample *x = fs_sampler_get(s, &K1);
    fs_sampler_sample(s, 10.0);
    ck_assert(x->alive);
    ck_assert_int_eq(x->tid, 102);
    ck_assert_str_eq(x->comm, "pool) x(");
    ck_assert_uint_eq(x->ctx_vol, 7);
    ck_assert_uint_eq(x->descendants, 0); /* no tree for a thread */
    switch_to(s, "proc-b");
    fs_sampler_sample(s, 12.0);
    ck_assert_double_eq(x->cpu, 75.0);
    size_t n;
    const struct fs_thread_sample *t = fs_sampler_threads(s, &K1, &n, NULL);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t[0].tid, 102);
    ck_assert_double_eq(t[0].cpu, 75.0);
    /* Watching the key again on another thread starts over. */
    fs_sampler_watch(s, &K1, 101, 106, 0);
    ck_assert_int_eq(x->state, '?');
    fs_sampler_sample(s, 13.0);
    ck_assert_str_eq(x->comm, "late");
    ck_assert(isnan(x->cpu));
    fs_sampler_free(s);
}
END_TEST

START_TEST(history_ring)
{
    struct fs_sampler *s = fixture_sampler();
    fs_sampler_watch(s, &K1, 100, 0, 0);
    float cpu[FS_SAMPLER_HISTORY];
    uint64_t rss[FS_SAMPLER_HISTORY];
    ck_assert_uint_eq(fs_sampler_history(s, &K1, cpu, rss), 0);
    ck_assert_uint_eq(fs_sampler_history(s, &K2, cpu, rss), 0);
    fs_sampler_sample(s, 0.0);
    switch_to(s, "proc-b");
    fs_sampler_sample(s, 2.0);
    ck_assert_uint_eq(fs_sampler_history(s, &K1, cpu, rss), 2);
    ck_assert(isnan(cpu[0]));
    ck_assert(cpu[1] == 15.0f);
    ck_assert_uint_eq(rss[1], 200 * PAGE);
    for (int i = 2; i < 70; i++)
        fs_sampler_sample(s, 2.0 + i);
    ck_assert_uint_eq(fs_sampler_history(s, &K1, cpu, NULL), FS_SAMPLER_HISTORY);
    for (int i = 0; i < FS_SAMPLER_HISTORY; i++)
        ck_assert(cpu[i] == 0.0f); /* the oldest two were pushed out */
    /* A restart of the task (another pid, same key) keeps the history. */
    fs_sampler_watch(s, &K1, 101, 0, 0);
    fs_sampler_sample(s, 100.0);
    ck_assert_uint_eq(fs_sampler_history(s, &K1, cpu, rss), FS_SAMPLER_HISTORY);
    ck_assert(isnan(cpu[FS_SAMPLER_HISTORY - 1]));
    ck_assert_uint_eq(rss[FS_SAMPLER_HISTORY - 1], 1100 * PAGE);
    fs_sampler_free(s);
}
END_TEST

START_TEST(watch_table)
{
    struct fs_sampler *s = fixture_sampler();
    ck_assert_int_eq(fs_sampler_watch(s, &K1, 0, 0, 0), -EINVAL);
    ck_assert_int_eq(fs_sampler_watch(s, &K1, 1, -1, 0), -EINVAL);
    const char *keys[] = {&K6, &K2, &K4, &K1, &K5, &K3};
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(fs_sampler_watch(s, keys[i], 100 + i, 0, 0), 0);
    ck_assert_uint_eq(fs_sampler_count(s), 6);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(fs_sampler_get(s, keys[i])->pid, 100 + i);
    ck_assert_int_eq(fs_sampler_unwatch(s, &K4), 0);
    ck_assert_int_eq(fs_sampler_unwatch(s, &K4), -ENOENT);
    ck_assert_ptr_null(fs_sampler_get(s, &K4));
    ck_assert_int_eq(fs_sampler_set_flags(s, &K4, 0), -ENOENT);
    ck_assert_uint_eq(fs_sampler_count(s), 5);
    ck_assert_int_eq(fs_sampler_get(s, &K3)->pid, 105);
    /* Without FS_SAMPLE_CTXSW, status is not read. */
    fs_sampler_sample(s, 1.0);
    ck_assert_uint_eq(fs_sampler_get(s, &K1)->ctx_vol, 0); /* pid 103 has ctx 0 anyway */
    ck_assert_uint_eq(fs_sampler_get(s, &K6)->ctx_vol, 0); /* pid 100 has 10 */
    fs_sampler_set_flags(s, &K6, FS_SAMPLE_CTXSW);
    fs_sampler_sample(s, 2.0);
    ck_assert_uint_eq(fs_sampler_get(s, &K6)->ctx_vol, 10);
    ck_assert_int_eq(fs_sampler_set_root(s, "/nonexistent"), -ENOENT);
    fs_sampler_free(s);
    fs_sampler_free(NULL);
    struct fs_sampler_config bad = {"/nonexistent", 0, 0};
    ck_assert_int_eq(fs_sampler_new(&bad, &s), -ENOENT);
}
END_TEST

/* ---- the real /proc ---------------------------------------------------------------- */

static atomic_int spin_tid;
static atomic_bool spin_stop;

/* Burns CPU until told to stop, after publishing its TID. */
static void *
spin(void *arg)
{
    atomic_store(&spin_tid, (int)syscall(SYS_gettid));
    volatile unsigned long x = 0;
    while (!atomic_load(&spin_stop))
        x++;
    return NULL;
}

static double
cpu_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(real_proc_self_and_worker)
{
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, spin, NULL), 0);
    while (atomic_load(&spin_tid) == 0)
        usleep(1000);
    struct fs_sampler *s = NULL;
    ck_assert_int_eq(fs_sampler_new(NULL, &s), 0);
    fs_sampler_watch(s, &K1, getpid(), 0, FS_SAMPLE_ALL);
    fs_sampler_watch(s, &K2, getpid(), atomic_load(&spin_tid), FS_SAMPLE_CTXSW);
    fs_sampler_sample(s, cpu_seconds(CLOCK_MONOTONIC));
    /* Let the worker use at least 0.2 s of CPU: 20 jiffies at 100 Hz. */
    double t0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    while (cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - t0 < 0.2)
        usleep(10000);
    fs_sampler_sample(s, cpu_seconds(CLOCK_MONOTONIC));
    const struct fs_sample *me = fs_sampler_get(s, &K1);
    const struct fs_sample *worker = fs_sampler_get(s, &K2);
    ck_assert(me->alive);
    ck_assert_int_ge(me->threads, 2);
    ck_assert_uint_gt(me->rss, 0);
    ck_assert_uint_gt(me->vsize, 0);
    ck_assert(me->cpu > 0);
    ck_assert(me->cmdline != NULL && strstr(me->cmdline, "check_sampler") != NULL);
    ck_assert(worker->alive);
    ck_assert(worker->cpu > 0);
    ck_assert_uint_gt(worker->cpu_ticks, 0);
    ck_assert(worker->state == 'R' || worker->state == 'S');
    size_t n;
    const struct fs_thread_sample *t = fs_sampler_threads(s, &K1, &n, NULL);
    ck_assert_uint_ge(n, 2);
    bool found = false;
    for (size_t i = 0; i < n; i++)
        found = found || t[i].tid == atomic_load(&spin_tid);
    ck_assert(found);
    const struct fs_machine *m = fs_sampler_machine(s);
    ck_assert_int_eq(m->err, 0);
    ck_assert_uint_gt(m->mem_total, 0);
    ck_assert(m->uptime > me->start);
    atomic_store(&spin_stop, true);
    pthread_join(th, NULL);
    fs_sampler_free(s);
}
END_TEST

START_TEST(real_proc_descendants)
{
    /* A child that starts a grandchild, both sleeping, in their own group. */
    int ready[2];
    ck_assert_int_eq(pipe(ready), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setpgid(0, 0);
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (write(ready[1], "x", 1) != 1)
                _exit(1);
            pause();
            _exit(0);
        }
        pause();
        _exit(0);
    }
    char c;
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    struct fs_sampler *s = NULL;
    ck_assert_int_eq(fs_sampler_new(NULL, &s), 0);
    fs_sampler_watch(s, &K1, child, 0, FS_SAMPLE_TREE);
    fs_sampler_watch(s, &K2, getpid(), 0, FS_SAMPLE_TREE);
    fs_sampler_sample(s, 1.0);
    ck_assert_uint_eq(fs_sampler_get(s, &K1)->descendants, 1);
    ck_assert_uint_gt(fs_sampler_get(s, &K1)->tree_rss, 0);
    ck_assert_uint_ge(fs_sampler_get(s, &K2)->descendants, 2);
    kill(-child, SIGKILL);
    waitpid(child, NULL, 0);
    fs_sampler_sample(s, 2.0);
    ck_assert(!fs_sampler_get(s, &K1)->alive);
    fs_sampler_free(s);
    close(ready[0]);
    close(ready[1]);
}
END_TEST

/* Context switches read again and again from real /proc (the status file is
 * kept open and read from its start), and a child's that ends: gone, no figures. */
START_TEST(real_proc_ctxsw_and_gone)
{
    struct fs_sampler *s;
    ck_assert_int_eq(fs_sampler_new(NULL, &s), 0);
    int go[2];
    ck_assert_int_eq(pipe(go), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        char c;
        _exit(read(go[0], &c, 1) == 1 ? 0 : 1);
    }
    close(go[0]);
    ck_assert_int_eq(fs_sampler_watch(s, &K1, getpid(), 0, FS_SAMPLE_CTXSW), 0);
    ck_assert_int_eq(fs_sampler_watch(s, &K2, child, 0, FS_SAMPLE_CTXSW), 0);
    const struct fs_sample *self = fs_sampler_get(s, &K1), *kid = fs_sampler_get(s, &K2);
    for (int round = 0; round < 3; round++) {
        fs_sampler_sample(s, 1.0 + round);
        ck_assert(self->alive);
        uint64_t before = self->ctx_vol;
        /* Each sleep is a voluntary switch. */
        for (int k = 0; k < 5; k++)
            nanosleep(&(struct timespec){0, 1000000}, NULL);
        fs_sampler_sample(s, 1.5 + round);
        ck_assert_uint_ge(self->ctx_vol, before + 5);
        ck_assert(kid->alive);
    }
    ck_assert_int_eq(write(go[1], "x", 1), 1);
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    fs_sampler_sample(s, 10.0);
    ck_assert(!kid->alive);
    ck_assert(isnan(kid->ctx_vol_rate));
    close(go[1]);
    fs_sampler_free(s);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("sampler");
    TCase *tc = tcase_create("fixtures");
    tcase_add_test(tc, first_sample_then_cpu);
    tcase_add_test(tc, zero_period_is_unknown);
    tcase_add_test(tc, pid_reuse_and_backwards_counter);
    tcase_add_test(tc, zombie_and_vanished);
    tcase_add_test(tc, tree_figures);
    tcase_add_test(tc, descendant_records);
    tcase_add_test(tc, thread_list);
    tcase_add_test(tc, thread_watch_is_data);
    tcase_add_test(tc, history_ring);
    tcase_add_test(tc, watch_table);
    suite_add_tcase(s, tc);
    tc = tcase_create("real_proc");
    tcase_add_test(tc, real_proc_self_and_worker);
    tcase_add_test(tc, real_proc_descendants);
    tcase_add_test(tc, real_proc_ctxsw_and_gone);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
