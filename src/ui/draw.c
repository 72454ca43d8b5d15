/*
 * Drawing one frame: the task table (columns from a const table), the pane grid
 * with borders that carry each task's state and exit status, the status line,
 * and the overlays (help, signal list, prompt). Everything is drawn into
 * stdscr and sent with one doupdate(); curses sends only what changed.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_int.h"
#include "util/signame.h"

void
ui_put_el(struct ui *ui, enum fs_theme_elem e, bool on)
{
    int pair;
    attr_t a = ui_el(ui, e, &pair);
    if (on)
        attr_set(a, (short)pair, NULL);
    else
        attr_set(A_NORMAL, 0, NULL);
}

void
ui_put_text(int y, int x, int w, const char *text, bool right)
{
    if (w <= 0)
        return;
    wchar_t wbuf[512];
    size_t n = mbstowcs(wbuf, text, sizeof wbuf / sizeof wbuf[0] - 1);
    if (n == (size_t)-1) {
        mvaddnstr(y, x, text, w);
        return;
    }
    wbuf[n] = L'\0';
    int width = 0;
    size_t k = 0;
    while (k < n) {
        int cw = wcwidth(wbuf[k]);
        if (cw < 0)
            cw = 1;
        if (width + cw > w)
            break;
        width += cw;
        k++;
    }
    mvaddnwstr(y, right ? x + w - width : x, wbuf, (int)k);
}

static void
box_rect(struct fs_rect r)
{
    mvhline(r.y, r.x + 1, ACS_HLINE, r.w - 2);
    mvhline(r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
    mvvline(r.y + 1, r.x, ACS_VLINE, r.h - 2);
    mvvline(r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
    mvaddch(r.y, r.x, ACS_ULCORNER);
    mvaddch(r.y, r.x + r.w - 1, ACS_URCORNER);
    mvaddch(r.y + r.h - 1, r.x, ACS_LLCORNER);
    mvaddch(r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
}

/* ---- panes -------------------------------------------------------------------------------- */

/* A pane's labels on its top border: its name (and a failing log file), its
 * state and the state's look; a failing probe on its bottom border. */
struct pane_labels {
    char title[128], right[128], bottom[UI_PROBE_ERR_MAX];
    enum fs_theme_elem state_el;
    bool sel;
};

static void
pane_labels(struct ui *ui, size_t i, double now, struct pane_labels *l)
{
    const struct fs_task *t = fs_app_task(ui->app, i);
    char state[96];
    l->sel = i == ui->sel;
    int log_err = fs_app_task_log_error(ui->app, i);
    snprintf(l->title, sizeof l->title, " %s%s%s%s%s ", l->sel ? "> " : "", t->spec.name,
             log_err != 0 ? " [log: " : "", log_err != 0 ? strerror(log_err) : "",
             log_err != 0 ? "]" : "");
    if (!ui_deps_describe(ui, i, state, sizeof state))
        ui_describe_state(t, now, state, sizeof state);
    snprintf(l->right, sizeof l->right, " %s ", state);
    memcpy(l->bottom, ui->tasks[i].probe_err, sizeof l->bottom);
    l->state_el = ui_state_el(t);
}

static void
draw_pane(struct ui *ui, size_t i, struct fs_rect r, const struct pane_labels *l)
{
    bool sel = l->sel;
    enum fs_theme_elem border = sel ? FS_EL_PANE_BORDER_SELECTED : FS_EL_PANE_BORDER;
    ui_put_el(ui, border, true);
    box_rect(r);
    /* Title on the top border, state on the right of it. */
    int tw = (int)strlen(l->title), rw = (int)strlen(l->right);
    ui_put_el(ui, FS_EL_PANE_TITLE, true);
    ui_put_text(r.y, r.x + 2, r.w - 4, l->title, false);
    if (tw + rw + 4 <= r.w) {
        ui_put_el(ui, l->state_el, true);
        ui_put_text(r.y, r.x + r.w - 2 - rw, rw, l->right, false);
    }
    /* Scroll position or search on the bottom border. */
    struct fs_pane *p = ui->tasks[i].pane;
    if (ui->zoom && r.w > 60) {
        /* Zoomed: the CPU and RSS histories as small charts on the bottom border. */
        int width = (r.w - 60) / 2 < 60 ? (r.w - 60) / 2 : 60;
        char cpu[512], rss[512], chart[1100];
        ui_sparkline(ui, i, width, cpu, sizeof cpu);
        ui_rss_sparkline(ui, i, width, rss, sizeof rss);
        snprintf(chart, sizeof chart, " cpu %s  rss %s ", cpu, rss);
        ui_put_el(ui, FS_EL_SPARKLINE, true);
        ui_put_text(r.y + r.h - 1, r.x + r.w - 2 - (2 * width + 13), 2 * width + 13, chart, false);
    }
    const char *probe = l->bottom;
    if (probe[0] != '\0' && fs_pane_scrolled(p) == 0) {
        char msg[128];
        snprintf(msg, sizeof msg, " %s ", probe);
        ui_put_el(ui, FS_EL_ERROR, true);
        ui_put_text(r.y + r.h - 1, r.x + 2, r.w - 4, msg, false);
    }
    if (fs_pane_scrolled(p) > 0) {
        char pos[96];
        snprintf(pos, sizeof pos, " scrolled %d/%zu (End: follow) ", fs_pane_scrolled(p),
                 fs_pane_history(p));
        ui_put_el(ui, border, true);
        ui_put_text(r.y + r.h - 1, r.x + 2, r.w - 4, pos, false);
    }
    ui_put_el(ui, FS_EL_NORMAL, false);
    if (r.w > 2 && r.h > 2) {
        fs_pane_draw(p, ui, (struct fs_rect){r.x + 1, r.y + 1, r.w - 2, r.h - 2});
        if (sel) {
            ui->sel_cursor_y = ui->pane_cursor_y;
            ui->sel_cursor_x = ui->pane_cursor_x;
        }
    }
}

/* ---- leaving unchanged panes as they are ------------------------------------------------------
 */

/* Whether pane slot k can stay as the last frame drew it: the same task and
 * place, the same labels, nothing new in its terminal or its view, and not the
 * selected pane (its cursor is placed from it). */
static bool
pane_unchanged(const struct ui *ui, size_t k, const struct pane_labels *l)
{
    const struct ui_pane_drawn *d = &ui->pane_drawn[k];
    size_t i = ui->pane_task[k];
    const struct fs_pane *p = ui->tasks[i].pane;
    return d->valid && d->pane == p && !l->sel && !fs_pane_changed(p) && fs_pane_scrolled(p) == 0 &&
           memcmp(&d->rect, &ui->pane_rect[k], sizeof d->rect) == 0 &&
           strcmp(d->title, l->title) == 0 && strcmp(d->right, l->right) == 0 &&
           strcmp(d->bottom, l->bottom) == 0 && d->state_el == (int)l->state_el;
}

static void
pane_drawn(struct ui *ui, size_t k, const struct pane_labels *l)
{
    struct ui_pane_drawn *d = &ui->pane_drawn[k];
    d->valid = true;
    d->pane = ui->tasks[ui->pane_task[k]].pane;
    d->rect = ui->pane_rect[k];
    memcpy(d->title, l->title, sizeof d->title);
    memcpy(d->right, l->right, sizeof d->right);
    memcpy(d->bottom, l->bottom, sizeof d->bottom);
    d->state_el = (int)l->state_el;
}

/* Whether this frame may keep panes of the last one: nothing that covers or
 * restyles them (an overlay, the traffic view, zoom, a theme, a new size)
 * differs, and no overlay is up. */
static bool
frame_may_keep(struct ui *ui)
{
    char key[sizeof ui->frame_key];
    snprintf(key, sizeof key, "%d %d %d %d %d %d %d %zu", LINES, COLS, (int)ui->mode, ui->theme_idx,
             ui->traffic, ui->zoom, ui->color, ui->npanes_shown);
    bool same = strcmp(key, ui->frame_key) == 0;
    memcpy(ui->frame_key, key, sizeof key);
    return same && !ui->traffic && !ui->zoom && ui->mode != UI_HELP && ui->mode != UI_SIGNAL;
}

/* Blanks the screen as erase() does, but for the rects of the kept panes. */
static void
clear_but(const struct ui *ui, const bool *keep, size_t nkeep)
{
    if (nkeep == 0) {
        erase();
        return;
    }
    attr_set(A_NORMAL, 0, NULL);
    for (int y = 0; y < LINES; y++) {
        for (int x = 0; x < COLS;) {
            /* The kept pane on this row that starts or goes on first from x. */
            int from = COLS, to = COLS;
            for (size_t k = 0; k < ui->npanes_shown; k++) {
                struct fs_rect r = ui->pane_rect[k];
                if (!keep[k] || y < r.y || y >= r.y + r.h || r.x + r.w <= x)
                    continue;
                int start = r.x > x ? r.x : x;
                if (start < from) {
                    from = start;
                    to = r.x + r.w;
                }
            }
            if (from > x)
                mvhline(y, x, ' ', from - x);
            x = to;
        }
    }
}

/* ---- status line and overlays -----------------------------------------------------------------
 */

/* A box in the middle of the screen with lines of text; returns its rect. */
struct fs_rect
ui_overlay_box(struct ui *ui, int want_w, int want_h, const char *title)
{
    int w = want_w < COLS - 2 ? want_w : COLS - 2, h = want_h < LINES - 2 ? want_h : LINES - 2;
    if (w < 4)
        w = COLS;
    if (h < 3)
        h = LINES;
    struct fs_rect r = {(COLS - w) / 2, (LINES - h) / 2, w, h};
    ui_put_el(ui, FS_EL_HELP, true);
    for (int y = r.y; y < r.y + r.h; y++)
        mvhline(y, r.x, ' ', r.w);
    box_rect(r);
    ui_put_text(r.y, r.x + 2, r.w - 4, title, false);
    return r;
}

int
ui_overlay_scroll(struct ui *ui, size_t nl, const char *what, char *title, size_t tlen)
{
    int h = (int)nl + 2 < LINES - 2 ? (int)nl + 2 : LINES - 2;
    int shown = h - 2 > 1 ? h - 2 : 1;
    int last = (int)nl - shown;
    if (ui->help_top > last)
        ui->help_top = last;
    if (ui->help_top < 0)
        ui->help_top = 0;
    if (last <= 0)
        snprintf(title, tlen, " %s (any key closes) ", what);
    else
        snprintf(title, tlen, " %s %d-%d of %zu: j/k scroll, q closes ", what, ui->help_top + 1,
                 ui->help_top + shown, nl);
    return h;
}

/* One line of the help overlay: a key's label (NULL on a continuation) and a
 * piece of its description. */
struct help_line {
    const char *label, *text;
    int len;
};

size_t
ui_wrap(const char *p, int w, struct ui_span *out, size_t max)
{
    size_t k = 0;
    if (w < 1)
        w = 1;
    while (k < max) {
        int len = (int)strcspn(p, "\n");
        if (len > w) {
            len = w;
            while (len > 0 && p[len] != ' ')
                len--;
            if (len == 0)
                len = w;
        }
        out[k++] = (struct ui_span){p, len};
        p += len;
        while (*p == ' ')
            p++;
        if (*p == '\n')
            p++;
        if (*p == '\0')
            break;
    }
    return k;
}

/* Wraps each description to width w; returns the number of lines. */
static size_t
help_lines(const char **keys, const char **what, size_t n, int w, struct help_line *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        struct ui_span sp[16];
        size_t m = ui_wrap(what[i], w, sp, 16);
        for (size_t j = 0; j < m && k < max; j++)
            out[k++] = (struct help_line){j == 0 ? keys[i] : NULL, sp[j].text, sp[j].len};
    }
    return k;
}

/* The key overlay: every key and what it does, nothing cut. When it is
 * taller than the screen it scrolls (ui->help_top, keys.c's help_key). */
static void
draw_help(struct ui *ui)
{
    const char **keys, **what;
    size_t n = ui_key_help(&keys, &what);
    int textw = 0;
    for (size_t k = 0; k < n; k++)
        if ((int)strlen(what[k]) > textw)
            textw = (int)strlen(what[k]);
    int w = 17 + textw + 2 < COLS - 2 ? 17 + textw + 2 : COLS - 2;
    struct help_line lines[160];
    size_t nl = help_lines(keys, what, n, w - 19 > 8 ? w - 19 : 8, lines, 160);
    char title[80];
    int h = ui_overlay_scroll(ui, nl, "keys", title, sizeof title);
    int shown = h - 2 > 1 ? h - 2 : 1;
    struct fs_rect r = ui_overlay_box(ui, w, h, title);
    for (int k = 0; k < shown && ui->help_top + k < (int)nl && k < r.h - 2; k++) {
        const struct help_line *l = &lines[ui->help_top + k];
        int y = r.y + 1 + k;
        if (l->label != NULL)
            ui_put_text(y, r.x + 2, 14, l->label, false);
        char text[256];
        snprintf(text, sizeof text, "%.*s", l->len, l->text);
        ui_put_text(y, r.x + 17, r.w - 19, text, false);
    }
    ui_put_el(ui, FS_EL_NORMAL, false);
}

static void
draw_signals(struct ui *ui)
{
    struct fs_rect r = ui_overlay_box(ui, 24, (int)ui_signal_count + 2, " send signal ");
    for (size_t k = 0; k < ui_signal_count && (int)k < r.h - 2; k++) {
        int sig = ui_signal_list[k];
        char line[32];
        snprintf(line, sizeof line, "%2d %s", sig, fs_signame(sig));
        if ((int)k == ui->signal_choice)
            ui_put_el(ui, FS_EL_TABLE_SELECTED, true);
        else
            ui_put_el(ui, FS_EL_HELP, true);
        mvhline(r.y + 1 + (int)k, r.x + 1, ' ', r.w - 2);
        ui_put_text(r.y + 1 + (int)k, r.x + 2, r.w - 4, line, false);
    }
    ui_put_el(ui, FS_EL_NORMAL, false);
}

/* Which panes can stay as the last frame drew them (their cells untouched, so
 * curses does not even compare them), and the screen blanked around them. */
static void
keep_panes(struct ui *ui, double now, bool *keep, struct pane_labels *labels)
{
    bool may_keep = frame_may_keep(ui);
    size_t nkeep = 0;
    for (size_t k = 0; k < ui->npanes_shown; k++) {
        pane_labels(ui, ui->pane_task[k], now, &labels[k]);
        keep[k] = may_keep && pane_unchanged(ui, k, &labels[k]);
        nkeep += keep[k];
    }
    for (size_t k = ui->traffic ? 0 : ui->npanes_shown; k < UI_PANES_MAX; k++)
        ui->pane_drawn[k].valid = false;
    clear_but(ui, keep, nkeep);
}

static void
draw_panes(struct ui *ui, const bool *keep, const struct pane_labels *labels)
{
    for (size_t k = 0; k < ui->npanes_shown; k++) {
        if (keep[k])
            continue;
        draw_pane(ui, ui->pane_task[k], ui->pane_rect[k], &labels[k]);
        pane_drawn(ui, k, &labels[k]);
    }
}

void
ui_draw(struct ui *ui)
{
    double now = fs_app_now(ui->app);
    bool keep[UI_PANES_MAX];
    struct pane_labels labels[UI_PANES_MAX];
    keep_panes(ui, now, keep, labels);
    ui->sel_cursor_y = -1;
    ui_draw_header(ui);
    ui_draw_table(ui, now);
    ui_caption_draw(ui);
    if (ui->traffic)
        ui_traffic_draw(ui, ui->traffic_rect);
    else
        draw_panes(ui, keep, labels);
    if (ui->mode == UI_HELP && ui->help_deps)
        ui_deps_draw(ui);
    else if (ui->mode == UI_HELP)
        draw_help(ui);
    else if (ui->mode == UI_SIGNAL)
        draw_signals(ui);
    ui_draw_status(ui, now);
    if (ui->mode == UI_INPUT && ui->sel_cursor_y >= 0)
        move(ui->sel_cursor_y, ui->sel_cursor_x);
    wnoutrefresh(stdscr);
    doupdate();
    /* A countdown or a message's end changes the screen by itself. */
    bool ticking = ui->message_until > now;
    for (size_t i = 0; i < ui->ntasks && !ticking; i++)
        ticking = fs_app_task(ui->app, i)->st.state == FS_STATE_BACKOFF;
    if (ticking)
        ui_dirty_later(ui, 0.25);
}
