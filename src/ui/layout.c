/*
 * Where things go on the screen for the next frame: the task table on top, a
 * demo's caption under it, the grid of panes below, the status line at the
 * bottom; a zoomed pane takes everything but the status line. The arithmetic
 * is model/tiling.c's.
 */
#include <config.h>

#include "ui/ui_int.h"

/* The table gets a row per task plus its header, at most a third of the screen
 * (more when there is no room for panes anyway). */
static int
table_height(struct ui *ui, int h)
{
    ui->layout_rows = ui_table_rows(ui);
    int want = ui->layout_rows + 1;
    int cap = h / 3 > 3 ? h / 3 : 3;
    return want < cap ? want : cap;
}

void
ui_layout(struct ui *ui)
{
    /* The first line is the header line (except zoomed), the last the status line. */
    int top = ui->zoom ? 0 : 1;
    int w = COLS, h = LINES - 1 - top;
    if (h < 1)
        h = 1;
    ui->npanes_shown = 0;
    ui->caption_rect.h = 0;
    if (ui->ntasks == 0) {
        ui->table_y = top;
        ui->table_h = h;
        return;
    }
    if (ui->zoom && ui->traffic) {
        /* The traffic view zoomed: one message, pretty-printed, scrolled. */
        ui->table_h = 0;
        ui->traffic_rect = (struct fs_rect){0, 0, w, h};
        return;
    }
    if (ui->zoom) {
        ui->table_h = 0;
        ui->pane_rect[0] = (struct fs_rect){0, 0, w, h};
        ui->pane_task[0] = ui->sel;
        ui->npanes_shown = 1;
        return;
    }
    ui->table_y = top;
    ui->table_h = table_height(ui, h);
    struct fs_rect area = {0, top + ui->table_h, w, h - ui->table_h};
    /* A demo's caption between the table and the panes. */
    int ch = ui_caption_height(ui, w, area.h);
    ui->caption_rect = (struct fs_rect){0, area.y, w, ch};
    area.y += ch;
    area.h -= ch;
    if (ui->traffic) {
        /* The traffic view takes the panes' place. */
        ui->traffic_rect = area;
        return;
    }
    if (area.h < FS_TILING_MIN_H || area.w < FS_TILING_MIN_W) {
        /* No room for panes: the table takes the screen. */
        ui->table_h = h;
        return;
    }
    int rows, cols;
    size_t max = sizeof ui->pane_rect / sizeof ui->pane_rect[0];
    size_t shown = fs_tiling_grid(ui->layout, area.w, area.h, ui->ntasks, &rows, &cols);
    if (shown > max)
        shown = fs_tiling_grid(ui->layout, area.w, area.h, max, &rows, &cols);
    fs_tiling_window(ui->ntasks, shown, ui->sel, &ui->first);
    fs_tiling_place(area, rows, cols, shown, ui->pane_rect);
    for (size_t k = 0; k < shown; k++)
        ui->pane_task[k] = ui->first + k;
    ui->npanes_shown = shown;
}
