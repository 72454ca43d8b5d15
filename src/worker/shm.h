/*
 * Named shared memory blocks for worker tasks (`shared: NAME`,
 * `shared_size: BYTES`): every worker that names the same block gets the same
 * zero-filled memory, like a SharedArrayBuffer handed to several Workers. The
 * registry is process-wide and thread-safe; blocks are reference-counted and
 * freed when the last task using them lets go.
 */
#ifndef FS_WORKER_SHM_H
#define FS_WORKER_SHM_H

#include <stddef.h>

/* The size of a block whose task gave no shared_size. */
#define FS_SHM_DEFAULT_SIZE 4096
/* The largest block a task may ask for. */
#define FS_SHM_MAX_SIZE ((size_t)1 << 30)

struct fs_shm;

/*
 * Returns the block named `name`, creating it (zero-filled, page-aligned) with
 * `size` bytes (0: FS_SHM_DEFAULT_SIZE, or the existing block's size) or taking
 * one more reference to it. On error returns NULL and sets *err to a message
 * naming the block (the caller frees it): a size different from the existing
 * block's, a size of more than FS_SHM_MAX_SIZE, or no memory.
 */
struct fs_shm *fs_shm_get(const char *name, size_t size, char **err);
/* Drops a reference; the last one frees the block. NULL is a no-op. */
void fs_shm_put(struct fs_shm *shm);

void *fs_shm_mem(const struct fs_shm *shm);
size_t fs_shm_size(const struct fs_shm *shm);
const char *fs_shm_name(const struct fs_shm *shm);
/* The number of blocks alive, for the tests. */
size_t fs_shm_count(void);

#endif
