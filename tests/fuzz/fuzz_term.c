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
 * fast path's switch come from the input too.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

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
    struct fs_term *t = fs_term_new(1 + (int)(r % 40), 1 + (int)((r >> 8) % 132), &lim);
    size_t replies = 0;
    fs_term_set_output(t, on_output, &replies);
    fs_term_set_fast_path(t, (r >> 16) & 1);
    for (size_t off = 0; off < size;) {
        size_t n = fuzz_chunk(&rng, size - off);
        fs_term_write(t, (const char *)data + off, n);
        off += n;
        r = fuzz_next(&rng);
        if (r % 16 == 0) {
            /* 0 and sizes past the limit are clamped (term.h). */
            fs_term_resize(t, (int)((r >> 8) % 60), (int)((r >> 16) % 220));
        } else if (r % 64 == 1) {
            fs_term_resize(t, (int)((r >> 8) % (FS_TERM_MAX_DIM + 2)), (int)((r >> 24) % 3));
        }
        /* Reading back after every chunk would make each run slow; now and
         * then, and at the end, finds the same broken states. */
        if ((r >> 32) % 8 == 0)
            read_back(t);
    }
    read_back(t);
    fs_term_free(t);
    return 0;
}
