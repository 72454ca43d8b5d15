/*
 * libFuzzer target: the escape-sequence stripper of log files
 * (model/ansistrip.c), fed the input whole and again in chunks the input's own
 * generator picks. Both must give the same text, never longer than the input,
 * with no ESC, no "\r" and no C0 control byte but tab and newline in it.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "model/ansistrip.h"

static size_t
whole(const char *in, size_t size, char *out)
{
    struct fs_ansistrip s;
    fs_ansistrip_init(&s);
    return fs_ansistrip_feed(&s, in, size, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_copy(data, size);
    char *a = malloc(size ? size : 1), *b = malloc(size ? size : 1);
    if (in == NULL || a == NULL || b == NULL)
        goto out;
    size_t na = whole(in, size, a);
    if (na > size)
        __builtin_trap();
    for (size_t i = 0; i < na; i++) {
        unsigned char ch = (unsigned char)a[i];
        if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7f)
            __builtin_trap(); /* a control byte or ESC left in the text */
    }
    struct fs_ansistrip s;
    fs_ansistrip_init(&s);
    uint64_t rng = fuzz_seed(data, size);
    size_t nb = 0;
    for (size_t off = 0; off < size;) {
        size_t n = 1 + (size_t)(fuzz_next(&rng) % 64);
        if (n > size - off)
            n = size - off;
        nb += fs_ansistrip_feed(&s, in + off, n, b + nb);
        off += n;
    }
    if (nb != na || memcmp(a, b, na) != 0)
        __builtin_trap(); /* the chunking changed the text */
out:
    free(in);
    free(a);
    free(b);
    return 0;
}
