/*
 * Helpers shared by the worker tests (check_worker.c, check_worker_modules.c,
 * check_worker_plugin.c): collecting the messages drained from a port, a
 * monotonic clock and a sleep, and finishing a worker as the loop would. The
 * functions are static inline so that a test that uses only some of them
 * builds cleanly.
 */
#ifndef FS_TEST_WORKER_HELPERS_H
#define FS_TEST_WORKER_HELPERS_H

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/xalloc.h"
#include "worker/port.h"
#include "worker/thread.h"

/* Messages drained from a port, kept in order. */
struct got {
    char **msgs;
    size_t n, cap;
};

static inline void
got_cb(void *arg, const char *json, size_t len)
{
    struct got *g = arg;

    ck_assert_uint_eq(strlen(json), len);
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 16;
        g->msgs = fs_xreallocarray(g->msgs, g->cap, sizeof *g->msgs);
    }
    g->msgs[g->n++] = fs_xstrdup(json);
}

static inline void
got_free(struct got *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->msgs[i]);
    free(g->msgs);
    memset(g, 0, sizeof *g);
}

/* The last message that contains `key`, or NULL. */
static inline const char *
got_find(const struct got *g, const char *key)
{
    for (size_t i = g->n; i > 0; i--) {
        if (strstr(g->msgs[i - 1], key) != NULL)
            return g->msgs[i - 1];
    }
    return NULL;
}

static inline double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Drains until the worker is done (like the loop would), joins, drains the rest. */
static inline int
finish(struct fs_worker *w, struct fs_port *p, struct got *g)
{
    int rc;

    while (!fs_worker_done(w)) {
        fs_port_drain(p, got_cb, g);
        sleep_ms(1);
    }
    rc = fs_worker_join(w);
    fs_port_drain(p, got_cb, g);
    return rc;
}

#endif
