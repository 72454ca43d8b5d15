/*
 * Absolute line numbers over the scrollback and the screen, and the cells and
 * UTF-8 text of any kept line. Line n is in the scrollback when n is below
 * fs_term_screen_line(), on the screen from there on. Owns nothing.
 */
#include <config.h>

#include "term/term_int.h"

#include <errno.h>
#include <string.h>

size_t
fs_term_scrollback_lines(const struct fs_term *t)
{
    fs_term_settle(t);
    return fs_scrollback_lines(t->sb);
}

uint64_t
fs_term_scrollback_evicted(const struct fs_term *t)
{
    fs_term_settle(t);
    return fs_scrollback_evicted(t->sb);
}

size_t
fs_term_memory(const struct fs_term *t)
{
    fs_term_settle(t);
    return sizeof(*t) + t->fp_cap + fs_grid_memory(&t->main) + fs_grid_memory(&t->alt) +
           fs_scrollback_memory(t->sb);
}

uint64_t
fs_term_first_line(const struct fs_term *t)
{
    fs_term_settle(t);
    return fs_scrollback_evicted(t->sb);
}

uint64_t
fs_term_screen_line(const struct fs_term *t)
{
    fs_term_settle(t);
    return fs_scrollback_evicted(t->sb) + fs_scrollback_lines(t->sb);
}

int
fs_term_line_cells(const struct fs_term *t, uint64_t line, struct fs_term_cell *cells, int ncols)
{
    fs_term_settle(t);
    uint64_t first = fs_term_first_line(t), screen = fs_term_screen_line(t);
    if (ncols < 0 || line < first || line >= screen + (uint64_t)t->rows)
        return -ENOENT;
    if (line < screen) {
        fs_scrollback_cells(t->sb, (size_t)(line - first), cells, ncols);
        return 0;
    }
    /* A wide character cut by ncols comes out blank, like a broken one. */
    int n = ncols < t->cols ? ncols : t->cols;
    fs_grid_normalise(fs_grid_row(t->grid, (int)(line - screen)), n, cells);
    memset(cells + n, 0, (size_t)(ncols - n) * sizeof(*cells));
    return 0;
}

int
fs_term_row_cells(const struct fs_term *t, int r, struct fs_term_cell *cells, int ncols)
{
    fs_term_settle(t);
    if (r < 0 || r >= t->rows)
        return -ENOENT;
    return fs_term_line_cells(t, fs_term_screen_line(t) + (uint64_t)r, cells, ncols);
}

void
fs_term_push_row(struct fs_term *t, int r)
{
    struct fs_grid *g = &t->main;
    const struct fs_term_cell *row = fs_grid_row(g, r);
    int len = fs_grid_plain(g, r);
    if (len < 0) {
        fs_scrollback_push(t->sb, row, g->cols);
        return;
    }
    /* Plain text: the same record as its cells make, without their round trip. */
    char text[FS_TERM_MAX_DIM];
    for (int c = 0; c < len; c++)
        text[c] = (char)row[c].ca;
    fs_scrollback_push_ascii(t->sb, text, (size_t)len);
}

size_t
fs_term_cells_text(const struct fs_term_cell *cells, int ncols, char *buf)
{
    char *p = buf, *end_blank = buf;
    for (int c = 0; c < ncols && c < FS_TERM_MAX_DIM; c++) {
        if (fs_term_cell_attrs(&cells[c]) & FS_TERM_ATTR_WIDE_CONT)
            continue;
        uint32_t ch = fs_term_cell_ch(&cells[c]);
        if (ch == 0 || ch == ' ') {
            *p++ = ' ';
            continue;
        }
        p += fs_term_utf8_put(ch, p);
        end_blank = p;
    }
    *end_blank = '\0';
    return (size_t)(end_blank - buf);
}

const char *
fs_term_line_ref(const struct fs_term *t, uint64_t line, char *buf, size_t *len)
{
    fs_term_settle(t);
    uint64_t first = fs_term_first_line(t), screen = fs_term_screen_line(t);
    if (line < first || line >= screen + (uint64_t)t->rows)
        return NULL;
    if (line < screen) {
        /* Stored text keeps blank cells that have a colour; text does not. */
        const char *text = fs_scrollback_text(t->sb, (size_t)(line - first), len);
        while (*len > 0 && text[*len - 1] == ' ')
            (*len)--;
        return text;
    }
    struct fs_term_cell cells[FS_TERM_MAX_DIM];
    fs_grid_normalise(fs_grid_row(t->grid, (int)(line - screen)), t->cols, cells);
    *len = fs_term_cells_text(cells, t->cols, buf);
    return buf;
}

int
fs_term_line_text(const struct fs_term *t, uint64_t line, char *buf, size_t size)
{
    fs_term_settle(t);
    char tmp[FS_TERM_ROW_TEXT_MAX];
    size_t len;
    const char *text = fs_term_line_ref(t, line, tmp, &len);
    if (text == NULL)
        return -ENOENT;
    if (size > 0) {
        size_t n = len < size ? len : size - 1;
        while (n > 0 && n < len && ((unsigned char)text[n] & 0xc0) == 0x80)
            n--;
        memcpy(buf, text, n);
        buf[n] = '\0';
    }
    return (int)len;
}
