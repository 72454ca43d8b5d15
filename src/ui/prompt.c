/*
 * The one-line prompt of the status line: typing a task to add (with the kind
 * prefixes of the command line) or a search. Basic line editing (left, right,
 * Home, End, Backspace, Delete, Ctrl-U, Ctrl-W) and a history per kind.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "ui/ui_int.h"
#include "util/xalloc.h"

#define CTRL(c) ((c) & 0x1f)

const char *
ui_prompt_label(enum ui_prompt_kind kind)
{
    switch (kind) {
    case UI_PROMPT_ADD:
        return "add task (shell:, cmd:, fork:, worker: prefix; Esc cancels): ";
    case UI_PROMPT_SEND:
        return "send JSON (checked before it is sent, Up: history): ";
    case UI_PROMPT_FILTER:
        return "show only messages matching (task, route such as 'kid 1234', text; "
               "empty: all): ";
    default:
        return "search: ";
    }
}

void
ui_prompt_open(struct ui *ui, enum ui_prompt_kind kind)
{
    struct ui_prompt *p = &ui->prompt;
    p->kind = kind;
    p->len = p->cursor = 0;
    p->text[0] = L'\0';
    p->browse = p->nhistory[kind];
    ui->mode = UI_PROMPT;
    ui_dirty(ui);
}

void
ui_prompt_cleanup(struct ui *ui)
{
    for (int k = 0; k < UI_PROMPT_KINDS; k++)
        for (size_t i = 0; i < ui->prompt.nhistory[k]; i++)
            free(ui->prompt.history[k][i]);
}

/* The line as UTF-8; the caller frees it. */
static char *
line_utf8(const struct ui_prompt *p)
{
    size_t max = p->len * MB_CUR_MAX + 1;
    char *s = fs_xmalloc(max);
    wchar_t tmp[UI_PROMPT_MAX + 1];
    wmemcpy(tmp, p->text, p->len);
    tmp[p->len] = L'\0';
    size_t n = wcstombs(s, tmp, max);
    if (n == (size_t)-1)
        s[0] = '\0';
    return s;
}

static void
set_line(struct ui_prompt *p, const char *s)
{
    size_t n = mbstowcs(p->text, s, UI_PROMPT_MAX - 1);
    p->len = n == (size_t)-1 ? 0 : n;
    p->cursor = p->len;
}

static void
remember(struct ui_prompt *p, const char *line)
{
    size_t *n = &p->nhistory[p->kind];
    char **h = p->history[p->kind];
    if (*n > 0 && strcmp(h[*n - 1], line) == 0)
        return;
    if (*n == UI_HISTORY) {
        free(h[0]);
        memmove(h, h + 1, (UI_HISTORY - 1) * sizeof *h);
        (*n)--;
    }
    h[(*n)++] = fs_xstrdup(line);
}

/* Adds a task typed at the prompt, named uniquely among the existing ones. */
static void
add_task(struct ui *ui, const char *line)
{
    struct fs_session s;
    fs_session_init(&s);
    size_t n = fs_app_ntasks(ui->app);
    for (size_t i = 0; i < n; i++)
        fs_session_add(&s, fs_app_task(ui->app, i)->spec.name);
    char *err = NULL;
    if (fs_config_add_arg(&s, line, NULL, &err) != 0) {
        ui_message(ui, true, "cannot add '%s': %s", line, err);
        free(err);
    } else {
        fs_app_add_task(ui->app, &s.tasks[s.ntasks - 1], true);
        ui_sync_tasks(ui);
        ui->sel = ui->ntasks - 1;
        ui_relayout(ui);
    }
    fs_session_fini(&s);
}

/* Sends a typed JSON value to the selected task; invalid JSON is refused with
 * the parser's position and nothing is sent. */
static void
send_message(struct ui *ui, const char *line)
{
    if (ui->sel >= ui->ntasks)
        return;
    const struct fs_task *t = fs_app_task(ui->app, ui->sel);
    char *json = fs_xstrdup(line);
    struct fs_control_cmd cmd = {FS_CONTROL_SEND, t->spec.name, 0, json};
    char *err = NULL;
    if (fs_app_command(ui->app, &cmd, &err) != 0) {
        ui_message(ui, true, "%s", err);
        free(err);
    } else {
        ui_message(ui, false, "sent to %s", t->spec.name);
    }
    free(json);
}

static void
submit(struct ui *ui)
{
    struct ui_prompt *p = &ui->prompt;
    char *line = line_utf8(p);
    ui->mode = UI_NORMAL;
    if (p->kind == UI_PROMPT_FILTER) {
        /* An empty filter is an answer too: every message again. */
        if (line[0] != '\0')
            remember(p, line);
        ui_traffic_filter(ui, line);
    } else if (line[0] != '\0') {
        remember(p, line);
        if (p->kind == UI_PROMPT_ADD) {
            add_task(ui, line);
        } else if (p->kind == UI_PROMPT_SEND) {
            send_message(ui, line);
        } else {
            free(ui->search);
            ui->search = fs_xstrdup(line);
            ui_search(ui, -1);
        }
    }
    free(line);
    ui_dirty(ui);
}

static void
browse(struct ui *ui, int dir)
{
    struct ui_prompt *p = &ui->prompt;
    size_t n = p->nhistory[p->kind];
    if (dir < 0 && p->browse > 0)
        p->browse--;
    else if (dir > 0 && p->browse < n)
        p->browse++;
    set_line(p, p->browse < n ? p->history[p->kind][p->browse] : "");
}

static void
delete_at(struct ui_prompt *p, size_t at, size_t count)
{
    wmemmove(p->text + at, p->text + at + count, p->len - at - count);
    p->len -= count;
}

static void
edit_key(struct ui_prompt *p, wint_t ch)
{
    if (ch == KEY_LEFT && p->cursor > 0)
        p->cursor--;
    else if (ch == KEY_RIGHT && p->cursor < p->len)
        p->cursor++;
    else if (ch == KEY_HOME)
        p->cursor = 0;
    else if (ch == KEY_END)
        p->cursor = p->len;
    else if (ch == KEY_BACKSPACE && p->cursor > 0)
        delete_at(p, --p->cursor, 1);
    else if (ch == KEY_DC && p->cursor < p->len)
        delete_at(p, p->cursor, 1);
}

void
ui_prompt_key(struct ui *ui, wint_t ch, bool is_key)
{
    struct ui_prompt *p = &ui->prompt;
    if (is_key) {
        if (ch == KEY_ENTER)
            submit(ui);
        else if (ch == KEY_UP || ch == KEY_DOWN)
            browse(ui, ch == KEY_UP ? -1 : 1);
        else
            edit_key(p, ch);
    } else if (ch == '\r' || ch == '\n') {
        submit(ui);
    } else if (ch == 27 || ch == CTRL('c') || ch == CTRL('g')) {
        ui->mode = UI_NORMAL;
    } else if (ch == 127 || ch == CTRL('h')) {
        edit_key(p, KEY_BACKSPACE);
    } else if (ch == CTRL('u')) {
        delete_at(p, 0, p->cursor);
        p->cursor = 0;
    } else if (ch == CTRL('w')) {
        size_t at = p->cursor;
        while (at > 0 && p->text[at - 1] == L' ')
            at--;
        while (at > 0 && p->text[at - 1] != L' ')
            at--;
        delete_at(p, at, p->cursor - at);
        p->cursor = at;
    } else if (ch >= 32 && p->len < UI_PROMPT_MAX - 1) {
        wmemmove(p->text + p->cursor + 1, p->text + p->cursor, p->len - p->cursor);
        p->text[p->cursor++] = (wchar_t)ch;
        p->len++;
    }
    ui_dirty(ui);
}
