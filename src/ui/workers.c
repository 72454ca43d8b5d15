/*
 * The worker threads of traced node programs (doc/tracing.md) as rows of the
 * task table, under the process that started them: "worker 2  primes.js
 * tid 4321  online", then "exit 0" dimmed for FS_DESC_LINGER seconds after it
 * ended. Fed by the tracer's thread reports (start, online, exit, error).
 * Owns a bounded list: past UI_WORKERS_MAX the oldest ended worker, else the
 * oldest, gives way, and the count of those dropped is kept.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "sample/desc.h"
#include "ui/ui_int.h"

static struct ui_worker *
find(struct ui *ui, size_t task, long long pid, long long thread_id)
{
    for (size_t i = 0; i < ui->nworkers; i++) {
        struct ui_worker *w = &ui->workers[i];
        if (w->task == task && w->pid == pid && w->thread_id == thread_id)
            return w;
    }
    return NULL;
}

static void
drop(struct ui *ui, size_t i)
{
    memmove(&ui->workers[i], &ui->workers[i + 1], (ui->nworkers - i - 1) * sizeof ui->workers[0]);
    ui->nworkers--;
}

static struct ui_worker *
add(struct ui *ui, size_t task, long long pid, long long thread_id)
{
    if (ui->nworkers == UI_WORKERS_MAX) {
        size_t victim = 0;
        for (size_t i = 0; i < ui->nworkers; i++)
            if (ui->workers[i].ended_at > 0) {
                victim = i;
                break;
            }
        drop(ui, victim);
        ui->workers_dropped++;
    }
    struct ui_worker *w = &ui->workers[ui->nworkers++];
    memset(w, 0, sizeof *w);
    w->task = task;
    w->pid = pid;
    w->thread_id = thread_id;
    w->tid = -1;
    snprintf(w->state, sizeof w->state, "start");
    return w;
}

void
ui_workers_event(struct ui *ui, size_t task, const struct fs_trace_ev *ev)
{
    if (ev->kind != FS_TRACE_THREAD || ev->state == NULL || ev->thread_id <= 0)
        return;
    struct ui_worker *w = find(ui, task, ev->pid, ev->thread_id);
    if (w == NULL)
        w = add(ui, task, ev->pid, ev->thread_id);
    if (ev->script != NULL)
        snprintf(w->script, sizeof w->script, "%s", ev->script);
    if (ev->tid > 0)
        w->tid = ev->tid;
    if (strcmp(ev->state, "exit") == 0) {
        w->ended_at = fs_app_now(ui->app);
        if (ev->code >= 0)
            snprintf(w->state, sizeof w->state, "exit %lld", ev->code);
        else if (strcmp(w->state, "error") != 0)
            snprintf(w->state, sizeof w->state, "ended");
    } else if (strcmp(w->state, "error") != 0 || strcmp(ev->state, "error") == 0) {
        snprintf(w->state, sizeof w->state, "%s", ev->state);
    }
    ui_dirty(ui);
}

void
ui_workers_rows(struct ui *ui, size_t task, long long pid)
{
    double now = fs_app_now(ui->app);
    for (size_t i = 0; i < ui->nworkers;) {
        struct ui_worker *w = &ui->workers[i];
        if (w->ended_at > 0 && now - w->ended_at > FS_DESC_LINGER) {
            drop(ui, i);
            continue;
        }
        if (w->task == task && w->pid == pid)
            ui_rows_add(ui, UI_ROW_WORKER, task, i);
        i++;
    }
}

void
ui_workers_draw(struct ui *ui, size_t sub, int y)
{
    if (sub >= ui->nworkers)
        return;
    const struct ui_worker *w = &ui->workers[sub];
    /* One level under the process that runs it. */
    unsigned depth = 1;
    const struct fs_desc_list *dl = ui_descendants(ui, w->task);
    for (size_t k = 0; dl != NULL && k < dl->n; k++)
        if (dl->v[k].pid == w->pid)
            depth = dl->v[k].depth + 1;
    depth = depth < 8 ? depth : 8;
    char tid[32] = "";
    if (w->tid > 0)
        snprintf(tid, sizeof tid, "tid %lld", w->tid);
    char line[256];
    snprintf(line, sizeof line, "%*s\u2514 worker %lld  %-16s %-10s %s", (int)(depth - 1) * 2, "",
             w->thread_id, w->script[0] ? w->script : "?", tid, w->state);
    ui_put_el(ui, FS_EL_TABLE_ROW, true);
    if (w->ended_at > 0)
        attron(A_DIM);
    mvhline(y, 0, ' ', COLS);
    ui_put_text(y, 0, COLS, line, false);
    attroff(A_DIM);
}
