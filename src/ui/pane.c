/*
 * A pane: one task's terminal (src/term) and how it is viewed — following the
 * newest output or scrolled back to a line, with a highlighted search match —
 * drawn into a rectangle of the curses screen cell by cell.
 *
 * A scrolled-back view is anchored on an absolute line number, so new output
 * does not move the text under the reader's eyes.
 */
#include <config.h>

#include "ui/pane.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "term/term.h"
#include "ui/ui_int.h"
#include "util/xalloc.h"

struct fs_pane {
    struct fs_term *term;
    bool pty;
    bool follow;  /* the view shows the screen */
    uint64_t top; /* otherwise, the first line shown */
    bool changed;
    bool have_match;
    struct fs_term_match match;
    fs_pane_output_cb out;
    void *arg;
    struct fs_term_cell *row; /* a line's cells, for lines read from the scrollback */
    int row_cap;
};

static void
term_output(const char *data, size_t len, void *arg)
{
    struct fs_pane *p = arg;
    if (p->out)
        p->out(p->arg, data, len);
}

struct fs_pane *
fs_pane_new(int rows, int cols, bool pty, fs_pane_output_cb cb, void *arg)
{
    struct fs_pane *p = fs_xcalloc(1, sizeof *p);
    p->term = fs_term_new(rows, cols, NULL);
    p->pty = pty;
    p->follow = true;
    p->out = cb;
    p->arg = arg;
    fs_term_set_output(p->term, term_output, p);
    if (!pty) {
        /* Pipe output has bare newlines (no tty turns them into CR LF): the
         * terminal's newline mode (LNM) starts each line at column 0. */
        fs_term_write(p->term, "\033[20h", 5);
    }
    return p;
}

void
fs_pane_free(struct fs_pane *p)
{
    if (p == NULL)
        return;
    fs_term_free(p->term);
    free(p->row);
    free(p);
}

void
fs_pane_set_arg(struct fs_pane *p, void *arg)
{
    p->arg = arg;
}

void
fs_pane_write(struct fs_pane *p, enum fs_stream stream, const char *data, size_t len)
{
    if (stream == FS_STREAM_STDERR && !p->pty) {
        /* stderr of a pipe task stands out in red. */
        fs_term_write(p->term, "\033[31m", 5);
        fs_term_write(p->term, data, len);
        fs_term_write(p->term, "\033[39m", 5);
    } else {
        fs_term_write(p->term, data, len);
    }
    p->changed = true;
}

bool
fs_pane_resize(struct fs_pane *p, int rows, int cols)
{
    int r, c;
    fs_term_size(p->term, &r, &c);
    if (r == rows && c == cols)
        return false;
    fs_term_resize(p->term, rows, cols);
    p->changed = true;
    return true;
}

void
fs_pane_size(const struct fs_pane *p, int *rows, int *cols)
{
    fs_term_size(p->term, rows, cols);
}

bool
fs_pane_changed(const struct fs_pane *p)
{
    return p->changed;
}

/* ---- scrolling ------------------------------------------------------------------------- */

static int
screen_rows(const struct fs_pane *p)
{
    int rows, cols;
    fs_term_size(p->term, &rows, &cols);
    return rows;
}

int
fs_pane_scrolled(const struct fs_pane *p)
{
    if (p->follow)
        return 0;
    uint64_t screen = fs_term_screen_line(p->term);
    return p->top < screen ? (int)(screen - p->top) : 0;
}

size_t
fs_pane_history(const struct fs_pane *p)
{
    return fs_term_scrollback_lines(p->term);
}

/* Puts the view's first line at `top`, clamped to what is kept. */
static void
view_at(struct fs_pane *p, int64_t top)
{
    int64_t first = (int64_t)fs_term_first_line(p->term);
    int64_t screen = (int64_t)fs_term_screen_line(p->term);
    p->changed = true;
    if (top < first)
        top = first;
    if (top >= screen) {
        p->follow = true;
        return;
    }
    p->follow = false;
    p->top = (uint64_t)top;
}

void
fs_pane_scroll(struct fs_pane *p, int lines)
{
    int64_t top = p->follow ? (int64_t)fs_term_screen_line(p->term) : (int64_t)p->top;
    view_at(p, top - lines);
}

void
fs_pane_follow(struct fs_pane *p)
{
    p->follow = true;
    p->changed = true;
}

void
fs_pane_scroll_top(struct fs_pane *p)
{
    view_at(p, (int64_t)fs_term_first_line(p->term));
}

/* ---- search --------------------------------------------------------------------------------- */

bool
fs_pane_search(struct fs_pane *p, const char *needle, int dir)
{
    uint64_t line;
    int col;
    p->changed = true;
    if (p->have_match) {
        line = p->match.line;
        col = p->match.col;
    } else if (dir < 0) {
        /* From the bottom of what is shown, upwards. */
        line = (p->follow ? fs_term_screen_line(p->term) : p->top) + (uint64_t)screen_rows(p) - 1;
        col = INT_MAX;
    } else {
        line = p->follow ? fs_term_screen_line(p->term) : p->top;
        col = -1;
    }
    struct fs_term_match m;
    if (fs_term_search(p->term, needle, line, col, dir, &m) != 0)
        return false;
    p->match = m;
    p->have_match = true;
    /* Bring the match into view, a third of the way down. */
    uint64_t top = p->follow ? fs_term_screen_line(p->term) : p->top;
    int rows = screen_rows(p);
    if (m.line < top || m.line >= top + (uint64_t)rows)
        view_at(p, (int64_t)m.line - rows / 3);
    return true;
}

void
fs_pane_search_clear(struct fs_pane *p)
{
    p->have_match = false;
    p->changed = true;
}

/* ---- keys ------------------------------------------------------------------------------------ */

static const struct {
    int curses;
    VTermKey vterm;
} key_map[] = {
    {KEY_UP, VTERM_KEY_UP},
    {KEY_DOWN, VTERM_KEY_DOWN},
    {KEY_LEFT, VTERM_KEY_LEFT},
    {KEY_RIGHT, VTERM_KEY_RIGHT},
    {KEY_HOME, VTERM_KEY_HOME},
    {KEY_END, VTERM_KEY_END},
    {KEY_PPAGE, VTERM_KEY_PAGEUP},
    {KEY_NPAGE, VTERM_KEY_PAGEDOWN},
    {KEY_IC, VTERM_KEY_INS},
    {KEY_DC, VTERM_KEY_DEL},
    {KEY_BACKSPACE, VTERM_KEY_BACKSPACE},
    {KEY_ENTER, VTERM_KEY_ENTER},
    {KEY_BTAB, VTERM_KEY_TAB},
};

void
fs_pane_key(struct fs_pane *p, wint_t ch, bool is_key)
{
    if (!is_key) {
        fs_term_unichar(p->term, (uint32_t)ch, VTERM_MOD_NONE);
        return;
    }
    if (ch >= KEY_F(1) && ch <= KEY_F(12)) {
        fs_term_key(p->term, VTERM_KEY_FUNCTION((int)(ch - KEY_F0)), VTERM_MOD_NONE);
        return;
    }
    for (size_t i = 0; i < sizeof key_map / sizeof key_map[0]; i++) {
        if ((wint_t)key_map[i].curses == ch) {
            fs_term_key(p->term, key_map[i].vterm,
                        ch == KEY_BTAB ? VTERM_MOD_SHIFT : VTERM_MOD_NONE);
            return;
        }
    }
}

void
fs_pane_paste(struct fs_pane *p, const char *data, size_t len)
{
    fs_term_paste(p->term, data, len);
}

/* ---- drawing ------------------------------------------------------------------------------------
 */

static int
cell_color(uint32_t c)
{
    switch (FS_TERM_COLOR_TYPE(c)) {
    case FS_TERM_COLOR_PALETTE:
        return ui_curses_color(false, FS_TERM_COLOR_INDEX(c));
    case FS_TERM_COLOR_RGB:
        return ui_curses_color(true, FS_TERM_COLOR_VALUE(c));
    default:
        return -1;
    }
}

static attr_t
cell_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & FS_TERM_ATTR_BOLD)
        r |= A_BOLD;
    if (a & (FS_TERM_ATTR_UNDERLINE | FS_TERM_ATTR_UNDERLINE2))
        r |= A_UNDERLINE;
    if (a & FS_TERM_ATTR_ITALIC)
        r |= A_ITALIC;
    if (a & FS_TERM_ATTR_BLINK)
        r |= A_BLINK;
    if (a & FS_TERM_ATTR_REVERSE)
        r |= A_REVERSE;
    if (a & FS_TERM_ATTR_DIM)
        r |= A_DIM;
    return r;
}

/* The cells of line `line`, from the screen or the scrollback. */
static const struct fs_term_cell *
line_cells(struct fs_pane *p, uint64_t line, int cols)
{
    if (p->row_cap < cols) {
        p->row = fs_xreallocarray(p->row, (size_t)cols, sizeof *p->row);
        p->row_cap = cols;
    }
    return fs_term_line_cells(p->term, line, p->row, cols) == 0 ? p->row : NULL;
}

/* Draws a line whose cells are all ASCII, the common case, in one call that
 * copies the cells in (no width or control handling per character); returns
 * false, having drawn nothing, for a line with any other character. */
static bool
draw_ascii_line(struct ui *ui, const struct fs_term_cell *cells, int n, int y, int x,
                int match_from, int match_to, bool reverse)
{
    for (int c = 0; c < n; c++) {
        uint32_t ch = fs_term_cell_ch(&cells[c]);
        if (ch >= 0x7f || (ch != 0 && ch < 0x20))
            return false;
    }
    int mpair;
    attr_t mattr = ui_el(ui, FS_EL_SEARCH_MATCH, &mpair);
    cchar_t line[FS_TERM_MAX_DIM];
    uint32_t last_fg = 0, last_bg = 0;
    int last_pair = ui_color_pair(ui, cell_color(0), cell_color(0));
    for (int c = 0; c < n; c++) {
        const struct fs_term_cell *cell = &cells[c];
        uint32_t ch = fs_term_cell_ch(cell);
        wchar_t wc[2] = {ch ? (wchar_t)ch : L' ', L'\0'};
        attr_t a = cell_attrs(fs_term_cell_attrs(cell));
        if (reverse)
            a ^= A_REVERSE;
        if (cell->fg != last_fg || cell->bg != last_bg) {
            last_fg = cell->fg;
            last_bg = cell->bg;
            last_pair = ui_color_pair(ui, cell_color(cell->fg), cell_color(cell->bg));
        }
        int pair = last_pair;
        if (c >= match_from && c < match_to) {
            a = mattr;
            pair = mpair;
        }
        setcchar(&line[c], wc, a, 0, &pair);
    }
    mvadd_wchnstr(y, x, line, n);
    return true;
}

static void
draw_line(struct fs_pane *p, struct ui *ui, const struct fs_term_cell *cells, int cols, int y,
          int x, int w, int match_from, int match_to, bool reverse)
{
    int n = cols < w ? cols : w;
    if (n > 0 && n <= FS_TERM_MAX_DIM &&
        draw_ascii_line(ui, cells, n, y, x, match_from, match_to, reverse))
        return;
    int mpair;
    attr_t mattr = ui_el(ui, FS_EL_SEARCH_MATCH, &mpair);
    for (int c = 0; c < cols && c < w; c++) {
        const struct fs_term_cell *cell = &cells[c];
        uint32_t attrs = fs_term_cell_attrs(cell), ch = fs_term_cell_ch(cell);
        if (attrs & FS_TERM_ATTR_WIDE_CONT)
            continue;
        if ((attrs & FS_TERM_ATTR_WIDE) && c + 1 >= w)
            break; /* a wide character cut by the pane's edge */
        wchar_t wc[2] = {ch ? (wchar_t)ch : L' ', L'\0'};
        attr_t a = cell_attrs(attrs);
        if (reverse)
            a ^= A_REVERSE;
        int pair = ui_color_pair(ui, cell_color(cell->fg), cell_color(cell->bg));
        if (c >= match_from && c < match_to) {
            a = mattr;
            pair = mpair;
        }
        cchar_t cc;
        setcchar(&cc, wc, a, 0, &pair);
        mvadd_wch(y, x + c, &cc);
    }
}

void
fs_pane_draw(struct fs_pane *p, struct ui *ui, struct fs_rect inner)
{
    int rows, cols;
    fs_term_size(p->term, &rows, &cols);
    uint64_t top = p->follow ? fs_term_screen_line(p->term) : p->top;
    bool reverse = fs_term_reverse_screen(p->term);
    for (int r = 0; r < inner.h && r < rows; r++) {
        uint64_t line = top + (uint64_t)r;
        const struct fs_term_cell *cells = line_cells(p, line, cols);
        if (cells == NULL)
            continue;
        int mfrom = -1, mto = -1;
        if (p->have_match && p->match.line == line) {
            mfrom = p->match.col;
            mto = p->match.col + p->match.cols;
        }
        draw_line(p, ui, cells, cols, inner.y + r, inner.x, inner.w, mfrom, mto, reverse);
    }
    int cr, cc;
    bool visible;
    fs_term_cursor(p->term, &cr, &cc, &visible);
    ui->pane_cursor_y = p->follow && visible && cr < inner.h ? inner.y + cr : -1;
    ui->pane_cursor_x = inner.x + (cc < inner.w ? cc : inner.w - 1);
    p->changed = false;
    fs_term_damage_clear(p->term);
}
