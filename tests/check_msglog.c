/*
 * Unit tests of the bounded message log.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "model/msglog.h"

static int a, b; /* two task keys */
#define C FS_MSGLOG_ENTRY_COST

START_TEST(test_order_and_count_bound)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 3, 1 << 20);
    for (int i = 0; i < 5; i++) {
        char m[16];
        int n = snprintf(m, sizeof m, "{\"i\":%d}", i);
        fs_msglog_add(&log, i, &a, true, false, false, 0, m, (size_t)n, (size_t)n);
    }
    ck_assert_uint_eq(log.n, 3);
    ck_assert_uint_eq(log.evicted, 2);
    ck_assert_uint_eq(log.total, 5);
    ck_assert(memcmp(fs_msglog_get(&log, 0)->data, "{\"i\":2}", 7) == 0);
    ck_assert(memcmp(fs_msglog_get(&log, 2)->data, "{\"i\":4}", 7) == 0);
    ck_assert_ptr_null(fs_msglog_get(&log, 3));
    fs_msglog_fini(&log);
}
END_TEST

START_TEST(test_byte_bound_and_cut)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 100, 10000);
    static char big[100000];
    memset(big, 'x', sizeof big);
    /* A message larger than what is kept: its size is noted, KEEP bytes kept. */
    fs_msglog_add(&log, 0, &a, true, false, false, 0, big, sizeof big, sizeof big);
    ck_assert_uint_eq(fs_msglog_get(&log, 0)->kept, FS_MSGLOG_KEEP);
    ck_assert_uint_eq(fs_msglog_get(&log, 0)->size, sizeof big);
    for (int i = 0; i < 10; i++)
        fs_msglog_add(&log, 1, &a, false, false, false, 0, big, 2000, 2000);
    ck_assert(log.bytes <= 10000);
    /* Each costs its 2000 bytes and its bookkeeping. */
    ck_assert_uint_eq(log.n, 10000 / (2000 + C));
    fs_msglog_fini(&log);
}
END_TEST

/* A count far above what the bytes allow: tiny messages are bounded by bytes
 * too, and the ring itself is no longer than the bytes allow. */
START_TEST(test_tiny_flood_bounded_by_bytes)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 10000000, 1 << 20);
    ck_assert(log.cap * sizeof *log.ring <= (size_t)1 << 20);
    for (int i = 0; i < 200000; i++)
        fs_msglog_add(&log, i, &a, true, false, false, 0, "{\"i\":1}", 7, 7);
    ck_assert(log.bytes <= (size_t)1 << 20);
    ck_assert_uint_eq(log.n, ((size_t)1 << 20) / (7 + C));
    ck_assert_uint_eq(log.evicted, 200000 - log.n);
    ck_assert(fs_msglog_get(&log, log.n - 1)->t == 199999);
    fs_msglog_fini(&log);
}
END_TEST

START_TEST(test_forget_keeps_order)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 4, 1 << 20);
    for (int i = 0; i < 6; i++)
        fs_msglog_add(&log, i, i % 2 ? &b : &a, true, false, false, 0, "x", 1, 1);
    fs_msglog_forget(&log, &b);
    ck_assert_uint_eq(log.n, 2);
    ck_assert(fs_msglog_get(&log, 0)->t == 2);
    ck_assert(fs_msglog_get(&log, 1)->t == 4);
    ck_assert_uint_eq(log.bytes, 2 * (1 + C));
    fs_msglog_add(&log, 6, &a, true, false, false, 0, "y", 1, 1);
    ck_assert(fs_msglog_get(&log, 2)->t == 6);
    fs_msglog_fini(&log);
}
END_TEST

START_TEST(test_passed)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 2, 1 << 20);
    fs_msglog_set_passed(&log, "tcp"); /* no entry yet: nothing to note */
    ck_assert_uint_eq(log.bytes, 0);
    fs_msglog_add(&log, 0, &a, true, true, false, 0, "{}", 2, 2);
    ck_assert_ptr_null(fs_msglog_get(&log, 0)->passed);
    fs_msglog_set_passed(&log, "tcp-server");
    ck_assert_str_eq(fs_msglog_get(&log, 0)->passed, "tcp-server");
    ck_assert_uint_eq(log.bytes, C + 2 + 11);
    fs_msglog_set_passed(&log, "pipe x2"); /* replaced, not added up */
    ck_assert_uint_eq(log.bytes, C + 2 + 8);
    /* A new entry has none; evicting or forgetting gives the bytes back. */
    fs_msglog_add(&log, 1, &b, true, false, false, 0, "[]", 2, 2);
    ck_assert_ptr_null(fs_msglog_get(&log, 1)->passed);
    fs_msglog_set_passed(&log, "unix");
    fs_msglog_add(&log, 2, &a, true, false, false, 0, "1", 1, 1);
    ck_assert_uint_eq(log.evicted, 1);
    ck_assert_str_eq(fs_msglog_get(&log, 0)->passed, "unix");
    ck_assert_uint_eq(log.bytes, 2 * C + 2 + 5 + 1);
    fs_msglog_forget(&log, &b);
    ck_assert_uint_eq(log.bytes, C + 1);
    ck_assert_ptr_null(fs_msglog_get(&log, 0)->passed);
    fs_msglog_fini(&log);
}
END_TEST

/* A traced node message's route: counted with the entry's bytes, next to what
 * was passed, and given back when the entry goes. */
START_TEST(test_route)
{
    struct fs_msglog log;
    fs_msglog_init(&log, 1, 1 << 20);
    fs_msglog_add(&log, 0, &a, true, false, 0, 0, "{}", 2, 2);
    ck_assert_ptr_null(fs_msglog_get(&log, 0)->route);
    fs_msglog_set_route(&log, "main \u2192 kid 12"); /* 15 bytes in UTF-8 */
    fs_msglog_set_passed(&log, "tcp");
    ck_assert_str_eq(fs_msglog_get(&log, 0)->route, "main \u2192 kid 12");
    ck_assert_uint_eq(log.bytes, C + 2 + 16 + 4);
    fs_msglog_set_route(&log, "worker 2 \u2192 main"); /* replaced: 17 bytes */
    ck_assert_uint_eq(log.bytes, C + 2 + 18 + 4);
    fs_msglog_add(&log, 1, &a, true, false, 0, 0, "1", 1, 1); /* evicts it */
    ck_assert_ptr_null(fs_msglog_get(&log, log.n - 1)->route);
    ck_assert_uint_eq(log.bytes, C + 1);
    fs_msglog_fini(&log);
}
END_TEST

/* A flood on one channel leaves the other channels' messages in the log: a
 * first message, a bad frame and a few pings stay while 100,000 arrive from
 * the flood, and what was dropped is the flood's, counted as its own. */
START_TEST(test_flood_keeps_the_others)
{
    struct fs_msglog log;
    static int flood, ping, bad;
    fs_msglog_init(&log, 1000, 1 << 20);
    fs_msglog_add(&log, 0, &ping, true, false, 0, 0, "hello", 5, 5);
    for (int i = 1; i <= 100000; i++) {
        fs_msglog_add(&log, i, &flood, true, false, 0, 0, "{\"n\":1}", 7, 7);
        if (i == 50)
            fs_msglog_add(&log, i, &bad, true, false, 1, 0, "\xff", 1, 1);
        if (i % 30000 == 0)
            fs_msglog_add(&log, i, &ping, true, false, 0, 0, "ping", 4, 4);
    }
    size_t seen_ping = 0, seen_bad = 0, seen_flood = 0;
    double last = -1;
    for (size_t k = 0; k < log.n; k++) {
        const struct fs_msglog_entry *e = fs_msglog_get(&log, k);
        if (e == NULL)
            continue;
        ck_assert(e->t >= last);
        last = e->t;
        seen_ping += e->task == &ping;
        seen_bad += e->task == &bad;
        seen_flood += e->task == &flood;
    }
    ck_assert_uint_eq(seen_ping, 4);
    ck_assert_uint_eq(seen_bad, 1);
    ck_assert_uint_eq(seen_flood + 5, 1000);
    ck_assert_uint_eq(log.live, 1000);
    ck_assert_uint_eq(fs_msglog_dropped(&log, &flood), 100000 - seen_flood);
    ck_assert_uint_eq(fs_msglog_dropped(&log, &ping), 0);
    ck_assert_uint_eq(log.evicted, 100000 - seen_flood);
    ck_assert(fs_msglog_get(&log, log.n - 1)->t == 100000);
    fs_msglog_fini(&log);
}
END_TEST

/* Against a plain model of the rule (a list; evict the oldest entry of the
 * task with the most, the older oldest breaking a tie), under random adds of
 * random sizes from five tasks and an occasional forget: the same entries in
 * the same order, within both bounds, every time. */
#define MODEL_MAX 4000
static struct {
    double t;
    int task;
} model[MODEL_MAX];
static size_t model_n;

/* The model's victim: the index of the oldest entry of the task with most. */
static size_t
model_victim(void)
{
    size_t count[5] = {0}, oldest[5];
    for (size_t i = model_n; i-- > 0;) {
        count[model[i].task]++;
        oldest[model[i].task] = i;
    }
    int v = -1;
    for (int k = 0; k < 5; k++)
        if (count[k] > 0 &&
            (v < 0 || count[k] > count[v] || (count[k] == count[v] && oldest[k] < oldest[v])))
            v = k;
    return oldest[v];
}

START_TEST(test_fair_eviction_matches_model)
{
    static int tasks[5];
    struct fs_msglog log;
    fs_msglog_init(&log, 300, 1 << 20);
    static char payload[3000];
    memset(payload, 'p', sizeof payload);
    unsigned seed = 12345;
    int mismatches = 0;
    model_n = 0;
    for (int step = 0; step < 40000 && mismatches == 0; step++) {
        seed = seed * 1103515245u + 12345u;
        /* Skewed: task 0 floods, the others speak now and then. */
        int task = (seed >> 16) % 10 < 6 ? 0 : 1 + (int)((seed >> 8) % 4);
        if ((seed >> 4) % 5000 == 0) {
            fs_msglog_forget(&log, &tasks[task]);
            size_t w = 0;
            for (size_t i = 0; i < model_n; i++)
                if (model[i].task != task)
                    model[w++] = model[i];
            model_n = w;
            continue;
        }
        size_t len = (seed >> 20) % 7 == 0 ? 2500 : 1 + (seed >> 12) % 40;
        size_t cost = FS_MSGLOG_ENTRY_COST + len;
        size_t bytes = 0;
        for (size_t i = 0; i < log.n; i++)
            if (fs_msglog_get(&log, i) != NULL)
                bytes += FS_MSGLOG_ENTRY_COST + fs_msglog_get(&log, i)->kept;
        /* The model evicts by the same two bounds, with the log's own byte
         * figure before the add (what the log decides on). */
        size_t live = model_n;
        while (live > 0 && (live == log.max_live || bytes + cost > log.max_bytes)) {
            /* The log's entry at the model's victim: its size. */
            size_t victim = model_victim(), seen = 0;
            for (size_t i = 0; i < log.n; i++) {
                const struct fs_msglog_entry *e = fs_msglog_get(&log, i);
                if (e != NULL && seen++ == victim) {
                    bytes -= FS_MSGLOG_ENTRY_COST + e->kept;
                    break;
                }
            }
            memmove(&model[victim], &model[victim + 1], (model_n - victim - 1) * sizeof model[0]);
            model_n--;
            live--;
        }
        fs_msglog_add(&log, step, &tasks[task], true, false, 0, 0, payload, len, len);
        model[model_n].t = step;
        model[model_n].task = task;
        model_n++;
        size_t m = 0;
        for (size_t i = 0; i < log.n; i++) {
            const struct fs_msglog_entry *e = fs_msglog_get(&log, i);
            if (e == NULL)
                continue;
            if (m >= model_n || e->t != model[m].t || e->task != &tasks[model[m].task])
                mismatches++;
            m++;
        }
        if (m != model_n || log.live != model_n || log.bytes > log.max_bytes ||
            log.live > log.max_live || log.n > log.cap)
            mismatches++;
    }
    ck_assert_int_eq(mismatches, 0);
    fs_msglog_fini(&log);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("msglog");
    TCase *tc = tcase_create("msglog");
    tcase_add_test(tc, test_order_and_count_bound);
    tcase_add_test(tc, test_byte_bound_and_cut);
    tcase_add_test(tc, test_tiny_flood_bounded_by_bytes);
    tcase_add_test(tc, test_forget_keeps_order);
    tcase_add_test(tc, test_passed);
    tcase_add_test(tc, test_route);
    tcase_add_test(tc, test_flood_keeps_the_others);
    tcase_add_test(tc, test_fair_eviction_matches_model);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
