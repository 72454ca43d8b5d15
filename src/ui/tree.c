/*
 * The rows of the task table: each task, the selected task's threads when they
 * are shown, and each task's descendants under it as a tree once unfolded,
 * with a "+N more" row when some were cut. The selection is a task and, on a
 * descendant row, that descendant's pid (0: the task's own row); moving,
 * folding and clicking go through here. Owns the row array of struct ui.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_int.h"
#include "util/xalloc.h"

void
ui_rows_add(struct ui *ui, enum ui_row_kind kind, size_t task, size_t sub)
{
    if (ui->nrows == ui->rows_cap) {
        ui->rows_cap = ui->rows_cap ? ui->rows_cap * 2 : 64;
        ui->rows = fs_xreallocarray(ui->rows, ui->rows_cap, sizeof *ui->rows);
    }
    ui->rows[ui->nrows++] = (struct ui_row){kind, task, sub};
}

/* Task i's descendants: while its run is live, and for a while after, the
 * ended ones lingering and the orphans it left; NULL when there are none. */
const struct fs_desc_list *
ui_descendants(struct ui *ui, size_t i)
{
    return fs_app_descendants(ui->app, i);
}

size_t
ui_rows_build(struct ui *ui)
{
    ui->nrows = 0;
    for (size_t i = 0; i < ui->ntasks; i++) {
        ui_rows_add(ui, UI_ROW_TASK, i, 0);
        size_t nth = 0;
        if (ui->show_threads && i == ui->sel)
            fs_app_threads(ui->app, i, true, &nth);
        for (size_t k = 0; k < nth; k++)
            ui_rows_add(ui, UI_ROW_THREAD, i, k);
        const struct fs_desc_list *dl = ui_descendants(ui, i);
        if (dl == NULL || !ui->tasks[i].unfolded)
            continue;
        /* A traced process's worker threads come right under its row. */
        ui_workers_rows(ui, i, fs_app_task(ui->app, i)->st.pid);
        for (size_t k = 0; k < dl->n; k++) {
            ui_rows_add(ui, UI_ROW_DESC, i, k);
            ui_workers_rows(ui, i, dl->v[k].pid);
        }
        if (dl->cut > 0)
            ui_rows_add(ui, UI_ROW_MORE, i, dl->cut);
    }
    return ui->nrows;
}

/* The descendant record of a row. */
const struct fs_desc *
ui_row_desc(struct ui *ui, const struct ui_row *r)
{
    const struct fs_desc_list *dl = ui_descendants(ui, r->task);
    return dl != NULL && r->sub < dl->n ? &dl->v[r->sub] : NULL;
}

size_t
ui_rows_selected(struct ui *ui)
{
    size_t task_row = 0;
    for (size_t k = 0; k < ui->nrows; k++) {
        const struct ui_row *r = &ui->rows[k];
        if (r->task != ui->sel)
            continue;
        if (r->kind == UI_ROW_TASK) {
            task_row = k;
            if (ui->sel_pid == 0)
                return k;
        } else if (r->kind == UI_ROW_DESC && ui_row_desc(ui, r)->pid == ui->sel_pid) {
            return k;
        }
    }
    ui->sel_pid = 0; /* the descendant is no longer listed: back to its task */
    return task_row;
}

/* Selects row k (a task or a descendant row). */
static void
select_row(struct ui *ui, size_t k)
{
    const struct ui_row *r = &ui->rows[k];
    bool other = r->task != ui->sel;
    if (other && ui->show_threads && ui->sel < ui->ntasks) {
        size_t n;
        fs_app_threads(ui->app, ui->sel, false, &n); /* the old task's are not read */
    }
    ui->sel = r->task;
    ui->sel_pid = r->kind == UI_ROW_DESC ? ui_row_desc(ui, r)->pid : 0;
    if (other)
        ui_relayout(ui);
    else
        ui_dirty(ui);
}

void
ui_rows_move(struct ui *ui, int dir)
{
    ui_rows_build(ui);
    size_t k = ui_rows_selected(ui);
    for (size_t j = k + (size_t)(long)dir; j < ui->nrows; j += (size_t)(long)dir) {
        if (ui->rows[j].kind == UI_ROW_TASK || ui->rows[j].kind == UI_ROW_DESC) {
            select_row(ui, j);
            return;
        }
    }
    ui_dirty(ui);
}

size_t
ui_rows_at(struct ui *ui, size_t k, bool select)
{
    ui_rows_build(ui);
    if (k >= ui->nrows)
        return (size_t)-1;
    const struct ui_row *r = &ui->rows[k];
    if (select && (r->kind == UI_ROW_TASK || r->kind == UI_ROW_DESC))
        select_row(ui, k);
    return r->task;
}

void
ui_rows_said(struct ui *ui)
{
    size_t n = strlen(ui->message);
    if (ui->sel_pid != 0 && n + 1 < sizeof ui->message)
        snprintf(ui->message + n, sizeof ui->message - n, " (the task of pid %d)",
                 (int)ui->sel_pid);
}

/* Folds (0), unfolds (1) or toggles (-1) the selected task's descendants; on
 * a descendant row, folding selects its task's row. */
static void
fold(struct ui *ui, int how)
{
    if (ui->sel >= ui->ntasks)
        return;
    struct ui_task *ut = &ui->tasks[ui->sel];
    ut->unfolded = how < 0 ? !ut->unfolded : how == 1;
    if (!ut->unfolded)
        ui->sel_pid = 0;
    const struct fs_desc_list *dl = ui_descendants(ui, ui->sel);
    size_t n = dl != NULL ? dl->n : 0;
    char dropped[64] = "";
    if (ui->workers_dropped > 0)
        snprintf(dropped, sizeof dropped, "; %llu worker rows dropped (at most %d)",
                 ui->workers_dropped, UI_WORKERS_MAX);
    ui_message(ui, false, "%s: %zu descendant%s %s (f: fold / unfold)%s",
               fs_app_task(ui->app, ui->sel)->spec.name, n, n == 1 ? "" : "s",
               ut->unfolded ? "shown" : "folded", dropped);
    ui_relayout(ui);
}

void
ui_tree_toggle(struct ui *ui)
{
    fold(ui, -1);
}

void
ui_tree_fold(struct ui *ui)
{
    fold(ui, 0);
}

void
ui_tree_unfold(struct ui *ui)
{
    fold(ui, 1);
}
