/*
 * Searching the scrollback and the screen for a plain substring, as less and
 * vim do with smartcase (util/smartcase.c): case-insensitive (ASCII letters)
 * unless the needle has an uppercase letter. Matches are found in each line's
 * UTF-8 text and reported in screen columns. Owns nothing.
 */
#include <config.h>

#include "term/term_int.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "util/smartcase.h"

/* Screen columns of the text bytes [off, off + n) of a line: *col and *cols. */
static void
byte_cols(const struct fs_term *t, uint64_t line, const char *text, size_t off, size_t n, int *col,
          int *cols)
{
    bool ascii = true;
    for (size_t i = 0; i < off + n && ascii; i++)
        ascii = (unsigned char)text[i] < 0x80;
    if (ascii) {
        *col = (int)off;
        *cols = (int)n;
        return;
    }
    /* Count characters, then walk the cells, where wide ones take two columns. */
    size_t k0 = 0, k1 = 0;
    for (size_t i = 0; i < off + n; i++) {
        if (((unsigned char)text[i] & 0xc0) != 0x80) {
            k0 += i < off;
            k1++;
        }
    }
    struct fs_term_cell cells[FS_TERM_MAX_DIM];
    fs_term_line_cells(t, line, cells, FS_TERM_MAX_DIM);
    int c = 0;
    size_t k = 0;
    *col = -1;
    for (; c < FS_TERM_MAX_DIM && k < k1; c++) {
        if (fs_term_cell_attrs(&cells[c]) & FS_TERM_ATTR_WIDE_CONT)
            continue;
        if (k == k0)
            *col = c;
        k++;
    }
    if (c < FS_TERM_MAX_DIM && (fs_term_cell_attrs(&cells[c - 1]) & FS_TERM_ATTR_WIDE))
        c++;
    *cols = c - *col;
}

/* The match in one line that comes first after col (dir > 0) or last before
 * it (dir < 0); false when there is none. */
static bool
search_line(const struct fs_term *t, uint64_t line, const struct fs_smartcase *needle, int col,
            int dir, struct fs_term_match *m)
{
    char buf[FS_TERM_ROW_TEXT_MAX];
    size_t len;
    const char *text = fs_term_line_ref(t, line, buf, &len);
    if (text == NULL)
        return false;
    bool found = false;
    for (size_t from = 0; from < len;) {
        const char *hit = fs_smartcase_find(needle, text + from, len - from);
        if (hit == NULL)
            break;
        size_t off = (size_t)(hit - text);
        int c, w;
        byte_cols(t, line, text, off, needle->len, &c, &w);
        if (dir > 0 ? c > col : c < col) {
            *m = (struct fs_term_match){.line = line, .col = c, .cols = w};
            found = true;
            if (dir > 0)
                break;
        } else if (dir < 0) {
            break;
        }
        from = off + 1;
    }
    return found;
}

int
fs_term_search(const struct fs_term *t, const char *needle, uint64_t line, int col, int dir,
               struct fs_term_match *m)
{
    fs_term_settle(t);
    size_t nlen = strlen(needle);
    /* No line's text is longer than a screen row's can be. */
    if (nlen == 0 || nlen >= FS_TERM_ROW_TEXT_MAX || dir == 0)
        return -ENOENT;
    struct fs_smartcase sc;
    fs_smartcase_init(&sc, needle);
    int r = -ENOENT;
    uint64_t first = fs_term_first_line(t);
    uint64_t last = fs_term_screen_line(t) + (uint64_t)t->rows - 1;
    if (dir > 0) {
        if (line < first)
            line = first, col = -1;
        for (; line <= last; line++, col = -1) {
            if (search_line(t, line, &sc, col, 1, m)) {
                r = 0;
                break;
            }
        }
    } else {
        if (line > last)
            line = last, col = INT_MAX;
        for (; line >= first; line--, col = INT_MAX) {
            if (search_line(t, line, &sc, col, -1, m)) {
                r = 0;
                break;
            }
            if (line == 0)
                break;
        }
    }
    fs_smartcase_fini(&sc);
    return r;
}
