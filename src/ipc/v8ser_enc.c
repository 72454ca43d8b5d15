/*
 * The V8 ValueSerializer encoder (see v8ser.h): writes for a JSON value the
 * bytes node's v8.serialize() writes for JSON.parse() of the same text. The
 * rules that make it byte-exact, each checked against node 20:
 *  - an integral number in int32 range (not -0) is a Smi: 'I' zigzag varint;
 *    every other number is 'N', a little-endian double;
 *  - an array of numbers only, any of them not a Smi, is a double array to V8:
 *    all its elements are written as 'N';
 *  - a string whose code points all fit a byte is Latin-1 ('"'), else UTF-16LE
 *    ('c') after a 0x00 pad if needed so the code units are 2-byte aligned;
 *  - object keys that are array indices (canonical decimal < 2^32 - 1) come
 *    first, ascending, written as numbers; the other keys follow in order.
 * It cannot reproduce V8's hidden-class effects: a process that has seen
 * {"a":1.5} may write a later {"a":1.0} with 'N'. Both decode the same.
 *
 * The display forms of v8ser.h for what JSON lacks are written as the real
 * thing, so what forkscope shows can be sent back (doc/protocol.md): "123n"
 * is a BigInt, {"$map":[[k,v],..]} a Map, {"$set":[..]} a Set, {"$date":ISO
 * or ms} a Date, {"$type":"Buffer","head":"hex of every byte"} a Buffer (or
 * any other ArrayBufferView type), each as node writes it.
 */
#include <config.h>

#include "ipc/v8ser.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipc/v8ser_int.h"
#include "util/xalloc.h"

/* The longest BigInt literal taken (the conversion is quadratic in it). */
#define BIGINT_MAX_DIGITS 10000

struct enc {
    unsigned char *b;
    size_t len, cap;
    int depth;
    char *err; /* why a value cannot be written; NULL: nesting too deep */
};

/* Records why the value cannot be written (the first reason wins). */
static bool __attribute__((format(printf, 2, 3))) enc_fail(struct enc *e, const char *fmt, ...)
{
    if (e->err == NULL) {
        va_list ap;
        va_start(ap, fmt);
        e->err = fs_xvasprintf(fmt, ap);
        va_end(ap);
    }
    return false;
}

static void
put(struct enc *e, const void *p, size_t n)
{
    if (e->len + n > e->cap) {
        e->cap = e->cap ? e->cap * 2 : 256;
        while (e->cap < e->len + n)
            e->cap *= 2;
        e->b = fs_xrealloc(e->b, e->cap);
    }
    memcpy(e->b + e->len, p, n);
    e->len += n;
}

static void
put_byte(struct enc *e, unsigned char c)
{
    put(e, &c, 1);
}

static size_t
varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static void
put_varint(struct enc *e, uint64_t v)
{
    while (v >= 0x80) {
        put_byte(e, (unsigned char)(v | 0x80));
        v >>= 7;
    }
    put_byte(e, (unsigned char)v);
}

static void
put_double(struct enc *e, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    put_byte(e, 'N');
    for (int i = 0; i < 8; i++)
        put_byte(e, (unsigned char)(u >> (8 * i)));
}

/* V8 keeps an integral number in int32 range as a Smi ('I'), -0 excepted. */
static bool
is_smi(json_t *v, int32_t *out)
{
    double x = json_number_value(v);
    if (json_is_integer(v)
            ? json_integer_value(v) < INT32_MIN || json_integer_value(v) > INT32_MAX
            : !(x == floor(x) && x >= INT32_MIN && x <= INT32_MAX) || (x == 0 && signbit(x)))
        return false;
    *out = json_is_integer(v) ? (int32_t)json_integer_value(v) : (int32_t)x;
    return true;
}

static void
put_number(struct enc *e, json_t *v, bool as_double)
{
    int32_t i;
    if (!as_double && is_smi(v, &i)) {
        put_byte(e, 'I');
        put_varint(e, ((uint32_t)i << 1) ^ (uint32_t)(i >> 31));
    } else {
        put_double(e, json_number_value(v));
    }
}

/* Decodes one code point of valid UTF-8 (jansson's strings are). */
static uint32_t
next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t c;
    if (s[0] < 0x80) {
        c = s[0];
        *p += 1;
    } else if (s[0] < 0xE0) {
        c = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
        *p += 2;
    } else if (s[0] < 0xF0) {
        c = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        *p += 3;
    } else {
        c = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
            (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
        *p += 4;
    }
    return c;
}

/* Latin-1 ('"') when every code point fits a byte, as V8's one-byte strings;
 * else UTF-16LE ('c'), padded so the code units are 2-byte aligned. */
static void
put_string(struct enc *e, const char *str, size_t n)
{
    const unsigned char *p = (const unsigned char *)str, *end = p + n;
    size_t units = 0;
    bool wide = false;
    while (p < end) {
        uint32_t c = next_cp(&p);
        wide = wide || c > 0xFF;
        units += c >= 0x10000 ? 2 : 1;
    }
    if (!wide) {
        put_byte(e, '"');
        put_varint(e, units);
    } else {
        if ((e->len + 1 + varint_size(units * 2)) & 1)
            put_byte(e, 0x00);
        put_byte(e, 'c');
        put_varint(e, units * 2);
    }
    for (p = (const unsigned char *)str; p < end;) {
        uint32_t c = next_cp(&p);
        if (!wide) {
            put_byte(e, (unsigned char)c);
        } else if (c < 0x10000) {
            unsigned char u[2] = {(unsigned char)c, (unsigned char)(c >> 8)};
            put(e, u, 2);
        } else {
            uint32_t hi = 0xD800 + ((c - 0x10000) >> 10), lo = 0xDC00 + (c & 0x3FF);
            unsigned char u[4] = {(unsigned char)hi, (unsigned char)(hi >> 8), (unsigned char)lo,
                                  (unsigned char)(lo >> 8)};
            put(e, u, 4);
        }
    }
}

struct okey {
    uint32_t index; /* for array-index keys */
    const char *key;
    size_t len;
    json_t *value;
};

/* An array index as V8 defines it: canonical decimal below 2^32 - 1. */
static bool
is_index(const char *k, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 10 || (n > 1 && k[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (k[i] < '0' || k[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(k[i] - '0');
    }
    *out = (uint32_t)v;
    return v < UINT32_MAX;
}

static int
cmp_index(const void *a, const void *b)
{
    uint32_t x = ((const struct okey *)a)->index, y = ((const struct okey *)b)->index;
    return x < y ? -1 : x > y;
}

static bool put_value(struct enc *e, json_t *v, bool as_double);

/* V8 orders integer keys first, ascending, and writes them as numbers. */
static bool
put_object(struct enc *e, json_t *o)
{
    size_t n = json_object_size(o), ni = 0, klen;
    struct okey *keys = fs_xcalloc(n ? n : 1, sizeof *keys), *strs = keys + n;
    const char *k;
    json_t *v;
    json_object_keylen_foreach(o, k, klen, v)
    {
        struct okey ok = {0, k, klen, v};
        if (is_index(k, klen, &ok.index))
            keys[ni++] = ok;
        else
            *--strs = ok;
    }
    qsort(keys, ni, sizeof *keys, cmp_index);
    put_byte(e, 'o');
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        /* String keys were stored from the end backwards: restore their order. */
        struct okey *kv = i < ni ? &keys[i] : &keys[n - 1 - (i - ni)];
        if (i < ni) {
            json_t *num = json_integer(kv->index);
            put_number(e, num, false);
            json_decref(num);
        } else {
            put_string(e, kv->key, kv->len);
        }
        ok = put_value(e, kv->value, false);
    }
    put_byte(e, '{');
    put_varint(e, n);
    free(keys);
    return ok;
}

/* Arrays of numbers only, not all Smis, are double arrays to V8: every
 * element is then written as a double. */
static bool
put_array(struct enc *e, json_t *a)
{
    size_t n = json_array_size(a), i;
    bool doubles = n > 0, any_heap = false;
    int32_t smi;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        doubles = doubles && json_is_number(v);
        any_heap = any_heap || (json_is_number(v) && !is_smi(v, &smi));
    }
    doubles = doubles && any_heap;
    put_byte(e, 'A');
    put_varint(e, n);
    json_array_foreach(a, i, v)
    {
        if (!put_value(e, v, doubles))
            return false;
    }
    put_byte(e, '$');
    put_varint(e, 0);
    put_varint(e, n);
    return true;
}

/* ---- the display forms of what JSON lacks ---------------------------------------------- */

/* "123n", "-5n": a BigInt literal, as the decoder shows one. */
static bool
is_bigint(const char *s, size_t n)
{
    size_t i = n > 0 && s[0] == '-';
    if (n < i + 2 || s[n - 1] != 'n' || (s[i] == '0' && n - i > 2))
        return false;
    for (; i < n - 1; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* 'Z', the sign and byte length (whole 64-bit digits) as a varint, then the
 * magnitude in little-endian bytes, built by multiplying by ten. */
static bool
put_bigint(struct enc *e, const char *s, size_t n)
{
    bool neg = s[0] == '-';
    size_t digits = n - 1 - neg;
    if (digits > BIGINT_MAX_DIGITS)
        return enc_fail(e, "BigInt %.20s... has more than %d digits", s, BIGINT_MAX_DIGITS);
    size_t cap = digits / 2 + 16, used = 0;
    unsigned char *b = fs_xcalloc(cap, 1);
    for (size_t k = neg; k < n - 1; k++) {
        unsigned carry = (unsigned)(s[k] - '0');
        for (size_t i = 0; i < used; i++) {
            unsigned x = b[i] * 10u + carry;
            b[i] = (unsigned char)x;
            carry = x >> 8;
        }
        if (carry)
            b[used++] = (unsigned char)carry;
    }
    size_t bytes = (used + 7) / 8 * 8;
    put_byte(e, 'Z');
    put_varint(e, (uint64_t)bytes << 1 | (neg && used > 0));
    put(e, b, bytes);
    free(b);
    return true;
}

/* A Map's [key, value] pairs or a Set's values, then its end and count. */
static bool
put_collection(struct enc *e, json_t *list, bool map)
{
    const char *what = map ? "$map" : "$set";
    if (!json_is_array(list))
        return enc_fail(e, "%s takes an array of %s", what, map ? "[key, value] pairs" : "values");
    size_t i;
    json_t *v;
    put_byte(e, map ? ';' : '\'');
    json_array_foreach(list, i, v)
    {
        if (map && !(json_is_array(v) && json_array_size(v) == 2))
            return enc_fail(e, "$map entry %zu is not a [key, value] pair", i);
        if (map ? !put_value(e, json_array_get(v, 0), false) ||
                      !put_value(e, json_array_get(v, 1), false)
                : !put_value(e, v, false))
            return false;
    }
    put_byte(e, map ? ':' : ',');
    put_varint(e, json_array_size(list) * (map ? 2 : 1));
    return true;
}

/* 'D' and the time in ms as a raw double: from milliseconds since the epoch,
 * "YYYY-MM-DDTHH:MM:SS[.sss]Z", or "Invalid Date" (NaN). */
static bool
put_date(struct enc *e, json_t *v)
{
    double ms = NAN;
    const char *s = json_string_value(v);
    if (json_is_number(v)) {
        ms = json_number_value(v);
    } else if (s != NULL && strcmp(s, "Invalid Date") != 0) {
        struct tm tm = {0};
        const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
        double frac = 0;
        size_t digits = rest != NULL && *rest == '.' ? strspn(rest + 1, "0123456789") : 0;
        if (digits > 0) {
            frac = strtod(rest, NULL);
            rest += 1 + digits;
        }
        if (rest == NULL || strcmp(rest, "Z") != 0)
            return enc_fail(e, "$date \"%.40s\" is not YYYY-MM-DDTHH:MM:SS.sssZ", s);
        ms = (double)timegm(&tm) * 1000.0 + round(frac * 1000.0);
    } else if (s == NULL) {
        return enc_fail(e, "$date takes an ISO 8601 string or milliseconds");
    }
    uint64_t u;
    memcpy(&u, &ms, sizeof u);
    put_byte(e, 'D');
    for (int i = 0; i < 8; i++)
        put_byte(e, (unsigned char)(u >> (8 * i)));
    return true;
}

/* The value of an optional size key: -1 when absent, -2 when not a size. */
static json_int_t
size_key(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL)
        return -1;
    return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -2;
}

static unsigned
hex_digit(char c)
{
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

/* Node's IPC host object for an ArrayBufferView: 0x5C, 0, its type, its byte
 * length, the bytes (every one of them in "head"; length and byteLength, when
 * given, must agree). */
static bool
put_view(struct enc *e, json_t *o)
{
    const char *type = json_string_value(json_object_get(o, "$type"));
    const char *hex = json_string_value(json_object_get(o, "head"));
    size_t t = 0;
    while (t < fs_v8_nview_types && strcmp(fs_v8_view_types[t].name, type) != 0)
        t++;
    if (t == fs_v8_nview_types)
        return enc_fail(e, "$type \"%.40s\" is not a Buffer or typed array forkscope can send",
                        type);
    size_t n = strlen(hex) / 2, elem = fs_v8_view_types[t].elem;
    json_int_t len = size_key(o, "length"), blen = size_key(o, "byteLength");
    if (blen == -2 || len == -2 || (blen >= 0 && (size_t)blen != n) ||
        (len >= 0 && (size_t)len * elem != n))
        return enc_fail(e,
                        "%s: head holds %zu bytes, not what length and byteLength say "
                        "(to send it, head must hold every byte)",
                        type, n);
    if (n % elem != 0)
        return enc_fail(e, "%s: %zu bytes are not whole elements of %zu", type, n, elem);
    if (strlen(hex) % 2 != 0 || strspn(hex, "0123456789abcdefABCDEF") != strlen(hex))
        return enc_fail(e, "%s: head is not bytes in hexadecimal", type);
    unsigned char *b = fs_xmalloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(hex_digit(hex[2 * i]) << 4 | hex_digit(hex[2 * i + 1]));
    put_byte(e, 0x5C);
    put_varint(e, 0);
    put_varint(e, t);
    put_varint(e, n);
    put(e, b, n);
    free(b);
    return true;
}

/* Whether o is a $type form: "$type" and "head" strings, and no key but
 * those, length and byteLength. */
static bool
is_view(json_t *o)
{
    const char *k;
    json_t *v;
    if (!json_is_string(json_object_get(o, "$type")) || !json_is_string(json_object_get(o, "head")))
        return false;
    json_object_foreach(o, k, v)
    {
        if (strcmp(k, "$type") != 0 && strcmp(k, "head") != 0 && strcmp(k, "length") != 0 &&
            strcmp(k, "byteLength") != 0)
            return false;
    }
    return true;
}

/* An object that is one of the forms: written as what it stands for, and
 * true in *done; other objects are left to put_object. */
static bool
put_form(struct enc *e, json_t *o, bool *done)
{
    *done = true;
    if (json_object_size(o) == 1) {
        if (json_object_get(o, "$map") != NULL)
            return put_collection(e, json_object_get(o, "$map"), true);
        if (json_object_get(o, "$set") != NULL)
            return put_collection(e, json_object_get(o, "$set"), false);
        if (json_object_get(o, "$date") != NULL)
            return put_date(e, json_object_get(o, "$date"));
    }
    if (is_view(o))
        return put_view(e, o);
    *done = false;
    return true;
}

static bool
put_value(struct enc *e, json_t *v, bool as_double)
{
    bool ok = true;
    if (++e->depth > FS_V8_MAX_DEPTH)
        return false;
    switch (json_typeof(v)) {
    case JSON_NULL:
        put_byte(e, '0');
        break;
    case JSON_TRUE:
        put_byte(e, 'T');
        break;
    case JSON_FALSE:
        put_byte(e, 'F');
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        put_number(e, v, as_double);
        break;
    case JSON_STRING:
        if (is_bigint(json_string_value(v), json_string_length(v)))
            ok = put_bigint(e, json_string_value(v), json_string_length(v));
        else
            put_string(e, json_string_value(v), json_string_length(v));
        break;
    case JSON_ARRAY:
        ok = put_array(e, v);
        break;
    case JSON_OBJECT: {
        bool done;
        ok = put_form(e, v, &done);
        if (!done)
            ok = put_object(e, v);
        break;
    }
    }
    e->depth--;
    return ok;
}

unsigned char *
fs_v8_encode(json_t *v, size_t *len, char **err)
{
    struct enc e = {NULL, 0, 0, 0, NULL};
    put_byte(&e, 0xFF);
    put_byte(&e, FS_V8_VERSION);
    if (!put_value(&e, v, false)) {
        free(e.b);
        if (e.err == NULL)
            e.err = fs_xasprintf("value nested deeper than %d levels", FS_V8_MAX_DEPTH);
        if (err)
            *err = e.err;
        else
            free(e.err);
        return NULL;
    }
    *len = e.len;
    return e.b;
}
