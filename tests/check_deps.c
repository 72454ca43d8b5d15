/*
 * Unit tests of the dependency graph (model/deps.c): each condition against
 * the states of the task it names, conditions that can no longer hold and
 * why, replicated tasks, the checks on a session (unknown names, a task
 * depending on itself, cycles with their path), and who depends on whom (the
 * stop order).
 */
#include <config.h>

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "model/deps.h"
#include "model/task.h"

#define MAXT 8

static struct fs_task tasks[MAXT];
static size_t ntasks;

static const struct fs_task *
get(const void *arg, size_t i)
{
    (void)arg;
    return i < ntasks ? &tasks[i] : NULL;
}

static const struct fs_deps_set set = {0, get, NULL};

/* Adds a task named name; returns it. */
static struct fs_task *
add(const char *name)
{
    struct fs_task_spec spec;
    fs_task_spec_init(&spec, name);
    spec.kind = FS_KIND_CMD;
    fs_task_init(&tasks[ntasks], &spec);
    fs_task_spec_fini(&spec);
    return &tasks[ntasks++];
}

static void
reset(void)
{
    for (size_t i = 0; i < ntasks; i++)
        fs_task_fini(&tasks[i]);
    ntasks = 0;
}

static struct fs_deps_set
the_set(void)
{
    struct fs_deps_set s = set;
    s.n = ntasks;
    return s;
}

/* Runs t to a start: spawned with one stream. */
static void
run(struct fs_task *t, double now)
{
    ck_assert_int_eq(fs_task_start(t, now), FS_TASK_SPAWN);
    fs_task_spawned(t, 100, 1, now);
}

/* Ends t's run with a code (or a signal). */
static enum fs_task_action
end(struct fs_task *t, int code, int sig, double now)
{
    fs_task_exit_status(t, code, sig, now);
    return fs_task_stream_eof(t, now);
}

/* The state of cond on t; the reason, when there is one, must contain want. */
static enum fs_dep_state
eval(enum fs_dep_cond cond, const struct fs_task *t, const char *want)
{
    char *why = NULL;
    enum fs_dep_state s = fs_dep_eval(cond, t, &why);
    if (s == FS_DEP_NEVER) {
        ck_assert_ptr_nonnull(why);
        if (want != NULL)
            ck_assert_msg(strstr(why, want) != NULL, "reason '%s' lacks '%s'", why, want);
    } else {
        ck_assert_ptr_null(why);
    }
    free(why);
    return s;
}

START_TEST(test_cond_names)
{
    enum fs_dep_cond c;
    const char *names[] = {"started", "ready", "exited", "succeeded"};
    for (int i = 0; i < FS_DEP_COND_COUNT; i++) {
        ck_assert_int_eq(fs_dep_cond_from_name(names[i], &c), 0);
        ck_assert_int_eq(c, i);
        ck_assert_str_eq(fs_dep_cond_name(c), names[i]);
    }
    ck_assert_int_eq(fs_dep_cond_from_name("healthy", &c), -1);
    ck_assert_int_eq(fs_dep_cond_from_name("", &c), -1);
}
END_TEST

START_TEST(test_started)
{
    struct fs_task *db = add("db");
    ck_assert_int_eq(eval(FS_DEP_STARTED, db, NULL), FS_DEP_NOT_YET);
    fs_task_start(db, 0);
    ck_assert_int_eq(eval(FS_DEP_STARTED, db, NULL), FS_DEP_NOT_YET); /* spawning */
    fs_task_spawned(db, 100, 1, 0);
    ck_assert_int_eq(eval(FS_DEP_STARTED, db, NULL), FS_DEP_HOLDS);
    end(db, 1, 0, 1);
    /* It started: a quick task that already ended still counts. */
    ck_assert_int_eq(eval(FS_DEP_STARTED, db, NULL), FS_DEP_HOLDS);
    reset();
}
END_TEST

START_TEST(test_could_not_start)
{
    struct fs_task *db = add("db");
    fs_task_start(db, 0);
    fs_task_spawn_failed(db, -2, 0);
    for (int c = 0; c < FS_DEP_COND_COUNT; c++)
        ck_assert_int_eq(eval(c, db, "db could not start"), FS_DEP_NEVER);
    reset();
}
END_TEST

START_TEST(test_ready)
{
    struct fs_task *db = add("db");
    run(db, 0);
    ck_assert_int_eq(eval(FS_DEP_READY, db, NULL), FS_DEP_NOT_YET);
    db->st.ready = db->st.was_ready = true; /* what app/app.c does */
    ck_assert_int_eq(eval(FS_DEP_READY, db, NULL), FS_DEP_HOLDS);
    end(db, 0, 0, 1);
    ck_assert_int_eq(eval(FS_DEP_READY, db, NULL), FS_DEP_HOLDS);
    reset();
}
END_TEST

START_TEST(test_ready_never)
{
    struct fs_task *db = add("db");
    run(db, 0);
    db->st.ready_gave_up = true;
    ck_assert_int_eq(eval(FS_DEP_READY, db, "db's readiness probe gave up"), FS_DEP_NEVER);
    reset();
    db = add("db");
    run(db, 0);
    end(db, 2, 0, 1);
    ck_assert_int_eq(eval(FS_DEP_READY, db, "db exited with 2"), FS_DEP_NEVER);
    reset();
}
END_TEST

START_TEST(test_exited)
{
    struct fs_task *db = add("db");
    run(db, 0);
    ck_assert_int_eq(eval(FS_DEP_EXITED, db, NULL), FS_DEP_NOT_YET);
    end(db, 7, 0, 1);
    ck_assert_int_eq(eval(FS_DEP_EXITED, db, NULL), FS_DEP_HOLDS);
    /* however it ended: a signal too */
    reset();
    db = add("db");
    run(db, 0);
    end(db, 0, SIGKILL, 1);
    ck_assert_int_eq(eval(FS_DEP_EXITED, db, NULL), FS_DEP_HOLDS);
    reset();
}
END_TEST

START_TEST(test_succeeded)
{
    struct fs_task *db = add("db");
    run(db, 0);
    ck_assert_int_eq(eval(FS_DEP_SUCCEEDED, db, NULL), FS_DEP_NOT_YET);
    end(db, 0, 0, 1);
    ck_assert_int_eq(eval(FS_DEP_SUCCEEDED, db, NULL), FS_DEP_HOLDS);
    reset();
    db = add("db");
    run(db, 0);
    end(db, 1, 0, 1);
    ck_assert_int_eq(eval(FS_DEP_SUCCEEDED, db, "db exited with 1"), FS_DEP_NEVER);
    reset();
    db = add("db");
    run(db, 0);
    end(db, 0, SIGSEGV, 1);
    ck_assert_int_eq(eval(FS_DEP_SUCCEEDED, db, "db was killed by SIGSEGV"), FS_DEP_NEVER);
    reset();
}
END_TEST

START_TEST(test_success_codes)
{
    struct fs_task *db = add("db");
    int codes[] = {0, 3};
    db->spec.success_codes = malloc(sizeof codes);
    memcpy(db->spec.success_codes, codes, sizeof codes);
    db->spec.nsuccess = 2;
    ck_assert(fs_deps_success_code(&db->spec, 3));
    ck_assert(!fs_deps_success_code(&db->spec, 1));
    run(db, 0);
    end(db, 3, 0, 1);
    ck_assert_int_eq(eval(FS_DEP_SUCCEEDED, db, NULL), FS_DEP_HOLDS);
    reset();
}
END_TEST

START_TEST(test_stopped)
{
    struct fs_task *db = add("db");
    run(db, 0);
    ck_assert_int_eq(fs_task_stop(db, 1), FS_TASK_SEND_STOP);
    ck_assert_int_eq(eval(FS_DEP_SUCCEEDED, db, NULL), FS_DEP_NOT_YET);
    end(db, 0, SIGTERM, 2);
    ck_assert_int_eq(eval(FS_DEP_SUCCEEDED, db, "db was stopped"), FS_DEP_NEVER);
    ck_assert_int_eq(eval(FS_DEP_READY, db, "db was stopped"), FS_DEP_NEVER);
    ck_assert_int_eq(eval(FS_DEP_EXITED, db, NULL), FS_DEP_HOLDS);
    reset();
    /* stopped while it waited for its own dependencies */
    db = add("db");
    fs_task_wait(db);
    ck_assert_int_eq(db->st.state, FS_STATE_WAITING);
    ck_assert_int_eq(eval(FS_DEP_STARTED, db, NULL), FS_DEP_NOT_YET);
    fs_task_stop(db, 1);
    ck_assert_int_eq(db->st.state, FS_STATE_IDLE);
    ck_assert_int_eq(eval(FS_DEP_STARTED, db, "db was stopped"), FS_DEP_NEVER);
    reset();
}
END_TEST

/* A dependency in backoff has not failed for good: the next run may do. */
START_TEST(test_backoff_not_final)
{
    struct fs_task *db = add("db");
    db->spec.restart = FS_RESTART_ON_FAILURE;
    run(db, 0);
    ck_assert_int_eq(end(db, 1, 0, 1), FS_TASK_SCHEDULE);
    ck_assert_int_eq(eval(FS_DEP_SUCCEEDED, db, NULL), FS_DEP_NOT_YET);
    ck_assert_int_eq(eval(FS_DEP_EXITED, db, NULL), FS_DEP_NOT_YET);
    ck_assert_int_eq(eval(FS_DEP_READY, db, NULL), FS_DEP_NOT_YET);
    fs_task_backoff_due(db, 2);
    fs_task_spawned(db, 101, 1, 2);
    end(db, 0, 0, 3);
    ck_assert_int_eq(eval(FS_DEP_SUCCEEDED, db, NULL), FS_DEP_HOLDS);
    reset();
}
END_TEST

START_TEST(test_blocked_propagates)
{
    struct fs_task *db = add("db");
    fs_task_wait(db);
    fs_task_block(db);
    ck_assert_int_eq(db->st.state, FS_STATE_BLOCKED);
    ck_assert(fs_task_is_settled(db));
    ck_assert_int_eq(eval(FS_DEP_STARTED, db, "db is blocked"), FS_DEP_NEVER);
    /* Starting a blocked task by hand starts it now. */
    ck_assert_int_eq(fs_task_start(db, 1), FS_TASK_SPAWN);
    reset();
}
END_TEST

START_TEST(test_waiting_not_settled)
{
    struct fs_task *w = add("w");
    fs_task_wait(w);
    ck_assert(!fs_task_is_settled(w));
    ck_assert(!fs_task_is_live(w));
    ck_assert_str_eq(fs_state_name(w->st.state), "waiting");
    ck_assert_int_eq(fs_task_start(w, 0), FS_TASK_SPAWN);
    reset();
}
END_TEST

/* A task's conditions against a set, with a replicated dependency. */
START_TEST(test_eval_set_replicas)
{
    struct fs_task *a = add("db-1"), *b = add("db-2"), *web = add("web");
    a->spec.replica_of = strdup("db");
    b->spec.replica_of = strdup("db");
    fs_deps_add(&web->spec.deps, &web->spec.ndeps, "db", FS_DEP_SUCCEEDED, 3, 5);
    struct fs_deps_set s = the_set();
    size_t which;
    char *why;
    ck_assert_int_eq(fs_deps_eval(&s, web, &which, &why), FS_DEP_NOT_YET);
    run(a, 0);
    end(a, 0, 0, 1);
    ck_assert_int_eq(fs_deps_eval(&s, web, &which, &why), FS_DEP_NOT_YET); /* not every one */
    run(b, 0);
    end(b, 0, 0, 1);
    ck_assert_int_eq(fs_deps_eval(&s, web, &which, &why), FS_DEP_HOLDS);
    ck_assert(fs_deps_on(web, &a->spec) && fs_deps_on(web, &b->spec));
    ck_assert(!fs_deps_on(a, &web->spec));
    reset();

    a = add("db-1"), b = add("db-2"), web = add("web");
    a->spec.replica_of = strdup("db");
    b->spec.replica_of = strdup("db");
    fs_deps_add(&web->spec.deps, &web->spec.ndeps, "db-1", FS_DEP_STARTED, 3, 5);
    fs_deps_add(&web->spec.deps, &web->spec.ndeps, "db", FS_DEP_SUCCEEDED, 4, 5);
    s = the_set();
    run(a, 0);
    run(b, 0);
    end(b, 4, 0, 1);
    /* one member that can no longer succeed is enough */
    ck_assert_int_eq(fs_deps_eval(&s, web, &which, &why), FS_DEP_NEVER);
    ck_assert_uint_eq(which, 1);
    ck_assert_str_eq(why, "db-2 exited with 4");
    free(why);
    reset();
}
END_TEST

START_TEST(test_eval_missing_task)
{
    struct fs_task *web = add("web");
    fs_deps_add(&web->spec.deps, &web->spec.ndeps, "gone", FS_DEP_STARTED, 1, 1);
    struct fs_deps_set s = the_set();
    size_t which;
    char *why;
    ck_assert_int_eq(fs_deps_eval(&s, web, &which, &why), FS_DEP_NEVER);
    ck_assert_ptr_nonnull(strstr(why, "gone"));
    free(why);
    reset();
}
END_TEST

/* The stop order: a task stops once nothing that depends on it is live. */
START_TEST(test_stop_order)
{
    struct fs_task *db = add("db"), *api = add("api"), *web = add("web"), *lone = add("lone");
    fs_deps_add(&api->spec.deps, &api->spec.ndeps, "db", FS_DEP_READY, 1, 1);
    fs_deps_add(&web->spec.deps, &web->spec.ndeps, "api", FS_DEP_STARTED, 2, 1);
    fs_deps_add(&web->spec.deps, &web->spec.ndeps, "db", FS_DEP_STARTED, 3, 1);
    struct fs_deps_set s = the_set();
    for (size_t i = 0; i < ntasks; i++)
        run(&tasks[i], 0);
    /* web and lone first; api after web; db after both */
    ck_assert(!fs_deps_dependent_live(&s, web));
    ck_assert(!fs_deps_dependent_live(&s, lone));
    ck_assert(fs_deps_dependent_live(&s, api));
    ck_assert(fs_deps_dependent_live(&s, db));
    fs_task_stop(web, 1);
    ck_assert(fs_deps_dependent_live(&s, api)); /* stopping is still live */
    end(web, 0, SIGTERM, 2);
    ck_assert(!fs_deps_dependent_live(&s, api));
    ck_assert(fs_deps_dependent_live(&s, db));
    fs_task_stop(api, 3);
    end(api, 0, SIGTERM, 4);
    ck_assert(!fs_deps_dependent_live(&s, db));
    reset();
}
END_TEST

/* ---- checks on a session's specs ---------------------------------------------------------- */

static struct fs_task_spec specs[MAXT];
static size_t nspecs;

static struct fs_task_spec *
spec(const char *name)
{
    fs_task_spec_init(&specs[nspecs], name);
    specs[nspecs].file = strdup("s.yaml");
    return &specs[nspecs++];
}

static void
dep(struct fs_task_spec *s, const char *on, int line)
{
    fs_deps_add(&s->deps, &s->ndeps, on, FS_DEP_STARTED, line, 7);
}

/* fs_deps_check's message, or NULL when the specs are good; caller frees. */
static char *
check(void)
{
    char *err = NULL;
    int r = fs_deps_check(specs, nspecs, &err);
    ck_assert_int_eq(r, err != NULL ? -1 : 0);
    for (size_t i = 0; i < nspecs; i++)
        fs_task_spec_fini(&specs[i]);
    nspecs = 0;
    return err;
}

START_TEST(test_check_good)
{
    struct fs_task_spec *a = spec("a"), *b = spec("b"), *c = spec("c");
    dep(a, "b", 2);
    dep(a, "c", 3);
    dep(b, "c", 4);
    (void)c;
    ck_assert_ptr_null(check());
}
END_TEST

START_TEST(test_check_unknown)
{
    dep(spec("a"), "nope", 4);
    char *e = check();
    ck_assert_str_eq(e, "s.yaml:4:7: task 'a': depends on 'nope', which is not a task");
    free(e);
}
END_TEST

START_TEST(test_check_self)
{
    dep(spec("a"), "a", 5);
    char *e = check();
    ck_assert_str_eq(e, "s.yaml:5:7: task 'a': depends on itself");
    free(e);
}
END_TEST

START_TEST(test_check_cycle)
{
    struct fs_task_spec *a = spec("a"), *b = spec("b"), *c = spec("c");
    spec("d");
    dep(a, "d", 2);
    dep(a, "b", 3);
    dep(b, "c", 6);
    dep(c, "a", 9);
    char *e = check();
    ck_assert_str_eq(e, "s.yaml:9:7: task 'c': dependency cycle: a -> b -> c -> a");
    free(e);
    /* a cycle that does not pass through the first task */
    spec("x");
    a = spec("p"), b = spec("q");
    dep(a, "q", 4);
    dep(b, "p", 8);
    e = check();
    ck_assert_str_eq(e, "s.yaml:8:7: task 'q': dependency cycle: p -> q -> p");
    free(e);
}
END_TEST

START_TEST(test_check_replica_self)
{
    struct fs_task_spec *a = spec("w-1"), *b = spec("w-2");
    a->replica_of = strdup("w");
    b->replica_of = strdup("w");
    dep(a, "w", 3);
    char *e = check();
    ck_assert_str_eq(e, "s.yaml:3:7: task 'w-1': depends on itself");
    free(e);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("deps");
    TCase *tc = tcase_create("conditions");
    tcase_add_test(tc, test_cond_names);
    tcase_add_test(tc, test_started);
    tcase_add_test(tc, test_could_not_start);
    tcase_add_test(tc, test_ready);
    tcase_add_test(tc, test_ready_never);
    tcase_add_test(tc, test_exited);
    tcase_add_test(tc, test_succeeded);
    tcase_add_test(tc, test_success_codes);
    tcase_add_test(tc, test_stopped);
    tcase_add_test(tc, test_backoff_not_final);
    tcase_add_test(tc, test_blocked_propagates);
    tcase_add_test(tc, test_waiting_not_settled);
    tcase_add_test(tc, test_eval_set_replicas);
    tcase_add_test(tc, test_eval_missing_task);
    tcase_add_test(tc, test_stop_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("graph");
    tcase_add_test(tc, test_check_good);
    tcase_add_test(tc, test_check_unknown);
    tcase_add_test(tc, test_check_self);
    tcase_add_test(tc, test_check_cycle);
    tcase_add_test(tc, test_check_replica_self);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
