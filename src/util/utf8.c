/*
 * UTF-8 validation, safe split points and reversible escaping of invalid bytes.
 */
#include <config.h>

#include "util/utf8.h"

#include <stdint.h>
#include <string.h>

#include "util/xalloc.h"

/* Length of the valid sequence at s (1..4), or 0 when the bytes there are not
 * valid UTF-8. *incomplete is set when the input ends inside a sequence that
 * could still be valid. */
static size_t
seq_len(const unsigned char *s, size_t avail, bool *incomplete)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t cp;
    *incomplete = false;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= avail) {
            *incomplete = true;
            return 0;
        }
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
        /* Reject overlongs, surrogates and values past U+10FFFF as early as
         * the second byte allows, so a prefix is judged like the whole. */
        if (i == 1) {
            if ((need == 3 && c == 0xE0 && s[1] < 0xA0) || (need == 3 && c == 0xED && s[1] > 0x9F) ||
                (need == 4 && c == 0xF0 && s[1] < 0x90) || (need == 4 && c == 0xF4 && s[1] > 0x8F))
                return 0;
        }
    }
    return need;
}

bool
fs_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        bool inc;
        size_t n = seq_len(p + i, len - i, &inc);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

size_t
fs_utf8_boundary(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    /* Only the last three bytes can start an unfinished sequence. */
    for (size_t back = 1; back <= 3 && back <= len; back++) {
        size_t at = len - back;
        if ((p[at] & 0xC0) == 0x80)
            continue;
        bool inc;
        if (p[at] >= 0xC0 && seq_len(p + at, back, &inc) == 0 && inc)
            return at;
        return len;
    }
    return len;
}

char *
fs_utf8_escape(const char *s, size_t len, size_t *outlen)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = fs_xmalloc(len * 4 + 1);
    size_t o = 0;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len;) {
        if (p[i] == '\\') {
            out[o++] = '\\';
            out[o++] = '\\';
            i++;
            continue;
        }
        bool inc;
        size_t n = p[i] < 0x80 ? 1 : seq_len(p + i, len - i, &inc);
        if (n == 0) {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[p[i] >> 4];
            out[o++] = hex[p[i] & 15];
            i++;
            continue;
        }
        memcpy(out + o, p + i, n);
        o += n;
        i += n;
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return out;
}
