/*
 * Unit tests of pools: how a session file's `pool:` and `jobs:` expand into a
 * pool task and its members, the errors of a bad pool, and a member thread's
 * job loop (worker/jobs.h) on a real port.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "util/xalloc.h"
#include "worker/jobs.h"
#include "worker/modules.h"
#include "worker/port.h"
#include "worker/thread.h"

#include "session_fixture.h"

START_TEST(pool_expands_into_members)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  crunch:\n"
                          "    worker: primes\n"
                          "    args: \"100\"\n"
                          "    pool: 3\n"
                          "    jobs: 20\n"
                          "  after: {shell: x}\n"),
                     0);
    ck_assert_uint_eq(S.ntasks, 5);
    ck_assert_str_eq(S.tasks[0].name, "crunch");
    ck_assert_uint_eq(S.tasks[0].pool_size, 3);
    ck_assert_uint_eq(S.tasks[0].njobs, 20);
    ck_assert_ptr_null(S.tasks[0].jobs);
    ck_assert_ptr_null(S.tasks[0].pool_of);
    ck_assert(S.tasks[0].autostart);
    for (int i = 1; i <= 3; i++) {
        const struct fs_task_spec *m = &S.tasks[i];
        char name[16];
        snprintf(name, sizeof name, "crunch-%d", i);
        ck_assert_str_eq(m->name, name);
        ck_assert_str_eq(m->pool_of, "crunch");
        ck_assert_uint_eq(m->pool_size, 0);
        ck_assert_uint_eq(m->njobs, 0);
        ck_assert_str_eq(m->module, "primes");
        ck_assert_str_eq(m->args, "100");
        ck_assert(!m->autostart); /* the pool starts them */
    }
    ck_assert_str_eq(S.tasks[4].name, "after");
}
END_TEST

START_TEST(jobs_as_a_list)
{
    ck_assert_int_eq(yaml("tasks:\n"
                          "  gz:\n"
                          "    cmd: [gzip, -k]\n"
                          "    pool: 2\n"
                          "    jobs: [a.txt, 42, \"b c\"]\n"),
                     0);
    ck_assert_uint_eq(S.tasks[0].njobs, 3);
    ck_assert_str_eq(S.tasks[0].jobs[0], "a.txt");
    ck_assert_str_eq(S.tasks[0].jobs[1], "42");
    ck_assert_str_eq(S.tasks[0].jobs[2], "b c");
    ck_assert_ptr_null(S.tasks[0].jobs[3]);
    ck_assert_ptr_null(S.tasks[1].jobs);
    ck_assert_ptr_null(S.tasks[2].jobs);
}
END_TEST

static const struct {
    const char *name, *text, *err;
} bad_pools[] = {
    {"pool without jobs", "tasks:\n  p: {shell: x, pool: 2}\n",
     "t.yaml:2:17: task 'p': a pool needs both 'pool' (its size) and 'jobs'"},
    {"jobs without pool", "tasks:\n  p: {shell: x, jobs: 2}\n",
     "t.yaml:2:17: task 'p': a pool needs both 'pool' (its size) and 'jobs'"},
    {"pool of 0", "tasks:\n  p: {shell: x, pool: 0, jobs: 1}\n",
     "t.yaml:2:23: task 'p': 'pool' must be a whole number from 1 to 256"},
    {"pool of 257", "tasks:\n  p: {shell: x, pool: 257, jobs: 1}\n",
     "t.yaml:2:23: task 'p': 'pool' must be a whole number from 1 to 256"},
    {"no jobs", "tasks:\n  p: {shell: x, pool: 2, jobs: 0}\n",
     "t.yaml:2:32: task 'p': 'jobs' must be a whole number from 1 to 1000000"},
    {"empty job list", "tasks:\n  p: {shell: x, pool: 2, jobs: []}\n",
     "t.yaml:2:32: task 'p': 'jobs' must list from 1 to 100000 jobs"},
    {"a job that is a mapping", "tasks:\n  p: {shell: x, pool: 2, jobs: [a, {b: c}]}\n",
     "t.yaml:2:36: task 'p': each job in 'jobs' must be a string or a number"},
    {"pool and replicas", "tasks:\n  p: {shell: x, pool: 2, jobs: 3, replicas: 2}\n",
     "t.yaml:2:45: task 'p': 'replicas' and 'pool' do not go together: a pool of N already "
     "runs N members"},
    {"pool and restart", "tasks:\n  p: {shell: x, pool: 2, jobs: 3, restart: always}\n",
     "t.yaml:2:17: task 'p': a pool restarts a member that fails while jobs are left; "
     "'restart' does not apply to it"},
    {"member name taken", "tasks:\n  p-2: {shell: x}\n  p: {shell: y, pool: 2, jobs: 3}\n",
     "t.yaml:3:17: task 'p': pool member name 'p-2' is taken by the task at line 2"},
};

START_TEST(bad_pool)
{
    ck_assert_int_eq(yaml("tasks:\n  keep: {shell: x}\n"), 0);
    ck_assert_int_eq(yaml(bad_pools[_i].text), -1);
    ck_assert_str_eq(ERR, bad_pools[_i].err);
    ck_assert_uint_eq(S.ntasks, 1); /* nothing added from the bad file */
}
END_TEST

START_TEST(job_messages)
{
    long long job;
    char *args;
    const char *ok1 = "{\"job\":7,\"args\":\"2000\"}";
    ck_assert_int_eq(fs_worker_parse_job(ok1, strlen(ok1), &job, &args), 0);
    ck_assert_int_eq(job, 7);
    ck_assert_str_eq(args, "2000");
    free(args);
    const char *ok2 = "{\"job\":1,\"args\":null}";
    ck_assert_int_eq(fs_worker_parse_job(ok2, strlen(ok2), &job, &args), 0);
    ck_assert_ptr_null(args);
    const char *bad[] = {
        "{\"args\":\"x\"}", "{\"job\":\"1\"}", "{\"job\":-1}", "{\"job\":1,\"args\":5}", "[1]",
        "not json"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_int_eq(fs_worker_parse_job(bad[i], strlen(bad[i]), &job, &args), -1);
}
END_TEST

/* A module that posts its arguments, and fails on "fail". */
static int
say_args(struct fs_port *p, const char *args)
{
    fs_worker_postf(p, "{\"args\":\"%s\"}", args);
    return strcmp(args, "fail") == 0 ? 3 : 0;
}

struct got {
    char msgs[16][64];
    size_t n;
};

static void
collect(void *arg, const char *json, size_t len)
{
    struct got *g = arg;
    if (g->n < 16)
        snprintf(g->msgs[g->n++], sizeof g->msgs[0], "%.*s", (int)len, json);
}

static void
nap(void)
{
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
}

START_TEST(member_thread_runs_one_job_at_a_time)
{
    struct fs_port *p = fs_port_new("m", NULL, NULL);
    struct fs_worker *w;
    ck_assert_int_eq(fs_worker_start_loop(say_args, fs_worker_run_jobs, NULL, p, NULL, NULL, &w),
                     0);
    struct got g = {.n = 0};
    const char *jobs[] = {"{\"job\":1,\"args\":\"a\"}", "{\"job\":2,\"args\":\"fail\"}",
                          "not a job", "{\"job\":3,\"args\":null}"};
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(fs_port_send(p, jobs[i], strlen(jobs[i])), 0);
    for (int k = 0; k < 5000 && g.n < 7; k++) {
        fs_port_drain(p, collect, &g);
        nap();
    }
    ck_assert_uint_eq(g.n, 7);
    ck_assert_str_eq(g.msgs[0], "{\"args\":\"a\"}");
    ck_assert_str_eq(g.msgs[1], "{\"job\":1}");
    ck_assert_str_eq(g.msgs[2], "{\"args\":\"fail\"}");
    ck_assert_str_eq(g.msgs[3], "{\"job\":2,\"error\":\"the module returned 3\"}");
    ck_assert_str_eq(g.msgs[4], "{\"error\":\"a pool member got a message that is not a job\"}");
    ck_assert_str_eq(g.msgs[5], "{\"args\":\"\"}");
    ck_assert_str_eq(g.msgs[6], "{\"job\":3}");
    ck_assert(!fs_worker_done(w)); /* it waits for the next job */
    fs_worker_stop(w);
    ck_assert_int_eq(fs_worker_join(w), 0);
    fs_port_free(p);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pool_expands_into_members);
    tcase_add_test(tc, jobs_as_a_list);
    tcase_add_loop_test(tc, bad_pool, 0, sizeof bad_pools / sizeof bad_pools[0]);
    tcase_add_test(tc, job_messages);
    tcase_add_test(tc, member_thread_runs_one_job_at_a_time);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
