/*
 * A counted FIFO of heap byte blocks (see blockq.h). Owns the blocks while they
 * are queued.
 */
#include <config.h>

#include "util/blockq.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct fs_blockq_item *
fs_blockq_item_new(const void *data, size_t len)
{
    struct fs_blockq_item *b = fs_xmalloc(sizeof *b + len + 1);
    b->next = NULL;
    b->len = len;
    if (len > 0)
        memcpy(b->data, data, len);
    b->data[len] = '\0';
    return b;
}

bool
fs_blockq_push(struct fs_blockq *q, struct fs_blockq_item *b)
{
    bool was_empty = q->head == NULL;
    b->next = NULL;
    if (was_empty)
        q->head = b;
    else
        q->tail->next = b;
    q->tail = b;
    q->count++;
    q->bytes += b->len;
    return was_empty;
}

struct fs_blockq_item *
fs_blockq_pop(struct fs_blockq *q)
{
    struct fs_blockq_item *b = q->head;
    if (b == NULL)
        return NULL;
    q->head = b->next;
    if (q->head == NULL)
        q->tail = NULL;
    q->count--;
    q->bytes -= b->len;
    b->next = NULL;
    return b;
}

void
fs_blockq_clear(struct fs_blockq *q)
{
    struct fs_blockq_item *b;
    while ((b = fs_blockq_pop(q)) != NULL)
        free(b);
}
