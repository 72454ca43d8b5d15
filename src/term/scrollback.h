/*
 * A terminal's scrollback: the lines that scrolled off the top of the screen,
 * oldest first, bounded by a line count and by a byte budget. Lines are stored
 * compactly (scrollback.c says how): their UTF-8 text followed by attribute
 * runs, packed into 64 KiB chunks. Internal to src/term/, but plain enough to
 * be tested on its own.
 */
#ifndef FS_TERM_SCROLLBACK_H
#define FS_TERM_SCROLLBACK_H

#include <stddef.h>
#include <stdint.h>

#include "term/term.h"

struct fs_scrollback;

/* max_lines and max_bytes of 0 mean the defaults (term.h). */
struct fs_scrollback *fs_scrollback_new(size_t max_lines, size_t max_bytes);
void fs_scrollback_free(struct fs_scrollback *sb);

/* Appends cells[0..ncols) as the newest line, evicting the oldest lines as
 * needed. Trailing blank cells are not stored. */
void fs_scrollback_push(struct fs_scrollback *sb, const struct fs_term_cell *cells, int ncols);
/* Appends a line of printable ASCII text in the default pen: the same as
 * pushing its cells, without building them. */
void fs_scrollback_push_ascii(struct fs_scrollback *sb, const char *text, size_t len);
/* Removes the newest line and decodes it into cells[0..ncols); returns 0, or
 * -ENOENT when the scrollback is empty. */
/* Appends a line of printable ASCII text (len <= ncols) written in pen on a
 * row of ncols cells erased with pen: the same as pushing those cells. */
void fs_scrollback_push_text(struct fs_scrollback *sb, const char *text, int len, int ncols,
                             const struct fs_term_cell *pen);
int fs_scrollback_pop(struct fs_scrollback *sb, struct fs_term_cell *cells, int ncols);

size_t fs_scrollback_lines(const struct fs_scrollback *sb);
/* Lines dropped since creation to keep within the limits. */
uint64_t fs_scrollback_evicted(const struct fs_scrollback *sb);
/* Bytes allocated: chunks, index and scratch space. */
size_t fs_scrollback_memory(const struct fs_scrollback *sb);

/* Line i (0 = oldest kept): decodes it into cells[0..ncols), padding with
 * blank cells, and returns the columns the line spans (which may exceed
 * ncols), or -ENOENT. */
int fs_scrollback_cells(const struct fs_scrollback *sb, size_t i, struct fs_term_cell *cells,
                        int ncols);
/* The UTF-8 text of line i, one character per cell (blank cells as spaces,
 * no trailing blanks), not NUL-terminated; owned by sb and valid until the
 * next push. NULL when i is out of range. */
const char *fs_scrollback_text(const struct fs_scrollback *sb, size_t i, size_t *len);

/* Encodes one UTF-8 character (up to 0x1fffff) into out[0..4); returns its length. */
int fs_term_utf8_put(uint32_t ch, char *out);
/* Decodes one character from s[0..len) (as written by fs_term_utf8_put);
 * returns its length, at least 1. */
int fs_term_utf8_get(const char *s, size_t len, uint32_t *ch);

#endif
