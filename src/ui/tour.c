/*
 * The tour of the built-in demos on the screen: the demo's caption (what is on
 * the screen, what to watch, which keys to try) in its own area under the
 * table, hidden and shown with c, and the steps to the next or previous demo
 * with ] and [. A step stops the demo's tasks as quit does, removes them once
 * none is live, then loads the next demo's session and starts it. Owns the
 * step's timer.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/demo.h"
#include "ui/ui_int.h"

/* The caption area's rows at most: a title and six lines of text. */
#define CAPTION_MAX 7
/* While a stopped task has not ended, the step looks again this often. */
#define STEP_RETRY 0.05

static const char *
caption(const struct ui *ui)
{
    return ui->demo->caption != NULL ? ui->demo->caption : "";
}

int
ui_caption_height(struct ui *ui, int w, int room)
{
    if (ui->demo == NULL || ui->caption_hidden || ui->zoom)
        return 0;
    struct ui_span sp[CAPTION_MAX - 1];
    int rows = 1 + (int)ui_wrap(caption(ui), w - 2, sp, CAPTION_MAX - 1);
    if (room - rows < FS_TILING_MIN_H)
        rows = room - FS_TILING_MIN_H;
    return rows >= 2 ? rows : 0;
}

void
ui_caption_draw(struct ui *ui)
{
    struct fs_rect r = ui->caption_rect;
    if (ui->demo == NULL || r.h <= 0)
        return;
    ui_put_el(ui, FS_EL_PANE_BORDER, true);
    mvhline(r.y, r.x, ACS_HLINE, r.w);
    char title[160];
    if (ui->tour_pending)
        /* Until every task has stopped (an unresponsive worker never does). */
        snprintf(title, sizeof title, " demo %s: stopping its tasks, then demo %s (q quits) ",
                 ui->demo->name, fs_demo_at(ui->tour_to)->name);
    else
        snprintf(title, sizeof title, " demo %s (%zu of %zu)  ] next  [ previous  c hides this ",
                 ui->demo->name, ui->demo_idx + 1, fs_demo_count());
    ui_put_el(ui, FS_EL_PANE_TITLE, true);
    ui_put_text(r.y, r.x + 2, r.w - 4, title, false);
    ui_put_el(ui, FS_EL_NORMAL, true);
    struct ui_span sp[CAPTION_MAX - 1];
    size_t n = ui_wrap(caption(ui), r.w - 2, sp, CAPTION_MAX - 1);
    for (size_t k = 0; k < n && (int)k < r.h - 1; k++) {
        char line[512];
        snprintf(line, sizeof line, "%.*s", sp[k].len, sp[k].text);
        ui_put_text(r.y + 1 + (int)k, r.x + 1, r.w - 2, line, false);
    }
    ui_put_el(ui, FS_EL_NORMAL, false);
}

/* Loads demo i into the app, where no task is left, and starts it. */
static void
load(struct ui *ui, size_t i)
{
    const struct fs_demo *d = fs_demo_at(i);
    struct fs_session s;
    fs_session_init(&s);
    char *err = NULL;
    if (fs_demo_load(d, &s, &err) != 0) {
        ui_message(ui, true, "demo %s: %s", d->name, err);
        free(err);
    } else {
        ui->demo = d;
        ui->demo_idx = i;
        ui->sel = ui->first = 0;
        ui->traffic_focus = 0;
        fs_app_load(ui->app, &s);
        ui_sync_tasks(ui);
        ui_message(ui, false, "demo %s (%zu of %zu): %s", d->name, i + 1, fs_demo_count(),
                   d->summary);
    }
    fs_session_fini(&s);
}

/* The step's timer: removes what has stopped; once nothing is left, loads the
 * next demo, else looks again a little later. */
static void
on_step(void *arg)
{
    struct ui *ui = arg;
    if (!ui->tour_pending)
        return;
    if (ui->quit_requests > 0) {
        ui->tour_pending = false;
        return;
    }
    for (size_t i = ui->ntasks; i-- > 0;)
        ui_remove_task(ui, i);
    if (ui->ntasks > 0) {
        fs_app_timer_start(ui->tour_timer, STEP_RETRY);
        return;
    }
    ui->tour_pending = false;
    load(ui, ui->tour_to);
}

static void
step(struct ui *ui, bool forward)
{
    if (ui->demo == NULL) {
        ui_message(ui, true,
                   "not a demo: forkscope alone runs the tour, forkscope demo NAME one demo");
        return;
    }
    if (ui->quit_requests > 0) {
        ui_message(ui, true, "forkscope is quitting");
        return;
    }
    size_t n = fs_demo_count(), from = ui->tour_pending ? ui->tour_to : ui->demo_idx;
    ui->tour_to = forward ? (from + 1) % n : (from + n - 1) % n;
    ui->tour_pending = true;
    ui->zoom = false;
    fs_app_stop_all(ui->app);
    ui_message(ui, false, "stopping the tasks of demo %s, then demo %s", ui->demo->name,
               fs_demo_at(ui->tour_to)->name);
    fs_app_timer_start(ui->tour_timer, 0);
}

void
ui_tour_next(struct ui *ui)
{
    step(ui, true);
}

void
ui_tour_prev(struct ui *ui)
{
    step(ui, false);
}

void
ui_caption_toggle(struct ui *ui)
{
    if (ui->demo == NULL) {
        ui_message(ui, true, "no caption: only the demos have one (forkscope demo lists them)");
        return;
    }
    ui->caption_hidden = !ui->caption_hidden;
    ui_message(ui, false, ui->caption_hidden ? "caption hidden (c shows it)" : "caption shown");
    ui_relayout(ui);
}

void
ui_tour_start(struct ui *ui, const struct fs_demo *demo)
{
    ui->demo = demo;
    for (size_t i = 0; demo != NULL && i < fs_demo_count(); i++)
        if (fs_demo_at(i) == demo)
            ui->demo_idx = i;
    if (demo != NULL)
        ui->tour_timer = fs_app_timer_new(ui->app, on_step, ui);
}

void
ui_tour_stop(struct ui *ui)
{
    fs_app_timer_free(ui->tour_timer);
    ui->tour_timer = NULL;
    ui->tour_pending = false;
}
