/*
 * The visible screen of a terminal: a ring of rows of compact cells, so that
 * scrolling the whole screen rotates the ring instead of moving cells. Rows
 * keep their cells past the visible width (up to the widest the screen has
 * been), so narrowing and widening again does not lose text. Internal to
 * src/term/.
 */
#ifndef FS_TERM_GRID_H
#define FS_TERM_GRID_H

#include <stdbool.h>
#include <stdint.h>

#include "term/term.h"

struct fs_grid {
    int rows, cols;
    int cap;                    /* cells allocated per row, >= cols */
    int top;                    /* ring slot of screen row 0 */
    struct fs_term_cell **ring; /* rows slots */
    uint8_t *dirty;             /* per slot: changed since the last clear */
    /* Per slot: the row is that many ASCII characters in the default pen and
     * then blank default cells (0: a blank row), or -1: not known to be. Set
     * by the fast path (fs_grid_set_plain) and rows that come in blank; any
     * other change to a row makes it -1. */
    int16_t *plain;
};

/* A rectangle of screen cells: rows [r0, r1), columns [c0, c1). */
struct fs_grid_rect {
    int r0, r1, c0, c1;
};

void fs_grid_init(struct fs_grid *g, int rows, int cols);
void fs_grid_fini(struct fs_grid *g);

static inline int
fs_grid_slot(const struct fs_grid *g, int r)
{
    int i = g->top + r;
    return i >= g->rows ? i - g->rows : i;
}

static inline struct fs_term_cell *
fs_grid_row(const struct fs_grid *g, int r)
{
    return g->ring[fs_grid_slot(g, r)];
}

static inline void
fs_grid_touch(struct fs_grid *g, int r)
{
    int slot = fs_grid_slot(g, r);
    g->dirty[slot] = 1;
    g->plain[slot] = -1;
}

/* The length of the plain text row r holds, or -1 (see struct fs_grid). */
static inline int
fs_grid_plain(const struct fs_grid *g, int r)
{
    return g->plain[fs_grid_slot(g, r)];
}

/* Says that row r now holds len ASCII characters in the default pen and then
 * blank default cells (the caller wrote them into a blank row). */
static inline void
fs_grid_set_plain(struct fs_grid *g, int r, int len)
{
    g->plain[fs_grid_slot(g, r)] = (int16_t)len;
}

static inline bool
fs_grid_is_dirty(const struct fs_grid *g, int r)
{
    return g->dirty[fs_grid_slot(g, r)] != 0;
}

void fs_grid_clear_dirty(struct fs_grid *g);

/* Writes a two-column glyph: the left cell WIDE, the right one WIDE_CONT. */
void fs_grid_put_wide(struct fs_grid *g, int r, int c, uint32_t ch, const struct fs_term_cell *pen);

/* Writes a glyph with the attributes and colours of pen. Inline: it runs
 * once per character of output. */
static inline void
fs_grid_put(struct fs_grid *g, int r, int c, uint32_t ch, int width, const struct fs_term_cell *pen)
{
    ch &= FS_TERM_CH_MASK;
    if (width > 1) {
        fs_grid_put_wide(g, r, c, ch, pen);
    } else if ((unsigned)r < (unsigned)g->rows && (unsigned)c < (unsigned)g->cols) {
        int slot = fs_grid_slot(g, r);
        struct fs_term_cell *cell = &g->ring[slot][c];
        cell->ca = ch | pen->ca;
        cell->fg = pen->fg;
        cell->bg = pen->bg;
        g->dirty[slot] = 1;
        g->plain[slot] = -1;
    }
}

/* Copies n cells of a row into out as they are to be drawn: the halves of
 * broken wide characters become blank (the file comment of grid.c says why
 * rows keep them). */
void fs_grid_normalise(const struct fs_term_cell *raw, int n, struct fs_term_cell *out);

/* Erases the rectangle to blank cells with the colours of pen (and no
 * attributes); when selective, protected cells are kept. */
void fs_grid_erase(struct fs_grid *g, struct fs_grid_rect rc, const struct fs_term_cell *pen,
                   bool selective);
/* Scrolls the rectangle's content up by down rows (down < 0: down) and left by
 * right columns, erasing what is uncovered with pen's colours. A full-screen
 * vertical scroll rotates the ring. */
void fs_grid_scroll(struct fs_grid *g, struct fs_grid_rect rc, int down, int right,
                    const struct fs_term_cell *pen);
/* Copies the cells of src onto dest (same size). */
void fs_grid_move(struct fs_grid *g, struct fs_grid_rect dest, struct fs_grid_rect src);

/* Rows [0, n) are the n oldest rows the caller pushed to the scrollback:
 * they leave at the top, and n blank rows (pen colours) come in at the bottom. */
void fs_grid_rotate_up(struct fs_grid *g, int n, const struct fs_term_cell *pen);
/* Inserts n rows at the top for lines coming back from the scrollback; the
 * caller fills them. The bottom n rows are dropped. */
void fs_grid_rotate_down(struct fs_grid *g, int n);

/* Changes the size: rows are kept from the top (the caller rotates first),
 * rows added at the bottom are blank. */
void fs_grid_resize(struct fs_grid *g, int rows, int cols);

/* True when row r has nothing but blank cells (no text, no colours). */
bool fs_grid_row_blank(const struct fs_grid *g, int r);
size_t fs_grid_memory(const struct fs_grid *g);

#endif
