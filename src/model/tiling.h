/*
 * Layout arithmetic of the screen, plain C so it is unit-tested: how many output
 * panes fit in an area, in how many rows and columns, and where each one goes.
 */
#ifndef FS_TILING_H
#define FS_TILING_H

#include <stddef.h>

struct fs_rect {
    int x, y, w, h;
};

enum fs_tiling_mode {
    FS_TILING_GRID,    /* rows and columns chosen for the area's shape */
    FS_TILING_COLUMNS, /* every pane side by side */
    FS_TILING_ROWS,    /* every pane stacked */
};
#define FS_TILING_MODE_COUNT 3

const char *fs_tiling_mode_name(enum fs_tiling_mode mode);

/* The smallest useful pane, borders included. */
#define FS_TILING_MIN_W 12
#define FS_TILING_MIN_H 4

/* Chooses a grid for n panes in a w×h area: fills *rows and *cols and returns how
 * many panes are shown (n, or fewer when n panes would be smaller than the
 * minimum; at least 1 when n > 0, even if the area is smaller than the
 * minimum). In grid mode, the grid is the one whose panes come closest to a
 * pleasant shape (about 2.5 columns per row of text) while wasting the least
 * area: 1 → 1×1, 2 → side by side on a wide area, 4 → 2×2, 6 → 2×3, 9 → 3×3. */
size_t fs_tiling_grid(enum fs_tiling_mode mode, int w, int h, size_t n, int *rows, int *cols);

/* Places `shown` panes in a rows×cols grid over area, row by row. The last row
 * may hold fewer panes; they then share its width. Sizes differ by at most one
 * cell; every cell of the area belongs to exactly one pane. */
void fs_tiling_place(struct fs_rect area, int rows, int cols, size_t shown, struct fs_rect *out);

/* Which panes are shown when only `shown` of n fit: a window of consecutive
 * indices that contains `selected`, kept stable while the selection moves
 * inside it. *first is the window's start, updated in place. */
void fs_tiling_window(size_t n, size_t shown, size_t selected, size_t *first);

#endif
