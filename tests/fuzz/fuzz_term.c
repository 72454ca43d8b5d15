/*
 * libFuzzer target: arbitrary child output through the guarded terminal path
 * (term/term.c → term/guard.c → libvterm), as a pane receives it. Every byte of
 * the input is written, in chunks whose sizes come from the input (fuzz.h), so
 * that escape sequences are split at every point; now and then the terminal is
 * resized between chunks, as a pane is when the screen is. The screen and the
 * scrollback are read back between chunks now and then, and at the end, as
 * drawing a pane does; the replies to the child are taken and dropped.
 *
 * The size, the scrollback limits (small, so that eviction is reached) and the
 * fast path's switch come from the input too. With the fast path on, a second
 * terminal without it takes the same writes, and wherever both are read back
 * they must read the same (the fast path and what it holds back between
 * writes are invisible); not after a resize that took rows away, where
 * libvterm 0.1.4 alone goes wrong (tests/check_term_diff.c).
 */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "term/term.h"

static void
on_output(const char *data, size_t len, void *arg)
{
    size_t *bytes = arg;
    if (len > 0 && data == NULL)
        __builtin_trap();
    *bytes += len;
}

/* Traps when a and b can be told apart: size, cursor, line numbers, the
 * screen's cells and the newest kept lines' text. */
static void
compare(struct fs_term *a, struct fs_term *b)
{
    static struct fs_term_cell ca[FS_TERM_MAX_DIM], cb[FS_TERM_MAX_DIM];
    char ta[512], tb[512];
    int ra, cola, rb, colb, ya, xa, yb, xb;
    fs_term_size(a, &ra, &cola);
    fs_term_size(b, &rb, &colb);
    fs_term_cursor(a, &ya, &xa, NULL);
    fs_term_cursor(b, &yb, &xb, NULL);
    uint64_t screen = fs_term_screen_line(a), first = fs_term_first_line(a);
    if (ra != rb || cola != colb || ya != yb || xa != xb || screen != fs_term_screen_line(b) ||
        first != fs_term_first_line(b))
        __builtin_trap();
    for (int r = 0; r < ra; r++) {
        fs_term_row_cells(a, r, ca, cola);
        fs_term_row_cells(b, r, cb, cola);
        if (memcmp(ca, cb, (size_t)cola * sizeof ca[0]) != 0)
            __builtin_trap();
    }
    for (uint64_t l = screen > 4 && screen - 4 > first ? screen - 4 : first; l < screen; l++)
        if (fs_term_line_text(a, l, ta, sizeof ta) != fs_term_line_text(b, l, tb, sizeof tb) ||
            strcmp(ta, tb) != 0)
            __builtin_trap();
}

/* Reads what a pane's redraw reads: every row, the cursor, the title and the
 * newest lines of the scrollback. */
static void
read_back(struct fs_term *t)
{
    static struct fs_term_cell cells[FS_TERM_MAX_DIM];
    char text[512];
    int rows, cols, cr, cc;
    bool visible;
    fs_term_size(t, &rows, &cols);
    for (int r = 0; r < rows; r++)
        if (fs_term_row_cells(t, r, cells, cols) != 0)
            __builtin_trap();
    fs_term_cursor(t, &cr, &cc, &visible);
    (void)fs_term_title(t);
    uint64_t first = fs_term_first_line(t), screen = fs_term_screen_line(t);
    if (first > screen)
        __builtin_trap();
    for (uint64_t l = screen > 4 && screen - 4 > first ? screen - 4 : first; l < screen; l++)
        if (fs_term_line_text(t, l, text, sizeof text) < 0)
            __builtin_trap();
    fs_term_damage_clear(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t rng = fuzz_seed(data, size);
    uint64_t r = fuzz_next(&rng);
    struct fs_term_limits lim = {
        .sb_lines = 1 + (size_t)(r % 200),
        .sb_bytes = 1024 + (size_t)((r >> 8) % 65536),
    };
    r = fuzz_next(&rng);
    int rows = 1 + (int)(r % 40), cols = 1 + (int)((r >> 8) % 132);
    struct fs_term *t = fs_term_new(rows, cols, &lim);
    size_t replies = 0;
    fs_term_set_output(t, on_output, &replies);
    bool fast = (r >> 16) & 1;
    fs_term_set_fast_path(t, fast);
    struct fs_term *ref = NULL;
    if (fast) {
        ref = fs_term_new(rows, cols, &lim);
        fs_term_set_output(ref, on_output, &replies);
        fs_term_set_fast_path(ref, false);
    }
    for (size_t off = 0; off < size;) {
        size_t n = fuzz_chunk(&rng, size - off);
        fs_term_write(t, (const char *)data + off, n);
        if (ref != NULL)
            fs_term_write(ref, (const char *)data + off, n);
        off += n;
        r = fuzz_next(&rng);
        int nr = -1, nc = 0;
        if (r % 16 == 0) {
            /* 0 and sizes past the limit are clamped (term.h). */
            nr = (int)((r >> 8) % 60);
            nc = (int)((r >> 16) % 220);
        } else if (r % 64 == 1) {
            nr = (int)((r >> 8) % (FS_TERM_MAX_DIM + 2));
            nc = (int)((r >> 24) % 3);
        }
        if (nr >= 0) {
            int had, c;
            fs_term_size(t, &had, &c);
            fs_term_resize(t, nr, nc);
            if (ref != NULL && nr < had) {
                fs_term_free(ref);
                ref = NULL;
            }
            if (ref != NULL)
                fs_term_resize(ref, nr, nc);
        }
        /* Reading back after every chunk would make each run slow; now and
         * then, and at the end, finds the same broken states. */
        if ((r >> 32) % 8 == 0) {
            if (ref != NULL)
                compare(t, ref);
            read_back(t);
        }
    }
    if (ref != NULL)
        compare(t, ref);
    read_back(t);
    fs_term_free(ref);
    fs_term_free(t);
    return 0;
}
