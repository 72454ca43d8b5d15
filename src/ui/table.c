/*
 * The header line (the machine's CPU and memory, the sampling interval, task
 * counts) and the task table: one row per task, its columns from the const
 * table ui_columns, and under it, when asked, the selected task's threads, and
 * its descendants as a tree (the rows come from tree.c).
 */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_int.h"
#include "util/signame.h"

/* ---- formatting --------------------------------------------------------------------------- */

void
ui_human_bytes(uint64_t b, char *buf, size_t len)
{
    static const char units[] = "BKMGT";
    double v = (double)b;
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, u == 0 ? "%.0f%c" : v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static void
percent(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f", v);
}

/* A pool: its jobs queued, running, done and failed; once it ended, how
 * many were done. */
static bool
describe_pool(struct ui *ui, const struct fs_task *t, char *buf, size_t len)
{
    const struct fs_pool_counts *pc = fs_app_pool(ui->app, t);
    if (pc == NULL || t->st.state == FS_STATE_IDLE)
        return false;
    if (fs_task_is_live(t))
        snprintf(buf, len, "%zuq %zur %zud%s", pc->queued, pc->running, pc->done + pc->failed,
                 pc->failed ? " !" : "");
    else if (pc->queued > 0)
        snprintf(buf, len, "%zu/%zu done, stopped", pc->done, pc->jobs);
    else if (pc->failed > 0)
        snprintf(buf, len, "%zu/%zu done, %zu fail", pc->done, pc->jobs, pc->failed);
    else
        snprintf(buf, len, "%zu/%zu done", pc->done, pc->jobs);
    return true;
}

void
ui_describe_state(const struct fs_task *t, double now, char *buf, size_t len)
{
    const struct fs_task_status *st = &t->st;
    const char *sig = st->term_signal ? fs_signame(st->term_signal) : NULL;
    switch (st->state) {
    case FS_STATE_BACKOFF: {
        double left = st->ended_at + st->backoff_delay - now;
        snprintf(buf, len, "restarting in %.0fs", left > 0 ? ceil(left) : 0);
        return;
    }
    case FS_STATE_EXITED:
    case FS_STATE_FAILED:
        if (st->spawn_error)
            snprintf(buf, len, "failed to start");
        else if (st->term_signal)
            snprintf(buf, len, "killed by %s", sig ? sig : "signal");
        else
            snprintf(buf, len, "exited %d", st->exit_code);
        return;
    case FS_STATE_RUNNING:
        /* With a readiness probe: whether it passed ("ready") or gave up. */
        snprintf(buf, len, "%s",
                 st->paused                    ? "paused"
                 : t->spec.ready_probe == NULL ? "running"
                 : st->ready                   ? "ready"
                 : st->ready_gave_up           ? "not ready"
                                               : "running");
        return;
    default:
        snprintf(buf, len, "%s", st->paused ? "paused" : fs_state_name(st->state));
    }
}

void
ui_spark(const double *v, size_t n, int width, char *buf, size_t len)
{
    static const char *const blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                         "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ascii[] = "_.:-=+*#";
    bool utf8 = MB_CUR_MAX > 1;
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = n > (size_t)width ? n - (size_t)width : 0; k < n && o + 4 < len; k++) {
        if (isnan(v[k])) {
            buf[o++] = ' ';
            continue;
        }
        int level = (int)(v[k] * 7.0 + 0.5);
        level = level < 0 ? 0 : level > 7 ? 7 : level;
        if (utf8) {
            size_t bl = strlen(blocks[level]);
            memcpy(buf + o, blocks[level], bl);
            o += bl;
        } else {
            buf[o++] = ascii[level];
        }
    }
    buf[o] = '\0';
}

void
ui_sparkline(struct ui *ui, size_t i, int width, char *buf, size_t len)
{
    float cpu[FS_SAMPLER_HISTORY];
    double v[FS_SAMPLER_HISTORY];
    size_t n = fs_app_history(ui->app, i, cpu, NULL);
    /* 0-100% of one core; more than a core shows full. */
    for (size_t k = 0; k < n; k++)
        v[k] = isnan(cpu[k]) ? NAN : cpu[k] / 100.0;
    ui_spark(v, n, width, buf, len);
}

void
ui_rss_sparkline(struct ui *ui, size_t i, int width, char *buf, size_t len)
{
    uint64_t rss[FS_SAMPLER_HISTORY], max = 0;
    double v[FS_SAMPLER_HISTORY];
    size_t n = fs_app_history(ui->app, i, NULL, rss);
    /* Scaled to the largest RSS shown, so growth stands out. */
    for (size_t k = 0; k < n; k++)
        max = rss[k] > max ? rss[k] : max;
    for (size_t k = 0; k < n; k++)
        v[k] = rss[k] == 0 || max == 0 ? NAN : (double)rss[k] / (double)max;
    ui_spark(v, n, width, buf, len);
}

/* ---- columns -------------------------------------------------------------------------------- */

static const struct fs_sample *
sample_of(struct ui *ui, size_t i)
{
    const struct fs_task *t = fs_app_task(ui->app, i);
    const struct fs_sample *sm = fs_app_sample(ui->app, i);
    return sm != NULL && sm->alive && fs_task_is_live(t) ? sm : NULL;
}

static void
col_name(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    snprintf(buf, len, "%s", fs_app_task(ui->app, i)->spec.name);
}

static void
col_kind(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_task *t = fs_app_task(ui->app, i);
    const struct fs_kind_info *k = fs_kind_info(t->spec.kind);
    bool pool = t->spec.pool_size > 0;
    snprintf(buf, len, "%s%s%s", pool ? "pool/" : "", k->label,
             k->pipe_label && !t->spec.pty && !pool ? "/pipe" : "");
}

static void
col_pid(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_task *t = fs_app_task(ui->app, i);
    if (t->st.pid > 0 && fs_task_is_live(t))
        snprintf(buf, len, "%d", t->st.pid);
    else
        snprintf(buf, len, "-");
}

static void
col_state(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_task *t = fs_app_task(ui->app, i);
    if (!describe_pool(ui, t, buf, len) && !ui_deps_describe(ui, i, buf, len))
        ui_describe_state(t, now, buf, len);
}

/* The last run's usage (wait4), once it ended; NULL while it runs, and for
 * a worker thread or a pool, which have none of their own. */
static const struct fs_usage *
usage_of(struct ui *ui, size_t i)
{
    const struct fs_task *t = fs_app_task(ui->app, i);
    return t->st.have_usage && !fs_task_is_live(t) ? &t->st.usage : NULL;
}

/* While it runs, its share of a core; after, the CPU seconds its run used. */
/* A pool's members summed (app.h: fs_pool_counts), from the last sample; NULL
 * for a task that is not a pool, or before its first sample. */
static const struct fs_pool_counts *
pool_sums(struct ui *ui, size_t i)
{
    const struct fs_pool_counts *pc = fs_app_pool(ui->app, fs_app_task(ui->app, i));
    return pc != NULL && pc->sampled ? pc : NULL;
}

static void
col_cpu(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_pool_counts *pc = pool_sums(ui, i);
    if (pc != NULL) {
        /* While it runs, its members' share of the cores; after, nothing. */
        percent(pc->ended > 0 ? NAN : pc->cpu, buf, len);
        return;
    }
    const struct fs_usage *u = usage_of(ui, i);
    if (u != NULL) {
        snprintf(buf, len, u->cpu < 10 ? "%.2fs" : u->cpu < 1000 ? "%.1fs" : "%.0fs", u->cpu);
        return;
    }
    const struct fs_sample *sm = sample_of(ui, i);
    percent(sm ? sm->cpu : NAN, buf, len);
}

/* A size from the task's sample, "-" when it has none. */
static void
sample_bytes(struct ui *ui, size_t i, size_t offset, char *buf, size_t len)
{
    const struct fs_sample *sm = sample_of(ui, i);
    if (sm == NULL) {
        snprintf(buf, len, "-");
        return;
    }
    ui_human_bytes(*(const uint64_t *)((const char *)sm + offset), buf, len);
    /* A worker thread has no memory of its own: this is forkscope's, shared. */
    if (sm->tid != 0 && strlen(buf) + 4 < len)
        strcat(buf, " sh");
}

/* While it runs, its resident set; after, its run's peak. */
static void
col_rss(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_pool_counts *pc = pool_sums(ui, i);
    if (pc != NULL) {
        /* A pool: its members' memory summed while it runs; after, the peak. */
        ui_human_bytes(pc->ended > 0 ? pc->peak_rss : pc->rss, buf, len);
        return;
    }
    const struct fs_usage *u = usage_of(ui, i);
    if (u != NULL) {
        ui_human_bytes((uint64_t)u->max_rss, buf, len);
        return;
    }
    sample_bytes(ui, i, offsetof(struct fs_sample, rss), buf, len);
}

static void
col_vsize(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    sample_bytes(ui, i, offsetof(struct fs_sample, vsize), buf, len);
}

/* How long the task's process has run, from its start time in /proc. */
static void
col_age(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_sample *sm = sample_of(ui, i);
    const struct fs_machine *m = fs_app_machine(ui->app);
    const struct fs_pool_counts *pc = fs_app_pool(ui->app, fs_app_task(ui->app, i));
    long s;
    if (pc != NULL) {
        /* A pool's total time, so far or in all. */
        double d = (pc->ended > 0 ? pc->ended : now) - pc->started;
        if (d < 60) {
            snprintf(buf, len, "%.1fs", d);
            return;
        }
        s = (long)d;
    } else if (sm == NULL || m == NULL || m->uptime <= 0 || m->uptime < sm->start) {
        snprintf(buf, len, "-");
        return;
    } else {
        s = (long)(m->uptime - sm->start);
    }
    if (s < 3600)
        snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
    else
        snprintf(buf, len, "%ldh%02ld", s / 3600, s % 3600 / 60);
}

static void
col_threads(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_sample *sm = sample_of(ui, i);
    snprintf(buf, len, sm ? "%lld" : "-", sm ? (long long)sm->threads : 0LL);
}

static void
col_tree(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_sample *sm = sample_of(ui, i);
    if (sm == NULL || sm->descendants == 0) {
        snprintf(buf, len, "-");
        return;
    }
    char cpu[16], rss[16];
    percent(sm->tree_cpu, cpu, sizeof cpu);
    ui_human_bytes(sm->tree_rss, rss, sizeof rss);
    snprintf(buf, len, "%u: %s%% %s", sm->descendants, cpu, rss);
}

static void
col_ctx(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_sample *sm = sample_of(ui, i);
    if (sm == NULL || isnan(sm->ctx_vol_rate))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.0f/%.0f", sm->ctx_vol_rate, sm->ctx_invol_rate);
}

/* Messages in and out of a fork task's channel. */
static void
col_msgs(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    const struct fs_channel_counts *c = fs_app_traffic(ui->app, i);
    if (c == NULL)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%llu/%llu%s", c->msgs_in, c->msgs_out, c->bad ? "!" : "");
}

static void
col_restarts(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    snprintf(buf, len, "%u", fs_app_task(ui->app, i)->st.restarts);
}

static void
col_spark(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    ui_sparkline(ui, i, 12, buf, len);
}

static void
col_rss_spark(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    ui_rss_sparkline(ui, i, 8, buf, len);
}

static void
col_command(struct ui *ui, size_t i, double now, char *buf, size_t len)
{
    char *d = fs_task_spec_describe(&fs_app_task(ui->app, i)->spec);
    snprintf(buf, len, "%s", d);
    free(d);
}

/* ---- a descendant's columns ------------------------------------------------------------------ */

/* Its place in the tree: indented by depth, then its command's name. */
static void
desc_name(const struct fs_desc *d, char *buf, size_t len)
{
    unsigned depth = d->depth < 8 ? d->depth : 8;
    snprintf(buf, len, "%*s\u2514 %s", (int)(depth - 1) * 2, "", d->comm);
}

static void
desc_pid(const struct fs_desc *d, char *buf, size_t len)
{
    snprintf(buf, len, "%d", (int)d->pid);
}

static void
desc_state(const struct fs_desc *d, char *buf, size_t len)
{
    if (d->ended) {
        char end[32];
        fs_desc_describe_end(d, end, sizeof end);
        snprintf(buf, len, "%s%s%s", end, d->note ? " " : "", d->note ? d->note : "");
    } else
        snprintf(buf, len, "%c%s%s", d->state, d->note ? " " : "", d->note ? d->note : "");
}

static void
desc_cpu(const struct fs_desc *d, char *buf, size_t len)
{
    percent(d->cpu, buf, len);
}

static void
desc_rss(const struct fs_desc *d, char *buf, size_t len)
{
    if (d->ended)
        snprintf(buf, len, "-");
    else
        ui_human_bytes(d->rss, buf, len);
}

static void
desc_threads(const struct fs_desc *d, char *buf, size_t len)
{
    snprintf(buf, len, d->ended ? "-" : "%lld", (long long)d->threads);
}

static void
desc_command(const struct fs_desc *d, char *buf, size_t len)
{
    snprintf(buf, len, "%s", d->cmd);
}

const struct ui_column ui_columns[] = {
    {"NAME", 14, false, col_name, desc_name},
    {"KIND", 11, false, col_kind, NULL},
    {"PID", 7, true, col_pid, desc_pid},
    {"STATE", 18, false, col_state, desc_state},
    {"AGE", 6, true, col_age, NULL},
    {"CPU%", 6, true, col_cpu, desc_cpu},
    {"RSS", 7, true, col_rss, desc_rss},
    {"VSZ", 7, true, col_vsize, NULL},
    {"THR", 4, true, col_threads, desc_threads},
    /* A descendant's command line takes the rest of its row from here. */
    {"CTXSW/s", 9, true, col_ctx, desc_command},
    {"TREE n: CPU% RSS", 17, false, col_tree, NULL},
    {"MSG in/out", 11, true, col_msgs, NULL},
    {"RST", 3, true, col_restarts, NULL},
    {"CPU HISTORY", 12, false, col_spark, NULL},
    {"RSS HIST", 8, false, col_rss_spark, NULL},
    {"COMMAND", 0, false, col_command, NULL},
};
const size_t ui_ncolumns = sizeof ui_columns / sizeof ui_columns[0];

/* ---- drawing -------------------------------------------------------------------------------- */

/* NAME is as wide as the longest name (at least its 14 columns), up to a fifth
 * of a wide screen; the other columns have their table width, the last the
 * rest of the row. */
static int
column_width(struct ui *ui, size_t c, int x)
{
    if (ui_columns[c].format == col_name) {
        int w = ui_columns[c].width, cap = COLS / 5;
        for (size_t i = 0; i < ui->ntasks; i++) {
            int n = (int)strlen(fs_app_task(ui->app, i)->spec.name);
            w = n > w ? n : w;
        }
        return w < cap ? w : cap > ui_columns[c].width ? cap : ui_columns[c].width;
    }
    return ui_columns[c].width ? ui_columns[c].width : COLS - x;
}

void
ui_draw_header(struct ui *ui)
{
    if (ui->zoom)
        return;
    const struct fs_machine *m = fs_app_machine(ui->app);
    size_t running = 0;
    for (size_t i = 0; i < ui->ntasks; i++)
        running += fs_task_is_live(fs_app_task(ui->app, i));
    char cpu[16] = "-", used[16] = "-", total[16] = "-", line[256];
    if (m != NULL && !isnan(m->cpu))
        snprintf(cpu, sizeof cpu, "%.0f%%", m->cpu);
    if (m != NULL && m->mem_total > 0) {
        ui_human_bytes(m->mem_total - m->mem_available, used, sizeof used);
        ui_human_bytes(m->mem_total, total, sizeof total);
    }
    snprintf(line, sizeof line,
             " forkscope   machine cpu %s  mem %s/%s   sampling every %gs (+/-)   "
             "%zu tasks, %zu running",
             cpu, used, total, fs_app_interval(ui->app), ui->ntasks, running);
    ui_put_el(ui, FS_EL_STATUS, true);
    mvhline(0, 0, ' ', COLS);
    ui_put_text(0, 0, COLS, line, false);
    ui_put_el(ui, FS_EL_NORMAL, false);
}

int
ui_table_rows(struct ui *ui)
{
    return (int)ui_rows_build(ui);
}

static void
draw_task_row(struct ui *ui, size_t i, int y, double now, bool sel)
{
    enum fs_theme_elem row = sel ? FS_EL_TABLE_SELECTED : FS_EL_TABLE_ROW;
    ui_put_el(ui, row, true);
    mvhline(y, 0, ' ', COLS);
    int x = 0;
    for (size_t c = 0; c < ui_ncolumns && x < COLS; c++) {
        char buf[256];
        ui_columns[c].format(ui, i, now, buf, sizeof buf);
        int w = column_width(ui, c, x);
        if (ui_columns[c].format == col_state && !sel)
            ui_put_el(ui, ui_state_el(fs_app_task(ui->app, i)), true);
        else if ((ui_columns[c].format == col_spark || ui_columns[c].format == col_rss_spark) &&
                 !sel)
            ui_put_el(ui, FS_EL_SPARKLINE, true);
        ui_put_text(y, x, w < COLS - x ? w : COLS - x, buf, ui_columns[c].right);
        ui_put_el(ui, row, true);
        x += w + 1;
    }
}

/* A descendant under its task, in the columns that have a meaning for it; one
 * that ended is greyed (dim) until it is dropped. */
static void
draw_desc_row(struct ui *ui, const struct fs_desc *d, int y, bool sel)
{
    enum fs_theme_elem row = sel ? FS_EL_TABLE_SELECTED : FS_EL_TABLE_ROW;
    ui_put_el(ui, row, true);
    if (d->ended)
        attron(A_DIM);
    mvhline(y, 0, ' ', COLS);
    int x = 0;
    for (size_t c = 0; c < ui_ncolumns && x < COLS; c++) {
        char buf[FS_DESC_CMD_MAX + 16] = "";
        int w = column_width(ui, c, x);
        bool rest = ui_columns[c].desc == desc_command;
        if (ui_columns[c].desc != NULL)
            ui_columns[c].desc(d, buf, sizeof buf);
        ui_put_text(y, x, rest || w > COLS - x ? COLS - x : w, buf, ui_columns[c].right && !rest);
        if (rest)
            break;
        x += w + 1;
    }
    attroff(A_DIM);
}

/* "+N more": descendants beyond the cap, counted but not listed. */
static void
draw_more_row(struct ui *ui, size_t cut, int y)
{
    char line[160];
    snprintf(line, sizeof line,
             "  + %zu more descendants not listed (at most %d a task, %d in all)", cut, FS_DESC_MAX,
             FS_DESC_TOTAL);
    ui_put_el(ui, FS_EL_TABLE_ROW, true);
    mvhline(y, 0, ' ', COLS);
    ui_put_text(y, 0, COLS, line, false);
}

static void
draw_thread_row(struct ui *ui, const struct fs_thread_sample *th, int y)
{
    char line[160], cpu[16] = "-";
    /* Before its first sample a thread's share is not known: "-", not "-%". */
    if (!isnan(th->cpu))
        snprintf(cpu, sizeof cpu, "%.1f%%", th->cpu);
    snprintf(line, sizeof line, "  \u2514 thread %-7d %-16s %c  cpu %s", (int)th->tid, th->name,
             th->state, cpu);
    ui_put_el(ui, FS_EL_TABLE_ROW, true);
    mvhline(y, 0, ' ', COLS);
    ui_put_text(y, 0, COLS, line, false);
}

static void
draw_row(struct ui *ui, const struct ui_row *r, int y, double now, bool sel,
         const struct fs_thread_sample *th, size_t nth)
{
    switch (r->kind) {
    case UI_ROW_TASK:
        draw_task_row(ui, r->task, y, now, sel);
        break;
    case UI_ROW_THREAD:
        if (th != NULL && r->sub < nth)
            draw_thread_row(ui, &th[r->sub], y);
        break;
    case UI_ROW_DESC:
        draw_desc_row(ui, ui_row_desc(ui, r), y, sel);
        break;
    case UI_ROW_MORE:
        draw_more_row(ui, r->sub, y);
        break;
    case UI_ROW_WORKER:
        ui_workers_draw(ui, r->sub, y);
        break;
    }
}

void
ui_draw_table(struct ui *ui, double now)
{
    int y0 = ui->table_y, h = ui->table_h;
    if (h <= 0)
        return;
    ui_put_el(ui, FS_EL_TABLE_HEADER, true);
    mvhline(y0, 0, ' ', COLS);
    int x = 0;
    for (size_t c = 0; c < ui_ncolumns && x < COLS; c++) {
        int w = column_width(ui, c, x);
        ui_put_text(y0, x, w < COLS - x ? w : COLS - x, ui_columns[c].title, ui_columns[c].right);
        x += w + 1;
    }
    size_t nth = 0;
    const struct fs_thread_sample *th = NULL;
    if (ui->show_threads && ui->sel < ui->ntasks)
        th = fs_app_threads(ui->app, ui->sel, true, &nth);
    /* Keep the selected row visible. */
    int rows = h - 1, total = (int)ui_rows_build(ui);
    int sel_row = (int)ui_rows_selected(ui);
    /* A "+N more" row that follows the selected one is shown with it. */
    int sel_end = sel_row + 1 < total && ui->rows[sel_row + 1].kind == UI_ROW_MORE && rows > 1
                      ? sel_row + 1
                      : sel_row;
    if (sel_row < ui->table_first)
        ui->table_first = sel_row;
    if (sel_end >= ui->table_first + rows)
        ui->table_first = sel_end - rows + 1;
    for (int r = 0; r < rows; r++) {
        int d = ui->table_first + r, y = y0 + 1 + r;
        if (d >= total) {
            ui_put_el(ui, FS_EL_NORMAL, true);
            mvhline(y, 0, ' ', COLS);
            continue;
        }
        draw_row(ui, &ui->rows[d], y, now, d == sel_row, th, nth);
    }
    ui_put_el(ui, FS_EL_NORMAL, false);
}
