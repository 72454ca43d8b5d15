/*
 * The watchdog: a small process forked when forkscope starts, before any thread,
 * that outlives forkscope just long enough to kill every process group forkscope
 * started. forkscope tells it each group it creates and each group that is gone,
 * over a pipe; when the pipe reaches EOF — forkscope quit, crashed or was killed
 * with SIGKILL — it sends SIGKILL to every group still on its list, removes the
 * report directories of node's tracer that forkscope left (rt/trace.h) and exits.
 * A parent-death signal alone would only reach the direct children, not the
 * grandchildren in their groups.
 */
#ifndef FS_WATCHDOG_H
#define FS_WATCHDOG_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

struct fs_watchdog {
    int pid; /* 0 when not running */
    int fd;  /* write end of the pipe, -1 when closed */
};

/* Forks the watchdog. Returns 0, or a negative errno with *err set. */
int fs_watchdog_start(struct fs_watchdog *wd, char **err);
/* Puts a process group on the list / takes it off. */
void fs_watchdog_add(struct fs_watchdog *wd, int pgid);
void fs_watchdog_remove(struct fs_watchdog *wd, int pgid);
/* Closes the pipe and waits for the watchdog to exit. */
void fs_watchdog_stop(struct fs_watchdog *wd);

#endif
