/*
 * A value dumped for the screen with its reals spelled shortest (jsonshow.h).
 * jansson prints every real with one precision (17 digits by default, enough
 * for any double, too many for most). Here each real of a copy of the value
 * becomes a marked string holding its shortest spelling; the dump is then
 * spliced: each marked string is replaced by its contents. When an original
 * string already holds the marker byte, the whole value falls back to the one
 * precision its reals need together, which is still exact.
 */
#include <config.h>

#include "ipc/jsonshow.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A real's marker: a control byte jansson escapes as \u0001, then 'R'. */
#define MARK "\x01R"
#define MARK_DUMPED "\"\\u0001R"

/* The fewest significant digits ("%.*g") that strtod reads back as d. */
static int
shortest_precision(double d)
{
    char buf[400];
    for (int p = 1; p < 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, d);
        if (strtod(buf, NULL) == d)
            return p;
    }
    return 17;
}

void
fs_jsonshow_real(double d, char *buf, size_t size)
{
    snprintf(buf, size, "%.*g", shortest_precision(d), d);
    /* As JSON, a real keeps a fraction or an exponent: 1.0, not 1. */
    if (strpbrk(buf, ".eEni") == NULL && strlen(buf) + 3 <= size)
        strcat(buf, ".0");
}

/* Whether any string (or key) in v holds the marker byte; every real is
 * looked at all the same, raising *prec to the precision they need together. */
static bool
scan(const json_t *v, int *prec)
{
    const char *key;
    json_t *item;
    size_t i;
    bool found = false;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        json_object_foreach((json_t *)v, key, item)
        {
            found |= strchr(key, MARK[0]) != NULL;
            found |= scan(item, prec);
        }
        break;
    case JSON_ARRAY:
        json_array_foreach(v, i, item)
        {
            found |= scan(item, prec);
        }
        break;
    case JSON_STRING:
        found = memchr(json_string_value(v), MARK[0], json_string_length(v)) != NULL;
        break;
    case JSON_REAL: {
        int p = shortest_precision(json_real_value(v));
        *prec = p > *prec ? p : *prec;
        break;
    }
    default:
        break;
    }
    return found;
}

/* A marked string for a real. */
static json_t *
marked(double d)
{
    char buf[48] = MARK;
    fs_jsonshow_real(d, buf + 2, sizeof buf - 2);
    return json_string(buf);
}

/* Replaces each real in v (a copy, owned here) by its marked string. */
static void
mark(json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, key, item)
        {
            if (json_is_real(item))
                json_object_set_new(v, key, marked(json_real_value(item)));
            else
                mark(item);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, item)
        {
            if (json_is_real(item))
                json_array_set_new(v, i, marked(json_real_value(item)));
            else
                mark(item);
        }
    }
}

/* Removes the quotes and marker around each marked real, in place. */
static void
splice(char *s)
{
    size_t mlen = strlen(MARK_DUMPED);
    char *out = s;
    for (const char *p = s; *p;) {
        if (strncmp(p, MARK_DUMPED, mlen) == 0) {
            p += mlen;
            while (*p && *p != '"')
                *out++ = *p++;
            if (*p == '"')
                p++;
        } else {
            *out++ = *p++;
        }
    }
    *out = '\0';
}

char *
fs_jsonshow_dumps(const json_t *v, size_t flags)
{
    if (v == NULL)
        return NULL;
    int prec = 1;
    if (scan(v, &prec))
        return json_dumps(v, flags | JSON_REAL_PRECISION(prec));
    if (json_is_real(v)) {
        char buf[40];
        fs_jsonshow_real(json_real_value(v), buf, sizeof buf);
        return strdup(buf);
    }
    json_t *copy = json_deep_copy(v);
    if (copy == NULL)
        return NULL;
    mark(copy);
    char *s = json_dumps(copy, flags);
    json_decref(copy);
    if (s != NULL)
        splice(s);
    return s;
}
