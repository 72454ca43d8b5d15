/*
 * The growable byte buffer (see bytes.h).
 */
#include <config.h>

#include "util/bytes.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* The first allocation: small enough for a line, large enough to skip the
 * first few doublings. */
#define FIRST_CAP 256

void
fs_bytes_reserve(struct fs_bytes *b, size_t more)
{
    if (more <= b->cap - b->len)
        return;
    if (more > SIZE_MAX - b->len) {
        fprintf(stderr, "forkscope: buffer size overflow\n");
        abort();
    }
    size_t need = b->len + more;
    size_t cap = b->cap ? b->cap : FIRST_CAP;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->data = fs_xrealloc(b->data, cap);
    b->cap = cap;
}

void
fs_bytes_add(struct fs_bytes *b, const void *data, size_t len)
{
    if (len == 0)
        return;
    fs_bytes_reserve(b, len);
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

void
fs_bytes_clear(struct fs_bytes *b)
{
    b->len = 0;
}

void
fs_bytes_consume(struct fs_bytes *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void
fs_bytes_fini(struct fs_bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
