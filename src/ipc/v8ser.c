/*
 * The V8 ValueSerializer decoder (see v8ser.h for the display form): the
 * bounds-checked cursor, the value dispatch, and the leaf values (numbers,
 * strings, BigInt, Date, RegExp, Error, host objects, ArrayBuffer) with their
 * display. Objects, arrays, Map and Set are read in v8ser_obj.c, and recurse
 * back through fs_v8_read_value. Every read checks the bytes left, every length
 * is checked against them before anything is allocated, and recursion stops
 * at FS_V8_MAX_DEPTH. The decoder keeps only a count of object ids
 * (back-references are shown, not resolved), so its memory is linear in the
 * input. The encoder is in v8ser_enc.c.
 */
#include <config.h>

#include "ipc/v8ser.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipc/v8ser_int.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define HEAD_BYTES 16
#define BIGINT_MAX_BYTES 1024

json_t *
fs_v8_fail(struct fs_v8_dec *d, const char *fmt, ...)
{
    if (d->err->msg[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->err->msg, sizeof d->err->msg, fmt, ap);
        va_end(ap);
        d->err->offset = (size_t)(d->p - d->start);
    }
    return NULL;
}

int
fs_v8_peek_tag(struct fs_v8_dec *d)
{
    while (d->p < d->end && *d->p == 0x00)
        d->p++;
    return d->p < d->end ? *d->p : -1;
}

static bool
read_varint(struct fs_v8_dec *d, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (d->p == d->end)
            return fs_v8_fail(d, "truncated varint"), false;
        unsigned char b = *d->p++;
        *v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return true;
    }
    return fs_v8_fail(d, "varint too long"), false;
}

bool
fs_v8_read_u32(struct fs_v8_dec *d, uint32_t *v)
{
    uint64_t x;
    if (!read_varint(d, &x))
        return false;
    if (x > UINT32_MAX)
        return fs_v8_fail(d, "varint out of range"), false;
    *v = (uint32_t)x;
    return true;
}

static const unsigned char *
read_bytes(struct fs_v8_dec *d, size_t n)
{
    if (fs_v8_left(d) < n)
        return fs_v8_fail(d, "truncated: %zu bytes needed, %zu left", n, fs_v8_left(d)), NULL;
    const unsigned char *s = d->p;
    d->p += n;
    return s;
}

static bool
read_double(struct fs_v8_dec *d, double *x)
{
    const unsigned char *b = read_bytes(d, 8);
    if (b == NULL)
        return false;
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | b[i];
    memcpy(x, &u, sizeof *x);
    return true;
}

json_t *
fs_v8_tagged(const char *key, json_t *v)
{
    if (v == NULL)
        return NULL;
    json_t *o = json_object();
    json_object_set_new(o, key, v);
    return o;
}

static json_t *
number_json(double x)
{
    if (isnan(x))
        return fs_v8_tagged("$number", json_string("NaN"));
    if (isinf(x))
        return fs_v8_tagged("$number", json_string(x > 0 ? "Infinity" : "-Infinity"));
    if (x == floor(x) && fabs(x) < 9007199254740992.0 && !(x == 0 && signbit(x)))
        return json_integer((json_int_t)x);
    return json_real(x);
}

/* ---- strings ---- */

static void
put_utf8(char *out, size_t *o, uint32_t c)
{
    if (c < 0x80) {
        out[(*o)++] = (char)c;
    } else if (c < 0x800) {
        out[(*o)++] = (char)(0xC0 | c >> 6);
        out[(*o)++] = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out[(*o)++] = (char)(0xE0 | c >> 12);
        out[(*o)++] = (char)(0x80 | (c >> 6 & 0x3F));
        out[(*o)++] = (char)(0x80 | (c & 0x3F));
    } else {
        out[(*o)++] = (char)(0xF0 | c >> 18);
        out[(*o)++] = (char)(0x80 | (c >> 12 & 0x3F));
        out[(*o)++] = (char)(0x80 | (c >> 6 & 0x3F));
        out[(*o)++] = (char)(0x80 | (c & 0x3F));
    }
}

static json_t *
latin1_json(const unsigned char *s, size_t n)
{
    char *out = fs_xmalloc(2 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        put_utf8(out, &o, s[i]);
    json_t *v = json_stringn(out, o);
    free(out);
    return v;
}

static json_t *
utf16_json(const unsigned char *s, size_t n)
{
    char *out = fs_xmalloc(n / 2 * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        uint32_t c = s[i] | (uint32_t)s[i + 1] << 8;
        if (c >= 0xD800 && c < 0xDC00 && i + 3 < n) {
            uint32_t lo = s[i + 2] | (uint32_t)s[i + 3] << 8;
            if (lo >= 0xDC00 && lo < 0xE000) {
                put_utf8(out, &o, 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        put_utf8(out, &o, c >= 0xD800 && c < 0xE000 ? 0xFFFD : c);
    }
    json_t *v = json_stringn(out, o);
    free(out);
    return v;
}

static json_t *
utf8_json(const unsigned char *s, size_t n)
{
    if (fs_utf8_valid((const char *)s, n))
        return json_stringn((const char *)s, n);
    size_t o;
    char *esc = fs_utf8_escape((const char *)s, n, &o);
    json_t *v = json_stringn(esc, o);
    free(esc);
    return v;
}

/* The body of a string whose tag was already read. */
static json_t *
read_string_body(struct fs_v8_dec *d, unsigned char tag)
{
    uint32_t n;
    if (!fs_v8_read_u32(d, &n))
        return NULL;
    const unsigned char *s = read_bytes(d, n);
    if (s == NULL)
        return NULL;
    if (tag == '"')
        return latin1_json(s, n);
    if (tag == 'c') {
        if (n % 2)
            return fs_v8_fail(d, "odd UTF-16 byte length %u", n);
        return utf16_json(s, n);
    }
    return utf8_json(s, n);
}

/* A string value with its tag (message, stack, pattern, boxed string). */
static json_t *
read_string(struct fs_v8_dec *d)
{
    while (d->p < d->end && *d->p == 0x00)
        d->p++;
    if (d->p == d->end)
        return fs_v8_fail(d, "truncated: string expected");
    unsigned char tag = *d->p++;
    if (tag != '"' && tag != 'c' && tag != 'S')
        return fs_v8_fail(d, "string expected, tag 0x%02x", tag);
    return read_string_body(d, tag);
}

/* ---- BigInt, Date, RegExp ---- */

/* The magnitude in little-endian bytes as a decimal string, by repeated
 * division of 32-bit limbs by 10^9. */
static json_t *
bigint_json(const unsigned char *b, size_t n, bool negative)
{
    size_t nl = (n + 3) / 4, digits = 0;
    uint32_t *limb = fs_xcalloc(nl ? nl : 1, sizeof *limb);
    for (size_t i = 0; i < n; i++)
        limb[i / 4] |= (uint32_t)b[i] << (8 * (i % 4));
    char *out = fs_xmalloc(n * 3 + 16);
    char *q = out + n * 3 + 15;
    *q = '\0';
    *--q = 'n';
    for (;;) {
        uint64_t rem = 0;
        bool zero = true;
        for (size_t i = nl; i-- > 0;) {
            uint64_t cur = rem << 32 | limb[i];
            limb[i] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
            zero = zero && limb[i] == 0;
        }
        for (int k = 0; k < 9 && (!zero || rem > 0 || digits == 0); k++, digits++) {
            *--q = (char)('0' + rem % 10);
            rem /= 10;
        }
        if (zero)
            break;
    }
    if (negative && !(digits == 1 && q[0] == '0'))
        *--q = '-';
    json_t *v = json_string(q);
    free(out);
    free(limb);
    return v;
}

static json_t *
read_bigint(struct fs_v8_dec *d)
{
    uint64_t bits;
    if (!read_varint(d, &bits))
        return NULL;
    uint64_t n = bits >> 1;
    if (n > fs_v8_left(d))
        return fs_v8_fail(d, "truncated: BigInt of %llu bytes", (unsigned long long)n);
    const unsigned char *b = read_bytes(d, (size_t)n);
    if (n > BIGINT_MAX_BYTES)
        return fs_v8_tagged("$bigint_bytes", json_integer((json_int_t)n));
    return bigint_json(b, (size_t)n, bits & 1);
}

static json_t *
date_json(double ms)
{
    if (!isfinite(ms) || fabs(ms) > 8.64e15)
        return fs_v8_tagged("$date", json_string("Invalid Date"));
    double secs = floor(ms / 1000.0);
    int msr = (int)(ms - secs * 1000.0);
    time_t t = (time_t)secs;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL)
        return fs_v8_tagged("$date", json_string("Invalid Date"));
    char buf[64];
    int year = tm.tm_year + 1900;
    snprintf(buf, sizeof buf,
             year >= 0 && year <= 9999 ? "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ"
                                       : "%+07d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, msr);
    return fs_v8_tagged("$date", json_string(buf));
}

static json_t *
read_regexp(struct fs_v8_dec *d)
{
    static const struct {
        uint32_t bit;
        char c;
    } flags[] = {{128, 'd'}, {1, 'g'},  {2, 'i'},   {4, 'm'},
                 {32, 's'},  {16, 'u'}, {256, 'v'}, {8, 'y'}};
    json_t *pat = read_string(d);
    uint32_t f;
    if (pat == NULL || !fs_v8_read_u32(d, &f)) {
        json_decref(pat);
        return NULL;
    }
    char fl[16];
    size_t k = 0;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (f & flags[i].bit)
            fl[k++] = flags[i].c;
    fl[k] = '\0';
    size_t n = json_string_length(pat);
    char *s = fs_xmalloc(n + sizeof fl + 2);
    s[0] = '/';
    memcpy(s + 1, json_string_value(pat), n);
    s[n + 1] = '/';
    memcpy(s + n + 2, fl, k + 1);
    json_t *v = fs_v8_tagged("$regexp", json_stringn(s, n + 2 + k));
    free(s);
    json_decref(pat);
    return v;
}

/* ---- Error, host objects, ArrayBuffer ---- */

static const char *
error_name(unsigned char t)
{
    switch (t) {
    case 'E':
        return "EvalError";
    case 'R':
        return "RangeError";
    case 'F':
        return "ReferenceError";
    case 'S':
        return "SyntaxError";
    case 'T':
        return "TypeError";
    case 'U':
        return "URIError";
    default:
        return NULL;
    }
}

static json_t *
read_error(struct fs_v8_dec *d)
{
    json_t *e = json_object();
    json_object_set_new(e, "name", json_string("Error"));
    for (;;) {
        const unsigned char *t = read_bytes(d, 1);
        json_t *v = NULL;
        if (t == NULL)
            break;
        if (*t == '.')
            return fs_v8_tagged("$error", e);
        if (error_name(*t))
            v = json_string(error_name(*t));
        else if (*t == 'm' || *t == 's')
            v = read_string(d);
        else if (*t == 'c')
            v = fs_v8_read_value(d);
        else
            fs_v8_fail(d, "unknown Error field 0x%02x", *t);
        if (v == NULL)
            break;
        const char *key = *t == 'm'   ? "message"
                          : *t == 's' ? "stack"
                          : *t == 'c' ? "cause"
                                      : "name";
        json_object_set_new(e, key, v);
    }
    json_decref(e);
    return NULL;
}

const struct fs_v8_view_type fs_v8_view_types[] = {
    {"Int8Array", 1},      {"Uint8Array", 1},   {"Uint8ClampedArray", 1},
    {"Int16Array", 2},     {"Uint16Array", 2},  {"Int32Array", 4},
    {"Uint32Array", 4},    {"Float32Array", 4}, {"Float64Array", 8},
    {"DataView", 1},       {"Buffer", 1},       {"BigInt64Array", 8},
    {"BigUint64Array", 8},
};
const size_t fs_v8_nview_types = sizeof fs_v8_view_types / sizeof fs_v8_view_types[0];

static json_t *
bytes_json(const char *type, const unsigned char *b, size_t n, unsigned elem)
{
    static const char hex[] = "0123456789abcdef";
    char head[2 * HEAD_BYTES + 1];
    size_t k = n < HEAD_BYTES ? n : HEAD_BYTES;
    for (size_t i = 0; i < k; i++) {
        head[2 * i] = hex[b[i] >> 4];
        head[2 * i + 1] = hex[b[i] & 15];
    }
    head[2 * k] = '\0';
    json_t *o = json_object();
    json_object_set_new(o, "$type", json_string(type));
    if (elem)
        json_object_set_new(o, "length", json_integer((json_int_t)(n / elem)));
    json_object_set_new(o, "byteLength", json_integer((json_int_t)n));
    json_object_set_new(o, "head", json_string(head));
    return o;
}

/* Node's IPC host objects: 0 = an ArrayBufferView, 1 = a value follows. */
static json_t *
read_host(struct fs_v8_dec *d)
{
    uint32_t kind, type, n;
    if (!fs_v8_read_u32(d, &kind))
        return NULL;
    if (kind == 1)
        return fs_v8_tagged("$host", fs_v8_read_value(d));
    if (kind != 0)
        return fs_v8_fail(d, "unknown host object kind %u", kind);
    if (!fs_v8_read_u32(d, &type) || !fs_v8_read_u32(d, &n))
        return NULL;
    if (type >= fs_v8_nview_types)
        return fs_v8_fail(d, "unknown ArrayBufferView type %u", type);
    const unsigned char *b = read_bytes(d, n);
    if (b == NULL)
        return NULL;
    return bytes_json(fs_v8_view_types[type].name, b, n, fs_v8_view_types[type].elem);
}

static json_t *
read_array_buffer(struct fs_v8_dec *d)
{
    uint32_t n;
    if (!fs_v8_read_u32(d, &n))
        return NULL;
    const unsigned char *b = read_bytes(d, n);
    if (b == NULL)
        return NULL;
    return bytes_json("ArrayBuffer", b, n, 0);
}

/* ---- values ---- */

static json_t *
read_boxed(struct fs_v8_dec *d, unsigned char tag)
{
    double x;
    switch (tag) {
    case 'y':
        return fs_v8_tagged("$boxed", json_true());
    case 'x':
        return fs_v8_tagged("$boxed", json_false());
    case 'n':
        return read_double(d, &x) ? fs_v8_tagged("$boxed", number_json(x)) : NULL;
    case 's':
        return fs_v8_tagged("$boxed", read_string(d));
    default:
        return fs_v8_tagged("$boxed", read_bigint(d));
    }
}

/* Values that are objects to V8 and so take the next back-reference id. */
static json_t *
read_receiver(struct fs_v8_dec *d, unsigned char tag)
{
    double x;
    d->next_id++;
    switch (tag) {
    case 'o':
        return fs_v8_read_object(d);
    case 'A':
        return fs_v8_read_dense(d);
    case 'a':
        return fs_v8_read_sparse(d);
    case ';':
        return fs_v8_read_collection(d, true);
    case '\'':
        return fs_v8_read_collection(d, false);
    case 'D':
        return read_double(d, &x) ? date_json(x) : NULL;
    case 'R':
        return read_regexp(d);
    case 'r':
        return read_error(d);
    case 0x5C:
        return read_host(d);
    case 'B':
        return read_array_buffer(d);
    default:
        return read_boxed(d, tag);
    }
}

static json_t *
read_scalar(struct fs_v8_dec *d, unsigned char tag)
{
    uint32_t u;
    double x;
    switch (tag) {
    case '_':
        return fs_v8_tagged("$undefined", json_true());
    case '0':
        return json_null();
    case 'T':
        return json_true();
    case 'F':
        return json_false();
    case 'I':
        if (!fs_v8_read_u32(d, &u))
            return NULL;
        return json_integer((json_int_t)(u >> 1) ^ -(json_int_t)(u & 1));
    case 'U':
        return fs_v8_read_u32(d, &u) ? json_integer(u) : NULL;
    case 'N':
        return read_double(d, &x) ? number_json(x) : NULL;
    case 'Z':
        return read_bigint(d);
    case '"':
    case 'c':
    case 'S':
        return read_string_body(d, tag);
    case '^':
        if (!fs_v8_read_u32(d, &u))
            return NULL;
        if (u >= d->next_id)
            return fs_v8_fail(d, "back-reference to unknown object %u", u);
        return fs_v8_tagged("$ref", json_integer(u));
    default:
        return fs_v8_fail(d, "unknown tag 0x%02x", tag);
    }
}

json_t *
fs_v8_read_value(struct fs_v8_dec *d)
{
    if (d->depth >= FS_V8_MAX_DEPTH)
        return fs_v8_fail(d, "nested deeper than %d", FS_V8_MAX_DEPTH);
    if (fs_v8_peek_tag(d) < 0)
        return fs_v8_fail(d, "truncated: value expected");
    unsigned char tag = *d->p++;
    d->depth++;
    json_t *v =
        strchr("oAa;'DRr\\Byxnsz", tag) && tag != 0 ? read_receiver(d, tag) : read_scalar(d, tag);
    d->depth--;
    if (v == NULL)
        fs_v8_fail(d, "cannot decode tag 0x%02x", tag);
    return v;
}

json_t *
fs_v8_decode(const void *data, size_t len, struct fs_v8_error *err)
{
    struct fs_v8_error dummy;
    struct fs_v8_dec d = {data, data, (const unsigned char *)data + len, 0, 0, err ? err : &dummy};
    uint32_t version;
    memset(d.err, 0, sizeof *d.err);
    d.err->size = len;
    if (len == 0 || *d.p++ != 0xFF)
        return fs_v8_fail(&d, "no serializer header (0xFF)");
    if (!fs_v8_read_u32(&d, &version))
        return NULL;
    if (version < 13)
        return fs_v8_fail(&d, "unsupported format version %u", version);
    return fs_v8_read_value(&d);
}
