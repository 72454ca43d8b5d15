/*
 * A session: the tasks to run and the session-wide settings, as read from the
 * command line, a forkscope.yaml, an mprocs.yaml or a Procfile. The session owns
 * its task specs. Nothing here runs anything.
 */
#ifndef FS_SESSION_H
#define FS_SESSION_H

#include <stddef.h>

#include "model/task.h"

struct fs_session {
    struct fs_task_spec *tasks;
    size_t ntasks;
    char *theme;  /* NULL: not set */
    char *source; /* the file it was read from, NULL for the command line */
    /* What the readers accepted but want the user to know ("PATH:LINE:COL:
     * warning: what"), in the order found; printed before anything starts. */
    char **warnings;
};

void fs_session_init(struct fs_session *s);
void fs_session_fini(struct fs_session *s);
/* Appends a task with default settings and returns it; the pointer is valid until
 * the next append. The name is copied. */
struct fs_task_spec *fs_session_add(struct fs_session *s, const char *name);
/* Returns the task of that name, or NULL. */
struct fs_task_spec *fs_session_find(struct fs_session *s, const char *name);
/* Moves all tasks and warnings of src to the end of dst's; src is left empty. */
void fs_session_merge(struct fs_session *dst, struct fs_session *src);
/* Appends a warning; the session takes msg, which was allocated. */
void fs_session_warn(struct fs_session *s, char *msg);

#endif
