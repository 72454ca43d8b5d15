/*
 * The traffic view: for every fork task's channel its messages and bytes in
 * and out, bad frames, the current rate and a rate sparkline; below, the
 * message log of the selected task (or of every task, interleaved in time
 * order): time, direction, size, the value on one line cut to fit, internal
 * messages and bad frames marked; the newest message pretty-printed at the
 * bottom. Messages are decoded only when a row shows them.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ui/ui_int.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* Called at each sample: message rates from the counters. */
void
ui_traffic_sample(struct ui *ui)
{
    double now = fs_app_now(ui->app);
    for (size_t i = 0; i < ui->ntasks; i++) {
        const struct fs_channel_counts *c = fs_app_traffic(ui->app, i);
        struct ui_task *ut = &ui->tasks[i];
        if (c == NULL)
            continue;
        unsigned long long msgs = c->msgs_in + c->msgs_out;
        if (ut->last_at > 0 && now > ut->last_at)
            ut->rate = (double)(msgs - ut->last_msgs) / (now - ut->last_at);
        ut->last_msgs = msgs;
        ut->last_at = now;
        if (ut->nrate == UI_RATE_HISTORY)
            memmove(ut->rate_hist, ut->rate_hist + 1, (UI_RATE_HISTORY - 1) * sizeof(float));
        else
            ut->nrate++;
        ut->rate_hist[ut->nrate - 1] = (float)ut->rate;
    }
}

/* The channel's message rate, scaled to its highest rate shown. */
static void
rate_spark(const struct ui_task *ut, int width, char *buf, size_t len)
{
    double v[UI_RATE_HISTORY];
    float max = 0;
    for (size_t k = 0; k < ut->nrate; k++)
        max = ut->rate_hist[k] > max ? ut->rate_hist[k] : max;
    for (size_t k = 0; k < ut->nrate; k++)
        v[k] = max > 0 ? ut->rate_hist[k] / max : 0;
    ui_spark(v, ut->nrate, width, buf, len);
}

/* One summary row per channel; returns the rows used. */
static int
draw_channels(struct ui *ui, struct fs_rect area)
{
    int y = area.y;
    ui_put_el(ui, FS_EL_TABLE_HEADER, true);
    mvhline(y, area.x, ' ', area.w);
    ui_put_text(y++, area.x, area.w,
                " CHANNEL         MSG IN    MSG OUT    BYTES IN   BYTES OUT  BAD  INTERNAL"
                "   MSG/S  RATE",
                false);
    for (size_t i = 0; i < ui->ntasks && y < area.y + area.h / 3; i++) {
        const struct fs_channel_counts *c = fs_app_traffic(ui->app, i);
        if (c == NULL)
            continue;
        char spark[256], line[512];
        rate_spark(&ui->tasks[i], 24, spark, sizeof spark);
        snprintf(line, sizeof line, " %-14.14s %8llu  %9llu  %10llu  %10llu %4llu  %8llu %7.0f  %s",
                 fs_app_task(ui->app, i)->spec.name, c->msgs_in, c->msgs_out, c->bytes_in,
                 c->bytes_out, c->bad, c->internal, ui->tasks[i].rate, spark);
        ui_put_el(ui, i == ui->sel ? FS_EL_TABLE_SELECTED : FS_EL_TABLE_ROW, true);
        mvhline(y, area.x, ' ', area.w);
        ui_put_text(y++, area.x, area.w, line, false);
    }
    ui_put_el(ui, FS_EL_NORMAL, false);
    return y - area.y;
}

static bool
shown(struct ui *ui, const struct fs_msglog_entry *e)
{
    return ui->traffic_all || (ui->sel < ui->ntasks && e->task == fs_app_task(ui->app, ui->sel));
}

/* The first bytes of a message that cannot be shown as a value: invalid
 * UTF-8 and control bytes written as \xNN, a character cut by the end of the
 * bytes kept left out. */
static char *
head_text(const char *data, size_t len, size_t size)
{
    size_t n = len < FS_IPC_HEAD ? len : FS_IPC_HEAD;
    if (n < size)
        n = fs_utf8_boundary(data, n);
    char *esc = fs_utf8_escape(data, n, &n);
    char *out = fs_xmalloc(n * 4 + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)esc[i];
        if (c < 0x20 || c == 0x7f)
            o += sprintf(o, "\\x%02x", c);
        else
            *o++ = (char)c;
    }
    *o = '\0';
    free(esc);
    return out;
}

/* The message as text: compact JSON (pretty when indent), or why it is not
 * and how it starts. */
static char *
message_text(const struct fs_msglog_entry *e, bool pretty)
{
    char *err = NULL;
    bool framing = (e->flags & FS_IPC_BAD) != 0;
    json_t *v =
        framing || e->kept < e->size ? NULL : fs_ipc_display(e->mode, e->data, e->kept, &err);
    if (v == NULL) {
        const char *why = framing                         ? "bad frame"
                          : err                           ? err
                          : (e->flags & FS_IPC_NOT_VALUE) ? fs_ipc_not_value_reason(e->mode)
                                                          : "too large to show whole";
        char *head = head_text(e->data, e->kept, e->size);
        char *s = fs_xasprintf("(%s) %s", why, head);
        free(head);
        free(err);
        return s;
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | (pretty ? JSON_INDENT(2) : JSON_COMPACT));
    json_decref(v);
    return s != NULL ? s : fs_xstrdup("?");
}

static void
draw_entry(struct ui *ui, const struct fs_msglog_entry *e, int y, struct fs_rect area)
{
    char *text = message_text(e, false), line[1024];
    const char *name = "";
    for (size_t i = 0; i < ui->ntasks; i++)
        if (fs_app_task(ui->app, i) == e->task)
            name = fs_app_task(ui->app, i)->spec.name;
    snprintf(line, sizeof line, " %9.3f %-12.12s %s %7zu  %s%s%s%s%s", e->t, name,
             e->in ? "<-" : "->", e->size, e->internal ? "[node] " : "",
             e->passed ? "[passed: " : "", e->passed ? e->passed : "", e->passed ? "] " : "", text);
    free(text);
    ui_put_el(ui, e->flags ? FS_EL_ERROR : e->internal ? FS_EL_STATE_IDLE : FS_EL_NORMAL, true);
    ui_put_text(y, area.x, area.w, line, false);
}

void
ui_traffic_draw(struct ui *ui, struct fs_rect area)
{
    int used = draw_channels(ui, area);
    int detail_h = area.h / 4;
    int rows = area.h - used - 1 - detail_h;
    /* Collect the newest entries shown, skipping traffic_back of them. */
    size_t idx[512];
    int n = 0;
    size_t skip = ui->traffic_back;
    const struct fs_msglog_entry *newest = NULL;
    for (size_t k = ui->msglog.n; k-- > 0 && n < rows && n < 512;) {
        const struct fs_msglog_entry *e = fs_msglog_get(&ui->msglog, k);
        if (!shown(ui, e))
            continue;
        if (skip > 0) {
            skip--;
            continue;
        }
        if (newest == NULL)
            newest = e;
        idx[n++] = k;
    }
    int y = area.y + used;
    char head[200];
    snprintf(head, sizeof head,
             " messages of %s (A: %s)   %llu logged, %llu dropped from the log%s",
             ui->traffic_all ? "every task" : "the selected task",
             ui->traffic_all ? "the selected task only" : "every task", ui->msglog.total,
             ui->msglog.evicted, ui->traffic_back ? "   scrolled (End: follow)" : "");
    ui_put_el(ui, FS_EL_PANE_TITLE, true);
    mvhline(y, area.x, ' ', area.w);
    ui_put_text(y++, area.x, area.w, head, false);
    for (int r = n - 1; r >= 0; r--)
        draw_entry(ui, fs_msglog_get(&ui->msglog, idx[r]), y + (n - 1 - r), area);
    /* The newest message shown, pretty-printed. */
    y = area.y + area.h - detail_h;
    ui_put_el(ui, FS_EL_PANE_BORDER, true);
    mvhline(y++, area.x, ACS_HLINE, area.w);
    if (newest != NULL) {
        char *text = message_text(newest, true);
        ui_put_el(ui, FS_EL_NORMAL, true);
        if (newest->passed != NULL && y < area.y + area.h) {
            char passed[200];
            snprintf(passed, sizeof passed, "passed with it, closed by forkscope: %s",
                     newest->passed);
            ui_put_text(y++, area.x + 1, area.w - 1, passed, false);
        }
        char *save = NULL;
        for (char *l = strtok_r(text, "\n", &save); l && y < area.y + area.h;
             l = strtok_r(NULL, "\n", &save))
            ui_put_text(y++, area.x + 1, area.w - 1, l, false);
        free(text);
    }
    ui_put_el(ui, FS_EL_NORMAL, false);
}

void
ui_traffic_scroll(struct ui *ui, long lines)
{
    long back = (long)ui->traffic_back + lines;
    ui->traffic_back = back < 0 ? 0 : back > (long)ui->msglog.n ? ui->msglog.n : (size_t)back;
}

bool
ui_traffic_search(struct ui *ui, const char *needle, int dir)
{
    /* The nearest shown message older (dir < 0) or newer than the newest one in
     * view that contains the needle; it becomes the newest in view. */
    size_t count = 0, best = 0;
    bool found = false;
    for (size_t k = ui->msglog.n; k-- > 0;) {
        const struct fs_msglog_entry *e = fs_msglog_get(&ui->msglog, k);
        if (!shown(ui, e))
            continue;
        size_t back = count++;
        if (dir < 0 ? back <= ui->traffic_back : back >= ui->traffic_back)
            continue;
        char *text = message_text(e, false);
        bool hit = strstr(text, needle) != NULL;
        free(text);
        if (hit) {
            best = back;
            found = true;
            if (dir < 0)
                break;
        }
    }
    if (found)
        ui->traffic_back = best;
    return found;
}
