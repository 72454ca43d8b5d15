/*
 * Probe specs: defaults, copies, names. What a probe checks is in
 * model/probe.h; running one is app/probe.c's.
 */
#include <config.h>

#include "model/probe.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const kind_names[] = {"log", "tcp", "http", "shell", "cmd"};

struct fs_probe *
fs_probe_new(enum fs_probe_kind kind)
{
    struct fs_probe *p = fs_xcalloc(1, sizeof *p);
    p->kind = kind;
    p->interval = 1.0;
    p->timeout = 1.0;
    p->initial_delay = 0.0;
    p->retries = 3;
    return p;
}

void
fs_probe_free(struct fs_probe *p)
{
    if (p == NULL)
        return;
    free(p->pattern);
    free(p->host);
    free(p->url);
    free(p->path);
    free(p->shell);
    fs_strv_free(p->argv);
    free(p);
}

static char *
dup_or_null(const char *s)
{
    return s != NULL ? fs_xstrdup(s) : NULL;
}

struct fs_probe *
fs_probe_copy(const struct fs_probe *p)
{
    if (p == NULL)
        return NULL;
    struct fs_probe *c = fs_xmalloc(sizeof *c);
    *c = *p;
    c->pattern = dup_or_null(p->pattern);
    c->host = dup_or_null(p->host);
    c->url = dup_or_null(p->url);
    c->path = dup_or_null(p->path);
    c->shell = dup_or_null(p->shell);
    c->argv = fs_strv_dup(p->argv);
    return c;
}

const char *
fs_probe_kind_name(enum fs_probe_kind kind)
{
    return (unsigned)kind < sizeof kind_names / sizeof *kind_names ? kind_names[kind] : "?";
}
