/*
 * The status line, the screen's last row. Two places that never hide each
 * other: on the left the mode (NORMAL shows nothing; INPUT, SIGNAL, HELP,
 * QUIT show a tag), then either the latest message (what the last action did,
 * or what went wrong) or the hints of the mode. The hints fit the width: the
 * least important go first, `?` and `q` always stay.
 */
#include <config.h>

#include <string.h>

#include "ui/ui_int.h"

/* The normal mode's hints, in the order shown; rank 0 is always shown, then
 * the lower ranks survive a narrow screen longer. */
static const struct hint {
    const char *key, *what;
    int rank;
    bool tour; /* shown only in a demo */
} hints[] = {
    {"?", "help", 0, false},    {"]", "next demo", 1, true}, {"j/k", "select", 2, false},
    {"z", "zoom", 3, false},    {"s", "start", 2, false},    {"x", "stop", 2, false},
    {"r", "restart", 4, false}, {"K", "kill", 6, false},     {"p", "pause", 7, false},
    {"S", "signal", 6, false},  {"a", "add", 5, false},      {"i", "input", 5, false},
    {"/", "search", 4, false},  {"m", "messages", 3, false}, {"M", "send", 7, false},
    {"f", "tree", 7, false},    {"c", "caption", 6, true},   {"q", "quit", 0, false},
};
#define NHINTS (sizeof hints / sizeof hints[0])
#define MAX_RANK 7

static int
hint_width(const struct hint *h)
{
    return (int)(strlen(h->key) + 1 + strlen(h->what));
}

/* Whether a hint is shown at that rank. */
static bool
hint_on(const struct ui *ui, const struct hint *h, int rank)
{
    return h->rank <= rank && (!h->tour || ui->demo != NULL);
}

/* The highest rank whose hints, two blanks apart, fit in w columns. */
static int
hints_rank(const struct ui *ui, int w)
{
    for (int rank = MAX_RANK; rank > 0; rank--) {
        int need = 0;
        for (size_t i = 0; i < NHINTS; i++)
            if (hint_on(ui, &hints[i], rank))
                need += (need ? 2 : 0) + hint_width(&hints[i]);
        if (need <= w)
            return rank;
    }
    return 0;
}

static void
draw_hints(struct ui *ui, int y, int x, int w)
{
    int rank = hints_rank(ui, w);
    for (size_t i = 0; i < NHINTS && x < COLS; i++) {
        if (!hint_on(ui, &hints[i], rank))
            continue;
        ui_put_el(ui, FS_EL_STATUS_KEY, true);
        ui_put_text(y, x, COLS - x, hints[i].key, false);
        x += (int)strlen(hints[i].key);
        ui_put_el(ui, FS_EL_STATUS, true);
        ui_put_text(y, x, COLS - x, ":", false);
        ui_put_text(y, x + 1, COLS - x - 1, hints[i].what, false);
        x += 1 + (int)strlen(hints[i].what) + 2;
    }
}

/* The tag of the mode, "" in the normal mode. */
static const char *
mode_tag(const struct ui *ui)
{
    switch (ui->mode) {
    case UI_INPUT:
        return "INPUT";
    case UI_SIGNAL:
        return "SIGNAL";
    case UI_HELP:
        return "HELP";
    case UI_PROMPT:
    case UI_NORMAL:
        break;
    }
    return ui->quit_requests ? "QUIT" : "";
}

/* The hints of the other modes, one line each. */
static const char *
mode_hint(const struct ui *ui)
{
    switch (ui->mode) {
    case UI_INPUT:
        return "keys go to the task  Ctrl-] leaves input mode";
    case UI_SIGNAL:
        return "up/down choose  Enter sends  Esc cancels";
    case UI_HELP:
        return "j/k PgUp/PgDn scroll  q Esc ? close";
    case UI_PROMPT:
    case UI_NORMAL:
        break;
    }
    return ui->quit_requests ? "stopping every task (q again: kill them)" : NULL;
}

static void
draw_prompt(struct ui *ui, int y)
{
    ui_put_el(ui, FS_EL_PROMPT, true);
    const char *label = ui_prompt_label(ui->prompt.kind);
    mvaddstr(y, 0, label);
    int x = (int)strlen(label);
    /* Show the end of a long line, with the cursor in view. */
    size_t start = 0;
    if ((int)ui->prompt.cursor > COLS - x - 2)
        start = ui->prompt.cursor - (size_t)(COLS - x - 2);
    mvaddnwstr(y, x, ui->prompt.text + start, (int)(ui->prompt.len - start));
    curs_set(1);
    move(y, x + (int)(ui->prompt.cursor - start));
}

void
ui_draw_status(struct ui *ui, double now)
{
    int y = LINES - 1;
    ui_put_el(ui, FS_EL_STATUS, true);
    mvhline(y, 0, ' ', COLS);
    if (ui->mode == UI_PROMPT) {
        draw_prompt(ui, y);
        return;
    }
    /* In input mode the selected pane's cursor is the terminal's cursor. */
    curs_set(ui->mode == UI_INPUT && ui->sel_cursor_y >= 0 ? 1 : 0);
    int x = 0;
    const char *tag = mode_tag(ui);
    if (tag[0] != '\0') {
        ui_put_el(ui, FS_EL_TABLE_SELECTED, true);
        ui_put_text(y, 0, COLS, " ", false);
        ui_put_text(y, 1, COLS - 1, tag, false);
        x = 1 + (int)strlen(tag);
        ui_put_text(y, x, COLS - x, " ", false);
        x += 2;
        ui_put_el(ui, FS_EL_STATUS, true);
    }
    if (ui->message[0] != '\0' && now < ui->message_until) {
        ui_put_el(ui, ui->message_error ? FS_EL_ERROR : FS_EL_STATUS, true);
        ui_put_text(y, x, COLS - x, ui->message, false);
    } else if (mode_hint(ui) != NULL) {
        ui_put_text(y, x, COLS - x, mode_hint(ui), false);
    } else {
        draw_hints(ui, y, x, COLS - x);
    }
    ui_put_el(ui, FS_EL_NORMAL, false);
}
