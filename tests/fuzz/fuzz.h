/*
 * What every libFuzzer target under tests/fuzz shares: the entry point's
 * prototype (the build warns about functions without one), and a small
 * deterministic generator seeded from the input itself, which the targets that
 * cut a stream into chunks use. Seeding from the whole input keeps every byte of
 * a seed or crash file meaningful (a raw capture of terminal output or of a
 * channel replays as it is) while the fuzzer still steers the chunking by
 * mutating the input. doc/fuzzing.md describes the targets.
 */
#ifndef FS_FUZZ_H
#define FS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An exact-size heap copy of the input (no NUL after it), so that a reader that
 * looks one byte past what it was given is caught by AddressSanitizer; NULL when
 * out of memory. The caller frees it. */
static inline void *
fuzz_copy(const uint8_t *data, size_t size)
{
    void *buf = malloc(size ? size : 1);
    if (buf != NULL && size > 0)
        memcpy(buf, data, size);
    return buf;
}

/* FNV-1a over the input: the same input always gives the same chunks. */
static inline uint64_t
fuzz_seed(const uint8_t *data, size_t size)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 0x100000001b3u;
    return h | 1;
}

/* xorshift64: the next number of the sequence. */
static inline uint64_t
fuzz_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* A chunk length for the rest of a stream: mostly short (the sizes at which a
 * sequence or a frame header is split are what matters), sometimes all of it. */
static inline size_t
fuzz_chunk(uint64_t *state, size_t left)
{
    uint64_t r = fuzz_next(state);
    size_t n;
    switch (r & 3) {
    case 0:
        n = 1;
        break;
    case 1:
        n = 1 + (size_t)((r >> 8) % 8);
        break;
    case 2:
        n = 1 + (size_t)((r >> 8) % 512);
        break;
    default:
        n = left;
        break;
    }
    return n < left ? n : left;
}

#endif
