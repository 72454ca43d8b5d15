/*
 * The V8 decoder's private parts, shared by v8ser.c (the cursor, the value
 * dispatch and the leaf values) and v8ser_obj.c (objects, arrays, Map and
 * Set), with the table of view types v8ser_enc.c writes too: the cursor and
 * the calls each file makes into the other.
 */
#ifndef FS_V8SER_INT_H
#define FS_V8SER_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/v8ser.h"

/* A bounds-checked cursor over one payload. */
struct fs_v8_dec {
    const unsigned char *start, *p, *end;
    unsigned long next_id; /* back-reference ids given out so far */
    int depth;
    struct fs_v8_error *err; /* the first failure wins */
};

/* The bytes left after the cursor. */
static inline size_t
fs_v8_left(const struct fs_v8_dec *d)
{
    return (size_t)(d->end - d->p);
}

/* v8ser.c: the next tag, skipping padding; -1 at the end. */
int fs_v8_peek_tag(struct fs_v8_dec *d);
/* v8ser.c: records the first failure at the cursor; returns NULL. */
json_t *fs_v8_fail(struct fs_v8_dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* v8ser.c: a varint that fits 32 bits. */
bool fs_v8_read_u32(struct fs_v8_dec *d, uint32_t *v);
/* v8ser.c: {key: v}, taking v; NULL when v is NULL. */
json_t *fs_v8_tagged(const char *key, json_t *v);
/* v8ser.c: one value with its tag, in display form (a new reference), or NULL. */
json_t *fs_v8_read_value(struct fs_v8_dec *d);

/* v8ser.c: Node's ArrayBufferView types by their host-object index, and the
 * size of one element (the encoder writes them too). */
struct fs_v8_view_type {
    const char *name;
    unsigned elem;
};
extern const struct fs_v8_view_type fs_v8_view_types[];
extern const size_t fs_v8_nview_types;

/* v8ser_obj.c: the body of each compound value, its tag already read. */
json_t *fs_v8_read_object(struct fs_v8_dec *d);
json_t *fs_v8_read_dense(struct fs_v8_dec *d);
json_t *fs_v8_read_sparse(struct fs_v8_dec *d);
/* A Map (map) or a Set. */
json_t *fs_v8_read_collection(struct fs_v8_dec *d, bool map);

#endif
