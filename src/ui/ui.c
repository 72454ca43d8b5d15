/*
 * The screen front end: sets up curses, implements fs_fe_ops for the app, keeps
 * one pane per task, reads keys and mouse from the runtime's input watcher,
 * follows terminal resizes, and coalesces redraws into frames of at most 60 a
 * second (none while nothing changed). On every exit path the terminal is
 * restored, a fatal signal inside forkscope included.
 */
#include <config.h>

#include "ui/ui.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "ui/ui_int.h"
/* After curses.h: setupterm, del_curterm (terminal_open). */
#include <term.h>
#include "util/signame.h"
#include "util/xalloc.h"

#define FRAME_SECONDS (1.0 / 60.0)
/* Frames that only messages asked for, and frames while panes flood: at most
 * 20 a second. */
#define MSG_FRAME_SECONDS (1.0 / 20.0)
/* Pane output of this much between two frames is a flood. */
#define FLOOD_BYTES (64 * 1024)

/* ---- restoring the terminal whatever happens ---------------------------------------- */

static struct termios saved_termios;
static bool have_termios;
/* The terminal, and /dev/null to put in its place: the crash may be on a worker
 * thread while the loop's thread goes on drawing, and its next frame must not
 * land on the terminal just given back. */
static int tty_fd = -1, null_fd = -1;

/* Async-signal-safe: silences the loop's writes, writes the sequences that undo
 * what curses set, puts the saved terminal modes back, says what happened and
 * lets the signal do what it would have done. */
static void
fatal_signal(int sig)
{
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l\033[?2004l\033[0m"
                                "\033[?25h\033[?1049l\r\n";
    static const char killed[] = "forkscope: killed by ";
    const char *name = fs_signame(sig); /* a lookup in a const table */
    int out = STDOUT_FILENO;
    if (tty_fd >= 0 && null_fd >= 0 && dup2(null_fd, STDOUT_FILENO) >= 0)
        out = tty_fd;
    ssize_t w = write(out, reset, sizeof reset - 1);
    if (have_termios)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
    w = write(STDERR_FILENO, killed, sizeof killed - 1);
    if (name != NULL)
        w = write(STDERR_FILENO, name, strlen(name));
    w = write(STDERR_FILENO, "\r\n", 2);
    (void)w;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
install_fatal_handlers(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT};
    have_termios = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
    if (tty_fd < 0)
        tty_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (null_fd < 0)
        null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = fatal_signal;
        sa.sa_flags = SA_RESETHAND;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* ---- frames ------------------------------------------------------------------------------ */

static void
on_frame(void *arg)
{
    struct ui *ui = arg;
    ui->frame_pending = false;
    ui->last_frame = fs_app_now(ui->app);
    ui->flooding = ui->out_bytes >= FLOOD_BYTES;
    ui->out_bytes = 0;
    /* A terminal that hung up takes no more frames: forkscope is quitting
     * (fs_app_terminal_gone saw to that), and every write would fail. */
    if (fs_app_terminal_gone(ui->app))
        return;
    if (ui->dirty) {
        ui->dirty = false;
        ui_draw(ui);
    }
}

/* Schedules the next frame `delay` seconds after `now`, unless one is due sooner. */
static void
frame_in(struct ui *ui, double now, double delay)
{
    if (ui->frame_pending && ui->frame_due <= now + delay)
        return;
    ui->frame_pending = true;
    ui->frame_due = now + delay;
    fs_app_timer_start(ui->frame, delay);
}

/* The screen changed: the next frame at least `gap` seconds after the last. */
static void
dirty_after(struct ui *ui, double gap)
{
    ui->dirty = true;
    if (ui->frame == NULL)
        return;
    /* A frame is already due by the soonest this one could come (never before
     * last_frame + gap): nothing to move, and no clock to read for every
     * chunk of a flood. */
    if (ui->frame_pending && ui->frame_due <= ui->last_frame + gap)
        return;
    double now = fs_app_now(ui->app), since = now - ui->last_frame;
    frame_in(ui, now, since >= gap ? 0 : gap - since);
}

void
ui_dirty(struct ui *ui)
{
    dirty_after(ui, FRAME_SECONDS);
}

void
ui_dirty_later(struct ui *ui, double seconds)
{
    if (ui->frame_pending || ui->frame == NULL)
        return;
    ui->dirty = true;
    frame_in(ui, fs_app_now(ui->app), seconds);
}

void
ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->message, sizeof ui->message, fmt, ap);
    va_end(ap);
    ui->message_error = error;
    ui->message_until = fs_app_now(ui->app) + (error ? 8.0 : 4.0);
    ui_dirty(ui);
}

/* ---- panes ---------------------------------------------------------------------------------- */

static void
pane_output(void *arg, const char *data, size_t len)
{
    struct ui_task *ut = arg;
    struct ui *ui = ut->ui;
    size_t i = (size_t)(ut - ui->tasks);
    int r = fs_app_input(ui->app, i, data, len);
    if (r == -EAGAIN)
        ui_message(ui, true, "%s is not reading its terminal: input dropped",
                   fs_app_task(ui->app, i)->spec.name);
}

/* Keeps one pane per app task, in the same order. Tasks are only ever added at
 * the end or removed through ui_remove_task, so a length change means adds. */
void
ui_sync_tasks(struct ui *ui)
{
    size_t n = fs_app_ntasks(ui->app);
    if (n == ui->ntasks)
        return;
    struct ui_task *old = ui->tasks;
    ui->tasks = fs_xcalloc(n ? n : 1, sizeof *ui->tasks);
    if (old != NULL)
        memcpy(ui->tasks, old, (ui->ntasks < n ? ui->ntasks : n) * sizeof *old);
    free(old);
    for (size_t i = 0; i < n; i++) {
        ui->tasks[i].ui = ui;
        if (ui->tasks[i].pane == NULL)
            ui->tasks[i].pane =
                fs_pane_new(24, 80, fs_app_task(ui->app, i)->spec.pty, pane_output, &ui->tasks[i]);
        else
            fs_pane_set_arg(ui->tasks[i].pane, &ui->tasks[i]);
    }
    ui->ntasks = n;
    if (ui->sel >= n && n > 0)
        ui->sel = n - 1;
    ui_relayout(ui);
}

void
ui_remove_task(struct ui *ui, size_t i)
{
    const struct fs_task *t = fs_app_task(ui->app, i);
    if (fs_task_is_live(t) || fs_app_remove_task(ui->app, i) != 0)
        return;
    fs_msglog_forget(&ui->msglog, t);
    fs_pane_free(ui->tasks[i].pane);
    memmove(&ui->tasks[i], &ui->tasks[i + 1], (ui->ntasks - i - 1) * sizeof *ui->tasks);
    ui->ntasks--;
    for (size_t j = 0; j < ui->ntasks; j++)
        fs_pane_set_arg(ui->tasks[j].pane, &ui->tasks[j]);
    if (ui->sel >= ui->ntasks && ui->sel > 0)
        ui->sel--;
    ui_relayout(ui);
}

/* Recomputes the layout and resizes each shown pane's terminal (and the
 * task's pty) to fit. */
void
ui_relayout(struct ui *ui)
{
    ui_layout(ui);
    for (size_t k = 0; k < ui->npanes_shown; k++) {
        size_t i = ui->pane_task[k];
        struct fs_rect r = ui->pane_rect[k];
        int rows = r.h - 2 > 1 ? r.h - 2 : 1, cols = r.w - 2 > 1 ? r.w - 2 : 1;
        if (fs_pane_resize(ui->tasks[i].pane, rows, cols))
            fs_app_resize(ui->app, i, rows, cols);
    }
    ui_dirty(ui);
}

/* ---- the front-end interface ------------------------------------------------------------ */

static size_t
task_index(struct ui *ui, const struct fs_task *t)
{
    size_t n = fs_app_ntasks(ui->app);
    for (size_t i = 0; i < n; i++)
        if (fs_app_task(ui->app, i) == t)
            return i;
    return (size_t)-1;
}

static bool
fe_pty(void *fe, const struct fs_task *t, int *rows, int *cols)
{
    struct ui *ui = fe;
    ui_sync_tasks(ui);
    size_t i = task_index(ui, t);
    if (i == (size_t)-1)
        return false;
    fs_pane_size(ui->tasks[i].pane, rows, cols);
    return true;
}

static void
fe_start(void *fe, const struct fs_task *t)
{
    struct ui *ui = fe;
    ui_sync_tasks(ui);
    size_t i = task_index(ui, t);
    if (i < ui->ntasks)
        ui->tasks[i].probe_err[0] = '\0';
    ui_dirty(ui);
}

static void
fe_output(void *fe, const struct fs_task *t, enum fs_stream stream, const char *data, size_t len)
{
    struct ui *ui = fe;
    size_t i = task_index(ui, t);
    if (i < ui->ntasks) {
        fs_pane_write(ui->tasks[i].pane, stream, data, len);
        /* Output after a quiet spell is drawn at once; a flood is drawn 20
         * times a second, not 60 (doc/benchmarks.md). */
        ui->out_bytes += len;
        dirty_after(ui, ui->flooding ? MSG_FRAME_SECONDS : FRAME_SECONDS);
    }
}

static void
fe_eof(void *fe, const struct fs_task *t, enum fs_stream stream)
{
    ui_dirty(fe);
}

/* A pool's job log ends with what the pool took: its time, when its last job
 * started (with as many members as jobs: what starting them all took), its
 * peak memory. */
static void
pool_summary(struct ui *ui, const struct fs_task *t)
{
    const struct fs_pool_counts *pc = fs_app_pool(ui->app, t);
    size_t i = task_index(ui, t);
    if (pc == NULL || i >= ui->ntasks)
        return;
    char up[48] = "", peak[48] = "", rss[16];
    if (pc->up > 0)
        snprintf(up, sizeof up, "last job started at %.3fs", pc->up);
    if (pc->sampled) {
        ui_human_bytes(pc->peak_rss, rss, sizeof rss);
        snprintf(peak, sizeof peak, "%speak memory %s", up[0] ? "; " : "", rss);
    }
    char *line =
        fs_xasprintf("\033[1m%zu/%zu jobs done in %.3fs\r\n%s%s%s\033[22m", pc->done, pc->jobs,
                     pc->ended - pc->started, up, peak, up[0] || peak[0] ? "\r\n" : "");
    fs_pane_write(ui->tasks[i].pane, FS_STREAM_STDOUT, line, strlen(line));
    free(line);
}

static void
fe_exit(void *fe, const struct fs_task *t, const char *reason)
{
    struct ui *ui = fe;
    pool_summary(ui, t);
    if (reason != NULL)
        ui_message(ui, true, "%s: %s", t->spec.name, reason);
    ui_dirty(ui);
}

static void
fe_restart(void *fe, const struct fs_task *t, double delay)
{
    ui_dirty(fe);
}

/* A failing probe shows on the pane's bottom border until it passes. */
static void
fe_probe(void *fe, const struct fs_task *t, const struct fs_probe_report *r)
{
    struct ui *ui = fe;
    size_t i = task_index(ui, t);
    if (i >= ui->ntasks)
        return;
    char *b = ui->tasks[i].probe_err;
    if (r->error == NULL)
        b[0] = '\0';
    else
        snprintf(b, sizeof ui->tasks[i].probe_err, "%s%s %s: %s (%u)", r->alive ? "alive" : "ready",
                 r->final ? "!" : "?", r->kind, r->error, r->failures);
    ui_dirty(ui);
}

static void
fe_ready(void *fe, const struct fs_task *t, const char *how)
{
    (void)t;
    (void)how;
    ui_dirty(fe);
}

static void
fe_error(void *fe, const struct fs_task *t, const char *msg)
{
    ui_message(fe, true, "%s", msg);
}

static void
fe_samples(void *fe)
{
    struct ui *ui = fe;
    ui_traffic_sample(ui);
    /* The thread and descendant rows may have changed in number. */
    if (ui->show_threads || ui_table_rows(ui) != ui->layout_rows)
        ui_relayout(ui);
    ui_dirty(ui);
}

/* A message a traced node program sent goes to the traffic view with its
 * route (doc/tracing.md); the tracer's other reports are headless only. */
static void
fe_trace(void *fe, const struct fs_task *t, const struct fs_trace_ev *ev)
{
    struct ui *ui = fe;
    size_t i = task_index(ui, t);
    if (ev->kind == FS_TRACE_THREAD && i < ui->ntasks)
        ui_workers_event(ui, i, ev);
    if (ev->kind != FS_TRACE_MESSAGE || ev->msg == NULL)
        return;
    char route[128];
    fs_app_trace_route(ev, route, sizeof route);
    size_t len = strlen(ev->msg);
    fs_msglog_add(&ui->msglog, fs_app_now(ui->app), t, true, false, 0, (int)FS_IPC_JSON, ev->msg,
                  len, ev->bytes >= 0 ? (size_t)ev->bytes : len);
    fs_msglog_set_route(&ui->msglog, route);
    ui_dirty(ui);
}

static void
fe_message(void *fe, const struct fs_task *t, const struct fs_msg *m)
{
    struct ui *ui = fe;
    fs_msglog_add(&ui->msglog, fs_app_now(ui->app), t, m->dir == FS_MSG_IN, m->internal, m->flags,
                  (int)m->mode, m->data, m->len, m->size);
    if (m->fds != NULL) {
        char what[160];
        fs_msglog_set_passed(&ui->msglog, fs_passfd_describe(m->fds, what, sizeof what));
    }
    /* A thread has no terminal: its pane shows what it posts, one message a
     * line (the first 4 KiB of each), so its results are on screen too. */
    size_t i = task_index(ui, t);
    if (i < ui->ntasks && m->dir == FS_MSG_IN && !m->internal &&
        fs_kind_info(t->spec.kind)->in_process) {
        fs_pane_write(ui->tasks[i].pane, FS_STREAM_STDOUT, m->data,
                      m->len < FS_MSGLOG_KEEP ? m->len : FS_MSGLOG_KEEP);
        fs_pane_write(ui->tasks[i].pane, FS_STREAM_STDOUT, "\r\n", 2);
    }
    /* Drawn at once after a quiet spell; in a flood the counters and the
     * traffic view move 20 times a second, not 60 (doc/benchmarks.md). */
    dirty_after(ui, MSG_FRAME_SECONDS);
}

/* A pool's pane is its job log: one line per job that starts or ends. */
static void
fe_job(void *fe, const struct fs_task *pool, const struct fs_task *member, long long job,
       enum fs_job_event ev, double elapsed, const char *error)
{
    struct ui *ui = fe;
    size_t i = task_index(ui, pool);
    if (i >= ui->ntasks)
        return;
    char *line;
    if (ev == FS_JOB_START)
        line = fs_xasprintf("job %lld -> %s\r\n", job, member->spec.name);
    else if (ev == FS_JOB_DONE)
        line = fs_xasprintf("job %lld done on %s in %.3fs\r\n", job, member->spec.name, elapsed);
    else
        line = fs_xasprintf("\033[31mjob %lld failed on %s in %.3fs: %s\033[39m\r\n", job,
                            member->spec.name, elapsed, error ? error : "?");
    fs_pane_write(ui->tasks[i].pane, FS_STREAM_STDOUT, line, strlen(line));
    free(line);
    ui_dirty(ui);
}

static const struct fs_fe_ops screen_ops = {
    .task_pty = fe_pty,
    .task_start = fe_start,
    .task_output = fe_output,
    .task_eof = fe_eof,
    .task_exit = fe_exit,
    .task_restart = fe_restart,
    .error = fe_error,
    .samples = fe_samples,
    .task_message = fe_message,
    .task_trace = fe_trace,
    .task_job = fe_job,
    .task_ready = fe_ready,
    .task_probe = fe_probe,
};

/* ---- input, resize, quit ----------------------------------------------------------------------
 */

static void
on_input(void *fe)
{
    struct ui *ui = fe;
    wint_t ch;
    int r;
    /* Drain every key that is ready. */
    while ((r = wget_wch(stdscr, &ch)) != ERR)
        ui_key(ui, ch, r == KEY_CODE_YES);
}

static void
on_winch(void *fe, int sig)
{
    struct ui *ui = fe;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    ui_relayout(ui);
}

static void
on_quit_signal(void *fe, int sig)
{
    struct ui *ui = fe;
    ui->quit_requests++;
    const char *name = fs_signame(sig);
    ui_message(ui, false, "%s: stopping every task", name ? name : "signal");
}

/* ---- setup and the run --------------------------------------------------------------------- */

/* The terminal, opened before anything starts (newterm, unlike initscr,
 * returns when it cannot): NULL, having said why, when the screen cannot be
 * drawn on it. */
static SCREEN *
terminal_open(void)
{
    static const char headless[] = "--headless runs without one";
    const char *term = getenv("TERM");
    if (term == NULL || term[0] == '\0') {
        fprintf(stderr,
                "forkscope: TERM is not set: the screen needs a terminal type (such as "
                "TERM=xterm-256color); %s\n",
                headless);
        return NULL;
    }
    install_fatal_handlers();
    setlocale(LC_ALL, "");
    /* An unknown type is found by setupterm first: ncurses' newterm leaks
     * its pre-screen when it fails (the sanitizer build reports it). */
    int err = 0;
    SCREEN *scr = NULL;
    if (setupterm(NULL, STDOUT_FILENO, &err) == OK) {
        del_curterm(cur_term);
        scr = newterm(NULL, stdout, stdin);
    }
    if (scr == NULL) {
        fprintf(stderr, "forkscope: TERM=%s: no such terminal type is known here; %s\n", term,
                headless);
        return NULL;
    }
    const char *cup = tigetstr("cup");
    if (cup == NULL || cup == (char *)-1) {
        endwin();
        delscreen(scr);
        fprintf(stderr,
                "forkscope: TERM=%s cannot move the cursor, and the screen needs a terminal "
                "that can (such as TERM=xterm-256color); %s\n",
                term, headless);
        return NULL;
    }
    return scr;
}

static void
curses_start(struct ui *ui)
{
    set_escdelay(25);
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    const char *no_color = getenv("NO_COLOR");
    ui->color = has_colors() && (no_color == NULL || no_color[0] == '\0');
    if (ui->color) {
        start_color();
        use_default_colors();
    }
    ui_colors_init(ui);
}

/* The app exists: the screen takes the terminal, and a pane is made per task. */
static void
on_ready(void *fe, struct fs_app *app)
{
    struct ui *ui = fe;
    ui->app = app;
    curses_start(ui);
    ui->frame = fs_app_timer_new(app, on_frame, ui);
    ui_tour_start(ui, ui->demo);
    ui_sync_tasks(ui);
    size_t nwarn = ui->warnings != NULL ? fs_strv_len(ui->warnings) : 0;
    if (nwarn > 0)
        ui_message(ui, true, "%zu warning%s (on standard error; forkscope check lists them): %s",
                   nwarn, nwarn == 1 ? "" : "s", ui->warnings[0]);
    ui_dirty(ui);
}

/* The session is over: the terminal is given back. */
static void
on_stopped(void *fe)
{
    struct ui *ui = fe;
    fs_app_timer_free(ui->frame);
    ui->frame = NULL;
    ui_tour_stop(ui);
    endwin();
}

int
fs_ui_run(const struct fs_session *s, const struct fs_ui_opts *opts)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "forkscope: the screen needs a terminal; use --headless\n");
        return 2;
    }
    SCREEN *scr = terminal_open();
    if (scr == NULL)
        return 2;
    struct ui *ui = fs_xcalloc(1, sizeof *ui);
    ui->layout = FS_TILING_GRID;
    ui->demo = opts->demo;
    ui->warnings = s->warnings;
    fs_msglog_init(&ui->msglog, opts->msglog_count ? opts->msglog_count : FS_UI_MSGLOG_COUNT,
                   opts->msglog_bytes ? opts->msglog_bytes : FS_UI_MSGLOG_BYTES);
    ui_theme_setup(ui, opts->theme ? opts->theme : s->theme);
    const struct fs_app_run_opts run = {
        .input = FS_APP_INPUT_KEYS,
        .interval = opts->interval > 0 ? opts->interval : 1.0,
        .proc_root = opts->proc_root,
        .sample_flags = FS_SAMPLE_CTXSW | FS_SAMPLE_TREE,
        .signal = SIGWINCH,
        .signal_what = "terminal resizes",
        .ready = on_ready,
        .quit_signal = on_quit_signal,
        .on_signal = on_winch,
        .keys = on_input,
        .stopped = on_stopped,
    };
    int status = fs_app_run(s, &run, &screen_ops, ui);
    if (!isendwin())
        endwin(); /* the run ended before the screen was set up */
    delscreen(scr);

    for (size_t i = 0; i < ui->ntasks; i++)
        fs_pane_free(ui->tasks[i].pane);
    free(ui->tasks);
    free(ui->rows);
    ui_theme_cleanup(ui);
    ui_prompt_cleanup(ui);
    free(ui->search);
    if (ui->traffic_filter != NULL)
        fs_smartcase_fini(&ui->traffic_sc);
    free(ui->traffic_filter);
    fs_msglog_fini(&ui->msglog);
    free(ui);
    return status;
}
