/*
 * The visible screen: a ring of rows of 12-byte cells. Screen row r lives in
 * ring slot (top + r) mod rows, so scrolling the whole screen by n rows moves
 * `top` and clears n rows; scrolling a full-width region moves row pointers;
 * only partial-width scrolls (insert/delete characters, left/right margins)
 * move cells.
 *
 * Cells hold what libvterm's own screen would hold, wide characters included:
 * a two-column glyph marks its left cell WIDE and its right cell WIDE_CONT,
 * and overwriting or erasing one half leaves the other where it was, as
 * libvterm does. Such halves can pair up again when cells move, so they are
 * only resolved when a row is read (fs_grid_normalise): a WIDE cell not
 * followed by its WIDE_CONT, or a WIDE_CONT not after a whole WIDE, reads
 * as blank.
 */
#include <config.h>

#include "term/grid.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define CA_WIDE FS_TERM_CA(FS_TERM_ATTR_WIDE)
#define CA_CONT FS_TERM_CA(FS_TERM_ATTR_WIDE_CONT)
#define CA_PROTECTED FS_TERM_CA(FS_TERM_ATTR_PROTECTED)

static struct fs_term_cell *
row_new(int cap)
{
    return fs_xcalloc((size_t)cap, sizeof(struct fs_term_cell));
}

void
fs_grid_init(struct fs_grid *g, int rows, int cols)
{
    memset(g, 0, sizeof(*g));
    g->rows = rows;
    g->cols = cols;
    g->cap = cols;
    g->ring = fs_xcalloc((size_t)rows, sizeof(*g->ring));
    g->dirty = fs_xmalloc((size_t)rows);
    memset(g->dirty, 1, (size_t)rows);
    g->plain = fs_xcalloc((size_t)rows, sizeof(*g->plain)); /* blank rows */
    for (int i = 0; i < rows; i++)
        g->ring[i] = row_new(g->cap);
}

void
fs_grid_fini(struct fs_grid *g)
{
    if (g->ring != NULL) {
        for (int i = 0; i < g->rows; i++)
            free(g->ring[i]);
    }
    free(g->ring);
    free(g->dirty);
    free(g->plain);
    memset(g, 0, sizeof(*g));
}

void
fs_grid_clear_dirty(struct fs_grid *g)
{
    memset(g->dirty, 0, (size_t)g->rows);
}

void
fs_grid_normalise(const struct fs_term_cell *raw, int n, struct fs_term_cell *out)
{
    bool wide_before = false;
    for (int c = 0; c < n; c++) {
        struct fs_term_cell cell = raw[c];
        bool broken = false;
        if (cell.ca & CA_CONT)
            broken = !wide_before;
        else if (cell.ca & CA_WIDE)
            broken = c + 1 >= n || !(raw[c + 1].ca & CA_CONT);
        if (broken)
            cell.ca &= ~(FS_TERM_CH_MASK | CA_WIDE | CA_CONT);
        wide_before = (cell.ca & CA_WIDE) != 0;
        out[c] = cell;
    }
}

void
fs_grid_put_wide(struct fs_grid *g, int r, int c, uint32_t ch, const struct fs_term_cell *pen)
{
    if (r < 0 || r >= g->rows || c < 0 || c >= g->cols)
        return;
    int slot = fs_grid_slot(g, r);
    struct fs_term_cell *row = g->ring[slot];
    g->dirty[slot] = 1;
    g->plain[slot] = -1;
    row[c] = (struct fs_term_cell){.ca = ch | pen->ca | CA_WIDE, .fg = pen->fg, .bg = pen->bg};
    /* libvterm's screen sets only the character of the right half and keeps
     * its old pen (and DECSCA protection). */
    if (c + 1 < g->cols)
        row[c + 1].ca = (row[c + 1].ca & ~(FS_TERM_CH_MASK | CA_WIDE)) | CA_CONT;
}

/* Clamps a rectangle to the screen; false when nothing is left. */
static bool
clamp_rect(const struct fs_grid *g, struct fs_grid_rect *rc)
{
    if (rc->r0 < 0)
        rc->r0 = 0;
    if (rc->c0 < 0)
        rc->c0 = 0;
    if (rc->r1 > g->rows)
        rc->r1 = g->rows;
    if (rc->c1 > g->cols)
        rc->c1 = g->cols;
    return rc->r0 < rc->r1 && rc->c0 < rc->c1;
}

static void
erase_cells(struct fs_term_cell *row, int c0, int c1, const struct fs_term_cell *pen,
            bool selective)
{
    struct fs_term_cell blank = {.ca = 0, .fg = pen->fg, .bg = pen->bg};
    for (int c = c0; c < c1; c++) {
        if (selective && (row[c].ca & CA_PROTECTED))
            continue;
        row[c] = blank;
    }
}

void
fs_grid_erase(struct fs_grid *g, struct fs_grid_rect rc, const struct fs_term_cell *pen,
              bool selective)
{
    if (!clamp_rect(g, &rc))
        return;
    for (int r = rc.r0; r < rc.r1; r++) {
        erase_cells(fs_grid_row(g, r), rc.c0, rc.c1, pen, selective);
        fs_grid_touch(g, r);
    }
}

/* Clears a row that enters the screen: pen colours where visible, nothing
 * stored past the visible width. */
static void
clear_new_row(struct fs_grid *g, struct fs_term_cell *row, const struct fs_term_cell *pen)
{
    if (pen->fg == 0 && pen->bg == 0) {
        memset(row, 0, (size_t)g->cap * sizeof(*row));
        return;
    }
    erase_cells(row, 0, g->cols, pen, false);
    memset(row + g->cols, 0, (size_t)(g->cap - g->cols) * sizeof(*row));
}

void
fs_grid_rotate_up(struct fs_grid *g, int n, const struct fs_term_cell *pen)
{
    if (n <= 0)
        return;
    if (n > g->rows)
        n = g->rows;
    for (int r = 0; r < n; r++) {
        int slot = fs_grid_slot(g, r);
        clear_new_row(g, g->ring[slot], pen);
        g->dirty[slot] = 1;
        g->plain[slot] = (pen->fg | pen->bg) == 0 ? 0 : -1;
    }
    g->top = (g->top + n) % g->rows;
}

void
fs_grid_rotate_down(struct fs_grid *g, int n)
{
    if (n <= 0)
        return;
    if (n > g->rows)
        n = g->rows;
    g->top = (g->top + g->rows - n) % g->rows;
    static const struct fs_term_cell none;
    for (int r = 0; r < n; r++) {
        int slot = fs_grid_slot(g, r);
        clear_new_row(g, g->ring[slot], &none);
        g->dirty[slot] = 1;
        g->plain[slot] = -1; /* the caller fills it from the scrollback */
    }
}

/* Scrolls full-width rows [r0, r1) by moving row pointers. */
static void
scroll_rows(struct fs_grid *g, int r0, int r1, int down, const struct fs_term_cell *pen)
{
    int h = r1 - r0, n = down > 0 ? down : -down;
    struct fs_term_cell *saved[n];
    for (int i = 0; i < n; i++)
        saved[i] = fs_grid_row(g, down > 0 ? r0 + i : r1 - n + i);
    if (down > 0) {
        for (int r = r0; r < r1 - n; r++)
            g->ring[fs_grid_slot(g, r)] = fs_grid_row(g, r + n);
    } else {
        for (int r = r1 - 1; r >= r0 + n; r--)
            g->ring[fs_grid_slot(g, r)] = fs_grid_row(g, r - n);
    }
    int first = down > 0 ? r1 - n : r0;
    for (int i = 0; i < n; i++) {
        g->ring[fs_grid_slot(g, first + i)] = saved[i];
        clear_new_row(g, saved[i], pen);
    }
    for (int r = r0; r < r0 + h; r++)
        fs_grid_touch(g, r);
}

void
fs_grid_move(struct fs_grid *g, struct fs_grid_rect dest, struct fs_grid_rect src)
{
    int h = src.r1 - src.r0, w = src.c1 - src.c0;
    if (h <= 0 || w <= 0)
        return;
    bool upward = dest.r0 <= src.r0;
    for (int i = 0; i < h; i++) {
        int k = upward ? i : h - 1 - i;
        struct fs_term_cell *d = fs_grid_row(g, dest.r0 + k);
        const struct fs_term_cell *s = fs_grid_row(g, src.r0 + k);
        memmove(d + dest.c0, s + src.c0, (size_t)w * sizeof(*d));
        fs_grid_touch(g, dest.r0 + k);
    }
}

void
fs_grid_scroll(struct fs_grid *g, struct fs_grid_rect rc, int down, int right,
               const struct fs_term_cell *pen)
{
    if (!clamp_rect(g, &rc) || (down == 0 && right == 0))
        return;
    int h = rc.r1 - rc.r0, w = rc.c1 - rc.c0;
    if (abs(down) >= h || abs(right) >= w) {
        fs_grid_erase(g, rc, pen, false);
        return;
    }
    if (right == 0 && rc.c0 == 0 && rc.c1 == g->cols) {
        if (rc.r0 == 0 && rc.r1 == g->rows && down > 0)
            fs_grid_rotate_up(g, down, pen);
        else
            scroll_rows(g, rc.r0, rc.r1, down, pen);
        return;
    }
    /* As libvterm's vterm_scroll_rect: src is what stays, dest where it goes,
     * and the uncovered band is erased. */
    struct fs_grid_rect src = rc, dest = rc, gap = rc;
    if (right >= 0)
        src.c0 += right, dest.c1 -= right;
    else
        src.c1 += right, dest.c0 -= right;
    if (down >= 0)
        src.r0 += down, dest.r1 -= down;
    else
        src.r1 += down, dest.r0 -= down;
    fs_grid_move(g, dest, src);
    if (down > 0)
        gap.r0 = rc.r1 - down;
    else if (down < 0)
        gap.r1 = rc.r0 - down;
    if (right > 0)
        gap.c0 = rc.c1 - right;
    else if (right < 0)
        gap.c1 = rc.c0 - right;
    for (int r = gap.r0; r < gap.r1; r++)
        erase_cells(fs_grid_row(g, r), gap.c0, gap.c1, pen, false);
    for (int r = rc.r0; r < rc.r1; r++)
        fs_grid_touch(g, r);
}

void
fs_grid_resize(struct fs_grid *g, int rows, int cols)
{
    int cap = cols > g->cap ? cols : g->cap;
    struct fs_term_cell **ring = fs_xcalloc((size_t)rows, sizeof(*ring));
    int keep = rows < g->rows ? rows : g->rows;
    for (int r = 0; r < g->rows; r++) {
        struct fs_term_cell *row = fs_grid_row(g, r);
        if (r >= keep) {
            free(row);
            continue;
        }
        if (cap > g->cap) {
            row = fs_xreallocarray(row, (size_t)cap, sizeof(*row));
            memset(row + g->cap, 0, (size_t)(cap - g->cap) * sizeof(*row));
        }
        ring[r] = row;
    }
    for (int r = keep; r < rows; r++)
        ring[r] = row_new(cap);
    free(g->ring);
    free(g->dirty);
    free(g->plain);
    g->ring = ring;
    g->dirty = fs_xmalloc((size_t)rows);
    memset(g->dirty, 1, (size_t)rows);
    g->plain = fs_xmalloc((size_t)rows * sizeof(*g->plain));
    memset(g->plain, 0xff, (size_t)rows * sizeof(*g->plain)); /* -1: not known */
    g->rows = rows;
    g->cols = cols;
    g->cap = cap;
    g->top = 0;
}

bool
fs_grid_row_blank(const struct fs_grid *g, int r)
{
    const struct fs_term_cell *row = fs_grid_row(g, r);
    for (int c = 0; c < g->cols; c++) {
        uint32_t ch = fs_term_cell_ch(&row[c]);
        if ((ch != 0 && ch != ' ') || row[c].bg != 0 ||
            (row[c].ca & ~(FS_TERM_CH_MASK | CA_PROTECTED)) != 0)
            return false;
    }
    return true;
}

size_t
fs_grid_memory(const struct fs_grid *g)
{
    return (size_t)g->rows * ((size_t)g->cap * sizeof(struct fs_term_cell) + sizeof(*g->ring) + 1 +
                              sizeof(*g->plain));
}
