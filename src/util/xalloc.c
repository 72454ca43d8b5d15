/*
 * Allocation wrappers: abort with a message on out-of-memory, never return NULL.
 */
#include <config.h>

#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
oom(size_t size)
{
    fprintf(stderr, "forkscope: out of memory allocating %zu bytes\n", size);
    abort();
}

void *
fs_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        oom(size);
    return p;
}

void *
fs_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        oom(n * size);
    return p;
}

void *
fs_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (p == NULL)
        oom(size);
    return p;
}

void *
fs_xreallocarray(void *ptr, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        oom(SIZE_MAX);
    return fs_xrealloc(ptr, n * size);
}

char *
fs_xstrdup(const char *s)
{
    return fs_xstrndup(s, strlen(s));
}

char *
fs_xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = fs_xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
fs_xvasprintf(const char *fmt, va_list ap)
{
    char *p;
    if (vasprintf(&p, fmt, ap) < 0)
        oom(0);
    return p;
}

char *
fs_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = fs_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void
fs_strv_free(char **v)
{
    if (v == NULL)
        return;
    for (char **p = v; *p != NULL; p++)
        free(*p);
    free(v);
}

size_t
fs_strv_len(char *const *v)
{
    size_t n = 0;
    while (v != NULL && v[n] != NULL)
        n++;
    return n;
}

char **
fs_strv_dup(char *const *v)
{
    if (v == NULL)
        return NULL;
    size_t n = fs_strv_len(v);
    char **copy = fs_xreallocarray(NULL, n + 1, sizeof *copy);
    for (size_t i = 0; i < n; i++)
        copy[i] = fs_xstrdup(v[i]);
    copy[n] = NULL;
    return copy;
}

void
fs_strv_push(char ***v, const char *s)
{
    size_t n = fs_strv_len(*v);
    *v = fs_xreallocarray(*v, n + 2, sizeof **v);
    (*v)[n] = fs_xstrdup(s);
    (*v)[n + 1] = NULL;
}
