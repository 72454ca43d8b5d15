/*
 * Unit tests of rt/proc.c on a real loop and real children: what a run's
 * streams hold when they are ended (fs_proc_end_streams, for a run whose
 * process exited while something out of reach of its group still held its
 * output) is read and delivered before they close, not dropped with them;
 * the exit callback carries the run's usage.
 */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "rt/proc.h"
#include "rt/rt.h"

static size_t got[4];
static bool eof[4];
static bool exited;
static int exit_code;
static struct fs_usage usage;

static void
on_output(void *arg, enum fs_stream s, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        ck_assert_int_eq(data[i], 'x');
    got[s] += len;
}

static void
on_eof(void *arg, enum fs_stream s)
{
    eof[s] = true;
}

static void
on_exit_status(void *arg, int code, int sig, const struct fs_usage *use)
{
    exited = true;
    exit_code = code;
    usage = *use;
}

static const struct fs_proc_cbs cbs = {.output = on_output, .eof = on_eof, .exit = on_exit_status};

/* The child writes 50,000 bytes on standard output, 100,000 on its channel
 * and 1,000 on standard error, and exits; none of it has been read when the
 * streams are ended, as when a flood elsewhere kept the loop from them. */
START_TEST(ending_streams_delivers_what_waits_in_them)
{
    char *err = NULL;
    struct fs_rt *rt = fs_rt_new(&err);
    ck_assert_msg(rt != NULL, "%s", err ? err : "?");
    char sh[] = "sh", c[] = "-c",
         script[] = "tr '\\0' x </dev/zero | head -c 50000; "
                    "tr '\\0' x </dev/zero | head -c 100000 >&3; "
                    "tr '\\0' x </dev/zero | head -c 1000 >&2";
    char *const argv[] = {sh, c, script, NULL};
    struct fs_proc_opts o = {.argv = argv, .stdin_fd = -1, .channel = true};
    struct fs_proc *p = NULL;
    ck_assert_int_eq(fs_proc_spawn(rt, &o, &cbs, NULL, &p, &err), 0);
    /* Wait for its exit without reaping it: the loop has not run yet, so
     * nothing of its output has been read. */
    siginfo_t si;
    ck_assert_int_eq(waitid(P_PID, (id_t)fs_proc_pid(p), &si, WEXITED | WNOWAIT), 0);
    ck_assert_uint_eq(got[FS_STREAM_STDOUT] + got[FS_STREAM_CHANNEL], 0);
    fs_proc_end_streams(p);
    ck_assert_uint_eq(got[FS_STREAM_STDOUT], 50000);
    ck_assert_uint_eq(got[FS_STREAM_STDERR], 1000);
    ck_assert_uint_eq(got[FS_STREAM_CHANNEL], 100000);
    ck_assert(eof[FS_STREAM_STDOUT] && eof[FS_STREAM_STDERR] && eof[FS_STREAM_CHANNEL]);
    while (!exited)
        fs_rt_run_once(rt);
    ck_assert_int_eq(exit_code, 0);
    fs_proc_release(p);
    fs_rt_shutdown(rt);
    while (fs_rt_run_once(rt))
        ;
    ck_assert_int_eq(fs_rt_free(rt), 0);
}
END_TEST

/* The exit callback carries what the run used, from wait4: dd's 16 MiB
 * block, which it fills from /dev/zero, is in the peak. */
START_TEST(exit_carries_the_usage)
{
    char *err = NULL;
    struct fs_rt *rt = fs_rt_new(&err);
    ck_assert_msg(rt != NULL, "%s", err ? err : "?");
    char dd[] = "dd", in[] = "if=/dev/zero", out[] = "of=/dev/null", bs[] = "bs=16M",
         count[] = "count=4", status[] = "status=none";
    char *const argv[] = {dd, in, out, bs, count, status, NULL};
    struct fs_proc_opts o = {.argv = argv, .stdin_fd = -1};
    struct fs_proc *p = NULL;
    exited = false;
    usage = (struct fs_usage){-1, -1};
    ck_assert_int_eq(fs_proc_spawn(rt, &o, &cbs, NULL, &p, &err), 0);
    while (!exited)
        fs_rt_run_once(rt);
    ck_assert_int_eq(exit_code, 0);
    ck_assert_int_ge(usage.max_rss, 16ll << 20);
    ck_assert(usage.cpu >= 0 && usage.cpu < 1e6);
    fs_proc_release(p);
    fs_rt_shutdown(rt);
    while (fs_rt_run_once(rt))
        ;
    ck_assert_int_eq(fs_rt_free(rt), 0);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("proc");
    TCase *tc = tcase_create("streams");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ending_streams_delivers_what_waits_in_them);
    tcase_add_test(tc, exit_carries_the_usage);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
