/*
 * Unit tests of the /proc readers below the sampler: sample/procfs.c (reading and
 * number parsing), sample/pidstat.c (stat, statm, status, the CPU% arithmetic),
 * sample/machine.c and sample/tree.c, on the fixture trees under
 * tests/fixtures/proc (see the README there for the numbers they hold).
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sample/machine.h"
#include "sample/pidstat.h"
#include "sample/procfs.h"
#include "sample/tree.h"
#include "util/xalloc.h"

/* Opens a fixture root: "proc-a" or "proc-b". */
static int
open_fixture(const char *name)
{
    const char *src = getenv("FS_SRCDIR");
    char *path = fs_xasprintf("%s/tests/fixtures/proc/%s", src ? src : ".", name);
    int fd = fs_procfs_open_root(path);
    ck_assert_msg(fd >= 0, "cannot open %s: %s", path, strerror(-fd));
    free(path);
    return fd;
}

/* Parses a stat line given as a C string. */
static int
parse_stat(const char *text, struct fs_pidstat *st)
{
    return fs_pidstat_parse(text, strlen(text), st);
}

START_TEST(procfs_numbers)
{
    char buf[FS_PROCFS_PATH_MAX];
    ck_assert_uint_eq(fs_procfs_pid_path(buf, 4194303, 0), 7);
    ck_assert_str_eq(buf, "4194303");
    fs_procfs_pid_path(buf, 12, 3456);
    ck_assert_str_eq(buf, "12/task/3456");
    ck_assert_uint_eq(fs_procfs_utoa(buf, 0), 1);
    ck_assert_uint_eq(fs_procfs_utoa(buf, UINT64_MAX), 20);
    ck_assert_int_eq(memcmp(buf, "18446744073709551615", 20), 0);
    ck_assert_int_eq(fs_procfs_join(buf, "12", 2, "status"), 0);
    ck_assert_str_eq(buf, "12/status");

    ck_assert_int_eq(fs_procfs_name_pid("123"), 123);
    ck_assert_int_eq(fs_procfs_name_pid("self"), 0);
    ck_assert_int_eq(fs_procfs_name_pid("12a"), 0);
    ck_assert_int_eq(fs_procfs_name_pid(""), 0);
    ck_assert_int_eq(fs_procfs_name_pid("99999999999"), 0);

    const char *text = "  42 -7 99999999999999999999999 x";
    const char *p = text, *end = text + strlen(text);
    uint64_t u;
    ck_assert(fs_procfs_parse_u64(&p, end, &u) && u == 42);
    ck_assert(fs_procfs_parse_u64(&p, end, &u) && u == 0); /* a negative value reads as 0 */
    ck_assert(fs_procfs_parse_u64(&p, end, &u) && u == UINT64_MAX); /* saturates */
    ck_assert(!fs_procfs_parse_u64(&p, end, &u));
    p = text;
    ck_assert(fs_procfs_skip_fields(&p, end, 3));
    ck_assert(!fs_procfs_skip_fields(&p, end, 2));
}
END_TEST

/* A zombie's wait status is stat's field 52 (Linux 3.5+); other states and
 * shorter lines say -1. */
START_TEST(stat_zombie_exit_code)
{
    struct fs_pidstat st;
    const char *z = "77 (kid) Z 76 76 76 0 -1 4227148 0 0 0 0 0 0 0 0 20 0 1 0 123 0 0 "
                    "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 768\n";
    ck_assert_int_eq(parse_stat(z, &st), 0);
    ck_assert_int_eq(st.state, 'Z');
    ck_assert_int_eq(st.exit_code, 768); /* exit 3 */
    const char *s = "77 (kid) S 76 76 76 0 -1 4227148 0 0 0 0 0 0 0 0 20 0 1 0 123 0 0 "
                    "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    ck_assert_int_eq(parse_stat(s, &st), 0);
    ck_assert_int_eq(st.exit_code, -1);
    const char *old = "77 (kid) Z 76 76 76 0 -1 4227148 0 0 0 0 0 0 0 0 20 0 1 0 123 0 0\n";
    ck_assert_int_eq(parse_stat(old, &st), 0);
    ck_assert_int_eq(st.exit_code, -1);
}
END_TEST

START_TEST(procfs_read_missing_and_truncated)
{
    int root = open_fixture("proc-a");
    char buf[16];
    bool cut;
    ck_assert_int_eq(fs_procfs_read(root, "999/stat", buf, sizeof buf, &cut), -ENOENT);
    ck_assert_int_eq(fs_procfs_read(root, "400/stat", buf, sizeof buf, &cut), -ENOENT);
    ssize_t n = fs_procfs_read(root, "version", buf, sizeof buf, &cut);
    ck_assert_int_eq(n, 15);
    ck_assert(cut);
    ck_assert_str_eq(buf, "Linux version 6");
    close(root);
    ck_assert_int_eq(fs_procfs_open_root("/nonexistent/proc"), -ENOENT);
}
END_TEST

START_TEST(stat_comm_with_spaces_and_parens)
{
    int root = open_fixture("proc-a");
    struct fs_pidstat st;
    ck_assert_int_eq(fs_pidstat_read(root, "101", 3, &st), 0);
    ck_assert_str_eq(st.comm, "my (weird) name");
    ck_assert_int_eq(st.state, 'S');
    ck_assert_int_eq(st.ppid, 100);
    ck_assert_uint_eq(st.utime, 300);
    ck_assert_uint_eq(st.stime, 100);
    ck_assert_int_eq(st.threads, 2);
    ck_assert_uint_eq(st.starttime, 5010);
    ck_assert_uint_eq(st.vsize, 16384000);
    ck_assert_uint_eq(st.rss, 1000);
    /* The thread whose name holds ") x(": only the last ')' closes the comm. */
    ck_assert_int_eq(fs_pidstat_read(root, "101/task/102", 12, &st), 0);
    ck_assert_str_eq(st.comm, "pool) x(");
    ck_assert_int_eq(st.state, 'R');
    ck_assert_uint_eq(st.utime + st.stime, 150);
    close(root);
}
END_TEST

START_TEST(stat_inline_edge_cases)
{
    struct fs_pidstat st;
    /* A comm that mimics the fields after it, and one with a newline. */
    ck_assert_int_eq(parse_stat("7 (a) S 1 2 (b) Z 9 1 1 0 -1 0 0 0 0 0 11 22 0 0 20 0 3 0 "
                                "77 4096 -5 0\n",
                                &st),
                     0);
    ck_assert_str_eq(st.comm, "a) S 1 2 (b");
    ck_assert_int_eq(st.state, 'Z');
    ck_assert_int_eq(st.ppid, 9);
    ck_assert_uint_eq(st.utime, 11);
    ck_assert_uint_eq(st.stime, 22);
    ck_assert_int_eq(st.threads, 3);
    ck_assert_uint_eq(st.starttime, 77);
    ck_assert_uint_eq(st.rss, 0); /* a negative rss is shown as 0 */
    ck_assert_int_eq(parse_stat("8 (x\ny) R 1 1 1 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 6 7\n", &st),
                     0);
    ck_assert_str_eq(st.comm, "x\ny");
    ck_assert_uint_eq(st.rss, 7);
    /* A long comm is cut to fit. */
    char line[512];
    memset(line, 0, sizeof line);
    strcpy(line, "9 (");
    memset(line + 3, 'n', 100);
    strcat(line, ") S 1 1 1 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 6 7\n");
    ck_assert_int_eq(parse_stat(line, &st), 0);
    ck_assert_uint_eq(strlen(st.comm), FS_PIDSTAT_COMM_MAX - 1);
    /* Broken lines are refused. */
    ck_assert_int_eq(parse_stat("", &st), -EINVAL);
    ck_assert_int_eq(parse_stat("1 no parens S 1", &st), -EINVAL);
    ck_assert_int_eq(parse_stat("1 ) (x S 1", &st), -EINVAL);
    ck_assert_int_eq(parse_stat("1 (x) S 1 2 3", &st), -EINVAL);
    ck_assert_int_eq(parse_stat("1 (x)", &st), -EINVAL);
}
END_TEST

START_TEST(statm_and_status)
{
    int root = open_fixture("proc-a");
    struct fs_pidstatm m;
    ck_assert_int_eq(fs_pidstat_read_statm(root, "101", 3, &m), 0);
    ck_assert_uint_eq(m.size, 4000);
    ck_assert_uint_eq(m.resident, 1000);
    ck_assert_uint_eq(m.shared, 250);
    ck_assert_uint_eq(m.text, 10);
    ck_assert_uint_eq(m.data, 500);
    ck_assert_int_eq(fs_pidstat_parse_statm("1 2 3", 5, &m), -EINVAL);

    struct fs_pidstatus st;
    ck_assert_int_eq(fs_pidstat_read_status(root, "100", 3, &st), 0);
    ck_assert_uint_eq(st.ctx_vol, 10);
    ck_assert_uint_eq(st.ctx_invol, 2);
    ck_assert_int_eq(fs_pidstat_read_status(root, "999", 3, &st), -ENOENT);
    close(root);

    /* Newer kernels may add lines after the context switches; no trailing newline. */
    const char *t = "Name:\tx\nvoluntary_ctxt_switches:\t5\nnonvoluntary_ctxt_switches:\t6\n"
                    "x86_Thread_features:\t\nLast:\t1";
    ck_assert_int_eq(fs_pidstat_parse_status(t, strlen(t), &st), 0);
    ck_assert_uint_eq(st.ctx_vol, 5);
    ck_assert_uint_eq(st.ctx_invol, 6);
    t = "Name:\tx\nvoluntary_ctxt_switches:\t5\n";
    ck_assert_int_eq(fs_pidstat_parse_status(t, strlen(t), &st), -ENODATA);
    ck_assert_int_eq(fs_pidstat_parse_status("", 0, &st), -ENODATA);
}
END_TEST

START_TEST(cpu_pct_arithmetic)
{
    /* 30 jiffies in 2 s at 100 Hz: 0.3 s of CPU in 2 s = 15% of one core. */
    ck_assert_double_eq(fs_pidstat_cpu_pct(150, 180, 2.0, 100), 15.0);
    /* Two full cores: 200% (100 is one core, not the machine). */
    ck_assert_double_eq(fs_pidstat_cpu_pct(0, 100, 0.5, 100), 200.0);
    ck_assert_double_eq(fs_pidstat_cpu_pct(7, 7, 1.0, 100), 0.0);
    ck_assert_double_eq(fs_pidstat_cpu_pct(0, 250, 1.0, 250), 100.0);
    /* Zero or negative periods and a bad clock: unknown. */
    ck_assert(isnan(fs_pidstat_cpu_pct(0, 10, 0.0, 100)));
    ck_assert(isnan(fs_pidstat_cpu_pct(0, 10, -1.0, 100)));
    ck_assert(isnan(fs_pidstat_cpu_pct(0, 10, NAN, 100)));
    ck_assert(isnan(fs_pidstat_cpu_pct(0, 10, 1.0, 0)));
    /* A counter that went backwards (a wrap, or a reused pid): unknown. */
    ck_assert(isnan(fs_pidstat_cpu_pct(5000, 100, 2.0, 100)));
    ck_assert(isnan(fs_pidstat_cpu_pct(UINT64_MAX - 5, 10, 2.0, 100)));
    /* Rates per second. */
    ck_assert_double_eq(fs_pidstat_rate(10, 30, 2.0), 10.0);
    ck_assert(isnan(fs_pidstat_rate(10, 30, 0.0)));
    ck_assert(isnan(fs_pidstat_rate(30, 10, 1.0)));
}
END_TEST

START_TEST(machine_parsers)
{
    struct fs_machine_cpu c;
    const char *t = "cpu  10 1 5 80 4 0 0 0 3 0\ncpu0 1 2 3 4\n";
    ck_assert_int_eq(fs_machine_parse_stat(t, strlen(t), &c), 0);
    ck_assert_uint_eq(c.total, 100); /* guest (3) is already in user */
    ck_assert_uint_eq(c.busy, 16);
    t = "cpu 1 2 3 4\n"; /* an old kernel */
    ck_assert_int_eq(fs_machine_parse_stat(t, strlen(t), &c), 0);
    ck_assert_uint_eq(c.total, 10);
    ck_assert_int_eq(fs_machine_parse_stat("cpu 1 2\n", 8, &c), -EINVAL);
    ck_assert_int_eq(fs_machine_parse_stat("intr 1\n", 7, &c), -EINVAL);

    struct fs_machine_cpu a = {100, 1000}, b = {175, 1200};
    ck_assert_double_eq(fs_machine_cpu_pct(&a, &b), 37.5);
    ck_assert(isnan(fs_machine_cpu_pct(&a, &a)));
    ck_assert(isnan(fs_machine_cpu_pct(&b, &a)));
    b.busy = 90; /* busy went backwards (iowait did): counted as 0 */
    ck_assert_double_eq(fs_machine_cpu_pct(&a, &b), 0.0);

    uint64_t total, avail;
    t = "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\n";
    ck_assert_int_eq(fs_machine_parse_meminfo(t, strlen(t), &total, &avail), 0);
    ck_assert_uint_eq(total, 1024000);
    ck_assert_uint_eq(avail, 310 * 1024);
    ck_assert_int_eq(fs_machine_parse_meminfo("MemFree: 1 kB\n", 14, &total, &avail), -EINVAL);
    double up;
    ck_assert_int_eq(fs_machine_parse_uptime("123.25 9.0\n", 11, &up), 0);
    ck_assert_double_eq(up, 123.25);
    ck_assert_int_eq(fs_machine_parse_uptime("x", 1, &up), -EINVAL);
}
END_TEST

START_TEST(machine_sample_fixtures)
{
    int a = open_fixture("proc-a"), b = open_fixture("proc-b");
    struct fs_machine m;
    fs_machine_init(&m);
    ck_assert_int_eq(fs_machine_sample(&m, a), 0);
    ck_assert(isnan(m.cpu)); /* the first sample */
    ck_assert_uint_eq(m.mem_total, 16000000ull * 1024);
    ck_assert_uint_eq(m.mem_available, 12000000ull * 1024);
    ck_assert_double_eq(m.uptime, 1000.5);
    ck_assert_int_eq(fs_machine_sample(&m, b), 0);
    ck_assert_double_eq(m.cpu, 37.5); /* busy 1500 -> 2250 of total 10000 -> 12000 */
    ck_assert_double_eq(m.uptime, 1002.5);
    ck_assert_int_eq(fs_machine_sample(&m, b), 0);
    ck_assert(isnan(m.cpu)); /* no jiffy went by */
    int empty = open_fixture("proc-a/400");
    ck_assert_int_eq(fs_machine_sample(&m, empty), -ENOENT);
    ck_assert_int_eq(m.err, -ENOENT);
    close(empty);
    close(a);
    close(b);
}
END_TEST

START_TEST(tree_descendants)
{
    int a = open_fixture("proc-a"), b = open_fixture("proc-b");
    struct fs_tree t;
    struct fs_tree_sum sum;
    fs_tree_init(&t);
    ck_assert_int_eq(fs_tree_scan(&t, a, 10.0, 100), 0);
    ck_assert_uint_eq(t.scans.n, 7); /* 400 has no stat: skipped quietly */
    ck_assert_ptr_null(fs_tree_find(&t, 400));
    ck_assert_int_eq(fs_tree_sum(&t, 100, &sum), 0);
    ck_assert_uint_eq(sum.count, 3); /* 101, its zombie 103, and 104 */
    ck_assert_uint_eq(sum.cpu_unknown, 3);
    ck_assert_double_eq(sum.cpu, 0.0);
    ck_assert_uint_eq(sum.rss, 1000 + 0 + 500);
    ck_assert_int_eq(sum.threads, 4);
    ck_assert_int_eq(fs_tree_sum(&t, 1, &sum), 0);
    ck_assert_uint_eq(sum.count, 6);
    ck_assert_int_eq(fs_tree_sum(&t, 999, &sum), -ESRCH);
    ck_assert_uint_eq(sum.count, 0);

    ck_assert_int_eq(fs_tree_scan(&t, b, 12.0, 100), 0);
    ck_assert_int_eq(fs_tree_sum(&t, 100, &sum), 0);
    /* 104 is gone; 105 is new (RSS at once, CPU from its second scan). */
    ck_assert_uint_eq(sum.count, 3);
    ck_assert_uint_eq(sum.cpu_unknown, 1);
    ck_assert_double_eq(sum.cpu, 100.0); /* 101: 200 jiffies in 2 s; zombie 103: 0 */
    ck_assert_uint_eq(sum.rss, 1100 + 0 + 400);
    ck_assert_int_eq(sum.threads, 5);
    ck_assert_double_eq(fs_tree_find(&t, 101)->cpu, 100.0);
    ck_assert_int_eq(fs_tree_find(&t, 103)->state, 'Z');
    /* 200 was reused (new start time): no delta against the old process. */
    ck_assert(isnan(fs_tree_find(&t, 200)->cpu));
    /* 300's counter went backwards: unknown, not a huge number. */
    ck_assert(isnan(fs_tree_find(&t, 300)->cpu));
    ck_assert_double_eq(fs_tree_find(&t, 1)->cpu, 5.0);

    /* The same snapshot again: every known process is at 0%. */
    ck_assert_int_eq(fs_tree_scan(&t, b, 13.0, 100), 0);
    ck_assert_int_eq(fs_tree_sum(&t, 100, &sum), 0);
    ck_assert_uint_eq(sum.cpu_unknown, 0);
    ck_assert_double_eq(sum.cpu, 0.0);
    fs_tree_fini(&t);
    close(a);
    close(b);
}
END_TEST

/* Writes ROOT/DIR/stat: process pid, parent ppid, group pgrp, ticks utime. */
static void
put_stat(const char *root, const char *dir, int pid, int ppid, int pgrp, int utime)
{
    char *d = fs_xasprintf("%s/%s", root, dir), *f = fs_xasprintf("%s/stat", d);
    mkdir(d, 0700);
    FILE *fp = fopen(f, "w");
    ck_assert_ptr_nonnull(fp);
    fprintf(fp, "%d (p%d) S %d %d %d 0 -1 0 0 0 0 0 %d 0 0 0 20 0 1 0 77 4096 10 0\n", pid, pid,
            ppid, pgrp, pgrp, utime);
    fclose(fp);
    free(f);
    free(d);
}

static uint64_t
ticks_of(const struct fs_tree *t, pid_t pid)
{
    const struct fs_tree_proc *p = fs_tree_find(t, pid);
    ck_assert_ptr_nonnull(p);
    return p->ticks;
}

/* A scan copies the processes nobody keeps while they stay the same (their
 * directory), and reads them all at every FS_TREE_FULL_EVERY-th scan. */
START_TEST(tree_reuses_quiet_processes)
{
    char root[] = "/tmp/fs-tree-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(root));
    put_stat(root, "1", 1, 0, 1, 0);
    put_stat(root, "10", 10, 1, 10, 0);  /* a task */
    put_stat(root, "11", 11, 10, 10, 0); /* its child */
    put_stat(root, "20", 20, 1, 20, 0);  /* nobody's */
    put_stat(root, "30", 30, 1, 10, 0);  /* in the task's group, not its child */
    int fd = fs_procfs_open_root(root);
    ck_assert_int_ge(fd, 0);
    struct fs_tree t;
    fs_tree_init(&t);
    ck_assert_int_eq(fs_tree_scan(&t, fd, 1.0, 100), 0);
    /* Nothing marked: the next scan reads everything. */
    put_stat(root, "20", 20, 1, 20, 5);
    ck_assert_int_eq(fs_tree_scan(&t, fd, 2.0, 100), 0);
    ck_assert_uint_eq(ticks_of(&t, 20), 5);
    ck_assert(fs_tree_find(&t, 20)->fresh);

    fs_tree_keep(&t, 10, true);
    pid_t groups[] = {10};
    fs_tree_keep_groups(&t, groups, 1);
    put_stat(root, "1", 1, 0, 1, 7);
    put_stat(root, "10", 10, 1, 10, 7);
    put_stat(root, "11", 11, 10, 10, 7);
    put_stat(root, "20", 20, 1, 20, 7);
    put_stat(root, "30", 30, 1, 10, 7);
    ck_assert_int_eq(fs_tree_scan(&t, fd, 3.0, 100), 0);
    ck_assert_uint_eq(ticks_of(&t, 10), 7);
    ck_assert_uint_eq(ticks_of(&t, 11), 7);
    ck_assert_uint_eq(ticks_of(&t, 30), 7);
    ck_assert_uint_eq(ticks_of(&t, 20), 5); /* copied */
    ck_assert(!fs_tree_find(&t, 20)->fresh);
    ck_assert_uint_eq(ticks_of(&t, 1), 0);               /* copied */
    ck_assert(isnan(fs_tree_find(&t, 20)->cpu));         /* not known: not read */
    ck_assert_double_eq(fs_tree_find(&t, 11)->cpu, 7.0); /* 7 ticks in 1 s */

    /* Another process at 20 (a directory of its own): read. */
    char *d20 = fs_xasprintf("%s/20", root), *n20 = fs_xasprintf("%s/20.new", root);
    put_stat(root, "20.new", 20, 11, 10, 9);
    char *old = fs_xasprintf("%s/stat", d20);
    ck_assert_int_eq(unlink(old), 0);
    ck_assert_int_eq(rmdir(d20), 0);
    ck_assert_int_eq(rename(n20, d20), 0);
    fs_tree_keep(&t, 10, true);
    ck_assert_int_eq(fs_tree_scan(&t, fd, 4.0, 100), 0);
    ck_assert_uint_eq(ticks_of(&t, 20), 9);
    struct fs_tree_sum sum;
    ck_assert_int_eq(fs_tree_sum(&t, 10, &sum), 0);
    ck_assert_uint_eq(sum.count, 2); /* 11 and its new child 20 */

    /* Every FS_TREE_FULL_EVERY-th scan reads the quiet ones too. */
    put_stat(root, "1", 1, 0, 1, 3);
    int copied = 0;
    for (double now = 5.0; ticks_of(&t, 1) != 3; now += 1.0) {
        fs_tree_keep(&t, 10, true);
        ck_assert_int_eq(fs_tree_scan(&t, fd, now, 100), 0);
        ck_assert_int_le(++copied, FS_TREE_FULL_EVERY);
    }
    /* Its ticks since it was last read span several scans: no CPU% from them. */
    ck_assert(fs_tree_find(&t, 1)->fresh);
    ck_assert(isnan(fs_tree_find(&t, 1)->cpu));
    fs_tree_fini(&t);
    close(fd);
    char *rm = fs_xasprintf("rm -rf '%s'", root);
    ck_assert_int_eq(system(rm), 0);
    free(rm);
    free(old);
    free(d20);
    free(n20);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("sample");
    TCase *tc = tcase_create("readers");
    tcase_add_test(tc, procfs_numbers);
    tcase_add_test(tc, procfs_read_missing_and_truncated);
    tcase_add_test(tc, stat_zombie_exit_code);
    tcase_add_test(tc, stat_comm_with_spaces_and_parens);
    tcase_add_test(tc, stat_inline_edge_cases);
    tcase_add_test(tc, statm_and_status);
    tcase_add_test(tc, cpu_pct_arithmetic);
    tcase_add_test(tc, machine_parsers);
    tcase_add_test(tc, machine_sample_fixtures);
    tcase_add_test(tc, tree_descendants);
    tcase_add_test(tc, tree_reuses_quiet_processes);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
