/*
 * A session: an owned array of task specs plus the session-wide settings. The
 * array grows one task at a time; sessions hold tens of tasks, not millions.
 */
#include <config.h>

#include "model/session.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void
fs_session_init(struct fs_session *s)
{
    memset(s, 0, sizeof *s);
}

void
fs_session_fini(struct fs_session *s)
{
    for (size_t i = 0; i < s->ntasks; i++)
        fs_task_spec_fini(&s->tasks[i]);
    free(s->tasks);
    free(s->theme);
    free(s->source);
    fs_strv_free(s->warnings);
    memset(s, 0, sizeof *s);
}

struct fs_task_spec *
fs_session_add(struct fs_session *s, const char *name)
{
    s->tasks = fs_xreallocarray(s->tasks, s->ntasks + 1, sizeof *s->tasks);
    struct fs_task_spec *spec = &s->tasks[s->ntasks++];
    fs_task_spec_init(spec, name);
    return spec;
}

struct fs_task_spec *
fs_session_find(struct fs_session *s, const char *name)
{
    for (size_t i = 0; i < s->ntasks; i++)
        if (s->tasks[i].name != NULL && strcmp(s->tasks[i].name, name) == 0)
            return &s->tasks[i];
    return NULL;
}

void
fs_session_warn(struct fs_session *s, char *msg)
{
    fs_strv_push(&s->warnings, msg);
    free(msg);
}

void
fs_session_merge(struct fs_session *dst, struct fs_session *src)
{
    for (char **w = src->warnings; w != NULL && *w != NULL; w++)
        fs_strv_push(&dst->warnings, *w);
    fs_strv_free(src->warnings);
    src->warnings = NULL;
    if (src->ntasks == 0)
        return;
    /* The specs own their strings through pointers, so moving the structs moves
     * the ownership; src forgets them without finishing them. */
    dst->tasks = fs_xreallocarray(dst->tasks, dst->ntasks + src->ntasks, sizeof *dst->tasks);
    memcpy(dst->tasks + dst->ntasks, src->tasks, src->ntasks * sizeof *src->tasks);
    dst->ntasks += src->ntasks;
    free(src->tasks);
    src->tasks = NULL;
    src->ntasks = 0;
}
