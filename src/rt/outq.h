/*
 * A bounded queue in front of a file descriptor (standard output), drained by
 * a writer thread so the loop never blocks on a slow reader. When more than the
 * high-water mark is queued, the runtime stops reading task output until the
 * writer has brought it under the low-water mark: the tasks block on their full
 * pipes instead of forkscope's memory growing.
 */
#ifndef FS_OUTQ_H
#define FS_OUTQ_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

struct fs_outq;

/* Appends bytes. Never blocks. */
void fs_outq_write(struct fs_outq *q, const char *data, size_t len);
/* Bytes queued and not yet written. */
size_t fs_outq_pending(struct fs_outq *q);
/* True when writes failed for good (EPIPE, ENOSPC, EIO...): further output is
 * discarded. */
bool fs_outq_broken(struct fs_outq *q);
/* The errno of the write that broke it, or 0. */
int fs_outq_error(struct fs_outq *q);

#endif
