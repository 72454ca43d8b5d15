/*
 * The keys of the screen: one const table drives both the handling and the
 * help overlay. Each entry names a key, what it does, and the action. Keys of
 * the other modes (input, prompt, signal list, help) are handled here too.
 */
#include <config.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_int.h"
#include "util/signame.h"
#include "util/xalloc.h"

#define CTRL(c) ((c)&0x1f)
#define KEY_LEAVE_INPUT CTRL(']')

static struct fs_pane *
sel_pane(struct ui *ui)
{
    return ui->sel < ui->ntasks ? ui->tasks[ui->sel].pane : NULL;
}

/* Says what a command that was carried out did (the screen answers every key
 * that acts, so a later success replaces an earlier error). */
static void
said(struct ui *ui, enum fs_control_op op, int sig, const struct fs_task *t)
{
    const char *name = t->spec.name;
    switch (op) {
    case FS_CONTROL_START:
        ui_message(ui, false, "started %s", name);
        break;
    case FS_CONTROL_STOP:
        if (t->st.state == FS_STATE_IDLE) /* it was waiting for its dependencies */
            ui_message(ui, false, "%s no longer waits: it will not start by itself", name);
        else
            ui_message(ui, false, "stopping %s: %s, SIGKILL after %gs", name,
                       fs_signame(t->spec.stop_signal), t->spec.stop_timeout);
        break;
    case FS_CONTROL_KILL:
        ui_message(ui, false, "sent SIGKILL to %s's process group", name);
        break;
    case FS_CONTROL_RESTART:
        ui_message(ui, false, "restarting %s", name);
        break;
    case FS_CONTROL_SIGNAL:
        ui_message(ui, false, "sent %s to %s", fs_signame(sig), name);
        break;
    case FS_CONTROL_DISCONNECT:
        ui_message(ui, false, "closed %s's channel: it reads its end (Node: 'disconnect')", name);
        break;
    default:
        break;
    }
}

/* Runs a --control-style command on the selected task and says what it did,
 * or what went wrong. */
static void
command(struct ui *ui, enum fs_control_op op, int sig)
{
    if (ui->sel >= ui->ntasks)
        return;
    const struct fs_task *t = fs_app_task(ui->app, ui->sel);
    struct fs_control_cmd cmd = {op, t->spec.name, sig, NULL};
    char *err = NULL;
    if (fs_app_command(ui->app, &cmd, &err) != 0) {
        ui_message(ui, true, "%s", err);
        free(err);
    } else {
        said(ui, op, sig, t);
        ui_rows_said(ui);
    }
    ui_dirty(ui);
}

static void
act_next(struct ui *ui)
{
    ui_rows_move(ui, 1);
}

static void
act_prev(struct ui *ui)
{
    ui_rows_move(ui, -1);
}

static void
act_zoom(struct ui *ui)
{
    ui->zoom = !ui->zoom;
    ui->traffic_detail_top = 0;
    ui_relayout(ui);
}

static int
page(struct ui *ui)
{
    int rows, cols;
    struct fs_pane *p = sel_pane(ui);
    if (p == NULL)
        return 1;
    fs_pane_size(p, &rows, &cols);
    return rows > 2 ? rows / 2 : 1;
}

static void
act_page_up(struct ui *ui)
{
    if (ui->traffic && ui->zoom)
        ui->traffic_detail_top -= ui->traffic_rect.h / 2;
    else if (ui->traffic)
        ui_traffic_scroll(ui, ui->traffic_rect.h / 2);
    else if (sel_pane(ui))
        fs_pane_scroll(sel_pane(ui), page(ui));
    ui_dirty(ui);
}

static void
act_page_down(struct ui *ui)
{
    if (ui->traffic && ui->zoom)
        ui->traffic_detail_top += ui->traffic_rect.h / 2;
    else if (ui->traffic)
        ui_traffic_scroll(ui, -(ui->traffic_rect.h / 2));
    else if (sel_pane(ui))
        fs_pane_scroll(sel_pane(ui), -page(ui));
    ui_dirty(ui);
}

static void
act_top(struct ui *ui)
{
    if (ui->traffic)
        ui_traffic_scroll(ui, (long)ui->msglog.n);
    else if (sel_pane(ui))
        fs_pane_scroll_top(sel_pane(ui));
    ui_dirty(ui);
}

static void
act_follow(struct ui *ui)
{
    ui->traffic_focus = 0;
    if (sel_pane(ui)) {
        fs_pane_follow(sel_pane(ui));
        fs_pane_search_clear(sel_pane(ui));
    }
    ui_dirty(ui);
}

static void
act_search(struct ui *ui)
{
    ui_prompt_open(ui, UI_PROMPT_SEARCH);
}

/* Looks for ui->search in the selected pane's scrollback (or the message
 * log) from the view, older (dir < 0) or newer, and says what it found. */
void
ui_search(struct ui *ui, int dir)
{
    if (ui->search == NULL || sel_pane(ui) == NULL) {
        ui_message(ui, true, "no search yet: / to search");
        return;
    }
    const char *where = dir < 0 ? "above" : "below";
    if (ui->traffic ? !ui_traffic_search(ui, ui->search, dir)
                    : !fs_pane_search(sel_pane(ui), ui->search, dir))
        ui_message(ui, true, "'%s' not found %s", ui->search, where);
    else
        ui_message(ui, false, "'%s' found %s (n: older, N: newer)", ui->search, where);
    ui_dirty(ui);
}

static void
act_search_older(struct ui *ui)
{
    ui_search(ui, -1);
}

static void
act_search_newer(struct ui *ui)
{
    ui_search(ui, 1);
}

static void
act_start(struct ui *ui)
{
    command(ui, FS_CONTROL_START, 0);
}

static void
act_stop(struct ui *ui)
{
    command(ui, FS_CONTROL_STOP, 0);
}

static void
act_kill(struct ui *ui)
{
    command(ui, FS_CONTROL_KILL, 0);
}

static void
act_restart(struct ui *ui)
{
    command(ui, FS_CONTROL_RESTART, 0);
}

/* Every task again at once (a pool's members go with their pool): a race or
 * a comparison rerun side by side. */
static void
act_restart_all(struct ui *ui)
{
    size_t n = 0, failed = 0;
    char *err = NULL;
    for (size_t i = 0; i < ui->ntasks; i++) {
        const struct fs_task *t = fs_app_task(ui->app, i);
        if (t->spec.pool_of != NULL)
            continue;
        struct fs_control_cmd cmd = {FS_CONTROL_RESTART, t->spec.name, 0, NULL};
        char *e = NULL;
        if (fs_app_command(ui->app, &cmd, &e) == 0) {
            n++;
        } else {
            failed++;
            free(err);
            err = e;
        }
    }
    if (failed > 0)
        ui_message(ui, true, "restarting %zu tasks; %zu could not: %s", n, failed, err);
    else
        ui_message(ui, false, "restarting all %zu tasks together", n);
    free(err);
    ui_dirty(ui);
}

static void
act_disconnect(struct ui *ui)
{
    command(ui, FS_CONTROL_DISCONNECT, 0);
}

static void
act_pause(struct ui *ui)
{
    if (ui->sel >= ui->ntasks)
        return;
    char *err = NULL;
    bool paused = fs_app_task(ui->app, ui->sel)->st.paused;
    if (fs_app_pause(ui->app, ui->sel, !paused, &err) != 0) {
        ui_message(ui, true, "%s", err);
        free(err);
    } else {
        ui_message(ui, false, "%s %s (%s)", paused ? "resumed" : "paused",
                   fs_app_task(ui->app, ui->sel)->spec.name, paused ? "SIGCONT" : "SIGSTOP");
    }
    ui_dirty(ui);
}

static void
act_signal(struct ui *ui)
{
    ui->mode = UI_SIGNAL;
    ui->signal_choice = 0;
    ui_dirty(ui);
}

static void
act_add(struct ui *ui)
{
    ui_prompt_open(ui, UI_PROMPT_ADD);
}

static void
act_remove(struct ui *ui)
{
    if (ui->sel >= ui->ntasks)
        return;
    const struct fs_task *t = fs_app_task(ui->app, ui->sel);
    if (fs_task_is_live(t) || t->st.state == FS_STATE_BACKOFF) {
        ui_message(ui, true, "%s is %s: stop it before removing it", t->spec.name,
                   fs_state_name(t->st.state));
        return;
    }
    char name[128];
    snprintf(name, sizeof name, "%s", t->spec.name);
    ui_remove_task(ui, ui->sel);
    ui_message(ui, false, "removed %s", name);
}

static void
act_input(struct ui *ui)
{
    const struct fs_task *t = ui->sel < ui->ntasks ? fs_app_task(ui->app, ui->sel) : NULL;
    if (t == NULL || !t->spec.pty || !fs_task_is_live(t)) {
        ui_message(ui, true, "input mode needs a running task on a pty");
        return;
    }
    ui->mode = UI_INPUT;
    ui_dirty(ui);
}

static void
act_layout(struct ui *ui)
{
    ui->layout = (enum fs_tiling_mode)((ui->layout + 1) % FS_TILING_MODE_COUNT);
    ui->zoom = false;
    ui_message(ui, false, "layout: %s", fs_tiling_mode_name(ui->layout));
    ui_relayout(ui);
}

static void
act_theme(struct ui *ui)
{
    ui_theme_next(ui);
}

static void
act_threads(struct ui *ui)
{
    ui->show_threads = !ui->show_threads;
    if (!ui->show_threads && ui->sel < ui->ntasks) {
        size_t n;
        fs_app_threads(ui->app, ui->sel, false, &n);
    }
    ui_message(ui, false, "%s",
               ui->show_threads ? "threads of the selected task shown "
                                  "(from the next sample)"
                                : "threads hidden");
    ui_relayout(ui);
}

/* Sampling intervals offered by + and -. */
static const double intervals[] = {0.25, 0.5, 1, 2, 5, 10};

static void
change_interval(struct ui *ui, int dir)
{
    double cur = fs_app_interval(ui->app);
    size_t n = sizeof intervals / sizeof intervals[0], k = 0;
    while (k + 1 < n && intervals[k] < cur - 1e-9)
        k++;
    if (dir > 0 && k + 1 < n && intervals[k] <= cur + 1e-9)
        k++;
    else if (dir < 0 && k > 0)
        k--;
    fs_app_set_interval(ui->app, intervals[k]);
    ui_message(ui, false, "sampling every %gs", intervals[k]);
}

static void
act_slower(struct ui *ui)
{
    change_interval(ui, 1);
}

static void
act_faster(struct ui *ui)
{
    change_interval(ui, -1);
}

static void
act_traffic(struct ui *ui)
{
    ui->traffic = !ui->traffic;
    ui->traffic_focus = 0;
    ui_relayout(ui);
}

static void
act_traffic_all(struct ui *ui)
{
    ui->traffic_all = !ui->traffic_all;
    ui->traffic_focus = 0;
    if (!ui->traffic)
        act_traffic(ui);
    ui_dirty(ui);
}

static void
act_filter(struct ui *ui)
{
    if (!ui->traffic)
        act_traffic(ui);
    ui_prompt_open(ui, UI_PROMPT_FILTER);
}

static void
act_send(struct ui *ui)
{
    if (ui->sel >= ui->ntasks || fs_app_traffic(ui->app, ui->sel) == NULL) {
        ui_message(ui, true, "sending needs a fork task (one with an IPC channel)");
        return;
    }
    ui_prompt_open(ui, UI_PROMPT_SEND);
}

static void
act_help(struct ui *ui)
{
    ui->mode = UI_HELP;
    ui->help_top = 0;
    ui->help_deps = false;
    ui_dirty(ui);
}

/* The dependency graph, in the help overlay's place (depgraph.c). */
static void
act_deps(struct ui *ui)
{
    act_help(ui);
    ui->help_deps = true;
}

static void
act_quit(struct ui *ui)
{
    ui->quit_requests++;
    fs_app_quit(ui->app);
    ui_dirty(ui);
}

static const struct ui_key keys[] = {
    {'j', false, "j Down", "select the next row (a task or a descendant)", act_next},
    {KEY_DOWN, true, NULL, NULL, act_next},
    {'k', false, "k Up", "select the previous row", act_prev},
    {KEY_UP, true, NULL, NULL, act_prev},
    {'f', false, "f", "fold / unfold the task's descendants (its process tree)", ui_tree_toggle},
    {KEY_LEFT, true, "Left Right", "fold / unfold the task's descendants", ui_tree_fold},
    {KEY_RIGHT, true, NULL, NULL, ui_tree_unfold},
    {'z', false, "z Enter", "zoom the selected pane (the message, in the traffic view) / back",
     act_zoom},
    {'\r', false, NULL, NULL, act_zoom},
    {KEY_ENTER, true, NULL, NULL, act_zoom},
    {KEY_PPAGE, true, "PgUp PgDn", "scroll the pane back / forward", act_page_up},
    {KEY_NPAGE, true, NULL, NULL, act_page_down},
    {CTRL('u'), false, NULL, NULL, act_page_up},
    {CTRL('d'), false, NULL, NULL, act_page_down},
    {'g', false, "g Home", "scroll to the oldest line", act_top},
    {KEY_HOME, true, NULL, NULL, act_top},
    {'G', false, "G End", "follow the newest output", act_follow},
    {KEY_END, true, NULL, NULL, act_follow},
    {'/', false, "/", "search the pane's scrollback", act_search},
    {'n', false, "n N", "next older / newer match", act_search_older},
    {'N', false, NULL, NULL, act_search_newer},
    {'s', false, "s", "start the task", act_start},
    {'x', false, "x", "stop (stop signal, SIGKILL after the grace period)", act_stop},
    {'K', false, "K", "kill (SIGKILL to its process group)", act_kill},
    {'r', false, "r", "restart", act_restart},
    {'R', false, "R", "restart every task together", act_restart_all},
    {'d', false, "d", "disconnect: close the selected task's channel", act_disconnect},
    {'p', false, "p", "pause / resume (SIGSTOP / SIGCONT)", act_pause},
    {'S', false, "S", "send a signal, chosen from a list", act_signal},
    {'a', false, "a", "add a task (shell:, cmd:, fork:, worker: prefixes work)", act_add},
    {'D', false, "D Delete", "remove the task (when stopped)", act_remove},
    {KEY_DC, true, NULL, NULL, act_remove},
    {'i', false, "i", "type into the task's terminal (Ctrl-] leaves)", act_input},
    {'m', false, "m", "traffic view: channels and their messages / panes", act_traffic},
    {'A', false, "A", "traffic view: every task's messages / the selected one's", act_traffic_all},
    {'&', false, "&", "traffic view: only messages whose task, route or text match (empty: all)",
     act_filter},
    {'M', false, "M", "send a message (typed JSON) to the selected fork task", act_send},
    {'T', false, "T", "show / hide the selected task's threads", act_threads},
    {'+', false, "+ -", "sample /proc less / more often", act_slower},
    {'-', false, NULL, NULL, act_faster},
    {'l', false, "l", "cycle layout: grid, columns, rows", act_layout},
    {'t', false, "t", "cycle theme", act_theme},
    {']', false, "] [", "in a demo: the next / previous demo (stops this one's tasks)",
     ui_tour_next},
    {'[', false, NULL, NULL, ui_tour_prev},
    {'c', false, "c", "show / hide the demo's caption", ui_caption_toggle},
    {'w', false, "w", "dependency graph: each task's depends_on and whether each holds", act_deps},
    {'?', false, "?", "this help", act_help},
    {'q', false, "q Ctrl-C", "quit: stop every task (again: kill them)", act_quit},
    {CTRL('c'), false, NULL, NULL, act_quit},
};
#define NKEYS (sizeof keys / sizeof keys[0])

const struct ui_key *
ui_key_table(size_t *n)
{
    *n = NKEYS;
    return keys;
}

size_t
ui_key_help(const char ***labels, const char ***what)
{
    static const char *l[NKEYS], *w[NKEYS];
    size_t n = 0;
    for (size_t i = 0; i < NKEYS; i++) {
        if (keys[i].label == NULL)
            continue;
        l[n] = keys[i].label;
        w[n] = keys[i].help;
        n++;
    }
    *labels = l;
    *what = w;
    return n;
}

/* Signals offered by S, the common ones first. */
const int ui_signal_list[] = {SIGTERM, SIGINT,  SIGHUP,  SIGKILL,  SIGUSR1, SIGUSR2,
                              SIGQUIT, SIGSTOP, SIGCONT, SIGWINCH, SIGALRM};
const size_t ui_signal_count = sizeof ui_signal_list / sizeof ui_signal_list[0];

static void
signal_key(struct ui *ui, wint_t ch, bool is_key)
{
    if ((is_key && ch == KEY_DOWN) || (!is_key && ch == 'j'))
        ui->signal_choice = (ui->signal_choice + 1) % (int)ui_signal_count;
    else if ((is_key && ch == KEY_UP) || (!is_key && ch == 'k'))
        ui->signal_choice = (ui->signal_choice + (int)ui_signal_count - 1) % (int)ui_signal_count;
    else if ((is_key && ch == KEY_ENTER) || (!is_key && (ch == '\r' || ch == '\n'))) {
        ui->mode = UI_NORMAL;
        int sig = ui_signal_list[ui->signal_choice];
        command(ui, FS_CONTROL_SIGNAL, sig);
    } else if (!is_key && (ch == 27 || ch == 'q'))
        ui->mode = UI_NORMAL;
    ui_dirty(ui);
}

/* The help overlay scrolls with the pane keys (the drawing keeps help_top
 * in range); any other key closes it. */
static void
help_key(struct ui *ui, wint_t ch, bool is_key)
{
    int page = LINES > 8 ? LINES - 6 : 2;
    if ((is_key && ch == KEY_DOWN) || (!is_key && ch == 'j'))
        ui->help_top++;
    else if ((is_key && ch == KEY_UP) || (!is_key && ch == 'k'))
        ui->help_top--;
    else if ((is_key && ch == KEY_NPAGE) || (!is_key && (ch == ' ' || ch == CTRL('d'))))
        ui->help_top += page;
    else if ((is_key && ch == KEY_PPAGE) || (!is_key && (ch == 'b' || ch == CTRL('u'))))
        ui->help_top -= page;
    else if ((is_key && ch == KEY_HOME) || (!is_key && ch == 'g'))
        ui->help_top = 0;
    else if ((is_key && ch == KEY_END) || (!is_key && ch == 'G'))
        ui->help_top = 1 << 20;
    else
        ui->mode = UI_NORMAL;
    ui_dirty(ui);
}

static void mouse(struct ui *ui);

void
ui_key(struct ui *ui, wint_t ch, bool is_key)
{
    if (is_key && ch == KEY_RESIZE)
        return; /* SIGWINCH is handled by the runtime's watcher */
    if (is_key && ch == KEY_MOUSE) {
        mouse(ui);
        return;
    }
    switch (ui->mode) {
    case UI_INPUT:
        if (!is_key && ch == KEY_LEAVE_INPUT)
            ui->mode = UI_NORMAL;
        else if (sel_pane(ui))
            fs_pane_key(sel_pane(ui), ch, is_key);
        ui_dirty(ui);
        return;
    case UI_PROMPT:
        ui_prompt_key(ui, ch, is_key);
        return;
    case UI_SIGNAL:
        signal_key(ui, ch, is_key);
        return;
    case UI_HELP:
        help_key(ui, ch, is_key);
        return;
    case UI_NORMAL:
        break;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (keys[i].ch == ch && keys[i].is_key == is_key) {
            keys[i].fn(ui);
            return;
        }
    }
}

/* A click selects the task of a table row or a pane; the wheel scrolls. */
static void
mouse(struct ui *ui)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return;
    size_t hit = (size_t)-1;
    bool click = ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED);
    if (ev.y > ui->table_y && ev.y < ui->table_y + ui->table_h)
        hit = ui_rows_at(ui, (size_t)(ui->table_first + ev.y - ui->table_y - 1), click);
    for (size_t k = 0; k < ui->npanes_shown; k++) {
        struct fs_rect r = ui->pane_rect[k];
        if (ev.x >= r.x && ev.x < r.x + r.w && ev.y >= r.y && ev.y < r.y + r.h)
            hit = ui->pane_task[k];
    }
    if (hit < ui->ntasks && hit != ui->sel && click) {
        ui->sel = hit;
        ui->sel_pid = 0;
        ui_relayout(ui);
    }
    if (ev.bstate & BUTTON4_PRESSED && hit < ui->ntasks)
        fs_pane_scroll(ui->tasks[hit].pane, 3);
    if (ev.bstate & BUTTON5_PRESSED && hit < ui->ntasks)
        fs_pane_scroll(ui->tasks[hit].pane, -3);
    ui_dirty(ui);
}
