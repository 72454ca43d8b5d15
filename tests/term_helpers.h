/*
 * Helpers shared by the fs_term tests (check_term.c, check_term_guard.c,
 * check_term_diff.c): a terminal without limits, feeding it a string, reading
 * back a row, a saved line, cells and the cursor, and a sink for what the
 * terminal sends to its child. The functions are static inline so that a test
 * that uses only some of them builds cleanly.
 */
#ifndef FS_TEST_TERM_HELPERS_H
#define FS_TEST_TERM_HELPERS_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "term/term.h"

static inline struct fs_term *
term(int rows, int cols)
{
    return fs_term_new(rows, cols, NULL);
}

static inline void
feed(struct fs_term *t, const char *s)
{
    fs_term_write(t, s, strlen(s));
}

/* Text of screen row r, trailing blanks cut (a static buffer). */
static inline const char *
row_text(struct fs_term *t, int r)
{
    static char buf[4096];
    ck_assert_int_ge(fs_term_line_text(t, fs_term_screen_line(t) + (uint64_t)r, buf,
                                       sizeof(buf)), 0);
    return buf;
}

/* Text of scrollback line i, 0 = oldest kept. */
static inline const char *
sb_text(struct fs_term *t, size_t i)
{
    static char buf[4096];
    ck_assert_int_ge(fs_term_line_text(t, fs_term_first_line(t) + i, buf, sizeof(buf)), 0);
    return buf;
}

/* Row r as drawn (a static buffer). */
static inline const struct fs_term_cell *
row_cells(struct fs_term *t, int r)
{
    static struct fs_term_cell cells[FS_TERM_MAX_DIM];
    ck_assert_int_eq(fs_term_row_cells(t, r, cells, FS_TERM_MAX_DIM), 0);
    return cells;
}

static inline const struct fs_term_cell *
cell_at(struct fs_term *t, int r, int c)
{
    return &row_cells(t, r)[c];
}

static inline void
assert_cursor(struct fs_term *t, int row, int col)
{
    int r, c;
    fs_term_cursor(t, &r, &c, NULL);
    ck_assert_int_eq(r, row);
    ck_assert_int_eq(c, col);
}

/* What the terminal sent to its child (replies, keys), NUL-terminated. */
struct sink {
    char buf[256];
    size_t len;
};

static inline void
sink_output(const char *data, size_t len, void *arg)
{
    struct sink *s = arg;
    if (s->len + len < sizeof(s->buf)) {
        memcpy(s->buf + s->len, data, len);
        s->len += len;
        s->buf[s->len] = '\0';
    }
}

#endif
