/*
 * Helpers shared by the session-reader tests (check_config.c,
 * check_config_yaml.c), on top of session_fixture.h: reading a Procfile or a
 * positional argument into S, finding a task that must be there, checking an
 * argv and an error message, and the path of a fixture file. Include it once,
 * after <check.h>. The functions are static inline so that a test that uses
 * only some of them builds cleanly.
 */
#ifndef FS_TEST_CONFIG_HELPERS_H
#define FS_TEST_CONFIG_HELPERS_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/xalloc.h"

#include "session_fixture.h"

static inline int
procfile(const char *path, const char *text)
{
    free(ERR);
    ERR = NULL;
    return fs_config_parse_procfile(&S, path, text, strlen(text), &ERR);
}

static inline int
arg(const char *a, const char *name)
{
    free(ERR);
    ERR = NULL;
    return fs_config_add_arg(&S, a, name, &ERR);
}

static inline struct fs_task_spec *
task(const char *name)
{
    struct fs_task_spec *t = fs_session_find(&S, name);
    ck_assert_msg(t != NULL, "no task '%s'", name);
    return t;
}

/* Checks argv against the NULL-terminated list of words that follows. */
static inline void
argv_is(char **argv, ...)
{
    va_list ap;
    va_start(ap, argv);
    size_t i = 0;
    ck_assert_ptr_nonnull(argv);
    for (const char *w = va_arg(ap, const char *); w != NULL; w = va_arg(ap, const char *), i++) {
        ck_assert_msg(argv[i] != NULL, "argv[%zu] missing, expected '%s'", i, w);
        ck_assert_str_eq(argv[i], w);
    }
    va_end(ap);
    ck_assert_msg(argv[i] == NULL, "extra argv[%zu] '%s'", i, argv[i] ? argv[i] : "");
}

static inline void
fails_with(int rc, const char *msg)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_nonnull(ERR);
    ck_assert_str_eq(ERR, msg);
}

/* The path of tests/fixtures/config/name (to free). */
static inline char *
fixture(const char *name)
{
    const char *src = getenv("FS_SRCDIR");
    return fs_xasprintf("%s/tests/fixtures/config/%s", src ? src : ".", name);
}

#endif
