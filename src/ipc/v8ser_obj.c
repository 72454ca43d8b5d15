/*
 * The V8 decoder's compound values (see v8ser.c for the cursor and the leaf
 * values): objects, dense and sparse arrays, Map and Set. Each reads its
 * elements through fs_v8_read_value, checks the count V8 wrote after them, and
 * owns what it built until it returns it; on an error it frees it and returns
 * NULL with the reason set on the cursor.
 */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/v8ser_int.h"
#include "util/xalloc.h"

static char *
key_string(struct fs_v8_dec *d, json_t *k, size_t *n)
{
    if (json_is_string(k)) {
        /* Not strndup: the key may hold NUL characters. */
        *n = json_string_length(k);
        char *s = fs_xmalloc(*n + 1);
        memcpy(s, json_string_value(k), *n + 1);
        return s;
    }
    char *s = NULL;
    if (json_is_integer(k))
        s = fs_xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(k));
    else if (json_is_real(k))
        s = fs_xasprintf("%.17g", json_real_value(k));
    else
        fs_v8_fail(d, "object key is not a string or number");
    *n = s ? strlen(s) : 0;
    return s;
}

/* Reads key/value pairs into obj until end_tag, then checks the count. */
static bool
read_props(struct fs_v8_dec *d, json_t *obj, int end_tag)
{
    uint32_t count = 0, expect;
    for (;;) {
        int t = fs_v8_peek_tag(d);
        if (t < 0)
            return fs_v8_fail(d, "truncated: properties not closed"), false;
        if (t == end_tag)
            break;
        json_t *k = fs_v8_read_value(d);
        size_t n = 0;
        char *key = k ? key_string(d, k, &n) : NULL;
        json_decref(k);
        json_t *v = key ? fs_v8_read_value(d) : NULL;
        if (v == NULL) {
            free(key);
            return false;
        }
        json_object_setn_new(obj, key, n, v);
        free(key);
        count++;
    }
    d->p++;
    if (!fs_v8_read_u32(d, &expect))
        return false;
    if (expect != count)
        return fs_v8_fail(d, "property count %u, expected %u", count, expect), false;
    return true;
}

json_t *
fs_v8_read_object(struct fs_v8_dec *d)
{
    json_t *o = json_object();
    if (!read_props(d, o, '{')) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *
fs_v8_read_dense(struct fs_v8_dec *d)
{
    uint32_t len, n2;
    if (!fs_v8_read_u32(d, &len))
        return NULL;
    if (len > fs_v8_left(d))
        return fs_v8_fail(d, "truncated: array of %u elements", len);
    json_t *a = json_array(), *props = json_object();
    for (uint32_t i = 0; i < len; i++) {
        json_t *v;
        if (fs_v8_peek_tag(d) == '-') {
            d->p++;
            v = fs_v8_tagged("$hole", json_true());
        } else if ((v = fs_v8_read_value(d)) == NULL) {
            goto bad;
        }
        json_array_append_new(a, v);
    }
    if (!read_props(d, props, '$') || !fs_v8_read_u32(d, &n2))
        goto bad;
    if (n2 != len)
        return json_decref(a), json_decref(props), fs_v8_fail(d, "array length %u != %u", n2, len);
    if (json_object_size(props) == 0) {
        json_decref(props);
        return a;
    }
    json_t *o = fs_v8_tagged("$array", a);
    json_object_set_new(o, "$props", props);
    return o;
bad:
    json_decref(a);
    json_decref(props);
    return NULL;
}

json_t *
fs_v8_read_sparse(struct fs_v8_dec *d)
{
    uint32_t len, n2;
    json_t *items = json_object();
    if (!fs_v8_read_u32(d, &len) || !read_props(d, items, '@') || !fs_v8_read_u32(d, &n2)) {
        json_decref(items);
        return NULL;
    }
    /* V8 writes many ordinary arrays this way (after a round trip through a
     * child, say): one with every index present and nothing else is shown as
     * the plain array it is. */
    if (json_object_size(items) == len && len <= 1u << 20) {
        json_t *plain = json_array();
        for (uint32_t i = 0; i < len && plain != NULL; i++) {
            char key[16];
            snprintf(key, sizeof key, "%u", i);
            json_t *v = json_object_get(items, key);
            if (v == NULL) {
                json_decref(plain);
                plain = NULL;
            } else {
                json_array_append(plain, v);
            }
        }
        if (plain != NULL) {
            json_decref(items);
            return plain;
        }
    }
    json_t *o = fs_v8_tagged("$sparse", json_integer(len));
    json_object_set_new(o, "items", items);
    return o;
}

/* Map (';' ... ':' n) and Set ('\'' ... ',' n): n counts the values read. */
json_t *
fs_v8_read_collection(struct fs_v8_dec *d, bool map)
{
    json_t *list = json_array(), *pair = NULL;
    uint32_t count = 0, expect;
    int end = map ? ':' : ',';
    for (;;) {
        int t = fs_v8_peek_tag(d);
        if (t < 0) {
            fs_v8_fail(d, "truncated: %s not closed", map ? "Map" : "Set");
            goto bad;
        }
        if (t == end)
            break;
        json_t *v = fs_v8_read_value(d);
        if (v == NULL)
            goto bad;
        count++;
        if (!map) {
            json_array_append_new(list, v);
            continue;
        }
        if (pair == NULL)
            pair = json_array();
        json_array_append_new(pair, v);
        if (json_array_size(pair) == 2) {
            json_array_append_new(list, pair);
            pair = NULL;
        }
    }
    d->p++;
    if (!fs_v8_read_u32(d, &expect))
        goto bad;
    if (expect != count || pair != NULL) {
        fs_v8_fail(d, "%s count %u, expected %u", map ? "Map" : "Set", count, expect);
        goto bad;
    }
    return fs_v8_tagged(map ? "$map" : "$set", list);
bad:
    json_decref(pair);
    json_decref(list);
    return NULL;
}
