/*
 * A JSON recognizer that allocates nothing (jsoncheck.h says why it exists).
 * It walks the grammar with a stack of one bit per open container and checks
 * strings as strict UTF-8. Wherever jansson could disagree with plain RFC 8259
 * (NUL bytes, \u0000, surrogate escapes, nesting depth, doubles that
 * overflow), it does not decide and leaves the text to jansson.
 */
#include <config.h>

#include "ipc/jsoncheck.h"

#include <jansson.h>
#include <stdint.h>

#include "ipc/ipc.h"

/* Digits before the point plus the exponent: below this the value is under
 * 10^308 and strtod cannot overflow. */
#define MAX_MAGNITUDE 308

static const unsigned char *
skip_ws(const unsigned char *p, const unsigned char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

static int
hex4(const unsigned char *p, const unsigned char *end)
{
    if (end - p < 4)
        return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* p is after a backslash: the end of the escape, or NULL. */
static const unsigned char *
escape_end(const unsigned char *p, const unsigned char *end)
{
    if (p == end)
        return NULL;
    if (*p != 'u') {
        static const char simple[] = "\"\\/bfnrt";
        for (const char *s = simple; *s; s++)
            if (*p == (unsigned char)*s)
                return p + 1;
        return NULL;
    }
    int u = hex4(p + 1, end);
    if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF))
        return NULL; /* \u0000 (jansson refuses it in keys), a lone low half */
    p += 5;
    if (u < 0xD800 || u > 0xDBFF)
        return p;
    /* A high surrogate needs its low half right after it. */
    if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
        return NULL;
    int lo = hex4(p + 2, end);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return NULL;
    return p + 6;
}

/* p is on a byte >= 0x80: the end of its UTF-8 sequence, or NULL (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static const unsigned char *
utf8_end(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = *p;
    int n;
    unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return NULL;
    }
    if (end - p <= n || p[1] < lo || p[1] > hi)
        return NULL;
    for (int i = 2; i <= n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return NULL;
    return p + n + 1;
}

/* p is on the opening quote: the end of the string, or NULL. */
static const unsigned char *
string_end(const unsigned char *p, const unsigned char *end)
{
    p++;
    while (p < end) {
        unsigned char c = *p;
        if (c == '"')
            return p + 1;
        if (c >= 0x20 && c < 0x80 && c != '\\')
            p++;
        else if (c == '\\')
            p = escape_end(p + 1, end);
        else if (c >= 0x80)
            p = utf8_end(p, end);
        else
            return NULL; /* a control character */
        if (p == NULL)
            return NULL;
    }
    return NULL;
}

/* The end of a number token, or NULL. */
static const unsigned char *
number_end(const unsigned char *p, const unsigned char *end)
{
    if (*p == '-')
        p++;
    if (p == end || *p < '0' || *p > '9')
        return NULL;
    long digits = 0, exp = 0;
    if (*p == '0') {
        p++;
        digits = 1;
        if (p < end && *p >= '0' && *p <= '9')
            return NULL; /* a leading zero */
    } else {
        for (; p < end && *p >= '0' && *p <= '9'; p++)
            digits++;
    }
    if (p < end && *p == '.') {
        p++;
        if (p == end || *p < '0' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool neg = false;
        if (p < end && (*p == '+' || *p == '-'))
            neg = *p++ == '-';
        if (p == end || *p < '0' || *p > '9')
            return NULL;
        for (; p < end && *p >= '0' && *p <= '9'; p++)
            if (exp < 100000)
                exp = exp * 10 + (*p - '0');
        if (neg)
            exp = -exp;
    }
    /* An integer jansson cannot hold is read again as a double; either way a
     * value of 10^308 or more could overflow. */
    if (digits + exp > MAX_MAGNITUDE)
        return NULL;
    return p;
}

static const unsigned char *
literal_end(const unsigned char *p, const unsigned char *end)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        const char *w = words[i];
        const unsigned char *q = p;
        while (*w && q < end && *q == (unsigned char)*w)
            q++, w++;
        if (*w == '\0')
            return q;
    }
    return NULL;
}

/* Which levels of nesting are objects (1) or arrays (0). */
static void
set_level(uint8_t *bits, int level, bool object)
{
    if (object)
        bits[level / 8] |= (uint8_t)(1u << (level % 8));
    else
        bits[level / 8] &= (uint8_t) ~(1u << (level % 8));
}

static bool
is_object(const uint8_t *bits, int level)
{
    return (bits[level / 8] >> (level % 8)) & 1;
}

bool
fs_jsoncheck_plain(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    uint8_t objects[FS_JSONCHECK_DEPTH / 8]; /* bit set: that level is an object */
    int depth = 0;

    p = skip_ws(p, end);
value:
    if (p == end)
        return false;
    switch (*p) {
    case '{':
    case '[': {
        if (depth == FS_JSONCHECK_DEPTH)
            return false;
        bool obj = *p == '{';
        set_level(objects, depth++, obj);
        p = skip_ws(p + 1, end);
        if (p < end && *p == (obj ? '}' : ']')) {
            depth--;
            p++;
            goto after;
        }
        if (obj)
            goto key;
        goto value;
    }
    case '"':
        p = string_end(p, end);
        break;
    case 't':
    case 'f':
    case 'n':
        p = literal_end(p, end);
        break;
    default:
        if (*p != '-' && (*p < '0' || *p > '9'))
            return false;
        p = number_end(p, end);
        break;
    }
    if (p == NULL)
        return false;
after:
    p = skip_ws(p, end);
    if (depth == 0)
        return p == end;
    if (p == end)
        return false;
    bool in_object = is_object(objects, depth - 1);
    if (*p == ',') {
        p = skip_ws(p + 1, end);
        if (in_object)
            goto key;
        goto value;
    }
    if (*p != (in_object ? '}' : ']'))
        return false;
    depth--;
    p++;
    goto after;
key:
    if (p == end || *p != '"')
        return false;
    p = string_end(p, end);
    if (p == NULL)
        return false;
    p = skip_ws(p, end);
    if (p == end || *p != ':')
        return false;
    p = skip_ws(p + 1, end);
    goto value;
}

bool
fs_jsoncheck_valid(const char *text, size_t len)
{
    if (fs_jsoncheck_plain(text, len))
        return true;
    json_error_t e;
    json_t *v = fs_ipc_parse_json(text, len, &e);
    if (v == NULL)
        return false;
    json_decref(v);
    return true;
}
