/*
 * The traffic view: for every fork task's channel its messages and bytes in
 * and out, bad frames, the current rate and a rate sparkline; below, the
 * message log of the selected task (or of every task, interleaved in time
 * order): time, direction, size, the value on one line cut to fit, internal
 * messages and bad frames marked; the message in focus (the newest, or the
 * one scrolled or searched to) pretty-printed at the bottom, or alone (z).
 * Messages are decoded only when a row shows them.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ipc/jsonshow.h"
#include "ui/ui_int.h"
#include "util/smartcase.h"
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

static const char *entry_name(struct ui *ui, const struct fs_msglog_entry *e);

/* The `&` filter: the task's name, the route of a traced message, or the
 * message's bytes as they were sent (smartcase, as the search). */
static bool
passes_filter(struct ui *ui, const struct fs_msglog_entry *e)
{
    if (ui->traffic_filter == NULL)
        return true;
    const struct fs_smartcase *sc = &ui->traffic_sc;
    const char *name = entry_name(ui, e);
    return fs_smartcase_find(sc, name, strlen(name)) != NULL ||
           (e->route != NULL && fs_smartcase_find(sc, e->route, strlen(e->route)) != NULL) ||
           (e->data != NULL && fs_smartcase_find(sc, e->data, e->kept) != NULL);
}

static bool
shown(struct ui *ui, const struct fs_msglog_entry *e)
{
    return e != NULL &&
           (ui->traffic_all ||
            (ui->sel < ui->ntasks && e->task == fs_app_task(ui->app, ui->sel))) &&
           passes_filter(ui, e);
}

void
ui_traffic_filter(struct ui *ui, const char *pattern)
{
    if (ui->traffic_filter != NULL)
        fs_smartcase_fini(&ui->traffic_sc);
    free(ui->traffic_filter);
    ui->traffic_filter = pattern != NULL && *pattern != '\0' ? fs_xstrdup(pattern) : NULL;
    /* Prepared once: the filter is tried on every entry at every frame. */
    if (ui->traffic_filter != NULL)
        fs_smartcase_init(&ui->traffic_sc, ui->traffic_filter);
    ui->traffic_focus = 0;
    if (ui->traffic_filter != NULL)
        ui_message(ui, false, "traffic view: only messages matching '%s' (& and Enter: all)",
                   ui->traffic_filter);
    else
        ui_message(ui, false, "traffic view: every message");
    ui_dirty(ui);
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
    char *s = fs_jsonshow_dumps(v, JSON_ENCODE_ANY | (pretty ? JSON_INDENT(2) : JSON_COMPACT));
    json_decref(v);
    return s != NULL ? s : fs_xstrdup("?");
}

/* The name of the task an entry belongs to ("" once the task is removed). */
static const char *
entry_name(struct ui *ui, const struct fs_msglog_entry *e)
{
    for (size_t i = 0; i < ui->ntasks; i++)
        if (fs_app_task(ui->app, i) == e->task)
            return fs_app_task(ui->app, i)->spec.name;
    return "";
}

/* Which way it went: "<-" (task to forkscope), "->", or a traced node
 * message's route ("main → kid 1234"). */
static const char *
entry_way(const struct fs_msglog_entry *e)
{
    if (e->route != NULL)
        return e->route;
    return e->in ? "<-" : "->";
}

static void
draw_entry(struct ui *ui, const struct fs_msglog_entry *e, int y, struct fs_rect area, bool focus)
{
    char *text = message_text(e, false), line[1024];
    const char *name = entry_name(ui, e);
    snprintf(line, sizeof line, " %9.3f %-12.12s %s %7zu  %s%s%s%s%s", e->t, name, entry_way(e),
             e->size, e->internal ? "[node] " : "", e->passed ? "[passed: " : "",
             e->passed ? e->passed : "", e->passed ? "] " : "", text);
    free(text);
    ui_put_el(ui,
              focus         ? FS_EL_TABLE_SELECTED
              : e->flags    ? FS_EL_ERROR
              : e->internal ? FS_EL_STATE_IDLE
                            : FS_EL_NORMAL,
              true);
    if (focus)
        mvhline(y, area.x, ' ', area.w);
    ui_put_text(y, area.x, area.w, line, false);
}

/* Lines of text from `top` on, into rows [y, end) of area; returns the
 * number of lines the text has. */
static int
draw_lines(struct ui *ui, char *text, int top, int y, int end, struct fs_rect area)
{
    int k = 0;
    char *save = NULL;
    ui_put_el(ui, FS_EL_NORMAL, true);
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save), k++)
        if (k >= top && y < end)
            ui_put_text(y++, area.x + 1, area.w - 1, l, false);
    return k;
}

/* Zoomed: the message in focus alone, pretty-printed, scrolled with
 * PgUp/PgDn (traffic_detail_top, kept in range here). */
static void
draw_zoomed(struct ui *ui, const struct fs_msglog_entry *e, struct fs_rect area)
{
    char head[256];
    if (e == NULL) {
        ui_put_el(ui, FS_EL_PANE_TITLE, true);
        mvhline(area.y, area.x, ' ', area.w);
        ui_put_text(area.y, area.x, area.w, " no message (z: back)", false);
        return;
    }
    char *text = message_text(e, true);
    int nlines = 1;
    for (const char *p = text; *p; p++)
        nlines += *p == '\n';
    int rows = area.h - 1 - (e->passed != NULL);
    int last = nlines - rows > 0 ? nlines - rows : 0;
    if (ui->traffic_detail_top > last)
        ui->traffic_detail_top = last;
    if (ui->traffic_detail_top < 0)
        ui->traffic_detail_top = 0;
    int top = ui->traffic_detail_top;
    snprintf(head, sizeof head,
             " %.3f %s %s %zu bytes   lines %d-%d of %d   PgUp/PgDn: scroll  z: back", e->t,
             entry_name(ui, e), entry_way(e), e->size, top + 1,
             top + rows < nlines ? top + rows : nlines, nlines);
    ui_put_el(ui, FS_EL_PANE_TITLE, true);
    mvhline(area.y, area.x, ' ', area.w);
    ui_put_text(area.y, area.x, area.w, head, false);
    int y = area.y + 1;
    if (e->passed != NULL) {
        char passed[200];
        snprintf(passed, sizeof passed, "passed with it, closed by forkscope: %s", e->passed);
        ui_put_el(ui, FS_EL_NORMAL, true);
        ui_put_text(y++, area.x + 1, area.w - 1, passed, false);
    }
    draw_lines(ui, text, top, y, area.y + area.h, area);
    free(text);
    ui_put_el(ui, FS_EL_NORMAL, false);
}

/* How many shown entries are newer than the one in focus (0: it is the
 * newest); *total gets how many are shown. The focus is the newest shown
 * entry not newer than traffic_focus, so it stays put while messages arrive
 * and others are evicted. */
static size_t
focus_back(struct ui *ui, size_t *total)
{
    size_t back = 0, n = 0;
    bool found = ui->traffic_focus == 0;
    for (size_t k = ui->msglog.n; k-- > 0;) {
        const struct fs_msglog_entry *e = fs_msglog_get(&ui->msglog, k);
        if (!shown(ui, e))
            continue;
        n++;
        if (!found && e->seq > ui->traffic_focus)
            back++;
        else
            found = true;
    }
    *total = n;
    return back < n ? back : n > 0 ? n - 1 : 0;
}

/* The shown entry `back` entries back from the newest, or NULL. */
static const struct fs_msglog_entry *
shown_entry(struct ui *ui, size_t back)
{
    for (size_t k = ui->msglog.n; k-- > 0;) {
        const struct fs_msglog_entry *e = fs_msglog_get(&ui->msglog, k);
        if (!shown(ui, e))
            continue;
        if (back-- == 0)
            return e;
    }
    return NULL;
}

static const struct fs_msglog_entry *
focus_entry(struct ui *ui)
{
    size_t total;
    return shown_entry(ui, ui->traffic_focus != 0 ? focus_back(ui, &total) : 0);
}

void
ui_traffic_draw(struct ui *ui, struct fs_rect area)
{
    if (ui->zoom) {
        draw_zoomed(ui, focus_entry(ui), area);
        return;
    }
    int used = draw_channels(ui, area);
    int detail_h = area.h / 4;
    int rows = area.h - used - 1 - detail_h;
    /* The rows end with the message in focus, or start at the oldest entry
     * when there are not enough older ones to fill them; when scrolled, the
     * focus row is marked. Following the newest, the focus is 0 back and
     * nothing is skipped: the log (10,000 entries) is not counted each frame. */
    size_t total = 0, fback = ui->traffic_focus != 0 ? focus_back(ui, &total) : 0;
    size_t room = rows > 0 ? (size_t)rows : 0;
    size_t skip = total > room && fback > total - room ? total - room : fback;
    size_t idx[512];
    int n = 0, focus_row = -1;
    size_t back = 0;
    const struct fs_msglog_entry *focus = NULL;
    for (size_t k = ui->msglog.n; k-- > 0 && n < rows && n < 512;) {
        const struct fs_msglog_entry *e = fs_msglog_get(&ui->msglog, k);
        if (!shown(ui, e))
            continue;
        if (back == fback) {
            focus = e;
            focus_row = n;
        }
        if (back++ < skip)
            continue;
        idx[n++] = k;
    }
    int y = area.y + used;
    char head[300], own[120] = "";
    if (!ui->traffic_all && ui->sel < ui->ntasks) {
        const struct fs_task *t = fs_app_task(ui->app, ui->sel);
        snprintf(own, sizeof own, " (%llu of %s's)", fs_msglog_dropped(&ui->msglog, t),
                 t->spec.name);
    }
    snprintf(head, sizeof head,
             " messages of %s (A: %s)   %llu logged, %llu dropped from the log%s, the loudest "
             "task's first%s",
             ui->traffic_all ? "every task" : "the selected task",
             ui->traffic_all ? "the selected task only" : "every task", ui->msglog.total,
             ui->msglog.evicted, own, ui->traffic_focus ? "   scrolled (End: follow)" : "");
    if (ui->traffic_filter != NULL) {
        size_t l = strlen(head);
        snprintf(head + l, sizeof head - l, "   only '%s' (&)", ui->traffic_filter);
    }
    ui_put_el(ui, FS_EL_PANE_TITLE, true);
    mvhline(y, area.x, ' ', area.w);
    ui_put_text(y++, area.x, area.w, head, false);
    for (int r = n - 1; r >= 0; r--)
        draw_entry(ui, fs_msglog_get(&ui->msglog, idx[r]), y + (n - 1 - r), area,
                   ui->traffic_focus != 0 && r == focus_row);
    /* The message in focus, pretty-printed. */
    y = area.y + area.h - detail_h;
    int divider = y;
    ui_put_el(ui, FS_EL_PANE_BORDER, true);
    mvhline(y++, area.x, ACS_HLINE, area.w);
    if (focus != NULL) {
        char *text = message_text(focus, true);
        ui_put_el(ui, FS_EL_NORMAL, true);
        if (focus->passed != NULL && y < area.y + area.h) {
            char passed[200];
            snprintf(passed, sizeof passed, "passed with it, closed by forkscope: %s",
                     focus->passed);
            ui_put_text(y++, area.x + 1, area.w - 1, passed, false);
        }
        int nlines = draw_lines(ui, text, 0, y, area.y + area.h, area);
        if (nlines > area.y + area.h - y) {
            /* Cut: say so on the divider, and how to see the rest. */
            char more[80];
            snprintf(more, sizeof more, " %d more lines: z shows them all ",
                     nlines - (area.y + area.h - y));
            ui_put_el(ui, FS_EL_PANE_BORDER, true);
            ui_put_text(divider, area.x + 2, area.w - 4, more, false);
        }
        free(text);
    }
    ui_put_el(ui, FS_EL_NORMAL, false);
}

void
ui_traffic_scroll(struct ui *ui, long lines)
{
    size_t total;
    long back = (long)focus_back(ui, &total) + lines;
    if (back <= 0 || total == 0) {
        ui->traffic_focus = 0;
        return;
    }
    if ((size_t)back >= total)
        back = (long)total - 1;
    ui->traffic_focus = shown_entry(ui, (size_t)back)->seq;
}

bool
ui_traffic_search(struct ui *ui, const char *needle, int dir)
{
    /* The nearest shown message older (dir < 0) or newer than the one in
     * focus whose task's name or text holds the needle; it takes the focus. */
    size_t total, from = focus_back(ui, &total), count = 0;
    const struct fs_msglog_entry *best = NULL;
    struct fs_smartcase sc;
    fs_smartcase_init(&sc, needle);
    for (size_t k = ui->msglog.n; k-- > 0;) {
        const struct fs_msglog_entry *e = fs_msglog_get(&ui->msglog, k);
        if (!shown(ui, e))
            continue;
        size_t back = count++;
        if (dir < 0 ? back <= from : back >= from)
            continue;
        char *text = message_text(e, false);
        const char *name = entry_name(ui, e);
        bool hit =
            fs_smartcase_find(&sc, name, strlen(name)) != NULL ||
            (e->route != NULL && fs_smartcase_find(&sc, e->route, strlen(e->route)) != NULL) ||
            fs_smartcase_find(&sc, text, strlen(text)) != NULL;
        free(text);
        if (hit) {
            best = e;
            if (dir < 0)
                break;
        }
    }
    fs_smartcase_fini(&sc);
    if (best != NULL)
        ui->traffic_focus = best->seq;
    return best != NULL;
}
