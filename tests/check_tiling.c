/*
 * Unit tests of the layout arithmetic: the grid chosen for standard pane counts
 * and screen shapes, how many panes are shown when not all fit, placement that
 * covers the area exactly (checked on many random sizes), and the window of
 * shown panes following the selection.
 */
#include <config.h>

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/tiling.h"

/* Check's ck_assert_* records where it is at every call, passing (a write to the
 * process that runs the test); in loops of many thousand checks that was most of
 * the run time and, under AddressSanitizer on a busy machine, more than Check's
 * time limit. The property loops check through REQUIRE, which costs nothing when
 * the condition holds and fails the test with the message when it does not. */
#define REQUIRE(cond, ...)                                                                         \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ck_abort_msg(__VA_ARGS__);                                                             \
    } while (0)

/* A small deterministic generator, so a failing case can be replayed. */
static uint32_t rng_state = 12345;

static int
rnd(int lo, int hi)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return lo + (int)(rng_state % (uint32_t)(hi - lo + 1));
}

struct grid_case {
    size_t n;
    int rows, cols;
};

static void
check_grids(int w, int h, const struct grid_case *cases, size_t ncases)
{
    for (size_t i = 0; i < ncases; i++) {
        int rows = -1, cols = -1;
        size_t shown = fs_tiling_grid(FS_TILING_GRID, w, h, cases[i].n, &rows, &cols);
        ck_assert_msg(shown == cases[i].n && rows == cases[i].rows && cols == cases[i].cols,
                      "%zu panes in %dx%d: got %zu shown in %dx%d, want %dx%d", cases[i].n, w, h,
                      shown, rows, cols, cases[i].rows, cases[i].cols);
    }
}

START_TEST(test_mode_names)
{
    ck_assert_str_eq(fs_tiling_mode_name(FS_TILING_GRID), "grid");
    ck_assert_str_eq(fs_tiling_mode_name(FS_TILING_COLUMNS), "columns");
    ck_assert_str_eq(fs_tiling_mode_name(FS_TILING_ROWS), "rows");
}
END_TEST

START_TEST(test_grid_wide_160x40)
{
    static const struct grid_case cases[] = {
        {1, 1, 1}, {2, 1, 2}, {3, 1, 3}, {4, 2, 2},  {5, 2, 3},
        {6, 2, 3}, {8, 2, 4}, {9, 3, 3}, {12, 3, 4},
    };
    check_grids(160, 40, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_grid_80x40)
{
    /* Half as wide: two panes of 40 columns would be narrow, so they stack. */
    static const struct grid_case cases[] = {
        {1, 1, 1}, {2, 2, 1}, {3, 2, 2}, {4, 2, 2}, {6, 3, 2}, {9, 3, 3},
    };
    check_grids(80, 40, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_grid_tall_60x100)
{
    static const struct grid_case cases[] = {
        {1, 1, 1}, {2, 2, 1}, {3, 3, 1}, {4, 4, 1}, {6, 6, 1}, {9, 5, 2},
    };
    check_grids(60, 100, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_grid_too_many)
{
    int rows, cols;
    /* 80/12 = 6 columns and 24/4 = 6 rows of minimum panes. */
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_GRID, 80, 24, 100, &rows, &cols), 36);
    ck_assert_int_eq(rows, 6);
    ck_assert_int_eq(cols, 6);
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_GRID, 40, 12, 10, &rows, &cols), 9);
    ck_assert_int_eq(rows, 3);
    ck_assert_int_eq(cols, 3);
    /* Narrow and tall: stacked, since two columns of 15 would be too thin. */
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_GRID, 30, 40, 5, &rows, &cols), 5);
    ck_assert_int_eq(rows, 5);
    ck_assert_int_eq(cols, 1);
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_GRID, 24, 8, 5, &rows, &cols), 4);
    ck_assert_int_eq(rows * cols, 4);
}
END_TEST

START_TEST(test_grid_tiny_and_empty)
{
    int rows = -1, cols = -1;
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_GRID, 20, 6, 5, &rows, &cols), 1);
    ck_assert_int_eq(rows, 1);
    ck_assert_int_eq(cols, 1);
    /* Smaller than one minimum pane: still one. */
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_GRID, 5, 2, 3, &rows, &cols), 1);
    ck_assert_int_eq(rows * cols, 1);
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_GRID, 0, 0, 3, &rows, &cols), 1);
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_COLUMNS, 5, 2, 3, &rows, &cols), 1);
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_ROWS, 5, 2, 3, &rows, &cols), 1);
    for (int m = 0; m < FS_TILING_MODE_COUNT; m++) {
        ck_assert_uint_eq(fs_tiling_grid((enum fs_tiling_mode)m, 160, 40, 0, &rows, &cols), 0);
        ck_assert_int_eq(rows, 0);
        ck_assert_int_eq(cols, 0);
    }
}
END_TEST

START_TEST(test_columns_and_rows_modes)
{
    int rows, cols;
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_COLUMNS, 160, 40, 3, &rows, &cols), 3);
    ck_assert_int_eq(rows, 1);
    ck_assert_int_eq(cols, 3);
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_COLUMNS, 160, 40, 20, &rows, &cols), 13);
    ck_assert_int_eq(rows, 1);
    ck_assert_int_eq(cols, 13);
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_ROWS, 160, 40, 3, &rows, &cols), 3);
    ck_assert_int_eq(rows, 3);
    ck_assert_int_eq(cols, 1);
    ck_assert_uint_eq(fs_tiling_grid(FS_TILING_ROWS, 160, 40, 20, &rows, &cols), 10);
    ck_assert_int_eq(rows, 10);
    ck_assert_int_eq(cols, 1);
}
END_TEST

/* Every grid shows as many panes as fit, each at least the minimum size. */
START_TEST(test_grid_property)
{
    for (int iter = 0; iter < 5000; iter++) {
        int w = rnd(12, 400), h = rnd(4, 150), rows, cols;
        size_t n = (size_t)rnd(1, 80);
        size_t shown = fs_tiling_grid(FS_TILING_GRID, w, h, n, &rows, &cols);
        size_t most = (size_t)(w / FS_TILING_MIN_W) * (size_t)(h / FS_TILING_MIN_H);
        REQUIRE(shown == (n < most ? n : most) && cols >= 1 &&
                    rows == (int)((shown + (size_t)cols - 1) / (size_t)cols) &&
                    w / cols >= FS_TILING_MIN_W && h / rows >= FS_TILING_MIN_H,
                "%zu panes over %dx%d: %zu shown in %dx%d", n, w, h, shown, rows, cols);
    }
}
END_TEST

/* Places the panes and checks that they tile the area: inside it, no overlap,
 * no gap, sizes within one cell of each other. The cells are marked one pane
 * row at a time with memchr and memset rather than counted cell by cell: the
 * property test runs thousands of areas of up to 400x150 cells, and a per-cell
 * loop made it take seconds under AddressSanitizer, past Check's time limit on
 * a busy machine. The work per call stays bounded by the area's size. */
static void
check_tiling(struct fs_rect area, int rows, int cols, size_t shown)
{
    static struct fs_rect out[512];
    static unsigned char seen[400 * 150];
    REQUIRE(shown <= 512 && area.w * area.h <= (int)sizeof seen, "a case too big for the test");
    memset(seen, 0, (size_t)(area.w * area.h));
    fs_tiling_place(area, rows, cols, shown, out);
    int min_h = area.h, max_h = 0, min_w = area.w, max_w = 0;
    for (size_t i = 0; i < shown; i++) {
        struct fs_rect r = out[i];
        REQUIRE(r.x >= area.x && r.y >= area.y && r.w >= 0 && r.h >= 0 &&
                    r.x + r.w <= area.x + area.w && r.y + r.h <= area.y + area.h,
                "pane %zu at (%d, %d) %dx%d is outside the area (%d, %d) %dx%d", i, r.x, r.y, r.w,
                r.h, area.x, area.y, area.w, area.h);
        for (int y = r.y; y < r.y + r.h; y++) {
            unsigned char *line = &seen[(y - area.y) * area.w + (r.x - area.x)];
            const unsigned char *twice = memchr(line, 1, (size_t)r.w);
            if (twice != NULL)
                ck_abort_msg("cell (%d, %d) covered twice: %dx%d grid, %zu panes over %dx%d",
                             r.x - area.x + (int)(twice - line), y - area.y, rows, cols, shown,
                             area.w, area.h);
            memset(line, 1, (size_t)r.w);
        }
        min_h = r.h < min_h ? r.h : min_h;
        max_h = r.h > max_h ? r.h : max_h;
        /* The last row may be short, and its panes then wider. */
        if (i < shown - shown % (size_t)cols || shown % (size_t)cols == 0) {
            min_w = r.w < min_w ? r.w : min_w;
            max_w = r.w > max_w ? r.w : max_w;
        }
    }
    /* Every cell once: a 0 left is a gap. */
    const unsigned char *gap = memchr(seen, 0, (size_t)(area.w * area.h));
    if (gap != NULL)
        ck_abort_msg("cell (%d, %d) not covered: %dx%d grid, %zu panes over %dx%d",
                     (int)(gap - seen) % area.w, (int)(gap - seen) / area.w, rows, cols, shown,
                     area.w, area.h);
    REQUIRE(max_h - min_h <= 1 && max_w - min_w <= 1,
            "pane sizes differ by more than one cell: heights %d..%d, widths %d..%d", min_h, max_h,
            min_w, max_w);
}

START_TEST(test_place_exact_example)
{
    struct fs_rect out[5];
    /* 5 panes in 2×3 over 100×41 at (2, 1): rows of 21 and 20 lines; widths
     * 34, 33, 33 on top and 50, 50 below. */
    fs_tiling_place((struct fs_rect){2, 1, 100, 41}, 2, 3, 5, out);
    static const struct fs_rect want[5] = {
        {2, 1, 34, 21}, {36, 1, 33, 21}, {69, 1, 33, 21}, {2, 22, 50, 20}, {52, 22, 50, 20},
    };
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(out[i].x, want[i].x);
        ck_assert_int_eq(out[i].y, want[i].y);
        ck_assert_int_eq(out[i].w, want[i].w);
        ck_assert_int_eq(out[i].h, want[i].h);
    }
}
END_TEST

START_TEST(test_place_property)
{
    for (int iter = 0; iter < 2000; iter++) {
        struct fs_rect area = {rnd(0, 50), rnd(0, 50), rnd(1, 400), rnd(1, 150)};
        int rows, cols;
        size_t n = (size_t)rnd(1, 60);
        enum fs_tiling_mode mode = (enum fs_tiling_mode)rnd(0, FS_TILING_MODE_COUNT - 1);
        size_t shown = fs_tiling_grid(mode, area.w, area.h, n, &rows, &cols);
        check_tiling(area, rows, cols, shown);
        /* Any consistent grid, whether or not the panes are big enough. */
        cols = rnd(1, 20);
        shown = (size_t)rnd(1, 200);
        rows = (int)((shown + (size_t)cols - 1) / (size_t)cols);
        check_tiling(area, rows, cols, shown);
    }
}
END_TEST

START_TEST(test_place_more_rows_than_needed)
{
    /* 3 panes given a 3×2 grid use only two rows, so nothing is left bare. */
    check_tiling((struct fs_rect){0, 0, 80, 30}, 3, 2, 3);
    struct fs_rect out[3];
    fs_tiling_place((struct fs_rect){0, 0, 80, 30}, 3, 2, 3, out);
    ck_assert_int_eq(out[2].h, 15);
    ck_assert_int_eq(out[2].w, 80);
}
END_TEST

START_TEST(test_window_follows_selection)
{
    size_t first = 0;
    for (size_t sel = 0; sel < 3; sel++) {
        fs_tiling_window(10, 3, sel, &first);
        ck_assert_uint_eq(first, 0);
    }
    fs_tiling_window(10, 3, 3, &first);
    ck_assert_uint_eq(first, 1); /* moved by one, not a page */
    fs_tiling_window(10, 3, 2, &first);
    ck_assert_uint_eq(first, 1); /* inside: unchanged */
    fs_tiling_window(10, 3, 0, &first);
    ck_assert_uint_eq(first, 0);
    fs_tiling_window(10, 3, 9, &first);
    ck_assert_uint_eq(first, 7);
    fs_tiling_window(10, 3, 5, &first);
    ck_assert_uint_eq(first, 5);
    /* Panes removed: the window slides back inside [0, n). */
    first = 9;
    fs_tiling_window(6, 3, 5, &first);
    ck_assert_uint_eq(first, 3);
    first = 4;
    fs_tiling_window(10, 10, 7, &first);
    ck_assert_uint_eq(first, 0);
    first = 4;
    fs_tiling_window(0, 0, 0, &first);
    ck_assert_uint_eq(first, 0);
}
END_TEST

START_TEST(test_window_property)
{
    size_t first = 0, n = 40, sel = 0;
    for (int iter = 0; iter < 5000; iter++) {
        size_t shown = (size_t)rnd(1, 12), before = first;
        sel = (size_t)rnd(0, 1) ? (sel + 1) % n : (sel + n - 1) % n;
        if (rnd(0, 20) == 0)
            sel = (size_t)rnd(0, (int)n - 1);
        fs_tiling_window(n, shown, sel, &first);
        REQUIRE(first <= sel && sel < first + shown && first + shown <= n,
                "selection %zu outside the window of %zu from %zu", sel, shown, first);
        if (sel >= before && sel < before + shown && before + shown <= n)
            REQUIRE(first == before, "the window moved from %zu to %zu with %zu inside it", before,
                    first, sel);
    }
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("grid");
    tcase_add_test(tc, test_mode_names);
    tcase_add_test(tc, test_grid_wide_160x40);
    tcase_add_test(tc, test_grid_80x40);
    tcase_add_test(tc, test_grid_tall_60x100);
    tcase_add_test(tc, test_grid_too_many);
    tcase_add_test(tc, test_grid_tiny_and_empty);
    tcase_add_test(tc, test_columns_and_rows_modes);
    tcase_add_test(tc, test_grid_property);
    suite_add_tcase(s, tc);
    tc = tcase_create("place");
    tcase_add_test(tc, test_place_exact_example);
    tcase_add_test(tc, test_place_property);
    tcase_add_test(tc, test_place_more_rows_than_needed);
    suite_add_tcase(s, tc);
    tc = tcase_create("window");
    tcase_add_test(tc, test_window_follows_selection);
    tcase_add_test(tc, test_window_property);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
