/*
 * A FIFO of byte blocks, each one heap allocation holding its bytes: the
 * mailboxes of a worker's port and the lines a worker host holds back while
 * the module's inbox is full each used to link their own. It counts the blocks
 * and their bytes so that its users can bound them; it sets no limit itself and
 * takes no lock (a user that shares one across threads guards it).
 *
 * The queue owns the blocks it holds; a block popped off it belongs to the
 * caller, who frees it with free(). A queue may be copied whole into another
 * struct fs_blockq to take all its blocks at once.
 */
#ifndef FS_BLOCKQ_H
#define FS_BLOCKQ_H

#include <stdbool.h>
#include <stddef.h>

struct fs_blockq_item {
    struct fs_blockq_item *next;
    size_t len;  /* bytes in data, not counting the NUL after them */
    char data[]; /* len bytes and a NUL */
};

struct fs_blockq {
    struct fs_blockq_item *head, *tail; /* oldest first; NULL when empty */
    size_t count, bytes;                /* blocks, and the sum of their len */
};

#define FS_BLOCKQ_INIT                                                                             \
    {                                                                                              \
        NULL, NULL, 0, 0                                                                           \
    }

/* Returns a new block holding a copy of len bytes and a NUL; the caller owns it
 * until it is pushed. */
struct fs_blockq_item *fs_blockq_item_new(const void *data, size_t len);

/* Appends b, taking it over. Returns whether the queue was empty. */
bool fs_blockq_push(struct fs_blockq *q, struct fs_blockq_item *b);

/* Takes the oldest block off the queue and returns it (the caller frees it), or
 * NULL when the queue is empty. */
struct fs_blockq_item *fs_blockq_pop(struct fs_blockq *q);

/* Frees every block; the queue is empty and may be used again. */
void fs_blockq_clear(struct fs_blockq *q);

#endif
