/*
 * Unit tests of the sampler's skip rule (sample/watch.c, sample/sampler.c): a
 * process whose schedstat did not change since the last sample is not read
 * again (CPU% and rates 0, the other figures kept), one that ran is, a fork is
 * seen at the next sample, the tree is not scanned while no watched process
 * ran, and every FS_TREE_FULL_EVERY-th sample reads everything. On /proc trees
 * written by the test (files rewritten in place, as /proc's change under a file
 * kept open), then on the real /proc.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sample/sampler.h"
#include "util/xalloc.h"

#define PAGE 4096

static const char K1, K2;

/* Writes ROOT/PID/NAME with the text given. */
static void
put(const char *root, int pid, const char *name, const char *text)
{
    char *d = fs_xasprintf("%s/%d", root, pid), *f = fs_xasprintf("%s/%s", d, name);
    mkdir(d, 0700);
    FILE *fp = fopen(f, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
    free(f);
    free(d);
}

/* A process's stat: its parent, group, CPU ticks, threads and RSS (pages). */
static void
put_stat(const char *root, int pid, int ppid, int ticks, int threads, int rss)
{
    char *t = fs_xasprintf("%d (p%d) S %d %d %d 0 -1 0 0 0 0 0 %d 0 0 0 20 0 %d 0 77 4096 %d 0\n",
                           pid, pid, ppid, pid, pid, ticks, threads, rss);
    put(root, pid, "stat", t);
    free(t);
}

static void
put_status(const char *root, int pid, int vol)
{
    char *t = fs_xasprintf("Name:\tp%d\nvoluntary_ctxt_switches:\t%d\n"
                           "nonvoluntary_ctxt_switches:\t0\n",
                           pid, vol);
    put(root, pid, "status", t);
    free(t);
}

static void
put_sched(const char *root, int pid, int run, int slices)
{
    char *t = fs_xasprintf("%d 1000 %d\n", run, slices);
    put(root, pid, "schedstat", t);
    free(t);
}

/* A root with init (1) and a task (10) of one thread: 0 ticks, 10 pages, 5
 * switches, schedstat "500 1000 3". */
static char *
make_root(void)
{
    char *root = fs_xstrdup("/tmp/fs-quiet-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    put_stat(root, 1, 0, 0, 1, 10);
    put_stat(root, 10, 1, 0, 1, 10);
    put_status(root, 10, 5);
    put_sched(root, 10, 500, 3);
    return root;
}

static void
remove_root(char *root)
{
    char *rm = fs_xasprintf("rm -rf '%s'", root);
    ck_assert_int_eq(system(rm), 0);
    free(rm);
    free(root);
}

/* A sampler on a root of make_root() watching the task (10) under K1, the
 * samples it took and the time of the next. */
struct fix {
    char *root;
    struct fs_sampler *s;
    const struct fs_sample *x;
    unsigned taken;
    double now;
};

/* Samples at f->now and moves it on a second; a tree without the machine's
 * files says -ENOENT. */
static void
step(struct fix *f)
{
    int r = fs_sampler_sample(f->s, f->now++);
    ck_assert(r == 0 || r == -ENOENT);
    f->taken++;
}

/* Samples until the task has been read and its schedstat noted: the next
 * sample is the first that may skip it. */
static void
settle(struct fix *f)
{
    step(f);
    step(f);
}

/* A sampler on a new root watching the task with `flags`, settled. */
static struct fix
begin(unsigned flags)
{
    struct fix f = {make_root(), NULL, NULL, 0, 1.0};
    struct fs_sampler_config cfg = {f.root, 100, PAGE};
    ck_assert_int_eq(fs_sampler_new(&cfg, &f.s), 0);
    ck_assert_int_eq(fs_sampler_watch(f.s, &K1, 10, 0, flags), 0);
    f.x = fs_sampler_get(f.s, &K1);
    settle(&f);
    return f;
}

static void
finish(struct fix *f)
{
    fs_sampler_free(f->s);
    remove_root(f->root);
}

START_TEST(sleeping_is_not_read_running_is)
{
    struct fix f = begin(FS_SAMPLE_CTXSW | FS_SAMPLE_TREE);
    const struct fs_sample *x = f.x;

    /* stat and status change, schedstat does not: neither is read. */
    put_stat(f.root, 10, 1, 40, 1, 30);
    put_status(f.root, 10, 9);
    step(&f);
    ck_assert(x->alive);
    ck_assert_double_eq(x->cpu, 0);
    ck_assert_uint_eq(x->cpu_ticks, 0);
    ck_assert_uint_eq(x->rss, 10 * PAGE);
    ck_assert_uint_eq(x->ctx_vol, 5);
    ck_assert_double_eq(x->ctx_vol_rate, 0);
    ck_assert_double_eq(x->at, f.now - 1);
    float cpu[FS_SAMPLER_HISTORY];
    ck_assert_uint_eq(fs_sampler_history(f.s, &K1, cpu, NULL), 3);
    ck_assert_float_eq(cpu[2], 0);

    /* It ran: read, its rates over the last second alone. */
    put_sched(f.root, 10, 900, 4);
    step(&f);
    ck_assert_uint_eq(x->cpu_ticks, 40);
    ck_assert_double_eq_tol(x->cpu, 40.0, 1e-9);
    ck_assert_uint_eq(x->rss, 30 * PAGE);
    ck_assert_uint_eq(x->ctx_vol, 9);
    ck_assert_double_eq_tol(x->ctx_vol_rate, 4.0, 1e-9);
    finish(&f);
}
END_TEST

/* A fork takes a run of the parent: the child is seen at the next sample. A
 * process that appears under a quiet one without it running (it cannot, but
 * adoption from outside looks the same) is seen at the next full scan. */
START_TEST(fork_is_seen_at_the_next_sample)
{
    struct fix f = begin(FS_SAMPLE_TREE);
    const struct fs_sample *x = f.x;

    put_stat(f.root, 11, 10, 0, 1, 7);
    put_sched(f.root, 10, 600, 4);
    step(&f);
    ck_assert_uint_eq(x->descendants, 1);
    ck_assert_uint_eq(x->tree_rss, 7 * PAGE);
    ck_assert_uint_eq(fs_sampler_descendants(f.s, &K1)->n, 1);

    /* A task with a descendant has the tree scanned though it sleeps. */
    put_stat(f.root, 12, 11, 0, 1, 3);
    step(&f);
    ck_assert_uint_eq(x->descendants, 2);

    /* Without descendants again, and quiet: no scan until a full one. */
    char *rm = fs_xasprintf("rm -rf '%s/11' '%s/12'", f.root, f.root);
    ck_assert_int_eq(system(rm), 0);
    free(rm);
    for (int i = 0; i < 8 && fs_sampler_descendants(f.s, &K1)->n > 0; i++)
        step(&f); /* the ended ones linger */
    ck_assert_uint_eq(fs_sampler_descendants(f.s, &K1)->n, 0);
    ck_assert_uint_eq(x->descendants, 0);
    put_stat(f.root, 13, 10, 0, 1, 5);
    unsigned before = f.taken;
    while (x->descendants == 0) {
        step(&f);
        ck_assert_uint_le(f.taken - before, FS_TREE_FULL_EVERY);
    }
    /* Not before the full scan: the sample numbered a multiple (from 0). */
    ck_assert_uint_eq((f.taken - 1) % FS_TREE_FULL_EVERY, 0);
    ck_assert_uint_eq(x->descendants, 1);
    finish(&f);
}
END_TEST

/* What is always read: a process of several threads (schedstat is its main
 * thread's), one without schedstat or with "0 0 0" (no sched_info), and at
 * every FS_TREE_FULL_EVERY-th sample a quiet one too (its RSS may shrink). */
START_TEST(when_it_reads_anyway)
{
    struct fix f = begin(FS_SAMPLE_CTXSW);
    const struct fs_sample *x = f.x;

    put_stat(f.root, 10, 1, 10, 2, 10);
    put_sched(f.root, 10, 550, 4);
    step(&f);
    ck_assert_uint_eq(x->cpu_ticks, 10);
    put_stat(f.root, 10, 1, 20, 2, 10);
    step(&f);
    ck_assert_uint_eq(x->cpu_ticks, 20);

    put_stat(f.root, 10, 1, 30, 1, 10);
    put_sched(f.root, 10, 0, 0);
    step(&f);
    step(&f);
    put_stat(f.root, 10, 1, 35, 1, 10);
    step(&f);
    ck_assert_uint_eq(x->cpu_ticks, 35);

    char *gone = fs_xasprintf("%s/10/schedstat", f.root);
    ck_assert_int_eq(unlink(gone), 0);
    free(gone);
    put_stat(f.root, 10, 1, 36, 1, 10);
    step(&f);
    ck_assert_uint_eq(x->cpu_ticks, 36);

    /* Quiet from here: its RSS changes without a run, and is seen at the
     * next full sample, not before. */
    put_sched(f.root, 10, 700, 9);
    settle(&f);
    put_stat(f.root, 10, 1, 36, 1, 99);
    unsigned before = f.taken;
    while (x->rss != 99 * PAGE) {
        step(&f);
        ck_assert_double_eq(x->cpu, 0);
        ck_assert_uint_le(f.taken - before, FS_TREE_FULL_EVERY);
    }
    ck_assert_uint_eq((f.taken - 1) % FS_TREE_FULL_EVERY, 0);
    finish(&f);
}
END_TEST

/* A thread watch is always read: the figures it shows are its process's. */
START_TEST(thread_watch_is_read)
{
    struct fix f = begin(0);
    char *sub = fs_xasprintf("%s/10/task", f.root);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    put_stat(sub, 11, 10, 0, 2, 10);
    put_sched(sub, 11, 500, 3);
    ck_assert_int_eq(fs_sampler_watch(f.s, &K2, 10, 11, 0), 0);
    const struct fs_sample *x = fs_sampler_get(f.s, &K2);
    settle(&f);
    put_stat(sub, 11, 10, 0, 2, 20);
    step(&f);
    ck_assert_uint_eq(x->rss, 20 * PAGE);
    free(sub);
    finish(&f);
}
END_TEST

/* On the real /proc: a child blocked on a pipe, sampled while it sleeps, then
 * woken to fork a grandchild; the next sample counts it. */
START_TEST(real_proc_fork_after_quiet)
{
    int go[2], done[2];
    ck_assert_int_eq(pipe(go), 0);
    ck_assert_int_eq(pipe(done), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setpgid(0, 0); /* the test ends both with one kill of the group */
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(1);
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            pause();
            _exit(0);
        }
        if (write(done[1], "x", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    struct fs_sampler *s = NULL;
    ck_assert_int_eq(fs_sampler_new(NULL, &s), 0);
    fs_sampler_watch(s, &K1, child, 0, FS_SAMPLE_TREE | FS_SAMPLE_CTXSW);
    const struct fs_sample *x = fs_sampler_get(s, &K1);
    for (double now = 1.0; now < 4.5; now += 1.0) {
        ck_assert_int_eq(fs_sampler_sample(s, now), 0);
        ck_assert_uint_eq(x->descendants, 0);
    }
    char c = 'x';
    ck_assert_int_eq(write(go[1], &c, 1), 1);
    ck_assert_int_eq(read(done[0], &c, 1), 1);
    ck_assert_int_eq(fs_sampler_sample(s, 5.0), 0);
    ck_assert(x->alive);
    ck_assert_uint_eq(x->descendants, 1);
    kill(-child, SIGKILL);
    waitpid(child, NULL, 0);
    fs_sampler_free(s);
    for (int i = 0; i < 2; i++) {
        close(go[i]);
        close(done[i]);
    }
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("quiet");
    TCase *tc = tcase_create("fixtures");
    tcase_add_test(tc, sleeping_is_not_read_running_is);
    tcase_add_test(tc, fork_is_seen_at_the_next_sample);
    tcase_add_test(tc, when_it_reads_anyway);
    tcase_add_test(tc, thread_watch_is_read);
    suite_add_tcase(s, tc);
    tc = tcase_create("real_proc");
    tcase_add_test(tc, real_proc_fork_after_quiet);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
