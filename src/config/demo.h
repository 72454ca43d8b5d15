/*
 * Built-in teaching demos: named sessions written as session-file YAML, so a
 * demo is one entry in a const table. `forkscope demo` lists them.
 */
#ifndef FS_DEMO_H
#define FS_DEMO_H

#include "model/session.h"

struct fs_demo {
    const char *name;
    const char *summary;
    const char *yaml;
    /* What is on the screen, what to watch, which keys to try: a few lines
     * (separated by newlines), shown in the screen's caption area. */
    const char *caption;
};

/* The demo run when forkscope is started without arguments. */
const struct fs_demo *fs_demo_default(void);
/* The demos in tour order: how many, and the i-th (NULL past the end). */
size_t fs_demo_count(void);
const struct fs_demo *fs_demo_at(size_t i);
/* NULL when there is no such demo. */
const struct fs_demo *fs_demo_find(const char *name);
/* Prints the list of demos to stdout. */
void fs_demo_list(void);
/* Parses a demo into s; 0 or -1 with *err set. */
int fs_demo_load(const struct fs_demo *d, struct fs_session *s, char **err);

#endif
