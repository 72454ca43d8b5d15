/*
 * Unit tests of sample/desc.c, a task's descendants one by one: the tree order
 * and depths, command lines, what is carried over between updates (CPU%,
 * notes), ended ones with and without a reaped status and how long they stay,
 * the cap and its count, descendants adopted after their parent ended and
 * orphans of the task's group, the cap over a sampler's watches, a zombie's
 * status before its parent reaps it. On the
 * fixture snapshots proc-a and proc-b (see tests/fixtures/proc/README.md) and
 * on small /proc trees written here.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sample/desc.h"
#include "sample/procfs.h"
#include "sample/sampler.h"
#include "sample/tree.h"
#include "util/xalloc.h"

#define PAGE 4096

static int
open_fixture(const char *name)
{
    const char *src = getenv("FS_SRCDIR");
    char *path = fs_xasprintf("%s/tests/fixtures/proc/%s", src ? src : ".", name);
    int fd = fs_procfs_open_root(path);
    ck_assert_int_ge(fd, 0);
    free(path);
    return fd;
}

/* Scans the fixture `name` at `now` into t, and updates l for task 100. */
static void
update_on(struct fs_tree *t, struct fs_desc_list *l, const char *name, double now, size_t max)
{
    int fd = open_fixture(name);
    ck_assert_int_eq(fs_tree_scan(t, fd, now, 100), 0);
    struct fs_desc_ctx c = {fd, PAGE, now, FS_DESC_LINGER, max};
    fs_desc_update(l, t, 100, 0, &c);
    close(fd);
}

START_TEST(tree_order_and_fields)
{
    struct fs_tree t;
    struct fs_desc_list l;
    fs_tree_init(&t);
    fs_desc_init(&l);
    update_on(&t, &l, "proc-a", 0, FS_DESC_MAX);
    /* sh 100 -> weird 101 -> cc1 103 (a zombie); sh 100 -> make 104. */
    ck_assert_uint_eq(l.n, 3);
    ck_assert_uint_eq(l.live, 3);
    ck_assert_uint_eq(l.cut, 0);
    ck_assert_int_eq(l.v[0].pid, 101);
    ck_assert_int_eq(l.v[0].ppid, 100);
    ck_assert_uint_eq(l.v[0].depth, 1);
    ck_assert_str_eq(l.v[0].cmd, "./weird --flag x y");
    ck_assert_str_eq(l.v[0].comm, "my (weird) name");
    ck_assert_uint_eq(l.v[0].rss, 1000 * PAGE);
    ck_assert_int_eq(l.v[0].threads, 2);
    ck_assert(isnan(l.v[0].cpu)); /* first seen */
    ck_assert_int_eq(l.v[1].pid, 103);
    ck_assert_uint_eq(l.v[1].depth, 2);
    ck_assert_int_eq(l.v[1].state, 'Z');
    ck_assert_str_eq(l.v[1].cmd, "[cc1]"); /* a zombie has no command line */
    ck_assert_int_eq(l.v[2].pid, 104);
    ck_assert_uint_eq(l.v[2].depth, 1);
    ck_assert_str_eq(l.v[2].cmd, "make");
    ck_assert(!l.v[2].ended);
    ck_assert_ptr_null(fs_desc_find(&l, 100)); /* not the task itself */
    fs_desc_fini(&l);
    fs_tree_fini(&t);
}
END_TEST

START_TEST(ended_and_carried_over)
{
    struct fs_tree t;
    struct fs_desc_list l;
    fs_tree_init(&t);
    fs_desc_init(&l);
    update_on(&t, &l, "proc-a", 0, FS_DESC_MAX);
    ck_assert_int_eq(fs_desc_set_note(&l, 101, "fork"), 0);
    ck_assert_int_eq(fs_desc_set_note(&l, 999, "x"), -ESRCH);
    update_on(&t, &l, "proc-b", 2, FS_DESC_MAX);
    /* 105 (ld) is new under 101; 104 (make) ended: listed last, no status. */
    ck_assert_uint_eq(l.n, 4);
    ck_assert_uint_eq(l.live, 3);
    ck_assert_int_eq(l.v[0].pid, 101);
    ck_assert_str_eq(l.v[0].note, "fork");
    ck_assert_double_eq_tol(l.v[0].cpu, 100.0, 1e-9); /* 200 ticks in 2 s */
    ck_assert_int_eq(l.v[1].pid, 103);
    ck_assert_int_eq(l.v[2].pid, 105);
    ck_assert_uint_eq(l.v[2].depth, 2);
    ck_assert(isnan(l.v[2].cpu));
    const struct fs_desc *d = &l.v[3];
    ck_assert_int_eq(d->pid, 104);
    ck_assert(d->ended);
    ck_assert(!d->have_status);
    ck_assert_int_eq(d->state, 'X');
    ck_assert_double_eq(d->ended_at, 2);
    char buf[64];
    fs_desc_describe_end(d, buf, sizeof buf);
    ck_assert_str_eq(buf, "ended");
    /* It stays FS_DESC_LINGER seconds, then goes. */
    update_on(&t, &l, "proc-b", 2 + FS_DESC_LINGER - 0.1, FS_DESC_MAX);
    ck_assert_ptr_nonnull(fs_desc_find(&l, 104));
    update_on(&t, &l, "proc-b", 2 + FS_DESC_LINGER + 0.1, FS_DESC_MAX);
    ck_assert_ptr_null(fs_desc_find(&l, 104));
    ck_assert_uint_eq(l.n, 3);
    ck_assert_str_eq(fs_desc_find(&l, 101)->note, "fork");
    fs_desc_fini(&l);
    fs_tree_fini(&t);
}
END_TEST

START_TEST(reaped_status)
{
    struct fs_tree t;
    struct fs_desc_list l;
    fs_tree_init(&t);
    fs_desc_init(&l);
    update_on(&t, &l, "proc-a", 0, FS_DESC_MAX);
    ck_assert(fs_desc_reaped(&l, 104, 3 << 8, 1.5)); /* exit 3 */
    ck_assert(!fs_desc_reaped(&l, 104, 0, 1.6));     /* once */
    ck_assert(!fs_desc_reaped(&l, 4242, 0, 1.6));    /* not a descendant */
    ck_assert_uint_eq(l.live, 2);
    update_on(&t, &l, "proc-b", 2, FS_DESC_MAX);
    const struct fs_desc *d = fs_desc_find(&l, 104);
    ck_assert_ptr_nonnull(d);
    ck_assert(d->ended && d->have_status);
    ck_assert_double_eq(d->ended_at, 1.5); /* when it was reaped, not seen gone */
    char buf[64];
    fs_desc_describe_end(d, buf, sizeof buf);
    ck_assert_str_eq(buf, "exit 3");
    ck_assert(fs_desc_reaped(&l, 101, SIGTERM, 2.5)); /* killed by a signal */
    fs_desc_describe_end(fs_desc_find(&l, 101), buf, sizeof buf);
    ck_assert_str_eq(buf, "killed by SIGTERM");
    fs_desc_fini(&l);
    fs_tree_fini(&t);
}
END_TEST

START_TEST(cap_counts_the_cut)
{
    struct fs_tree t;
    struct fs_desc_list l;
    fs_tree_init(&t);
    fs_desc_init(&l);
    update_on(&t, &l, "proc-a", 0, 2);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_uint_eq(l.cut, 1);
    ck_assert_int_eq(l.v[0].pid, 101);
    ck_assert_int_eq(l.v[1].pid, 103);
    /* No room for an ended one either: with 1, 104 (ended in b) is dropped. */
    update_on(&t, &l, "proc-a", 1, 3);
    update_on(&t, &l, "proc-b", 2, 3);
    ck_assert_uint_eq(l.n, 3);
    ck_assert_ptr_null(fs_desc_find(&l, 104));
    update_on(&t, &l, "proc-b", 3, 0);
    ck_assert_uint_eq(l.n, 0);
    ck_assert_uint_eq(l.cut, 3);
    fs_desc_fini(&l);
    fs_tree_fini(&t);
}
END_TEST

/* ---- trees written here: adoption ------------------------------------------------------------ */

static char root_dir[64];

static void
mkstat(pid_t pid, const char *comm, pid_t ppid, pid_t pgrp, const char *cmdline)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%d", root_dir, (int)pid);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%d/stat", root_dir, (int)pid);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%d (%s) S %d %d %d 0 -1 0 0 0 0 0 10 10 0 0 20 0 1 0 %d 1000 5\n", (int)pid, comm,
            (int)ppid, (int)pgrp, (int)pgrp, (int)pid * 10);
    fclose(f);
    /* The arguments, separated by '|' here, are NUL-terminated in the file;
     * NULL: none (the record says "[comm]"). */
    if (cmdline == NULL)
        return;
    snprintf(path, sizeof path, "%s/%d/cmdline", root_dir, (int)pid);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (const char *c = cmdline;; c++) {
        fputc(*c == '|' ? '\0' : *c, f);
        if (*c == '\0')
            break;
    }
    fclose(f);
}

static void
rmproc(pid_t pid)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%d/stat", root_dir, (int)pid);
    unlink(path);
    snprintf(path, sizeof path, "%s/%d/cmdline", root_dir, (int)pid);
    unlink(path);
    snprintf(path, sizeof path, "%s/%d", root_dir, (int)pid);
    rmdir(path);
}

static void
update_here(struct fs_tree *t, struct fs_desc_list *l, pid_t root, double now)
{
    int fd = fs_procfs_open_root(root_dir);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fs_tree_scan(t, fd, now, 100), 0);
    struct fs_desc_ctx c = {fd, PAGE, now, FS_DESC_LINGER, FS_DESC_MAX};
    fs_desc_update(l, t, root, 20, &c);
    close(fd);
}

/* A tree of our own in a new directory, and an empty list for it. */
static void
here_begin(struct fs_tree *t, struct fs_desc_list *l)
{
    snprintf(root_dir, sizeof root_dir, "/tmp/fs-desc.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root_dir));
    fs_tree_init(t);
    fs_desc_init(l);
}

/* Frees them and removes the directory of processes first..last. */
static void
here_end(struct fs_tree *t, struct fs_desc_list *l, pid_t first, pid_t last)
{
    fs_desc_fini(l);
    fs_tree_fini(t);
    for (pid_t p = first; p <= last; p++)
        rmproc(p);
    rmdir(root_dir);
}

START_TEST(adopted_and_group_orphans)
{
    struct fs_tree t;
    struct fs_desc_list l;
    here_begin(&t, &l);
    /* forkscope 10 runs task 20 (group 20): 20 -> 21 -> 22. */
    mkstat(10, "forkscope", 1, 10, "forkscope");
    mkstat(20, "sh", 10, 20, "sh|-c|x");
    mkstat(21, "sh", 20, 20, "sh");
    mkstat(22, "sleep", 21, 20, "sleep|9");
    mkstat(30, "other", 10, 30, "other"); /* another task */
    update_here(&t, &l, 20, 0);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_str_eq(l.v[1].cmd, "sleep 9");
    ck_assert_uint_eq(l.v[1].depth, 2);
    /* 21 ends: forkscope, the subreaper, adopts 22; 23 is an orphan of the
     * group that was never seen under the task. */
    rmproc(21);
    mkstat(22, "sleep", 10, 20, "sleep|9");
    mkstat(23, "late", 10, 20, "late");
    update_here(&t, &l, 20, 1);
    ck_assert_uint_eq(l.live, 2);
    const struct fs_desc *d22 = fs_desc_find(&l, 22), *d23 = fs_desc_find(&l, 23);
    ck_assert_ptr_nonnull(d22);
    ck_assert_ptr_nonnull(d23);
    ck_assert_int_eq(d22->ppid, 10);
    ck_assert_uint_eq(d22->depth, 1);
    ck_assert_uint_eq(d23->depth, 1);
    ck_assert(fs_desc_find(&l, 21)->ended);
    ck_assert_ptr_null(fs_desc_find(&l, 30));
    ck_assert_ptr_null(fs_desc_find(&l, 10));
    /* The task's own process ends too: its group's orphans are still its. */
    rmproc(20);
    update_here(&t, &l, 0, 2);
    ck_assert_uint_eq(l.live, 2);
    ck_assert(fs_desc_find(&l, 20) == NULL);
    ck_assert(fs_desc_reaped(&l, 23, 7 << 8, 2.5));
    rmproc(23);
    update_here(&t, &l, 0, 3);
    ck_assert(fs_desc_find(&l, 23)->have_status);
    ck_assert_uint_eq(l.live, 1);
    here_end(&t, &l, 10, 30);
}
END_TEST

/* A task with more children than the scan has other processes: the walk is
 * bounded by the process count, and counts visits, not steps (it once stopped
 * at half the count, 172 of 260 children on a real machine). */
START_TEST(wide_task)
{
    struct fs_tree t;
    struct fs_desc_list l;
    here_begin(&t, &l);
    mkstat(10, "forkscope", 1, 10, NULL);
    mkstat(20, "sh", 10, 20, NULL);
    for (pid_t k = 100; k < 110; k++)
        mkstat(k, "sleep", 20, 20, NULL);
    mkstat(200, "grandchild", 109, 20, NULL);
    update_here(&t, &l, 20, 0);
    ck_assert_uint_eq(l.n, 11);
    ck_assert_uint_eq(l.cut, 0);
    ck_assert_int_eq(l.v[9].pid, 109);
    ck_assert_int_eq(l.v[10].pid, 200);
    ck_assert_uint_eq(l.v[10].depth, 2);
    here_end(&t, &l, 10, 200);
}
END_TEST

/* Over every watch of a sampler, FS_DESC_TOTAL records at most: five tasks of
 * 250 children each, 1250 in all, are 1024 records and 226 cut. */
START_TEST(total_cap_over_watches)
{
    snprintf(root_dir, sizeof root_dir, "/tmp/fs-desc.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root_dir));
    static const char keys[5];
    for (pid_t t = 0; t < 5; t++) {
        mkstat(1000 + t, "task", 1, 1000 + t, "task");
        for (pid_t k = 0; k < 250; k++)
            mkstat(2000 + t * 300 + k, "child", 1000 + t, 1000 + t, NULL);
    }
    struct fs_sampler_config cfg = {root_dir, 100, PAGE};
    struct fs_sampler *s = NULL;
    ck_assert_int_eq(fs_sampler_new(&cfg, &s), 0);
    for (pid_t t = 0; t < 5; t++)
        fs_sampler_watch(s, &keys[t], 1000 + t, 0, FS_SAMPLE_TREE);
    fs_sampler_sample(s, 1.0); /* the machine's files are missing: an error, watches sampled */
    size_t n = 0, cut = 0;
    for (int t = 0; t < 5; t++) {
        const struct fs_desc_list *l = fs_sampler_descendants(s, &keys[t]);
        ck_assert_uint_le(l->n, FS_DESC_MAX);
        ck_assert_uint_eq(l->n + l->cut, 250);
        n += l->n;
        cut += l->cut;
    }
    ck_assert_uint_eq(n, FS_DESC_TOTAL);
    ck_assert_uint_eq(cut, 1250 - FS_DESC_TOTAL);
    fs_sampler_free(s);
    for (pid_t t = 0; t < 5; t++) {
        rmproc(1000 + t);
        for (pid_t k = 0; k < 250; k++)
            rmproc(2000 + t * 300 + k);
    }
    rmdir(root_dir);
}
END_TEST


/* ---- a real zombie ----------------------------------------------------------------------------- */

/* Updates l from the real /proc for the descendants of root. */
static void
update_real(struct fs_tree *t, struct fs_desc_list *l, pid_t root, double now)
{
    int fd = fs_procfs_open_root("/proc");
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fs_tree_scan(t, fd, now, sysconf(_SC_CLK_TCK)), 0);
    struct fs_desc_ctx c = {fd, PAGE, now, FS_DESC_LINGER, FS_DESC_MAX};
    fs_desc_update(l, t, root, 0, &c);
    close(fd);
}

/* A child that forks a grandchild exiting 3 and reaps it only when told:
 * meanwhile the grandchild is a zombie whose status /proc already shows
 * (stat field 52), and its record keeps it once reaped by its parent. */
START_TEST(zombie_status_before_its_parent_reaps)
{
    int down[2], up[2];
    ck_assert_int_eq(pipe(down), 0);
    ck_assert_int_eq(pipe(up), 0);
    pid_t kid = fork();
    ck_assert_int_ge(kid, 0);
    if (kid == 0) {
        char c;
        close(down[1]);
        close(up[0]);
        pid_t g = fork();
        if (g == 0)
            _exit(3);
        if (write(up[1], &g, sizeof g) != sizeof g || read(down[0], &c, 1) != 1)
            _exit(1);
        waitpid(g, NULL, 0);
        if (write(up[1], &g, sizeof g) != sizeof g)
            _exit(1);
        (void)read(down[0], &c, 1); /* until the test closes the pipe */
        _exit(0);
    }
    pid_t g;
    ck_assert_int_eq(read(up[0], &g, sizeof g), sizeof g);
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)g);
    bool zombie = false;
    for (int i = 0; i < 10000 && !zombie; i++) { /* up to 100 s: a busy machine */
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        zombie = fgets(stat, sizeof stat, f) != NULL && strstr(stat, ") Z ") != NULL;
        fclose(f);
        if (!zombie)
            usleep(10000);
    }
    ck_assert(zombie);

    struct fs_tree t;
    struct fs_desc_list l;
    fs_tree_init(&t);
    fs_desc_init(&l);
    update_real(&t, &l, kid, 1);
    const struct fs_desc *d = fs_desc_find(&l, g);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->state, 'Z');
    ck_assert(!d->ended && d->have_status);
    ck_assert(WIFEXITED(d->status) && WEXITSTATUS(d->status) == 3);

    ck_assert_int_eq(write(down[1], "r", 1), 1); /* the kid reaps it now */
    ck_assert_int_eq(read(up[0], &g, sizeof g), sizeof g);
    update_real(&t, &l, kid, 2);
    d = fs_desc_find(&l, g);
    ck_assert_ptr_nonnull(d);
    ck_assert(d->ended);
    char buf[64];
    fs_desc_describe_end(d, buf, sizeof buf);
    ck_assert_str_eq(buf, "exit 3");

    close(down[1]);
    int st;
    ck_assert_int_eq(waitpid(kid, &st, 0), kid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(down[0]);
    close(up[0]);
    close(up[1]);
    fs_desc_fini(&l);
    fs_tree_fini(&t);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("desc");
    TCase *tc = tcase_create("desc");
    tcase_add_test(tc, tree_order_and_fields);
    tcase_add_test(tc, ended_and_carried_over);
    tcase_add_test(tc, reaped_status);
    tcase_add_test(tc, cap_counts_the_cut);
    tcase_add_test(tc, adopted_and_group_orphans);
    tcase_add_test(tc, wide_task);
    tcase_add_test(tc, zombie_status_before_its_parent_reaps);
    suite_add_tcase(s, tc);
    /* 1,255 directories written and read on a busy machine's /tmp take
     * seconds at times: more than Check's 4 s by default. */
    tc = tcase_create("many");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, total_cap_over_watches);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
