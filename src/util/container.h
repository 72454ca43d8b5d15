/*
 * FS_CONTAINER_OF: from a pointer to a member embedded in a struct back to the
 * struct, for the callbacks that are handed the member (a hold's queued-bytes
 * function gets the hold, and needs the queue or worker around it). One
 * definition, so that the pointer arithmetic is written and checked once.
 */
#ifndef FS_CONTAINER_H
#define FS_CONTAINER_H

#include <stddef.h>

/* The `type` whose `member` ptr points to. The sizeof term is never evaluated:
 * it makes the compiler reject a ptr whose type is not that of the member. */
#define FS_CONTAINER_OF(ptr, type, member)                                                         \
    ((type *)(void *)((char *)(ptr)-offsetof(type, member) +                                       \
                      0 * sizeof((ptr) == &((type *)NULL)->member)))

#endif
