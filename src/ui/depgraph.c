/*
 * Dependencies on the screen: the state a waiting or blocked task shows in
 * the table and on its pane (`waiting db(ready)`, `blocked: db exited with
 * 1`), and the dependency graph overlay (the `w` key): each task with its
 * state and, under it, each of its conditions and whether it holds. The
 * overlay shares the help overlay's mode and scrolling (keys.c); it owns
 * nothing.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/deps.h"
#include "ui/ui_int.h"
#include "util/xalloc.h"

bool
ui_deps_describe(struct ui *ui, size_t i, char *buf, size_t len)
{
    const struct fs_task *t = fs_app_task(ui->app, i);
    if (t == NULL)
        return false;
    if (t->st.state == FS_STATE_BLOCKED) {
        const char *why = fs_app_blocked(ui->app, i, NULL);
        snprintf(buf, len, "blocked: %s", why != NULL ? why : "?");
        return true;
    }
    if (t->st.state != FS_STATE_WAITING)
        return false;
    size_t o = (size_t)snprintf(buf, len, "waiting");
    for (size_t k = 0; k < t->spec.ndeps && o < len; k++) {
        char *why = NULL;
        enum fs_dep_state s = fs_app_dep_state(ui->app, i, k, &why);
        free(why);
        if (s != FS_DEP_HOLDS)
            o += (size_t)snprintf(buf + o, len - o, " %s(%s)", t->spec.deps[k].task,
                                  fs_dep_cond_name(t->spec.deps[k].cond));
    }
    return true;
}

/* Appends a line to *v (n of them). */
static void
push(char ***v, size_t *n, char *line)
{
    *v = fs_xreallocarray(*v, *n + 1, sizeof **v);
    (*v)[(*n)++] = line;
}

/* The overlay's text: one line per task, one per condition under it. */
static size_t
graph_lines(struct ui *ui, char ***out)
{
    char **v = NULL;
    size_t n = 0, nt = fs_app_ntasks(ui->app);
    double now = fs_app_now(ui->app);
    for (size_t i = 0; i < nt; i++) {
        const struct fs_task *t = fs_app_task(ui->app, i);
        char state[160];
        if (!ui_deps_describe(ui, i, state, sizeof state))
            ui_describe_state(t, now, state, sizeof state);
        push(&v, &n, fs_xasprintf("%s: %s", t->spec.name, state));
        for (size_t k = 0; k < t->spec.ndeps; k++) {
            char *why = NULL;
            enum fs_dep_state s = fs_app_dep_state(ui->app, i, k, &why);
            const struct fs_dep *d = &t->spec.deps[k];
            push(&v, &n,
                 fs_xasprintf("  -> %s (%s): %s%s%s", d->task, fs_dep_cond_name(d->cond),
                              s == FS_DEP_HOLDS     ? "holds"
                              : s == FS_DEP_NOT_YET ? "not yet"
                                                    : "can no longer hold",
                              why != NULL ? ": " : "", why != NULL ? why : ""));
            free(why);
        }
    }
    *out = v;
    return n;
}

void
ui_deps_draw(struct ui *ui)
{
    char **lines;
    size_t nl = graph_lines(ui, &lines);
    int w = 20;
    for (size_t k = 0; k < nl; k++)
        if ((int)strlen(lines[k]) + 4 > w)
            w = (int)strlen(lines[k]) + 4;
    char title[80];
    int h = ui_overlay_scroll(ui, nl, "dependencies", title, sizeof title);
    int shown = h - 2 > 1 ? h - 2 : 1;
    if (w < (int)strlen(title) + 4)
        w = (int)strlen(title) + 4;
    struct fs_rect r = ui_overlay_box(ui, w, h, title);
    for (int k = 0; k < shown && ui->help_top + k < (int)nl && k < r.h - 2; k++)
        ui_put_text(r.y + 1 + k, r.x + 2, r.w - 4, lines[ui->help_top + k], false);
    ui_put_el(ui, FS_EL_NORMAL, false);
    for (size_t k = 0; k < nl; k++)
        free(lines[k]);
    free(lines);
}
