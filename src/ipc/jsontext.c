/*
 * Whether JSON text is exactly what jansson would print for it (jsontext.h):
 * a scan of its tokens for anything jansson prints otherwise, then jansson's
 * own parser for validity and duplicate keys. The scan is not a parser: it
 * only looks at each token's spelling, and rejects what it does not know.
 */
#include <config.h>

#include "ipc/jsontext.h"

#include <jansson.h>
#include <string.h>

/* Integers up to 18 digits fit json_int_t whatever their value. */
#define MAX_DIGITS 18

/* The end of a string token starting at p (on its '"'), or NULL when it
 * holds an escape jansson would print differently (\u, \/) or is cut. */
static const char *
string_end(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            if (++p == end || memchr("\"\\bfnrt", *p, 7) == NULL)
                return NULL;
        }
    }
    return NULL;
}

/* The end of a number token, or NULL unless it is an integer jansson prints
 * the same way. */
static const char *
number_end(const char *p, const char *end)
{
    bool neg = *p == '-';
    const char *d = p + neg;
    const char *q = d;
    while (q < end && *q >= '0' && *q <= '9')
        q++;
    size_t n = (size_t)(q - d);
    if (n == 0 || n > MAX_DIGITS || (neg && n == 1 && *d == '0'))
        return NULL;
    if (q < end && (*q == '.' || *q == 'e' || *q == 'E'))
        return NULL;
    return q;
}

static const char *
literal_end(const char *p, const char *end)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0)
            return p + n;
    }
    return NULL;
}

static bool
tokens_verbatim(const char *p, const char *end)
{
    while (p != NULL && p < end) {
        char c = *p;
        if (c == '"')
            p = string_end(p, end);
        else if (c == '-' || (c >= '0' && c <= '9'))
            p = number_end(p, end);
        else if (c == 't' || c == 'f' || c == 'n')
            p = literal_end(p, end);
        else if (c != '\0' && memchr("{}[]:,", c, 6) != NULL)
            p++;
        else
            return false; /* whitespace, or not JSON */
    }
    return p != NULL;
}

bool
fs_jsontext_spelled_verbatim(const char *text, size_t len)
{
    return len > 0 && tokens_verbatim(text, text + len);
}

bool
fs_jsontext_verbatim(const char *text, size_t len)
{
    if (!fs_jsontext_spelled_verbatim(text, len))
        return false;
    json_error_t e;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
    if (v == NULL)
        return false;
    json_decref(v);
    return true;
}
