/*
 * A task's descendants, one record each, in tree order: what the screen shows
 * as rows under the task and what headless prints as descendant `sample`
 * events. Each update rebuilds the list from the last scan of the process tree
 * (sample/tree.h: no scan of its own), keeping what it knew of a process seen
 * before (same pid AND start time): its command line and its note.
 *
 * - The shape is the parent order: a process's children come right after it,
 *   by pid, one level deeper (depth 1: a child of the task's own process).
 * - A descendant re-parented away from the task (its parent ended: forkscope,
 *   the child subreaper, adopts it) stays the task's while it lives, listed at
 *   depth 1 with its own descendants under it; so does a process of the task's
 *   process group whose parent is not in it (an orphan never seen before).
 * - A descendant that ends stays listed, `ended`, for FS_DESC_LINGER seconds,
 *   with its wait status when forkscope reaped it (fs_desc_reaped), otherwise
 *   none ("ended").
 * - At most `max` live descendants are kept (FS_DESC_MAX a task); those beyond
 *   are counted in `cut`. Ended ones are kept only while there is room.
 *
 * A struct fs_desc_list is embedded in its owner (fs_desc_init / fs_desc_fini)
 * and owns its records and their strings.
 */
#ifndef FS_DESC_H
#define FS_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/tree.h"

#define FS_DESC_MAX 256     /* descendants tracked per task */
#define FS_DESC_TOTAL 1024  /* descendants tracked over every task of a sampler */
#define FS_DESC_LINGER 5.0  /* seconds an ended descendant stays listed */
#define FS_DESC_CMD_MAX 256 /* bytes of a command line kept (cut there) */

struct fs_desc {
    pid_t pid, ppid;
    char *cmd; /* the command line, arguments joined by spaces; "[comm]" when it
                  has none (a zombie); owned */
    char comm[16];
    char state;   /* R S D T Z ... as in the last scan; X once ended */
    double cpu;   /* % of one core; NAN: unknown (first seen, or ended) */
    uint64_t rss; /* bytes */
    int64_t threads;
    uint64_t starttime; /* jiffies after boot: with pid, its identity */
    unsigned depth;     /* 1: a child of the task's process (or adopted) */
    unsigned seen;      /* updates that listed it alive */
    bool ended;
    bool have_status; /* ended, and forkscope reaped it: `status` is its wait status */
    int status;
    double ended_at; /* when it was found ended */
    char *note;      /* a free label (fs_desc_set_note), NULL; owned */
};

struct fs_desc_list {
    struct fs_desc *v; /* n records in tree order */
    size_t n, cap;
    size_t live; /* of which not ended */
    size_t cut;  /* live descendants of the last update that were not kept */
    /* Kept for reuse: the records of the update before (during an update) and
     * the walk's stack. */
    struct fs_desc *old;
    size_t old_cap;
    int *stack;
    size_t stack_cap;
};

/* How an update reads and bounds. */
struct fs_desc_ctx {
    int rootfd;     /* the /proc root, for command lines */
    long page_size; /* bytes */
    double now;     /* seconds, the clock of fs_desc_reaped */
    double linger;  /* seconds an ended one stays */
    size_t max;     /* live descendants kept */
};

void fs_desc_init(struct fs_desc_list *l);
void fs_desc_fini(struct fs_desc_list *l);
/* Forgets every record (a task's new run). */
void fs_desc_clear(struct fs_desc_list *l);

/* Rebuilds the list from the tree's last scan for the descendants of `root`
 * (0 when the task's process is gone) and the orphans of its process group
 * `group` (the task's pid: each task leads a group of its own; 0: none). A new
 * process's command line is read at its first two updates (one caught between
 * fork and exec shows its parent's, with the same comm as after an exec of
 * `sh`), then again after an exec that changed its comm. Returns the live descendants kept. */
size_t fs_desc_update(struct fs_desc_list *l, const struct fs_tree *t, pid_t root, pid_t group,
                      const struct fs_desc_ctx *c);

/* Records that forkscope reaped pid with wait status `status` at `now`.
 * Returns whether pid was a live record of the list. */
bool fs_desc_reaped(struct fs_desc_list *l, pid_t pid, int status, double now);

/* The record of pid (live or ended), or NULL. Valid until the next update. */
const struct fs_desc *fs_desc_find(const struct fs_desc_list *l, pid_t pid);

/* Sets the note of pid's record (NULL clears it); it stays with the process
 * from update to update. Returns 0 or -ESRCH. */
int fs_desc_set_note(struct fs_desc_list *l, pid_t pid, const char *note);

/* What became of an ended record, into buf: "exit 3", "killed by SIGTERM",
 * or "ended" when its status is not known. */
void fs_desc_describe_end(const struct fs_desc *d, char *buf, size_t len);

#endif
