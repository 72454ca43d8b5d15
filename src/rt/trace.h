/*
 * The report channel of node's tracer (doc/tracing.md): one FIFO per session
 * in a private directory (mkdtemp, 0700). forkscope holds its read side open
 * read-write and non-blocking, so writers may come and go without an EOF; the
 * lines are cut here, bounded (a line over PIPE_BUF is counted and dropped),
 * and handed to the owner. The directory is removed when the channel is freed.
 */
#ifndef FS_RT_TRACE_H
#define FS_RT_TRACE_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error                                                                                             \
    "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include <stddef.h>

struct fs_rt;
struct fs_trace_fifo;

/* The directory's name under $TMPDIR (or /tmp): forkscope's pid in it lets
 * the watchdog remove it when forkscope was killed (rt/watchdog.c). */
#define FS_TRACE_DIR_PREFIX "forkscope-trace-"

/* The longest report line (PIPE_BUF: a write of it is atomic). */
#define FS_TRACE_LINE_MAX 4096

/* One whole line, without its "\n". */
typedef void (*fs_trace_line_cb)(void *arg, const char *line, size_t len);

/* Makes the directory and the FIFO and reads it without keeping the loop
 * alive. Returns NULL with *err set (allocated) when it cannot. */
struct fs_trace_fifo *fs_trace_fifo_new(struct fs_rt *rt, fs_trace_line_cb cb, void *arg,
                                        char **err);
/* The FIFO's path, for the tracer's FORKSCOPE_TRACE. */
const char *fs_trace_fifo_path(const struct fs_trace_fifo *f);
/* Reads everything the FIFO holds now (before a run's end is told). */
void fs_trace_fifo_drain(struct fs_trace_fifo *f);
/* Lines dropped for being longer than FS_TRACE_LINE_MAX. */
unsigned long long fs_trace_fifo_dropped(const struct fs_trace_fifo *f);
/* Reads what is left, closes the FIFO and removes it and its directory. */
void fs_trace_fifo_free(struct fs_trace_fifo *f);

#endif
