/*
 * Smartcase substring search (see smartcase.h).
 */
#include <config.h>

#include "util/smartcase.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static inline unsigned char
lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

void
fs_smartcase_init(struct fs_smartcase *s, const char *needle)
{
    s->len = strlen(needle);
    s->icase = true;
    for (const char *p = needle; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            s->icase = false;
    s->needle = fs_xstrdup(needle);
    if (s->icase)
        for (size_t i = 0; i < s->len; i++)
            s->needle[i] = (char)lower((unsigned char)s->needle[i]);
}

void
fs_smartcase_fini(struct fs_smartcase *s)
{
    free(s->needle);
    s->needle = NULL;
    s->len = 0;
}

const char *
fs_smartcase_find(const struct fs_smartcase *s, const char *h, size_t hlen)
{
    const char *n = s->needle;
    size_t nlen = s->len;
    if (nlen > hlen)
        return NULL;
    if (!s->icase)
        return memmem(h, hlen, n, nlen);
    for (size_t i = 0; i + nlen <= hlen; i++) {
        if (lower((unsigned char)h[i]) != (unsigned char)n[0])
            continue;
        size_t k = 1;
        while (k < nlen && lower((unsigned char)h[i + k]) == (unsigned char)n[k])
            k++;
        if (k == nlen)
            return h + i;
    }
    return NULL;
}
