/*
 * Unit tests of sample/snapdiff.c, the pair of sorted snapshots behind the
 * process tree and the thread list: sorting, finding by id, CPU% against the
 * previous snapshot (same id and start time only), growth, and what an
 * incomplete snapshot or a reset forgets. The entries are a struct of the
 * test's own, as the tree's and the thread list's are theirs.
 */
#include <config.h>

#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/snapdiff.h"

struct entry {
    pid_t id;
    char tag;
    uint64_t ticks;
    double cpu;
    uint64_t starttime;
};

/* A first allocation of 2 entries, to see the arrays grow. */
static const struct fs_snapdiff_layout layout = FS_SNAPDIFF_LAYOUT(struct entry, 2);

static void
add(struct fs_snapdiff *d, pid_t id, uint64_t starttime, uint64_t ticks)
{
    struct entry *e = fs_snapdiff_add(d);
    e->id = id;
    e->tag = 'x';
    e->starttime = starttime;
    e->ticks = ticks;
    e->cpu = 42.0; /* end sets it, whether known or not */
}

/* One process or thread of a snapshot. */
struct row {
    pid_t id;
    uint64_t starttime, ticks;
};

/* Takes a complete snapshot of n rows at `now`, at 100 ticks a second. */
static void
snap(struct fs_snapdiff *d, double now, const struct row *rows, size_t n)
{
    fs_snapdiff_begin(d);
    for (size_t i = 0; i < n; i++)
        add(d, rows[i].id, rows[i].starttime, rows[i].ticks);
    fs_snapdiff_end(d, now, 100);
}

#define SNAP(d, now, ...)                                                                          \
    snap(d, now, (const struct row[]){__VA_ARGS__},                                                \
         sizeof((const struct row[]){__VA_ARGS__}) / sizeof(struct row))

/* The entry with `id` in the last snapshot; fails the test when it is missing. */
static const struct entry *
get(const struct fs_snapdiff *d, pid_t id)
{
    int i = fs_snapdiff_find(d, id);
    ck_assert_int_ge(i, 0);
    return (const struct entry *)d->cur + i;
}

START_TEST(sorts_and_finds)
{
    struct fs_snapdiff d;
    fs_snapdiff_init(&d, &layout);
    fs_snapdiff_begin(&d);
    ck_assert(!d.valid);
    pid_t ids[] = {30, 5, 12, 7, 100, 1};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        add(&d, ids[i], 1, 10);
    fs_snapdiff_end(&d, 1.0, 100);
    ck_assert(d.valid);
    ck_assert_uint_eq(d.n, 6);
    const struct entry *e = d.cur;
    for (size_t i = 1; i < d.n; i++)
        ck_assert_int_lt(e[i - 1].id, e[i].id);
    ck_assert_int_eq(fs_snapdiff_find(&d, 1), 0);
    ck_assert_int_eq(fs_snapdiff_find(&d, 100), 5);
    ck_assert_int_eq(fs_snapdiff_find(&d, 8), -1);
    ck_assert_int_eq(get(&d, 12)->tag, 'x');
    /* The first snapshot has nothing to compare with. */
    for (size_t i = 0; i < d.n; i++)
        ck_assert(isnan(e[i].cpu));
    fs_snapdiff_fini(&d);
    ck_assert_ptr_null(d.cur);
    ck_assert_ptr_null(d.prev);
}
END_TEST

START_TEST(cpu_against_the_same_process)
{
    struct fs_snapdiff d;
    fs_snapdiff_init(&d, &layout);
    SNAP(&d, 10.0, {10, 500, 1000}, {20, 600, 300}, {30, 700, 900}, {40, 800, 0});
    SNAP(&d, 12.0, {10, 500, 1200}, /* 200 ticks in 2 s at 100 Hz: one full core */
         {20, 601, 400},            /* a reused pid: a new start time */
         {30, 700, 800},            /* the counter went backwards */
         {50, 900, 50});            /* new */
    ck_assert_uint_eq(d.prev_n, 4);
    ck_assert_double_eq(get(&d, 10)->cpu, 100.0);
    ck_assert(isnan(get(&d, 20)->cpu));
    ck_assert(isnan(get(&d, 30)->cpu));
    ck_assert(isnan(get(&d, 50)->cpu));
    ck_assert_int_eq(fs_snapdiff_find(&d, 40), -1);

    /* The same again a second later: the known ones at 0%, the new one known. */
    SNAP(&d, 13.0, {50, 900, 100}, {10, 500, 1200});
    ck_assert_double_eq(get(&d, 10)->cpu, 0.0);
    ck_assert_double_eq(get(&d, 50)->cpu, 50.0);
    fs_snapdiff_fini(&d);
}
END_TEST

START_TEST(incomplete_and_reset_forget)
{
    struct fs_snapdiff d;
    fs_snapdiff_init(&d, &layout);
    SNAP(&d, 10.0, {10, 500, 1000});

    /* A snapshot that never ends (the listing failed) is not compared with. */
    fs_snapdiff_begin(&d);
    add(&d, 10, 500, 1100);
    ck_assert(!d.valid);
    SNAP(&d, 12.0, {10, 500, 1200});
    ck_assert_uint_eq(d.prev_n, 0);
    ck_assert(isnan(get(&d, 10)->cpu));

    /* The interval runs from the last complete snapshot. */
    SNAP(&d, 14.0, {10, 500, 1300});
    ck_assert_double_eq(get(&d, 10)->cpu, 50.0);

    /* A reset forgets both snapshots. */
    fs_snapdiff_reset(&d);
    ck_assert(!d.valid);
    ck_assert_uint_eq(d.n, 0);
    SNAP(&d, 15.0, {10, 500, 1400});
    ck_assert(isnan(get(&d, 10)->cpu));
    fs_snapdiff_fini(&d);
}
END_TEST

START_TEST(grows_and_reuses)
{
    struct fs_snapdiff d;
    fs_snapdiff_init(&d, &layout);
    for (int round = 0; round < 3; round++) {
        fs_snapdiff_begin(&d);
        for (pid_t id = 1000; id > 0; id--)
            add(&d, id, 7, (uint64_t)round * 100);
        fs_snapdiff_end(&d, 1.0 + round, 100);
        ck_assert_uint_eq(d.n, 1000);
        ck_assert_uint_ge(d.cap, 1000);
        ck_assert_int_eq(fs_snapdiff_find(&d, 1), 0);
        ck_assert_int_eq(fs_snapdiff_find(&d, 1000), 999);
        if (round > 0)
            ck_assert_double_eq(get(&d, 500)->cpu, 100.0);
    }
    fs_snapdiff_fini(&d);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("snapdiff");
    TCase *tc = tcase_create("snapshots");
    tcase_add_test(tc, sorts_and_finds);
    tcase_add_test(tc, cpu_against_the_same_process);
    tcase_add_test(tc, incomplete_and_reset_forget);
    tcase_add_test(tc, grows_and_reuses);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
