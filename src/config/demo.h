/*
 * Built-in teaching demos: named sessions written as session-file YAML, so a
 * demo is one entry in a const table (config/demos_*.c hold the entries,
 * config/demo.c their order, the lookup and the loader). `forkscope demo`
 * lists them; the tour steps through them in order.
 *
 * A demo's programs are forkscope's own (`"$FORKSCOPE" child MODULE ARGS`, a
 * built-in worker module run as a process) or a shell's: fs_demo_load sets
 * FORKSCOPE to this binary's path; every task has FORKSCOPE_LESSONS, the
 * directory of node's lesson programs (app/spawn.c). `@MKTEMP:NAME@` in a
 * demo's YAML becomes a fresh directory, $TMPDIR/forkscope-demo-NAME-XXXXXX,
 * the same one for every occurrence of NAME; `@PORT:NAME@` a free port on
 * 127.0.0.1 (bound, read, closed), the same for every occurrence of NAME.
 */
#ifndef FS_DEMO_H
#define FS_DEMO_H

#include <stddef.h>

#include "model/session.h"

struct fs_demo {
    const char *name;
    const char *summary; /* one line, for the list */
    const char *caption; /* a few lines: what is on the screen, what to watch, which keys */
    const char *yaml;
};

/* The demos in the order of the tour, defined in config/demos_*.c. */
extern const struct fs_demo fs_demo_basics, fs_demo_spawn_exec, fs_demo_injection, fs_demo_fork_ipc,
    fs_demo_crash_isolation, fs_demo_ipc, fs_demo_node;
extern const struct fs_demo fs_demo_threads_vs_processes, fs_demo_shared_memory, fs_demo_pools,
    fs_demo_blocking, fs_demo_io_bound;
extern const struct fs_demo fs_demo_stacks;

/* The demo run when forkscope is started without arguments (the tour's first). */
const struct fs_demo *fs_demo_default(void);
/* NULL when there is no such demo. */
const struct fs_demo *fs_demo_find(const char *name);
/* How many demos there are, and the i-th in the tour's order (NULL past the end). */
size_t fs_demo_count(void);
const struct fs_demo *fs_demo_at(size_t i);
/* Prints the list of demos to stdout. */
void fs_demo_list(void);
/* Parses a demo into s; 0 or -1 with *err set. */
int fs_demo_load(const struct fs_demo *d, struct fs_session *s, char **err);

#endif
