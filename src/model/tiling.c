/*
 * Layout arithmetic of the screen: how many output panes fit in an area, the grid
 * they are arranged in, where each pane goes, and which window of panes is shown
 * when not all fit. Pure integer arithmetic on cells; owns nothing.
 */
#include <config.h>

#include "model/tiling.h"

#include <float.h>

/* The shape panes should come closest to: columns per row of text. A terminal
 * cell is about twice as tall as it is wide, so 2.5 cells is a slightly wide
 * rectangle, and a pane that shape shows lines long enough to read. */
#define ASPECT_TARGET 2.5
/* Weight of the empty slots of a ragged last row. Those panes stretch to fill
 * the row, so no cell is wasted, but a full grid of equal panes looks better
 * than a nearly square pane count squeezed into a wider grid: with this weight
 * 4 panes take 2×2 rather than 3 over 1, and 9 take 3×3 rather than 5 over 4
 * on a wide screen. */
#define RAGGED_WEIGHT 2.0
/* A small cost per row, so that of two grids otherwise alike the one with panes
 * side by side wins: output lines are long, screens are wide. */
#define ROW_WEIGHT 0.01

static const char *const mode_names[FS_TILING_MODE_COUNT] = {
    [FS_TILING_GRID] = "grid",
    [FS_TILING_COLUMNS] = "columns",
    [FS_TILING_ROWS] = "rows",
};

const char *
fs_tiling_mode_name(enum fs_tiling_mode mode)
{
    if ((unsigned)mode >= FS_TILING_MODE_COUNT)
        return "?";
    return mode_names[mode];
}

/* How many panes of at least `min` cells fit in `len` cells (0 when none). */
static size_t
fit(int len, int min)
{
    return len < min ? 0 : (size_t)(len / min);
}

static size_t
min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* The score of k panes in a rows×cols grid over w×h: lower is better. */
static double
grid_score(int w, int h, size_t k, size_t rows, size_t cols)
{
    /* The aspect of a pane of a full row, from the exact fraction rather than
     * the rounded sizes so that one cell of remainder does not tip the choice.
     * Its distance from the target is a ratio, so twice too wide and twice too
     * tall cost the same. */
    double aspect = ((double)w * (double)rows) / ((double)h * (double)cols);
    double shape = aspect > ASPECT_TARGET ? aspect / ASPECT_TARGET : ASPECT_TARGET / aspect;
    double ragged = (double)(rows * cols - k) / (double)(rows * cols);
    return (shape - 1.0) + RAGGED_WEIGHT * ragged + ROW_WEIGHT * (double)rows;
}

/* Grid mode: k panes, every one at least the minimum (the caller made sure k
 * fits), in the best of the grids with rows = ceil(k / cols). */
static void
choose_grid(int w, int h, size_t k, size_t max_rows, size_t max_cols, int *rows, int *cols)
{
    double best = DBL_MAX;
    *rows = 1;
    *cols = 1;
    for (size_t c = 1; c <= min_size(k, max_cols); c++) {
        size_t r = (k + c - 1) / c;
        if (r > max_rows)
            continue;
        double score = grid_score(w, h, k, r, c);
        if (score < best) {
            best = score;
            *rows = (int)r;
            *cols = (int)c;
        }
    }
}

size_t
fs_tiling_grid(enum fs_tiling_mode mode, int w, int h, size_t n, int *rows, int *cols)
{
    size_t max_cols = fit(w, FS_TILING_MIN_W), max_rows = fit(h, FS_TILING_MIN_H);
    size_t k;
    *rows = *cols = n > 0;
    if (n == 0)
        return 0;
    switch (mode) {
    case FS_TILING_COLUMNS:
        k = min_size(n, max_rows > 0 ? max_cols : 0);
        k = k > 0 ? k : 1;
        *cols = (int)k;
        return k;
    case FS_TILING_ROWS:
        k = min_size(n, max_cols > 0 ? max_rows : 0);
        k = k > 0 ? k : 1;
        *rows = (int)k;
        return k;
    case FS_TILING_GRID:
    default:
        break;
    }
    /* Any count up to max_rows × max_cols fits: with max_cols columns it needs
     * at most max_rows rows. Beyond that, nothing does. */
    if (max_rows == 0 || max_cols == 0)
        return 1;
    k = n / max_cols < max_rows ? n : max_rows * max_cols;
    choose_grid(w, h, k, max_rows, max_cols, rows, cols);
    return k;
}

/* Cuts `len` cells starting at `start` into `parts` parts that differ by at most
 * one cell, the longer ones first, and returns part i. */
static void
split(int start, int len, int parts, int i, int *pos, int *size)
{
    int base = len / parts, extra = len % parts;
    *pos = start + i * base + (i < extra ? i : extra);
    *size = base + (i < extra);
}

void
fs_tiling_place(struct fs_rect area, int rows, int cols, size_t shown, struct fs_rect *out)
{
    if (rows < 1 || cols < 1 || shown == 0)
        return;
    int w = area.w > 0 ? area.w : 0, h = area.h > 0 ? area.h : 0;
    size_t cap = (size_t)rows * (size_t)cols;
    /* Rows left empty by a short count would leave cells uncovered: the panes
     * take only the rows they fill. */
    size_t used = (min_size(shown, cap) + (size_t)cols - 1) / (size_t)cols;
    for (size_t i = 0; i < shown; i++) {
        struct fs_rect *r = &out[i];
        if (i >= cap) {
            *r = (struct fs_rect){area.x, area.y, 0, 0};
            continue;
        }
        size_t row = i / (size_t)cols, col = i % (size_t)cols;
        size_t in_row = min_size((size_t)cols, min_size(shown, cap) - row * (size_t)cols);
        split(area.y, h, (int)used, (int)row, &r->y, &r->h);
        split(area.x, w, (int)in_row, (int)col, &r->x, &r->w);
    }
}

void
fs_tiling_window(size_t n, size_t shown, size_t selected, size_t *first)
{
    if (shown == 0 || shown >= n) {
        *first = 0;
        return;
    }
    if (selected >= n)
        selected = n - 1;
    if (selected < *first)
        *first = selected;
    else if (selected - *first >= shown)
        *first = selected - shown + 1;
    if (*first > n - shown)
        *first = n - shown;
}
