/*
 * Unit tests of the worker module table and the built-in modules, run inline
 * and on threads: primes against trial division and in parallel, the exact
 * counter and the racy one, echo, stopping mid-computation, the small modules,
 * TIDs and the exit hook.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "worker/modules.h"
#include "worker/port.h"
#include "worker/shm.h"
#include "worker/thread.h"

#include "worker_helpers.h"

START_TEST(test_module_table)
{
    static const char *const names[] = {"primes",  "sort",  "spin",  "sleep", "alloc",     "echo",
                                        "counter", "racer", "crash", "fail",  "heartbeat", "io"};
    fs_worker_entry entry;
    bool unsafe;
    char *err;

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const struct fs_worker_module *m = fs_worker_module_find(names[i]);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_eq(m->name, names[i]);
        ck_assert_ptr_nonnull(m->entry);
        ck_assert(m->unsafe == (strcmp(names[i], "crash") == 0));
        ck_assert_int_eq(fs_worker_load(names[i], &entry, &unsafe, &err), 0);
        ck_assert_ptr_eq(entry, m->entry);
        ck_assert(unsafe == m->unsafe);
        ck_assert_ptr_null(err);
    }
    ck_assert_ptr_null(fs_worker_module_find("nope"));
    ck_assert_int_eq(fs_worker_load("nope", &entry, NULL, &err), -ENOENT);
    ck_assert_str_eq(err, "unknown worker module 'nope' (built in: primes, sort, spin, sleep, "
                          "alloc, echo, counter, racer, crash, fail, heartbeat, io, serve)");
    free(err);
    ck_assert_int_eq(fs_worker_load("", &entry, NULL, &err), -EINVAL);
    free(err);
    ck_assert(fs_worker_spec_is_plugin("./libmine.so"));
    ck_assert(fs_worker_spec_is_plugin("/abs/libmine.so:go"));
    /* A bare name is never a plugin: dlopen would search the linker's path. */
    ck_assert(!fs_worker_spec_is_plugin("libmine.so"));
    ck_assert(!fs_worker_spec_is_plugin("libmine.so:go"));
    ck_assert(!fs_worker_spec_is_plugin("primes"));
    ck_assert_int_eq(fs_worker_check_name("primes", &err), 0);
    ck_assert_int_eq(fs_worker_check_name("./missing.so", &err), 0);
    ck_assert_int_eq(fs_worker_check_name("libmine.so", &err), -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "unknown worker module 'libmine.so'"));
    free(err);
}
END_TEST

/* A Node script, by name or by path, or a file that is no shared library, is
 * not a module: the error says what one is, and how a Node script runs. */
START_TEST(test_not_a_module)
{
    fs_worker_entry entry;
    char *err = NULL;
    static const char what[] = "a worker module is a built-in name (primes, sort, spin, sleep, "
                               "alloc, echo, counter, racer, crash, fail, heartbeat, io, serve) or a shared library built "
                               "against forkscope/worker.h (doc/workers.md)";
    char *want = fs_xasprintf("'x.js' is a Node script, not a worker module: %s; to run a Node "
                              "script, and see its worker_threads as threads, use 'fork: node "
                              "x.js'",
                              what);
    ck_assert_int_eq(fs_worker_load("x.js", &entry, NULL, &err), -ENOENT);
    ck_assert_str_eq(err, want);
    free(err);
    free(want);
    char dir[] = "/tmp/fs-mod.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *js = fs_xasprintf("%s/w.mjs", dir), *txt = fs_xasprintf("%s/lib.so", dir);
    FILE *f = fopen(js, "w");
    fputs("import 'node:worker_threads';\n", f);
    fclose(f);
    f = fopen(txt, "w");
    fputs("\177EL", f); /* shorter than the ELF magic */
    fclose(f);
    ck_assert_int_eq(fs_worker_load(js, &entry, NULL, &err), -ENOEXEC);
    want = fs_xasprintf("'%s' is a Node script, not a worker module: %s; to run a Node script, "
                        "and see its worker_threads as threads, use 'fork: node %s'",
                        js, what, js);
    ck_assert_str_eq(err, want);
    free(err);
    free(want);
    ck_assert_int_eq(fs_worker_load(txt, &entry, NULL, &err), -ENOEXEC);
    want = fs_xasprintf("'%s' is not a shared library: %s", txt, what);
    ck_assert_str_eq(err, want);
    free(err);
    free(want);
    unlink(js);
    unlink(txt);
    rmdir(dir);
    free(js);
    free(txt);
}
END_TEST

/* Runs a module on this thread with a fresh port and returns its messages. */
static int
run_inline(fs_worker_entry entry, const char *args, struct got *g)
{
    struct fs_port *p = fs_port_new("inline", NULL, NULL);
    int rc = entry(p, args);

    fs_port_drain(p, got_cb, g);
    fs_port_free(p);
    return rc;
}

/* Counts primes by trial division, to check the sieve against. */
static unsigned long
naive_count(unsigned long n)
{
    unsigned long count = 0;

    for (unsigned long k = 2; k <= n; k++) {
        bool prime = true;
        for (unsigned long d = 2; d * d <= k && prime; d++)
            prime = k % d != 0;
        count += prime;
    }
    return count;
}

START_TEST(test_primes_small)
{
    /* Around the segment boundaries (262144 odd numbers from 3) too. */
    static const unsigned long ns[] = {0,      1,      2,      3,      4,       10,     100,
                                       524289, 524290, 524291, 524292, 1048579, 1000000};
    struct got g = {0};
    char args[32], want[64];

    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        snprintf(args, sizeof args, "%lu", ns[i]);
        snprintf(want, sizeof want, "{\"count\":%lu,\"n\":%lu}", naive_count(ns[i]), ns[i]);
        ck_assert_int_eq(run_inline(fs_mod_primes, args, &g), 0);
        ck_assert_str_eq(g.msgs[g.n - 1], want);
        ck_assert_str_eq(g.msgs[g.n - 2], "{\"progress\":1.00}");
        got_free(&g);
    }
}
END_TEST

START_TEST(test_bad_args)
{
    static const char *const bad[] = {"", "abc", "-5", "12x", "99999999999999999999999"};
    struct got g = {0};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(run_inline(fs_mod_primes, bad[i], &g), 2);
        ck_assert_uint_eq(g.n, 1);
        ck_assert_msg(strncmp(g.msgs[0], "{\"error\":\"primes: expected a number", 35) == 0, "%s",
                      g.msgs[0]);
        got_free(&g);
    }
    ck_assert_int_eq(run_inline(fs_mod_sleep, "x\"y", &g), 2);
    ck_assert_str_eq(
        g.msgs[0],
        "{\"error\":\"sleep: expected a number from 0 to 1099511627776, got 'x\\\"y'\"}");
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_counter, "10", &g), 2); /* no shared block */
    ck_assert_str_eq(g.msgs[0], "{\"error\":\"needs a shared block (shared: NAME)\"}");
    got_free(&g);
}
END_TEST

START_TEST(test_primes_four_threads)
{
    struct fs_port *p[4];
    struct fs_worker *w[4];
    struct got g[4] = {{0}};

    for (int i = 0; i < 4; i++) {
        p[i] = fs_port_new("primes", NULL, NULL);
        ck_assert_int_eq(fs_worker_start(fs_mod_primes, "2000000", p[i], NULL, NULL, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(finish(w[i], p[i], &g[i]), 0);
        ck_assert_str_eq(g[i].msgs[g[i].n - 1], "{\"count\":148933,\"n\":2000000}");
        ck_assert_ptr_nonnull(got_find(&g[i], "{\"progress\":0."));
        got_free(&g[i]);
        fs_port_free(p[i]);
    }
}
END_TEST

/* Two workers of `module` adding 10,000,000 each to one shared block. */
#define run_pair(entry, block) run_pair_args(entry, block, "10000000", 8)
static unsigned long long
run_pair_args(fs_worker_entry entry, const char *block, const char *args, size_t size)
{
    char *err;
    struct fs_shm *shm = fs_shm_get(block, size, &err);
    struct fs_port *p[2];
    struct fs_worker *w[2];
    struct got g = {0};
    unsigned long long value;

    for (int i = 0; i < 2; i++) {
        p[i] = fs_port_new(block, NULL, NULL);
        fs_port_set_shared(p[i], fs_shm_mem(shm), fs_shm_size(shm));
        ck_assert_int_eq(fs_worker_start(entry, args, p[i], NULL, NULL, &w[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(finish(w[i], p[i], &g), 0);
        fs_port_free(p[i]);
    }
    ck_assert_ptr_nonnull(got_find(&g, "{\"done\":10000000,"));
    value = *(volatile unsigned long long *)fs_shm_mem(shm);
    got_free(&g);
    fs_shm_put(shm);
    return value;
}

START_TEST(test_counter_exact)
{
    ck_assert_uint_eq(run_pair(fs_mod_counter, "counter"), 20000000ull);
}
END_TEST

START_TEST(test_racer_loses)
{
    unsigned long long v = run_pair(fs_mod_racer, "racer");

    ck_assert_uint_le(v, 20000000ull);
    ck_assert_uint_gt(v, 0);
    printf("# racer: 2 x 10000000 unsynchronised increments ended at %llu: %llu lost\n", v,
           20000000ull - v);
}
END_TEST

/* `racer N 2` waits for its peer and yields inside its read-modify-write:
 * it loses updates every time, not only when the threads happen to overlap. */
START_TEST(test_racer_peers_lose_every_run)
{
    for (int run = 0; run < 5; run++) {
        unsigned long long v = run_pair_args(fs_mod_racer, "racer2", "10000000 2", 16);
        if (v >= 20000000ull || v == 0)
            ck_abort_msg("run %d: racer with a peer ended at %llu", run, v);
    }
}
END_TEST

/* A module run to its end on its own port: its exit code, its messages in g. */
static int
run_one(fs_worker_entry entry, const char *args, struct got *g)
{
    struct fs_port *p = fs_port_new("one", NULL, NULL);
    struct fs_worker *w;
    ck_assert_int_eq(fs_worker_start(entry, args, p, NULL, NULL, &w), 0);
    int rc = finish(w, p, g);
    fs_port_free(p);
    return rc;
}

START_TEST(test_fail_heartbeat_io)
{
    struct got g = {0};

    ck_assert_int_eq(run_one(fs_mod_fail, "", &g), 1);
    ck_assert_int_eq(run_one(fs_mod_fail, "7", &g), 7);
    ck_assert_int_eq(run_one(fs_mod_fail, "300", &g), 2);
    ck_assert_ptr_nonnull(got_find(&g, "{\"failing\":7}"));
    /* 20 requests of 200 ms, waited for together: far less than 20 x 200 ms,
     * and not less than one request's 200 ms. */
    double t0 = now_s();
    ck_assert_int_eq(run_one(fs_mod_io, "20 200", &g), 0);
    double t = now_s() - t0;
    ck_assert_msg(t >= 0.2 && t < 2.0, "io 20 200 took %.3f s", t);
    ck_assert_ptr_nonnull(got_find(&g, "{\"requests\":20,\"ms\":"));
    ck_assert_int_eq(run_one(fs_mod_io, "20", &g), 2);
    /* The inline job delays the tick after it by at least its length, less a tick. */
    ck_assert_int_eq(run_one(fs_mod_heartbeat, "6 400", &g), 0);
    const char *end = got_find(&g, "{\"ticks\":6,\"max_late_ms\":");
    ck_assert_ptr_nonnull(end);
    ck_assert_int_ge(atoi(end + strlen("{\"ticks\":6,\"max_late_ms\":")), 300);
    ck_assert_ptr_nonnull(got_find(&g, "{\"job\":\"inline\",\"ms\":400}"));
    ck_assert_int_eq(run_one(fs_mod_heartbeat, "6 400 worker", &g), 0);
    ck_assert_ptr_nonnull(got_find(&g, "{\"job\":\"worker\",\"ms\":400}"));
    got_free(&g);
}
END_TEST

START_TEST(test_echo_worker)
{
    struct fs_port *p = fs_port_new("echo", NULL, NULL);
    struct fs_worker *w;
    struct got g = {0};
    double t0;

    ck_assert_int_eq(fs_worker_start(fs_mod_echo, "", p, NULL, NULL, &w), 0);
    ck_assert_int_eq(fs_port_send(p, "{\"a\":1}", 7), 0);
    ck_assert_int_eq(fs_port_send(p, "[2]", 3), 0);
    ck_assert_int_eq(fs_port_send(p, "\"three\"", 7), 0);
    for (t0 = now_s(); g.n < 3 && now_s() - t0 < 5; sleep_ms(1))
        fs_port_drain(p, got_cb, &g);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_str_eq(g.msgs[0], "{\"echo\":{\"a\":1}}");
    ck_assert_str_eq(g.msgs[1], "{\"echo\":[2]}");
    ck_assert_str_eq(g.msgs[2], "{\"echo\":\"three\"}");
    ck_assert(!fs_worker_done(w));
    fs_worker_stop(w);
    ck_assert_int_eq(finish(w, p, &g), 0);
    ck_assert_str_eq(g.msgs[3], "{\"echoed\":3}");
    got_free(&g);
    fs_port_free(p);
}
END_TEST

/* The CPU time a live thread of this process has used, in seconds, from its
 * schedstat (nanoseconds, the same clock as CLOCK_THREAD_CPUTIME_ID). */
static double
thread_cpu_s(pid_t tid)
{
    char path[64];
    unsigned long long ns = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", (int)tid);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%llu", &ns), 1);
    fclose(f);
    return (double)ns / 1e9;
}

/* The worker thread's own CPU time when its module returned (on_exit runs on
 * that thread, after the module). */
static double cpu_at_exit;

static void
record_cpu_at_exit(void *arg)
{
    struct timespec ts;

    (void)arg;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    cpu_at_exit = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This thread's CPU time, in seconds. */
static double
own_cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Starts `module args`, asks it to stop after 50 ms, and wants it to return
 * after at most `bound` seconds of its thread's CPU time. CPU time, not
 * wall-clock time: on a busy machine the thread may wait long for a CPU, but
 * the work it does between the request and its return is the same. The
 * wall-clock bound, far shorter than a whole run of any of these, catches a
 * module that sleeps through the request.
 */
static void
check_stops(const char *module, const char *args, double bound)
{
    fs_worker_entry entry = fs_worker_module_find(module)->entry;
    struct fs_port *p = fs_port_new(module, NULL, NULL);
    struct fs_worker *w;
    struct got g = {0};
    double t0, c0, cpu, wall;

    ck_assert_int_eq(fs_worker_start(entry, args, p, record_cpu_at_exit, NULL, &w), 0);
    sleep_ms(50);
    ck_assert(!fs_worker_done(w));
    t0 = now_s();
    c0 = thread_cpu_s(fs_worker_tid(w));
    fs_worker_stop(w);
    ck_assert_int_eq(finish(w, p, &g), 1); /* joined: cpu_at_exit is written */
    cpu = cpu_at_exit - c0;
    wall = now_s() - t0;
    ck_assert_msg(cpu < bound, "%s %s took %.3f s of CPU to stop (bound %.3f s)", fs_port_name(p),
                  args, cpu, bound);
    ck_assert_msg(wall < 10, "%s %s took %.3f s to stop", fs_port_name(p), args, wall);
    ck_assert_ptr_nonnull(got_find(&g, "\"stopped\":true"));
    got_free(&g);
    fs_port_free(p);
}

START_TEST(test_stop_mid_computation)
{
    /* The bound is a quarter of what a whole sort of 2,000,000 numbers costs
     * here, measured now on this thread and build: about 0.15 s in a normal
     * build, more than a second under ThreadSanitizer, whose instrumentation
     * slows the modules' way out (freeing a sort's numbers, finishing a
     * sieve's segment) as much as their work. A sort that ignored the request
     * would use nearly all of a whole sort; the others would run for hours. */
    struct got g = {0};
    double c0 = own_cpu_s();
    ck_assert_int_eq(run_inline(fs_mod_sort, "2000000", &g), 0);
    double bound = (own_cpu_s() - c0) / 4;
    ck_assert_str_eq(g.msgs[g.n - 1], "{\"sorted\":2000000,\"ok\":true}");
    got_free(&g);
    check_stops("sleep", "100000", bound);
    check_stops("spin", "100000", bound);
    check_stops("primes", "100000000000", bound);
    check_stops("sort", "2000000", bound);
    check_stops("alloc", "1", bound);
}
END_TEST

START_TEST(test_small_modules)
{
    struct got g = {0};

    ck_assert_int_eq(run_inline(fs_mod_sleep, "20", &g), 0);
    ck_assert_str_eq(g.msgs[g.n - 1], "{\"slept_ms\":20}");
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_spin, "20", &g), 0);
    ck_assert_ptr_nonnull(got_find(&g, "{\"spun_ms\":"));
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_sort, "100000", &g), 0);
    ck_assert_str_eq(g.msgs[g.n - 1], "{\"sorted\":100000,\"ok\":true}");
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_sort, "1", &g), 0);
    ck_assert_str_eq(g.msgs[g.n - 1], "{\"sorted\":1,\"ok\":true}");
    got_free(&g);
    ck_assert_int_eq(run_inline(fs_mod_alloc, "4 0", &g), 0);
    ck_assert_ptr_nonnull(got_find(&g, "{\"allocated_mib\":4}"));
    ck_assert_str_eq(g.msgs[g.n - 1], "{\"freed_mib\":4}");
    got_free(&g);
}
END_TEST

static atomic_int exits;

static void
count_exit(void *arg)
{
    (void)arg;
    atomic_fetch_add(&exits, 1);
}

START_TEST(test_worker_tid_and_exit)
{
    struct fs_port *p = fs_port_new("tidcheck", NULL, NULL);
    struct fs_worker *w;
    char path[64], comm[32] = "";
    FILE *f;
    pid_t tid;

    atomic_init(&exits, 0);
    ck_assert_int_eq(fs_worker_start(fs_mod_sleep, "300", p, count_exit, NULL, &w), 0);
    tid = fs_worker_tid(w);
    ck_assert_int_gt(tid, 0);
    ck_assert_int_ne(tid, getpid());
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(comm, sizeof comm, f));
    fclose(f);
    ck_assert_str_eq(comm, "fs:tidcheck\n");
    ck_assert_int_eq(fs_worker_join(w), 0);
    ck_assert_int_eq(atomic_load(&exits), 1);
    fs_port_free(p);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("worker_modules");
    TCase *tc = tcase_create("modules");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_module_table);
    tcase_add_test(tc, test_not_a_module);
    tcase_add_test(tc, test_primes_small);
    tcase_add_test(tc, test_bad_args);
    tcase_add_test(tc, test_primes_four_threads);
    tcase_add_test(tc, test_counter_exact);
    tcase_add_test(tc, test_racer_loses);
    tcase_add_test(tc, test_echo_worker);
    tcase_add_test(tc, test_racer_peers_lose_every_run);
    tcase_add_test(tc, test_fail_heartbeat_io);
    tcase_add_test(tc, test_stop_mid_computation);
    tcase_add_test(tc, test_small_modules);
    tcase_add_test(tc, test_worker_tid_and_exit);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
