/*
 * Unit tests of the task state machine and the backoff formula.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "model/task.h"

static struct fs_task t;

static void
setup_policy(enum fs_restart restart, unsigned max)
{
    struct fs_task_spec spec;
    fs_task_spec_init(&spec, "t");
    spec.kind = FS_KIND_CMD;
    spec.restart = restart;
    spec.backoff.max = max;
    fs_task_init(&t, &spec);
    fs_task_spec_fini(&spec);
}

static void
teardown(void)
{
    fs_task_fini(&t);
}

/* Starts a run and reports it spawned with two streams. */
static void
run(double now)
{
    ck_assert_int_eq(fs_task_start(&t, now), FS_TASK_SPAWN);
    ck_assert_int_eq(t.st.state, FS_STATE_STARTING);
    fs_task_spawned(&t, 1234, 2, now);
    ck_assert_int_eq(t.st.state, FS_STATE_RUNNING);
    ck_assert_int_eq(t.st.pid, 1234);
}

START_TEST(test_defaults)
{
    setup_policy(FS_RESTART_NO, 0);
    ck_assert_int_eq(t.st.state, FS_STATE_IDLE);
    ck_assert_int_eq(t.spec.stop_signal, SIGTERM);
    ck_assert(t.spec.stop_timeout == 5.0);
    ck_assert(t.spec.autostart);
    ck_assert(!t.spec.buffer);
    ck_assert_uint_eq(t.spec.buffer_cap, 1024 * 1024);
    ck_assert(fs_task_is_settled(&t));
    teardown();
}
END_TEST

START_TEST(test_finish_needs_exit_and_all_eofs_exit_first)
{
    setup_policy(FS_RESTART_NO, 0);
    run(0);
    ck_assert_int_eq(fs_task_exit_status(&t, 0, 0, 1), FS_TASK_NOTHING);
    ck_assert_int_eq(t.st.state, FS_STATE_RUNNING);
    ck_assert_int_eq(fs_task_stream_eof(&t, 1), FS_TASK_NOTHING);
    ck_assert_int_eq(fs_task_stream_eof(&t, 1), FS_TASK_FINISHED);
    ck_assert_int_eq(t.st.state, FS_STATE_EXITED);
    ck_assert(fs_task_succeeded(&t));
    ck_assert(fs_task_is_settled(&t));
    teardown();
}
END_TEST

START_TEST(test_finish_needs_exit_and_all_eofs_eof_first)
{
    setup_policy(FS_RESTART_NO, 0);
    run(0);
    ck_assert_int_eq(fs_task_stream_eof(&t, 1), FS_TASK_NOTHING);
    ck_assert_int_eq(fs_task_stream_eof(&t, 1), FS_TASK_NOTHING);
    ck_assert_int_eq(t.st.state, FS_STATE_RUNNING);
    ck_assert_int_eq(fs_task_exit_status(&t, 3, 0, 1), FS_TASK_FINISHED);
    ck_assert_int_eq(t.st.state, FS_STATE_FAILED);
    ck_assert_int_eq(t.st.exit_code, 3);
    ck_assert(!fs_task_succeeded(&t));
    teardown();
}
END_TEST

/* A run's usage stays after it ended and is cleared by the next start; none
 * is taken once the exit status is in. */
START_TEST(test_usage_kept_until_next_run)
{
    setup_policy(FS_RESTART_NO, 0);
    run(0);
    ck_assert(!t.st.have_usage);
    struct fs_usage u = {1.5, 4096}, late = {9, 9};
    fs_task_usage(&t, &u);
    fs_task_exit_status(&t, 0, 0, 1);
    fs_task_usage(&t, &late);
    fs_task_stream_eof(&t, 1);
    fs_task_stream_eof(&t, 1);
    ck_assert_int_eq(t.st.state, FS_STATE_EXITED);
    ck_assert(t.st.have_usage);
    ck_assert(t.st.usage.cpu == 1.5);
    ck_assert_int_eq(t.st.usage.max_rss, 4096);
    run(2);
    ck_assert(!t.st.have_usage);
    teardown();
}
END_TEST

START_TEST(test_signal_death_records_signal)
{
    setup_policy(FS_RESTART_NO, 0);
    run(0);
    fs_task_stream_eof(&t, 1);
    fs_task_stream_eof(&t, 1);
    ck_assert_int_eq(fs_task_exit_status(&t, -1, SIGKILL, 1), FS_TASK_FINISHED);
    ck_assert_int_eq(t.st.term_signal, SIGKILL);
    ck_assert_int_eq(t.st.exit_code, -1);
    ck_assert_int_eq(t.st.state, FS_STATE_FAILED);
    teardown();
}
END_TEST

START_TEST(test_stop_is_not_restarted)
{
    setup_policy(FS_RESTART_ALWAYS, 0);
    run(0);
    ck_assert_int_eq(fs_task_stop(&t, 1), FS_TASK_SEND_STOP);
    ck_assert_int_eq(t.st.state, FS_STATE_STOPPING);
    ck_assert_int_eq(fs_task_stop(&t, 1), FS_TASK_NOTHING);
    fs_task_exit_status(&t, -1, SIGTERM, 2);
    fs_task_stream_eof(&t, 2);
    ck_assert_int_eq(fs_task_stream_eof(&t, 2), FS_TASK_FINISHED);
    ck_assert_int_eq(t.st.state, FS_STATE_EXITED);
    ck_assert(fs_task_is_settled(&t));
    teardown();
}
END_TEST

/* Ends the current run with the given status. */
static enum fs_task_action
end_run(int code, int sig, double now)
{
    fs_task_stream_eof(&t, now);
    fs_task_stream_eof(&t, now);
    return fs_task_exit_status(&t, code, sig, now);
}

/* A liveness probe's stop: the run is a failure even when it exits 0, so
 * on-failure restarts it, and without a policy it stays failed. */
START_TEST(test_unhealthy_run_is_a_failure)
{
    setup_policy(FS_RESTART_ON_FAILURE, 0);
    run(0);
    ck_assert_int_eq(fs_task_unhealthy(&t, 1), FS_TASK_SEND_STOP);
    ck_assert_int_eq(t.st.state, FS_STATE_STOPPING);
    ck_assert(t.st.unhealthy);
    ck_assert(!t.st.stop_requested);
    ck_assert_int_eq(fs_task_unhealthy(&t, 1), FS_TASK_NOTHING);
    ck_assert_int_eq(end_run(0, 0, 2), FS_TASK_SCHEDULE);
    ck_assert_int_eq(t.st.state, FS_STATE_BACKOFF);
    ck_assert_int_eq(fs_task_backoff_due(&t, 3), FS_TASK_SPAWN);
    ck_assert(!t.st.unhealthy); /* a new run */
    teardown();
    setup_policy(FS_RESTART_NO, 0);
    run(0);
    fs_task_unhealthy(&t, 1);
    ck_assert_int_eq(end_run(-1, SIGTERM, 2), FS_TASK_FINISHED);
    ck_assert_int_eq(t.st.state, FS_STATE_FAILED);
    teardown();
    setup_policy(FS_RESTART_ALWAYS, 0);
    ck_assert_int_eq(fs_task_unhealthy(&t, 0), FS_TASK_NOTHING); /* not running */
    teardown();
}
END_TEST

START_TEST(test_on_failure_restarts_only_failures)
{
    setup_policy(FS_RESTART_ON_FAILURE, 0);
    run(0);
    ck_assert_int_eq(end_run(1, 0, 0.5), FS_TASK_SCHEDULE);
    ck_assert_int_eq(t.st.state, FS_STATE_BACKOFF);
    ck_assert(t.st.backoff_delay == 1.0);
    ck_assert(!fs_task_is_settled(&t));
    ck_assert_int_eq(fs_task_backoff_due(&t, 1.5), FS_TASK_SPAWN);
    ck_assert_uint_eq(t.st.restarts, 1);
    fs_task_spawned(&t, 99, 2, 1.5);
    ck_assert_int_eq(end_run(0, 0, 2.0), FS_TASK_FINISHED);
    ck_assert_int_eq(t.st.state, FS_STATE_EXITED);
    teardown();
}
END_TEST

/* mprocs' autorestart: a failure restarts only after a run of at least 1 s. */
START_TEST(test_min_run_holds_back_quick_failures)
{
    setup_policy(FS_RESTART_ON_FAILURE, 0);
    t.spec.restart_min_run = 1.0;
    run(10);
    ck_assert_int_eq(end_run(0, 0, 12), FS_TASK_FINISHED); /* clean exit */
    ck_assert_int_eq(t.st.state, FS_STATE_EXITED);
    run(20);
    ck_assert_int_eq(end_run(1, 0, 20.5), FS_TASK_FINISHED); /* crash under 1 s */
    ck_assert_int_eq(t.st.state, FS_STATE_FAILED);
    run(30);
    ck_assert_int_eq(end_run(0, SIGSEGV, 31.25), FS_TASK_SCHEDULE); /* crash after 1.25 s */
    ck_assert_int_eq(t.st.state, FS_STATE_BACKOFF);
    teardown();
}
END_TEST

START_TEST(test_always_restarts_success_too)
{
    setup_policy(FS_RESTART_ALWAYS, 0);
    run(0);
    ck_assert_int_eq(end_run(0, 0, 0.1), FS_TASK_SCHEDULE);
    teardown();
}
END_TEST

START_TEST(test_backoff_grows_and_max_stops)
{
    setup_policy(FS_RESTART_ON_FAILURE, 3);
    double now = 0, expect[] = {1, 2, 4};
    run(now);
    for (int i = 0; i < 3; i++) {
        now += 0.1;
        ck_assert_int_eq(end_run(1, 0, now), FS_TASK_SCHEDULE);
        ck_assert(t.st.backoff_delay == expect[i]);
        now += t.st.backoff_delay;
        ck_assert_int_eq(fs_task_backoff_due(&t, now), FS_TASK_SPAWN);
        fs_task_spawned(&t, 100 + i, 2, now);
    }
    now += 0.1;
    ck_assert_int_eq(end_run(1, 0, now), FS_TASK_FINISHED);
    ck_assert_int_eq(t.st.state, FS_STATE_FAILED);
    ck_assert_uint_eq(t.st.restarts, 3);
    teardown();
}
END_TEST

START_TEST(test_long_run_resets_backoff)
{
    setup_policy(FS_RESTART_ON_FAILURE, 2);
    run(0);
    ck_assert_int_eq(end_run(1, 0, 0.1), FS_TASK_SCHEDULE);
    fs_task_backoff_due(&t, 1.1);
    fs_task_spawned(&t, 2, 2, 1.1);
    /* This run lasted past reset_after (10 s): the count starts over. */
    ck_assert_int_eq(end_run(1, 0, 20), FS_TASK_SCHEDULE);
    ck_assert(t.st.backoff_delay == 1.0);
    teardown();
}
END_TEST

START_TEST(test_stop_during_backoff_cancels)
{
    setup_policy(FS_RESTART_ALWAYS, 0);
    run(0);
    end_run(0, 0, 1);
    ck_assert_int_eq(t.st.state, FS_STATE_BACKOFF);
    /* The run was reported when it ended: a stop now only cancels the restart. */
    ck_assert_int_eq(fs_task_stop(&t, 1.5), FS_TASK_NOTHING);
    ck_assert_int_eq(t.st.state, FS_STATE_EXITED);
    ck_assert(fs_task_is_settled(&t));
    ck_assert_int_eq(fs_task_backoff_due(&t, 2), FS_TASK_NOTHING);
    teardown();
}
END_TEST

START_TEST(test_restart_live_task_stops_then_spawns)
{
    setup_policy(FS_RESTART_NO, 0);
    run(0);
    ck_assert_int_eq(fs_task_restart(&t, 1), FS_TASK_SEND_STOP);
    ck_assert(!fs_task_is_settled(&t));
    fs_task_stream_eof(&t, 2);
    fs_task_stream_eof(&t, 2);
    ck_assert_int_eq(fs_task_exit_status(&t, -1, SIGTERM, 2), FS_TASK_RESPAWN);
    /* The ended run is still there to be reported. */
    ck_assert_int_eq(t.st.pid, 1234);
    ck_assert_int_eq(t.st.term_signal, SIGTERM);
    ck_assert_uint_eq(t.st.restarts, 1);
    ck_assert_int_eq(fs_task_start(&t, 2), FS_TASK_SPAWN);
    ck_assert_int_eq(t.st.state, FS_STATE_STARTING);
    ck_assert_uint_eq(t.st.restarts, 1);
    ck_assert(!t.st.stop_requested);
    teardown();
}
END_TEST

START_TEST(test_restart_ended_task)
{
    setup_policy(FS_RESTART_NO, 0);
    run(0);
    end_run(2, 0, 1);
    ck_assert_int_eq(t.st.state, FS_STATE_FAILED);
    ck_assert_int_eq(fs_task_restart(&t, 2), FS_TASK_SPAWN);
    ck_assert_uint_eq(t.st.restarts, 1);
    ck_assert_int_eq(t.st.exit_code, -1);
    ck_assert(!t.st.have_exit);
    teardown();
}
END_TEST

START_TEST(test_spawn_failure_is_failed_without_restart)
{
    setup_policy(FS_RESTART_ALWAYS, 0);
    fs_task_start(&t, 0);
    ck_assert_int_eq(fs_task_spawn_failed(&t, -ENOENT, 0), FS_TASK_FINISHED);
    ck_assert_int_eq(t.st.state, FS_STATE_FAILED);
    ck_assert_int_eq(t.st.spawn_error, -ENOENT);
    ck_assert(fs_task_is_settled(&t));
    teardown();
}
END_TEST

START_TEST(test_events_out_of_place_are_ignored)
{
    setup_policy(FS_RESTART_NO, 0);
    ck_assert_int_eq(fs_task_exit_status(&t, 0, 0, 0), FS_TASK_NOTHING);
    ck_assert_int_eq(fs_task_stream_eof(&t, 0), FS_TASK_NOTHING);
    ck_assert_int_eq(fs_task_stop(&t, 0), FS_TASK_NOTHING);
    ck_assert_int_eq(t.st.state, FS_STATE_IDLE);
    run(0);
    ck_assert_int_eq(fs_task_start(&t, 0), FS_TASK_NOTHING);
    fs_task_exit_status(&t, 0, 0, 1);
    ck_assert_int_eq(fs_task_exit_status(&t, 5, 0, 1), FS_TASK_NOTHING);
    ck_assert_int_eq(t.st.exit_code, 0);
    teardown();
}
END_TEST

START_TEST(test_backoff_formula)
{
    struct fs_backoff b = {0.5, 3, 10, 0, 10};
    ck_assert(fs_backoff_delay(&b, 0) == 0.5);
    ck_assert(fs_backoff_delay(&b, 1) == 1.5);
    ck_assert(fs_backoff_delay(&b, 2) == 4.5);
    ck_assert(fs_backoff_delay(&b, 3) == 10);
    ck_assert(fs_backoff_delay(&b, 1000000) == 10);
    struct fs_backoff flat = {2, 1, 30, 0, 10};
    ck_assert(fs_backoff_delay(&flat, 50) == 2);
}
END_TEST

START_TEST(test_names)
{
    enum fs_kind k;
    ck_assert_str_eq(fs_kind_name(FS_KIND_FORK), "fork");
    ck_assert_int_eq(fs_kind_from_name("worker", 6, &k), 0);
    ck_assert_int_eq(k, FS_KIND_WORKER);
    ck_assert_int_eq(fs_kind_from_name("work", 4, &k), -1);
    ck_assert_str_eq(fs_state_name(FS_STATE_BACKOFF), "backoff");
    enum fs_restart r;
    ck_assert_int_eq(fs_restart_from_name("on-failure", &r), 0);
    ck_assert_int_eq(r, FS_RESTART_ON_FAILURE);
    ck_assert_int_eq(fs_restart_from_name("sometimes", &r), -1);
}
END_TEST

START_TEST(test_describe_quotes_words)
{
    struct fs_task_spec spec;
    fs_task_spec_init(&spec, "x");
    spec.kind = FS_KIND_CMD;
    char a0[] = "echo", a1[] = "a b", a2[] = "it's";
    char *argv[] = {a0, a1, a2, NULL};
    spec.argv = argv;
    char *d = fs_task_spec_describe(&spec);
    ck_assert_str_eq(d, "echo 'a b' 'it'\\''s'");
    free(d);
    spec.argv = NULL;
    fs_task_spec_fini(&spec);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("task");
    TCase *tc = tcase_create("state");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_finish_needs_exit_and_all_eofs_exit_first);
    tcase_add_test(tc, test_finish_needs_exit_and_all_eofs_eof_first);
    tcase_add_test(tc, test_signal_death_records_signal);
    tcase_add_test(tc, test_stop_is_not_restarted);
    tcase_add_test(tc, test_on_failure_restarts_only_failures);
    tcase_add_test(tc, test_min_run_holds_back_quick_failures);
    tcase_add_test(tc, test_always_restarts_success_too);
    tcase_add_test(tc, test_backoff_grows_and_max_stops);
    tcase_add_test(tc, test_long_run_resets_backoff);
    tcase_add_test(tc, test_stop_during_backoff_cancels);
    tcase_add_test(tc, test_restart_live_task_stops_then_spawns);
    tcase_add_test(tc, test_restart_ended_task);
    tcase_add_test(tc, test_spawn_failure_is_failed_without_restart);
    tcase_add_test(tc, test_events_out_of_place_are_ignored);
    tcase_add_test(tc, test_backoff_formula);
    tcase_add_test(tc, test_unhealthy_run_is_a_failure);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_usage_kept_until_next_run);
    tcase_add_test(tc, test_describe_quotes_words);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
