/*
 * The registry of named shared blocks: a short list guarded by one mutex (a
 * session has a handful of blocks, and they are looked up only when a worker
 * starts). Owns the blocks, which are anonymous private mappings: page-aligned,
 * zero-filled, and returned to the system when freed.
 */
#include <config.h>

#include "worker/shm.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/xalloc.h"

struct fs_shm {
    struct fs_shm *next;
    char *name;
    void *mem;
    size_t size;
    unsigned refs;
};

static pthread_mutex_t shm_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fs_shm *shm_list;

static struct fs_shm *
shm_find(const char *name)
{
    for (struct fs_shm *s = shm_list; s != NULL; s = s->next) {
        if (strcmp(s->name, name) == 0)
            return s;
    }
    return NULL;
}

static struct fs_shm *
shm_create(const char *name, size_t size, char **err)
{
    struct fs_shm *s;
    void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (mem == MAP_FAILED) {
        *err = fs_xasprintf("shared block '%s': cannot map %zu bytes: %s", name, size,
                            strerror(errno));
        return NULL;
    }
    s = fs_xcalloc(1, sizeof *s);
    s->name = fs_xstrdup(name);
    s->mem = mem;
    s->size = size;
    s->refs = 1;
    s->next = shm_list;
    shm_list = s;
    return s;
}

struct fs_shm *
fs_shm_get(const char *name, size_t size, char **err)
{
    struct fs_shm *s;

    *err = NULL;
    if (size > FS_SHM_MAX_SIZE) {
        *err = fs_xasprintf("shared block '%s': shared_size %zu is more than the limit of %zu",
                            name, size, FS_SHM_MAX_SIZE);
        return NULL;
    }
    pthread_mutex_lock(&shm_lock);
    s = shm_find(name);
    if (s != NULL && size != 0 && size != s->size) {
        *err = fs_xasprintf("shared block '%s' already exists with %zu bytes, not %zu", name,
                            s->size, size);
        s = NULL;
    } else if (s != NULL) {
        s->refs++;
    } else {
        s = shm_create(name, size != 0 ? size : FS_SHM_DEFAULT_SIZE, err);
    }
    pthread_mutex_unlock(&shm_lock);
    return s;
}

void
fs_shm_put(struct fs_shm *shm)
{
    bool last;

    if (shm == NULL)
        return;
    pthread_mutex_lock(&shm_lock);
    last = --shm->refs == 0;
    if (last) {
        struct fs_shm **pp = &shm_list;
        while (*pp != shm)
            pp = &(*pp)->next;
        *pp = shm->next;
    }
    pthread_mutex_unlock(&shm_lock);
    if (last) {
        munmap(shm->mem, shm->size);
        free(shm->name);
        free(shm);
    }
}

void *
fs_shm_mem(const struct fs_shm *shm)
{
    return shm->mem;
}

size_t
fs_shm_size(const struct fs_shm *shm)
{
    return shm->size;
}

const char *
fs_shm_name(const struct fs_shm *shm)
{
    return shm->name;
}

size_t
fs_shm_count(void)
{
    size_t n = 0;

    pthread_mutex_lock(&shm_lock);
    for (struct fs_shm *s = shm_list; s != NULL; s = s->next)
        n++;
    pthread_mutex_unlock(&shm_lock);
    return n;
}
