/*
 * Dependencies between tasks: condition names, lists of conditions, whether a
 * condition holds against a task's state (and why it never will), the checks
 * on a session's graph (unknown names, self-dependencies, cycles with their
 * path) and who depends on whom. See model/deps.h; doc/session-file.md says
 * what each condition means.
 */
#include <config.h>

#include "model/deps.h"

#include <stdlib.h>
#include <string.h>

#include "util/signame.h"
#include "util/xalloc.h"

static const char *const cond_names[FS_DEP_COND_COUNT] = {"started", "ready", "exited",
                                                          "succeeded"};

const char *
fs_dep_cond_name(enum fs_dep_cond cond)
{
    return (unsigned)cond < FS_DEP_COND_COUNT ? cond_names[cond] : "?";
}

int
fs_dep_cond_from_name(const char *name, enum fs_dep_cond *cond)
{
    for (int i = 0; i < FS_DEP_COND_COUNT; i++) {
        if (strcmp(name, cond_names[i]) == 0) {
            *cond = (enum fs_dep_cond)i;
            return 0;
        }
    }
    return -1;
}

struct fs_dep *
fs_deps_copy(const struct fs_dep *deps, size_t n)
{
    if (deps == NULL || n == 0)
        return NULL;
    struct fs_dep *out = fs_xcalloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i] = deps[i];
        out[i].task = fs_xstrdup(deps[i].task);
    }
    return out;
}

void
fs_deps_free(struct fs_dep *deps, size_t n)
{
    for (size_t i = 0; deps != NULL && i < n; i++)
        free(deps[i].task);
    free(deps);
}

void
fs_deps_add(struct fs_dep **deps, size_t *n, const char *task, enum fs_dep_cond cond, int line,
            int col)
{
    *deps = fs_xreallocarray(*deps, *n + 1, sizeof **deps);
    (*deps)[(*n)++] = (struct fs_dep){fs_xstrdup(task), cond, line, col};
}

bool
fs_deps_names(const struct fs_task_spec *spec, const char *name)
{
    return strcmp(spec->name, name) == 0 ||
           (spec->replica_of != NULL && strcmp(spec->replica_of, name) == 0);
}

bool
fs_deps_success_code(const struct fs_task_spec *spec, int code)
{
    if (spec->nsuccess == 0)
        return code == 0;
    for (size_t i = 0; i < spec->nsuccess; i++)
        if (spec->success_codes[i] == code)
            return true;
    return false;
}

/* ---- one condition on one task ---------------------------------------------------------- */

/* How a finished run ended, for a reason: "db exited with 1". */
static char *
how_it_ended(const struct fs_task *t)
{
    const char *name = t->spec.name;
    if (t->st.spawn_error != 0)
        return fs_xasprintf("%s could not start", name);
    if (t->st.stop_requested)
        return fs_xasprintf("%s was stopped", name);
    if (t->st.term_signal != 0) {
        const char *sig = fs_signame(t->st.term_signal);
        return sig ? fs_xasprintf("%s was killed by %s", name, sig)
                   : fs_xasprintf("%s was killed by signal %d", name, t->st.term_signal);
    }
    if (!t->st.have_exit)
        return fs_xasprintf("%s ended", name);
    return fs_xasprintf("%s exited with %d", name, t->st.exit_code);
}

/* Its last run is over and nothing will start it again by itself. */
static bool
finished(const struct fs_task *t)
{
    return (t->st.state == FS_STATE_EXITED || t->st.state == FS_STATE_FAILED) &&
           !t->st.restart_pending;
}

static enum fs_dep_state
never(char **why, char *reason)
{
    *why = reason;
    return FS_DEP_NEVER;
}

/* What every condition shares: a task that could not start, was blocked or was
 * stopped before it ran. FS_DEP_HOLDS here means "look further". */
static enum fs_dep_state
common(const struct fs_task *t, char **why)
{
    const char *name = t->spec.name;
    switch (t->st.state) {
    case FS_STATE_BLOCKED:
        return never(why, fs_xasprintf("%s is blocked", name));
    case FS_STATE_WAITING:
        return FS_DEP_NOT_YET;
    case FS_STATE_IDLE:
        if (t->st.stop_requested)
            return never(why, fs_xasprintf("%s was stopped", name));
        return FS_DEP_NOT_YET;
    case FS_STATE_FAILED:
        if (t->st.spawn_error != 0 && !t->st.has_run)
            return never(why, fs_xasprintf("%s could not start", name));
        return FS_DEP_HOLDS;
    default:
        return FS_DEP_HOLDS;
    }
}

enum fs_dep_state
fs_dep_eval(enum fs_dep_cond cond, const struct fs_task *t, char **why)
{
    *why = NULL;
    enum fs_dep_state s = common(t, why);
    if (s != FS_DEP_HOLDS)
        return s;
    switch (cond) {
    case FS_DEP_STARTED:
        return t->st.has_run ? FS_DEP_HOLDS : FS_DEP_NOT_YET;
    case FS_DEP_READY:
        if (t->st.was_ready)
            return FS_DEP_HOLDS;
        if (finished(t))
            return never(why, how_it_ended(t));
        if (fs_task_is_live(t) && t->st.ready_gave_up && !t->st.restart_pending)
            return never(why, fs_xasprintf("%s's readiness probe gave up", t->spec.name));
        return FS_DEP_NOT_YET;
    case FS_DEP_EXITED:
        return finished(t) ? FS_DEP_HOLDS : FS_DEP_NOT_YET;
    case FS_DEP_SUCCEEDED:
        if (!finished(t))
            return FS_DEP_NOT_YET;
        if (t->st.have_exit && t->st.term_signal == 0 && t->st.spawn_error == 0 &&
            fs_deps_success_code(&t->spec, t->st.exit_code))
            return FS_DEP_HOLDS;
        return never(why, how_it_ended(t));
    }
    return FS_DEP_NOT_YET;
}

/* ---- a task's conditions against a session -------------------------------------------- */

enum fs_dep_state
fs_deps_eval_one(const struct fs_deps_set *set, const struct fs_dep *d, char **why)
{
    enum fs_dep_state all = FS_DEP_HOLDS;
    bool any = false;
    *why = NULL;
    for (size_t i = 0; i < set->n; i++) {
        const struct fs_task *t = set->task(set->arg, i);
        if (t == NULL || !fs_deps_names(&t->spec, d->task))
            continue;
        any = true;
        char *r = NULL;
        enum fs_dep_state s = fs_dep_eval(d->cond, t, &r);
        if (s == FS_DEP_NEVER) {
            *why = r;
            return FS_DEP_NEVER;
        }
        if (s == FS_DEP_NOT_YET)
            all = FS_DEP_NOT_YET;
    }
    if (!any)
        return never(why, fs_xasprintf("%s is not a task of this session", d->task));
    return all;
}

enum fs_dep_state
fs_deps_eval(const struct fs_deps_set *set, const struct fs_task *t, size_t *which, char **why)
{
    enum fs_dep_state all = FS_DEP_HOLDS;
    *which = 0;
    *why = NULL;
    for (size_t k = 0; k < t->spec.ndeps; k++) {
        char *r = NULL;
        enum fs_dep_state s = fs_deps_eval_one(set, &t->spec.deps[k], &r);
        if (s == FS_DEP_NEVER) {
            *which = k;
            *why = r;
            return FS_DEP_NEVER;
        }
        if (s == FS_DEP_NOT_YET && all == FS_DEP_HOLDS) {
            all = FS_DEP_NOT_YET;
            *which = k;
        }
    }
    return all;
}

bool
fs_deps_on(const struct fs_task *t, const struct fs_task_spec *dep)
{
    for (size_t k = 0; k < t->spec.ndeps; k++)
        if (fs_deps_names(dep, t->spec.deps[k].task))
            return true;
    return false;
}

bool
fs_deps_dependent_live(const struct fs_deps_set *set, const struct fs_task *t)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct fs_task *d = set->task(set->arg, i);
        if (d != NULL && d != t && fs_task_is_live(d) && fs_deps_on(d, &t->spec))
            return true;
    }
    return false;
}

/* ---- checking a session's graph -------------------------------------------------------- */

struct walk {
    const struct fs_task_spec *specs;
    size_t n;
    unsigned char *color; /* 0 not seen, 1 on the path, 2 done */
    size_t *path;         /* the tasks on the current path */
    size_t depth;
    char **err;
};

static int
fail_at(struct walk *w, const struct fs_task_spec *s, const struct fs_dep *d, char *what)
{
    if (s->file != NULL)
        *w->err = fs_xasprintf("%s:%d:%d: task '%s': %s", s->file, d->line, d->col, s->name, what);
    else
        *w->err = fs_xasprintf("task '%s': %s", s->name, what);
    free(what);
    return -1;
}

/* "a -> b -> c -> a": the path from the task at path[from] back to it. */
static char *
cycle_text(const struct walk *w, size_t from)
{
    char *out = NULL;
    for (size_t k = from; k < w->depth; k++) {
        char *old = out;
        out = old ? fs_xasprintf("%s -> %s", old, w->specs[w->path[k]].name)
                  : fs_xstrdup(w->specs[w->path[k]].name);
        free(old);
    }
    char *old = out;
    out = fs_xasprintf("%s -> %s", old, w->specs[w->path[from]].name);
    free(old);
    return out;
}

static int
visit(struct walk *w, size_t i)
{
    const struct fs_task_spec *s = &w->specs[i];
    w->color[i] = 1;
    w->path[w->depth++] = i;
    for (size_t k = 0; k < s->ndeps; k++) {
        const struct fs_dep *d = &s->deps[k];
        for (size_t j = 0; j < w->n; j++) {
            if (!fs_deps_names(&w->specs[j], d->task) || w->color[j] == 2)
                continue;
            if (w->color[j] == 0) {
                if (visit(w, j) < 0)
                    return -1;
                continue;
            }
            size_t from = 0;
            while (w->path[from] != j)
                from++;
            char *c = cycle_text(w, from);
            int r = fail_at(w, s, d, fs_xasprintf("dependency cycle: %s", c));
            free(c);
            return r;
        }
    }
    w->depth--;
    w->color[i] = 2;
    return 0;
}

/* Every name is a task, and none is the task itself. */
static int
check_names(struct walk *w)
{
    for (size_t i = 0; i < w->n; i++) {
        const struct fs_task_spec *s = &w->specs[i];
        for (size_t k = 0; k < s->ndeps; k++) {
            const struct fs_dep *d = &s->deps[k];
            bool found = false;
            for (size_t j = 0; j < w->n && !found; j++)
                found = fs_deps_names(&w->specs[j], d->task);
            if (!found)
                return fail_at(w, s, d,
                               fs_xasprintf("depends on '%s', which is not a task", d->task));
            if (fs_deps_names(s, d->task))
                return fail_at(w, s, d, fs_xasprintf("depends on itself"));
        }
    }
    return 0;
}

int
fs_deps_check(const struct fs_task_spec *specs, size_t n, char **err)
{
    struct walk w = {specs, n, NULL, NULL, 0, err};
    if (check_names(&w) < 0)
        return -1;
    w.color = fs_xcalloc(n + 1, 1);
    w.path = fs_xcalloc(n + 1, sizeof *w.path);
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++)
        if (w.color[i] == 0)
            r = visit(&w, i);
    free(w.color);
    free(w.path);
    return r;
}
