/*
 * The terminal emulator behind each pane: libvterm's parser and state layer
 * drive forkscope's own screen (a ring of rows, grid.c) and a compact
 * scrollback (scrollback.c). The pane feeds it the child's pty output with
 * fs_term_write and reads cells back to draw them; key input and terminal
 * replies (DSR, DA) come out through the output callback.
 *
 * Lines are addressed by absolute number: every line that ever scrolled off
 * the top of the main screen got the next number, starting at 0. The oldest
 * line still kept is fs_term_first_line(); screen row r is line
 * fs_term_screen_line(t) + r. Numbers do not shift when old lines are evicted,
 * so a view scrolled back, or a search match, stays on the same text.
 *
 * Nothing here is thread-safe; one pane owns one fs_term.
 */
#ifndef FS_TERM_H
#define FS_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vterm_keycodes.h>

/* Cell attributes (struct fs_term_cell.attrs). */
enum {
    FS_TERM_ATTR_BOLD = 1 << 0,
    FS_TERM_ATTR_UNDERLINE = 1 << 1,   /* single underline */
    FS_TERM_ATTR_UNDERLINE2 = 1 << 2,  /* double underline (SGR 21) */
    FS_TERM_ATTR_ITALIC = 1 << 3,
    FS_TERM_ATTR_BLINK = 1 << 4,
    FS_TERM_ATTR_REVERSE = 1 << 5,
    FS_TERM_ATTR_STRIKE = 1 << 6,
    /* libvterm 0.1.4 ignores SGR 2, so this bit is never set today; it is in
     * the format so a renderer handles it once the library reports it. */
    FS_TERM_ATTR_DIM = 1 << 7,
    FS_TERM_ATTR_WIDE = 1 << 8,        /* left half of a two-column character */
    FS_TERM_ATTR_WIDE_CONT = 1 << 9,   /* right half: draw nothing here */
    FS_TERM_ATTR_PROTECTED = 1 << 10,  /* DECSCA; not a drawing attribute */
};

/*
 * A colour: 0 is the terminal's default colour; otherwise the type is in bits
 * 24-25 and the value below: a palette index 0-255, or 0xRRGGBB.
 */
#define FS_TERM_COLOR_DEFAULT 0u
#define FS_TERM_COLOR_PALETTE (1u << 24)
#define FS_TERM_COLOR_RGB (2u << 24)
#define FS_TERM_COLOR_TYPE(c) ((c) & (3u << 24))
#define FS_TERM_COLOR_INDEX(c) ((c) & 0xffu)
#define FS_TERM_COLOR_VALUE(c) ((c) & 0xffffffu)

/*
 * One screen cell: 12 bytes. `ca` packs the codepoint (bits 0-20; 0 is an
 * erased cell, drawn as a space) and the FS_TERM_ATTR_* bits above it: read
 * them with fs_term_cell_ch and fs_term_cell_attrs. (Not bit-fields: copying
 * those costs a store-forwarding stall per glyph.)
 */
struct fs_term_cell {
    uint32_t ca;
    uint32_t fg, bg;
};

#define FS_TERM_CH_BITS 21
#define FS_TERM_CH_MASK ((1u << FS_TERM_CH_BITS) - 1)
/* An FS_TERM_ATTR_* set moved to its place in fs_term_cell.ca. */
#define FS_TERM_CA(attrs) ((uint32_t)(attrs) << FS_TERM_CH_BITS)

static inline uint32_t
fs_term_cell_ch(const struct fs_term_cell *c)
{
    return c->ca & FS_TERM_CH_MASK;
}

static inline unsigned
fs_term_cell_attrs(const struct fs_term_cell *c)
{
    return c->ca >> FS_TERM_CH_BITS;
}

struct fs_term_limits {
    size_t sb_lines;  /* scrollback lines kept; 0 means the default, 10,000 */
    size_t sb_bytes;  /* bytes of encoded lines kept; 0 means the default, 8 MiB */
};

#define FS_TERM_DEFAULT_SB_LINES 10000
#define FS_TERM_DEFAULT_SB_BYTES (8u << 20)

struct fs_term;

/* Called with bytes for the child's pty: key input and terminal replies. */
typedef void fs_term_output_fn(const char *data, size_t len, void *arg);

#define FS_TERM_MAX_DIM 1000

/* rows and cols are clamped to 1..FS_TERM_MAX_DIM; lim may be NULL for the
 * defaults. */
struct fs_term *fs_term_new(int rows, int cols, const struct fs_term_limits *lim);
void fs_term_free(struct fs_term *t);

/* Feeds child output; a sequence split across calls is fine. Output is
 * untrusted: guard.c keeps it away from libvterm 0.1.4's known crashes and
 * hangs (doc/terminal.md). */
void fs_term_write(struct fs_term *t, const char *data, size_t len);
/* Turns the fast path for plain lines on or off (it is on unless the
 * environment has FS_TERM_NO_FAST_PATH); the result is the same either way,
 * only the speed differs. For tests and benchmarks. */
void fs_term_set_fast_path(struct fs_term *t, bool on);
/* Lines the fast path took past libvterm since fs_term_new. */
uint64_t fs_term_fast_lines(const struct fs_term *t);
/* Keeps content: rows cut at the top go to the scrollback and come back when
 * the screen grows; columns cut off stay stored and reappear on widening. */
void fs_term_resize(struct fs_term *t, int rows, int cols);
void fs_term_size(const struct fs_term *t, int *rows, int *cols);
/* Hard reset (RIS): screen, modes and pen; the scrollback is kept. */
void fs_term_reset(struct fs_term *t);

/* Output back to the child (NULL drops it). */
void fs_term_set_output(struct fs_term *t, fs_term_output_fn *fn, void *arg);
void fs_term_key(struct fs_term *t, VTermKey key, VTermModifier mod);
void fs_term_unichar(struct fs_term *t, uint32_t c, VTermModifier mod);
/* Sends pasted text, wrapped in ESC[200~ ... ESC[201~ when the child asked
 * for bracketed paste (mode 2004). */
void fs_term_paste(struct fs_term *t, const char *data, size_t len);

/* ---- Reading the screen ---- */

/* Copies row r (0 = top) of the visible screen into cells[0..ncols) as it is
 * to be drawn, padding with blank cells past the screen's width. Returns 0,
 * or -ENOENT when r is out of range. */
int fs_term_row_cells(const struct fs_term *t, int r, struct fs_term_cell *cells, int ncols);
void fs_term_cursor(const struct fs_term *t, int *row, int *col, bool *visible);
bool fs_term_altscreen(const struct fs_term *t);
/* DECSCNM: the whole screen is shown in reverse video. */
bool fs_term_reverse_screen(const struct fs_term *t);
/* The window title set by OSC 0/2, "" when none; owned by t. */
const char *fs_term_title(const struct fs_term *t);
/* Bells rung since fs_term_new. */
unsigned long fs_term_bells(const struct fs_term *t);
/* The mouse reports the child asked for: 0 none, 1 clicks (1000), 2 also
 * drags (1002), 3 all motion (1003). forkscope does not send them yet. */
int fs_term_mouse_mode(const struct fs_term *t);

/*
 * Damage since the last fs_term_damage_clear. When fs_term_damage_full is
 * true, redraw everything. Otherwise the screen first scrolled up by
 * fs_term_scrolled() rows (capped at the number of rows: the renderer may
 * scroll its copy by that much, or redraw all when it is the whole screen),
 * then the rows for which fs_term_row_damaged is true changed, in their
 * current positions.
 */
bool fs_term_damage_full(const struct fs_term *t);
int fs_term_scrolled(const struct fs_term *t);
bool fs_term_row_damaged(const struct fs_term *t, int r);
void fs_term_damage_clear(struct fs_term *t);

/* ---- Scrollback and absolute line numbers ---- */

/* Lines in the scrollback now (not counting the screen). */
size_t fs_term_scrollback_lines(const struct fs_term *t);
/* Lines dropped from the scrollback to keep it within its limits. */
uint64_t fs_term_scrollback_evicted(const struct fs_term *t);
/* Bytes held: screens, scrollback data and its index. */
size_t fs_term_memory(const struct fs_term *t);
/* Absolute number of the oldest kept line and of screen row 0. */
uint64_t fs_term_first_line(const struct fs_term *t);
uint64_t fs_term_screen_line(const struct fs_term *t);

/* Fills cells[0..ncols) with line `line` (scrollback or screen), padding with
 * blank cells. Returns 0, or -ENOENT when the line is not kept. */
int fs_term_line_cells(const struct fs_term *t, uint64_t line, struct fs_term_cell *cells,
                       int ncols);
/* Writes line `line` as UTF-8 without trailing blanks, NUL-terminated and cut
 * to fit size bytes (on a character boundary). Returns the full length it
 * needed (like snprintf), or -ENOENT. */
int fs_term_line_text(const struct fs_term *t, uint64_t line, char *buf, size_t size);

/* ---- Search (search.c) ---- */

struct fs_term_match {
    uint64_t line;  /* absolute line number */
    int col;        /* first screen column of the match */
    int cols;       /* columns it spans */
};

/*
 * Finds needle (UTF-8, plain substring) in the scrollback and the screen. The
 * search starts just after (line, col) when dir > 0 (towards newer lines) or
 * just before it when dir < 0; col -1 with dir > 0 includes the whole line,
 * col INT_MAX with dir < 0 likewise. It is case-insensitive for ASCII letters
 * when needle has no uppercase letter (smartcase). Returns 0 and fills *m, or
 * -ENOENT (no match, or an empty needle). It does not wrap around.
 */
int fs_term_search(const struct fs_term *t, const char *needle, uint64_t line, int col, int dir,
                   struct fs_term_match *m);

#endif
