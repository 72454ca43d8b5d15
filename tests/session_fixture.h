/*
 * The fixture shared by the session-reader tests (check_config.c and
 * check_config_yaml.c through config_helpers.h, check_pool.c): a session S that each test starts empty, the last error ERR,
 * and parsing a YAML text into S. Include it once, after <check.h>.
 */
#ifndef FS_TEST_SESSION_FIXTURE_H
#define FS_TEST_SESSION_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static struct fs_session S;
static char *ERR;

static void
setup(void)
{
    fs_session_init(&S);
    ERR = NULL;
}

static void
teardown(void)
{
    fs_session_fini(&S);
    free(ERR);
    ERR = NULL;
}

/* Parses text as the file `path` into S; ERR holds the error of a -1. */
static int
yaml_at(const char *path, const char *text)
{
    free(ERR);
    ERR = NULL;
    return fs_config_parse_yaml(&S, path, text, strlen(text), &ERR);
}

static int
yaml(const char *text)
{
    return yaml_at("t.yaml", text);
}

#endif
