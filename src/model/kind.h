/*
 * The kinds of task (doc/session-file.md): one const table says, for each,
 * its name, how its program is given and run, whether it has a channel, runs
 * inside forkscope, and how a pool hands it jobs. Every layer asks the table
 * about a property; none compares kinds. Adding a kind is one entry here and,
 * where it needs code, one file.
 */
#ifndef FS_KIND_H
#define FS_KIND_H

#include <stdbool.h>
#include <stddef.h>

enum fs_kind {
    FS_KIND_SHELL, /* /bin/sh -c STRING */
    FS_KIND_CMD,   /* argv, no shell */
    FS_KIND_FORK,  /* argv with an IPC channel on fd 3 */
    FS_KIND_WORKER /* a thread inside forkscope running a module */
};
#define FS_KIND_COUNT 4

/* How a kind's program is written, so how its spec holds it and how its argv
 * is built. */
enum fs_argv_style {
    FS_ARGV_SHELL,  /* one string (spec->shell), run by /bin/sh -c */
    FS_ARGV_WORDS,  /* words (spec->argv), run as they are */
    FS_ARGV_MODULE, /* a worker module and its argument string (spec->module, spec->args) */
};

struct fs_kind_info {
    enum fs_kind kind;
    /* Its name: the session-file key, the prefix before ':' on the command
     * line, and what headless output calls it. */
    const char *key;
    const char *label; /* in the screen's KIND column */
    bool pipe_label;   /* with `pty: false` its label ends in "/pipe" */
    enum fs_argv_style argv;
    bool has_channel;     /* messages go both ways (fs_app_traffic counts them) */
    bool in_process;      /* a thread inside forkscope; a process only when it must be */
    bool channel_options; /* a session file may set `serialization` and `max_message` */
    bool node_scripts;    /* a .js/.mjs/.cjs program runs under node, like Node's fork() */
    /* As a pool member: true, one run for the whole pool that gets each job as
     * a message; false, one run per job with the job's argument in its argv. */
    bool jobs_by_message;
    bool in_mprocs; /* an mprocs.yaml may use its key */
};

/* The entry of a kind; NULL for a value outside the enum (so the table can be
 * walked: for (int k = 0; fs_kind_info(k) != NULL; k++)). */
const struct fs_kind_info *fs_kind_info(enum fs_kind kind);
/* The entry whose key is `key`, or NULL. */
const struct fs_kind_info *fs_kind_by_key(const char *key);
/* The kind of a command that names none: a shell command. */
enum fs_kind fs_kind_default(void);

/* The key of a kind, "?" outside the enum. */
const char *fs_kind_name(enum fs_kind kind);
/* Returns 0 and sets *kind when the len bytes at name are a kind's key; -1
 * otherwise. */
int fs_kind_from_name(const char *name, size_t len, enum fs_kind *kind);

#endif
