/*
 * Random JSON for the tests that compare a scanner with jansson
 * (check_jsontext.c, check_jsoncheck.c): texts glued from pieces, mostly
 * invalid, and values built with jansson, the texts a Node child sends.
 */
#ifndef FS_TEST_JSON_RANDOM_H
#define FS_TEST_JSON_RANDOM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Up to 12 of the n pieces, glued, NUL-terminated; returns the length. */
static size_t
json_random_pieces(char *buf, size_t cap, unsigned *seed, const char *const *pieces, size_t n)
{
    size_t len = 0, count = 1 + (size_t)rand_r(seed) % 12;
    for (size_t i = 0; i < count; i++) {
        const char *p = pieces[(size_t)rand_r(seed) % n];
        size_t pl = strlen(p);
        if (len + pl >= cap)
            break;
        memcpy(buf + len, p, pl);
        len += pl;
    }
    buf[len] = '\0';
    return len;
}

/* A value of a few levels: integers, strings with escapes and UTF-8, literals,
 * arrays, objects (reals too when `reals`). */
static json_t *
json_random_value(unsigned *seed, int depth, bool reals)
{
    int scalars = reals ? 5 : 4;
    int k = rand_r(seed) % (depth > 3 ? scalars : scalars + 2);
    if (k == 3 && reals)
        return json_real((double)rand_r(seed) / 7.0 - 1000.0);
    if (k >= 3 && reals)
        k--;
    switch (k) {
    case 0:
        return json_integer((json_int_t)(rand_r(seed) % 2000000) - 1000000);
    case 1:
        return json_string(rand_r(seed) % 2 ? "x\"y\\z\n\t/" : "\xe2\x9c\x93 ok \xf0\x9f\x98\x80");
    case 2:
        return rand_r(seed) % 2 ? json_true() : json_null();
    case 3:
        return json_string("");
    case 4: {
        json_t *a = json_array();
        for (int i = rand_r(seed) % 4; i > 0; i--)
            json_array_append_new(a, json_random_value(seed, depth + 1, reals));
        return a;
    }
    default: {
        json_t *o = json_object();
        static const char *const keys[] = {"i", "cmd", "", "\xc3\xa9", "k\"q"};
        for (int i = rand_r(seed) % 4; i > 0; i--)
            json_object_set_new(o, keys[rand_r(seed) % 5],
                                json_random_value(seed, depth + 1, reals));
        return o;
    }
    }
}

#endif
