/*
 * A growable byte buffer: what the output queues, the channel queues, the
 * headless printer and the app's held output each used to write for itself.
 * The buffer owns its bytes; growth doubles the capacity, so appending is
 * amortised O(1). It sets no limit of its own: every user bounds what it puts
 * in (shared/STYLE.md, "Bounds") and says where.
 */
#ifndef FS_BYTES_H
#define FS_BYTES_H

#include <stddef.h>

struct fs_bytes {
    char *data; /* NULL until something is added */
    size_t len; /* bytes in use */
    size_t cap; /* bytes allocated */
};

#define FS_BYTES_INIT {NULL, 0, 0}

/* Makes room for `more` bytes past len (aborts on overflow or out of memory). */
void fs_bytes_reserve(struct fs_bytes *b, size_t more);
/* Appends len bytes (data may be NULL when len is 0). */
void fs_bytes_add(struct fs_bytes *b, const void *data, size_t len);
/* Forgets the contents, keeping the allocation for the next use. */
void fs_bytes_clear(struct fs_bytes *b);
/* Drops the first n bytes (n <= len), moving the rest to the front. */
void fs_bytes_consume(struct fs_bytes *b, size_t n);
/* Frees the allocation; the buffer is empty and may be used again. */
void fs_bytes_fini(struct fs_bytes *b);

#endif
