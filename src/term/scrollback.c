/*
 * The scrollback store. Each line is one record:
 *
 *     varint T, then T bytes of UTF-8 text (one character per cell, a wide
 *     character once, erased cells as spaces, trailing blanks cut), then
 *     attribute runs to the end of the record, each:
 *     varint gap (columns since the end of the previous run), varint width
 *     (columns), varint attrs, a tag byte (fg type | bg type << 2) and the
 *     colour values (1 byte for a palette index, 3 for RGB).
 *
 * A plain line is therefore its text plus one or two bytes. Runs cover only
 * cells that are not in the default pen; a run with FS_TERM_ATTR_WIDE holds
 * two-column characters. Records are appended to 64 KiB chunks (smaller when
 * the byte budget is small); an index ring gives each line's chunk, offset and
 * length. Evicting the oldest line frees its chunk once the chunk holds no
 * more live lines, so memory follows the content and the budget bounds it.
 */
#include <config.h>

#include "term/scrollback.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "term/grid.h"
#include "util/xalloc.h"

#define CHUNK_MAX (64u << 10)
#define CHUNK_MIN 256u
#define RUN_MASK (~(unsigned)(FS_TERM_ATTR_PROTECTED | FS_TERM_ATTR_WIDE_CONT) & 0x7ffu)

struct sb_entry {
    uint32_t chunk;  /* chunk id */
    uint32_t off;
    uint32_t len;
};

struct sb_chunk {
    unsigned char *data;
    uint32_t used, cap;
    uint32_t live;   /* lines stored in it */
};

struct fs_scrollback {
    size_t max_lines, max_bytes, chunk_size;
    struct sb_entry *lines;   /* ring of lcap entries, lcount from lhead */
    size_t lcap, lhead, lcount;
    struct sb_chunk *chunks;  /* ring of ccap, ccount from chead */
    size_t ccap, chead, ccount;
    uint32_t first_chunk;     /* id of chunks[chead] */
    size_t data_bytes;        /* sum of chunk capacities */
    uint64_t evicted;
    unsigned char *scratch;   /* encoding buffer */
    size_t scratch_cap;
    struct fs_term_cell *cells;  /* a normalised row, allocated when needed */
    int cells_cap;
};

struct fs_scrollback *
fs_scrollback_new(size_t max_lines, size_t max_bytes)
{
    struct fs_scrollback *sb = fs_xcalloc(1, sizeof(*sb));
    sb->max_lines = max_lines ? max_lines : FS_TERM_DEFAULT_SB_LINES;
    sb->max_bytes = max_bytes ? max_bytes : FS_TERM_DEFAULT_SB_BYTES;
    sb->chunk_size = sb->max_bytes / 8;
    if (sb->chunk_size > CHUNK_MAX)
        sb->chunk_size = CHUNK_MAX;
    if (sb->chunk_size < CHUNK_MIN)
        sb->chunk_size = CHUNK_MIN;
    return sb;
}

void
fs_scrollback_free(struct fs_scrollback *sb)
{
    if (sb == NULL)
        return;
    for (size_t i = 0; i < sb->ccount; i++)
        free(sb->chunks[(sb->chead + i) % sb->ccap].data);
    free(sb->chunks);
    free(sb->lines);
    free(sb->scratch);
    free(sb->cells);
    free(sb);
}

/* ---- UTF-8 and varints ---- */

int
fs_term_utf8_put(uint32_t ch, char *out)
{
    if (ch < 0x80) {
        out[0] = (char)ch;
        return 1;
    }
    if (ch < 0x800) {
        out[0] = (char)(0xc0 | (ch >> 6));
        out[1] = (char)(0x80 | (ch & 0x3f));
        return 2;
    }
    if (ch < 0x10000) {
        out[0] = (char)(0xe0 | (ch >> 12));
        out[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
        out[2] = (char)(0x80 | (ch & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | ((ch >> 18) & 0x07));
    out[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
    out[3] = (char)(0x80 | (ch & 0x3f));
    return 4;
}

int
fs_term_utf8_get(const char *s, size_t len, uint32_t *ch)
{
    const unsigned char *u = (const unsigned char *)s;
    int n = u[0] < 0x80 ? 1 : u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;
    if ((size_t)n > len || (u[0] >= 0x80 && u[0] < 0xc0)) {
        *ch = u[0];
        return 1;
    }
    uint32_t v = n == 1 ? u[0] : n == 2 ? u[0] & 0x1fu : n == 3 ? u[0] & 0x0fu : u[0] & 0x07u;
    for (int i = 1; i < n; i++)
        v = (v << 6) | (u[i] & 0x3fu);
    *ch = v;
    return n;
}

static unsigned char *
put_varint(unsigned char *p, uint32_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

/* Reads a varint from [*p, end); 0 past the end (a broken record). */
static uint32_t
get_varint(const unsigned char **p, const unsigned char *end)
{
    uint32_t v = 0;
    for (int shift = 0; *p < end && shift < 35; shift += 7) {
        unsigned char b = *(*p)++;
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    return v;
}

static unsigned char *
put_color(unsigned char *p, uint32_t c)
{
    if (FS_TERM_COLOR_TYPE(c) == FS_TERM_COLOR_PALETTE) {
        *p++ = (unsigned char)c;
    } else if (FS_TERM_COLOR_TYPE(c) == FS_TERM_COLOR_RGB) {
        *p++ = (unsigned char)(c >> 16);
        *p++ = (unsigned char)(c >> 8);
        *p++ = (unsigned char)c;
    }
    return p;
}

static uint32_t
get_color(const unsigned char **p, const unsigned char *end, unsigned type)
{
    uint32_t c = 0;
    int n = type == 1 ? 1 : type == 2 ? 3 : 0;
    if (end - *p < n)
        return 0;
    for (int i = 0; i < n; i++)
        c = (c << 8) | *(*p)++;
    return n ? (type << 24) | c : 0;
}

/* ---- Line records ---- */

/* A blank cell is stored as nothing (or a space between other cells). */
static inline bool
cell_blank(const struct fs_term_cell *c)
{
    uint32_t ch = fs_term_cell_ch(c);
    return (ch == 0 || ch == ' ') && c->bg == 0 &&
           (c->ca & ~(FS_TERM_CH_MASK | FS_TERM_CA(FS_TERM_ATTR_PROTECTED))) == 0;
}

struct run_key {
    uint32_t attrs, fg, bg;
};

static inline bool
key_eq(struct run_key a, struct run_key b)
{
    return a.attrs == b.attrs && a.fg == b.fg && a.bg == b.bg;
}

static inline bool
key_default(struct run_key k)
{
    return (k.attrs | k.fg | k.bg) == 0;
}

static void
scratch_reserve(struct fs_scrollback *sb, size_t n)
{
    if (n > sb->scratch_cap) {
        sb->scratch_cap = n + 64;
        sb->scratch = fs_xrealloc(sb->scratch, sb->scratch_cap);
    }
}

static unsigned char *
put_run(unsigned char *p, int gap, int width, struct run_key k)
{
    p = put_varint(p, (uint32_t)gap);
    p = put_varint(p, (uint32_t)width);
    p = put_varint(p, k.attrs);
    *p++ = (unsigned char)((k.fg >> 24) | ((k.bg >> 24) << 2));
    p = put_color(p, k.fg);
    return put_color(p, k.bg);
}

/* Writes the attribute runs of cells[0..end) at p; returns the new end. A
 * run is a stretch of cells with the same key: attributes and colours, all
 * zero for blank cells whatever their foreground; the right half of a wide
 * character takes the key of its left half. */
static unsigned char *
encode_runs(unsigned char *p, const struct fs_term_cell *cells, int end)
{
    struct run_key cur = {0, 0, 0};
    int start = 0, last = 0;
    for (int c = 0; c <= end; c++) {
        struct run_key k = cur;
        if (c == end) {
            k.attrs = ~0u;  /* differs from any run, to close the last one */
        } else if (!(fs_term_cell_attrs(&cells[c]) & FS_TERM_ATTR_WIDE_CONT) || c == 0) {
            const struct fs_term_cell *cell = &cells[c];
            if (cell_blank(cell))
                k = (struct run_key){0, 0, 0};
            else
                k = (struct run_key){fs_term_cell_attrs(cell) & RUN_MASK, cell->fg, cell->bg};
        }
        if (key_eq(k, cur))
            continue;
        if (!key_default(cur)) {
            p = put_run(p, start - last, c - start, cur);
            last = c;
        }
        start = c;
        cur = k;
    }
    return p;
}

/* Encodes a line of normalised cells into sb->scratch; returns the record
 * length, or 0 when a cell is part of a wide character and the caller did not
 * say (normalised) that the halves were checked. */
static size_t
encode_line(struct fs_scrollback *sb, const struct fs_term_cell *cells, int ncols,
            bool normalised)
{
    int end = ncols;
    while (end > 0 && cell_blank(&cells[end - 1]))
        end--;
    /* 4 bytes of text and at most 17 of run per cell, 3 of header. */
    scratch_reserve(sb, (size_t)end * 21 + 8);
    unsigned char *text = sb->scratch + 3, *p = text;
    /* The common case, ASCII in the default pen, in two loops without
     * branches that the compiler vectorises. */
    uint32_t other = 0;
    for (int c = 0; c < end; c++)
        other |= (cells[c].ca & ~0x7fu) | cells[c].fg | cells[c].bg;
    bool plain = other == 0;
    if (plain) {
        for (int c = 0; c < end; c++)
            p[c] = cells[c].ca ? (unsigned char)cells[c].ca : ' ';
        p += end;
    }
    for (int c = plain ? end : 0; c < end; c++) {
        const struct fs_term_cell *cell = &cells[c];
        /* ca below 0x80: an ASCII character and no attributes. */
        if (cell->ca < 0x80 && cell->bg == 0 && cell->fg == 0) {
            *p++ = cell->ca ? (unsigned char)cell->ca : ' ';
            continue;
        }
        plain = false;
        unsigned attrs = fs_term_cell_attrs(cell);
        if ((attrs & (FS_TERM_ATTR_WIDE | FS_TERM_ATTR_WIDE_CONT)) && !normalised)
            return 0;
        if (attrs & FS_TERM_ATTR_WIDE_CONT)
            continue;
        uint32_t ch = fs_term_cell_ch(cell);
        if (ch < 0x80)
            *p++ = ch ? (unsigned char)ch : ' ';
        else
            p += fs_term_utf8_put(ch, (char *)p);
    }
    size_t tlen = (size_t)(p - text);
    unsigned char head[3];
    size_t hlen = (size_t)(put_varint(head, (uint32_t)tlen) - head);
    unsigned char *rec = text - hlen;
    memcpy(rec, head, hlen);
    if (!plain)
        p = encode_runs(p, cells, end);
    if (rec != sb->scratch) {
        memmove(sb->scratch, rec, (size_t)(p - rec));
        p -= rec - sb->scratch;
    }
    return (size_t)(p - sb->scratch);
}

struct run_reader {
    const unsigned char *p, *end;
    int start, stop;        /* columns of the current run */
    struct run_key key;
};

static void
run_next(struct run_reader *rd)
{
    if (rd->p >= rd->end) {
        rd->start = rd->stop = 1 << 30;
        return;
    }
    rd->start = rd->stop + (int)get_varint(&rd->p, rd->end);
    rd->stop = rd->start + (int)get_varint(&rd->p, rd->end);
    rd->key.attrs = get_varint(&rd->p, rd->end) & RUN_MASK;
    unsigned tag = rd->p < rd->end ? *rd->p++ : 0;
    rd->key.fg = get_color(&rd->p, rd->end, tag & 3);
    rd->key.bg = get_color(&rd->p, rd->end, (tag >> 2) & 3);
}

/* Decodes a record into cells[0..ncols); returns the columns it spans. */
static int
decode_line(const unsigned char *rec, size_t len, struct fs_term_cell *cells, int ncols)
{
    const unsigned char *p = rec, *end = rec + len;
    size_t tlen = get_varint(&p, end);
    if (tlen > (size_t)(end - p))
        tlen = (size_t)(end - p);
    const char *text = (const char *)p;
    struct run_reader rd = {.p = p + tlen, .end = end, .stop = 0};
    run_next(&rd);
    memset(cells, 0, (size_t)ncols * sizeof(*cells));
    int col = 0;
    for (size_t i = 0; i < tlen;) {
        uint32_t ch;
        i += (size_t)fs_term_utf8_get(text + i, tlen - i, &ch);
        while (col >= rd.stop)
            run_next(&rd);
        struct run_key k = col >= rd.start ? rd.key : (struct run_key){0, 0, 0};
        int width = (k.attrs & FS_TERM_ATTR_WIDE) ? 2 : 1;
        if (col + width <= ncols) {
            cells[col] = (struct fs_term_cell){
                .ca = (ch & FS_TERM_CH_MASK) | FS_TERM_CA(k.attrs), .fg = k.fg, .bg = k.bg};
            if (width == 2)
                cells[col + 1] = (struct fs_term_cell){
                    .ca = FS_TERM_CA((k.attrs & ~FS_TERM_ATTR_WIDE) | FS_TERM_ATTR_WIDE_CONT),
                    .fg = k.fg, .bg = k.bg};
        } else if (col < ncols) {
            cells[col] = (struct fs_term_cell){.fg = k.fg, .bg = k.bg};
        }
        col += width;
    }
    return col;
}

/* ---- The store ---- */

/* Slot head + i of a ring of cap slots, for head < cap and i <= cap: a
 * compare instead of a division, as this runs for every line of a flood
 * (doc/benchmarks.md). */
static inline size_t
ring_slot(size_t head, size_t i, size_t cap)
{
    size_t k = head + i;
    return k >= cap ? k - cap : k;
}

static inline struct sb_entry *
entry_at(const struct fs_scrollback *sb, size_t i)
{
    return &sb->lines[ring_slot(sb->lhead, i, sb->lcap)];
}

static inline struct sb_chunk *
chunk_of(const struct fs_scrollback *sb, uint32_t id)
{
    return &sb->chunks[ring_slot(sb->chead, (uint32_t)(id - sb->first_chunk), sb->ccap)];
}

static void
evict_oldest(struct fs_scrollback *sb)
{
    struct sb_entry *e = entry_at(sb, 0);
    chunk_of(sb, e->chunk)->live--;
    sb->lhead = ring_slot(sb->lhead, 1, sb->lcap);
    sb->lcount--;
    sb->evicted++;
    /* Lines leave in order, so chunks empty in order too. */
    while (sb->ccount > 0 && sb->chunks[sb->chead].live == 0) {
        struct sb_chunk *c = &sb->chunks[sb->chead];
        sb->data_bytes -= c->cap;
        free(c->data);
        c->data = NULL;
        sb->chead = ring_slot(sb->chead, 1, sb->ccap);
        sb->ccount--;
        sb->first_chunk++;
    }
}

/* Unrolls a ring of count elements of size bytes into a new one of newcap. */
static void *
ring_grow(void *ring, size_t cap, size_t head, size_t count, size_t newcap, size_t size)
{
    unsigned char *n = fs_xreallocarray(NULL, newcap, size);
    for (size_t i = 0; i < count; i++)
        memcpy(n + i * size, (unsigned char *)ring + ((head + i) % cap) * size, size);
    free(ring);
    return n;
}

static struct sb_chunk *
chunk_add(struct fs_scrollback *sb, size_t size)
{
    if (sb->ccount == sb->ccap) {
        size_t cap = sb->ccap ? sb->ccap * 2 : 8;
        sb->chunks = ring_grow(sb->chunks, sb->ccap, sb->chead, sb->ccount, cap,
                               sizeof(*sb->chunks));
        sb->ccap = cap;
        sb->chead = 0;
    }
    struct sb_chunk *c = &sb->chunks[ring_slot(sb->chead, sb->ccount, sb->ccap)];
    c->data = fs_xmalloc(size);
    c->cap = (uint32_t)size;
    c->used = c->live = 0;
    sb->ccount++;
    sb->data_bytes += size;
    return c;
}

/* Makes room for a record of n bytes as the newest line and returns where to
 * write it; NULL when the line alone exceeds the byte budget (it counts as
 * evicted). */
static unsigned char *
reserve(struct fs_scrollback *sb, size_t n)
{
    if (n > sb->max_bytes) {
        sb->evicted++;
        return NULL;
    }
    if (sb->lcount >= sb->max_lines)
        evict_oldest(sb);
    if (sb->lcount == sb->lcap) {
        size_t cap = sb->lcap ? sb->lcap * 2 : 64;
        if (cap > sb->max_lines)
            cap = sb->max_lines;
        sb->lines = ring_grow(sb->lines, sb->lcap, sb->lhead, sb->lcount, cap,
                              sizeof(*sb->lines));
        sb->lcap = cap;
        sb->lhead = 0;
    }
    struct sb_chunk *c = sb->ccount ? chunk_of(sb, sb->first_chunk + (uint32_t)sb->ccount - 1)
                                    : NULL;
    if (c == NULL || c->cap - c->used < n) {
        size_t size = n > sb->chunk_size ? n : sb->chunk_size;
        while (sb->lcount > 0 && sb->data_bytes + size > sb->max_bytes)
            evict_oldest(sb);
        c = chunk_add(sb, size);
    }
    struct sb_entry *e = entry_at(sb, sb->lcount);
    e->chunk = sb->first_chunk + (uint32_t)sb->ccount - 1;
    e->off = c->used;
    e->len = (uint32_t)n;
    c->used += (uint32_t)n;
    c->live++;
    sb->lcount++;
    return c->data + e->off;
}

void
fs_scrollback_push(struct fs_scrollback *sb, const struct fs_term_cell *cells, int ncols)
{
    size_t n = encode_line(sb, cells, ncols, false);
    if (n == 0) {
        /* Resolve broken wide characters (grid.c) first. */
        if (ncols > sb->cells_cap) {
            sb->cells = fs_xreallocarray(sb->cells, (size_t)ncols, sizeof(*sb->cells));
            sb->cells_cap = ncols;
        }
        fs_grid_normalise(cells, ncols, sb->cells);
        n = encode_line(sb, sb->cells, ncols, true);
    }
    unsigned char *dst = reserve(sb, n);
    if (dst != NULL)
        memcpy(dst, sb->scratch, n);
}

void
fs_scrollback_push_ascii(struct fs_scrollback *sb, const char *text, size_t len)
{
    while (len > 0 && text[len - 1] == ' ')
        len--;
    unsigned char head[3];
    size_t hlen = (size_t)(put_varint(head, (uint32_t)len) - head);
    unsigned char *dst = reserve(sb, hlen + len);
    if (dst != NULL) {
        memcpy(dst, head, hlen);
        memcpy(dst + hlen, text, len);
    }
}

void
fs_scrollback_push_text(struct fs_scrollback *sb, const char *text, int len, int ncols,
                        const struct fs_term_cell *pen)
{
    if ((pen->ca | pen->fg | pen->bg) == 0) {
        fs_scrollback_push_ascii(sb, text, (size_t)len);
        return;
    }
    if (ncols > sb->cells_cap) {
        sb->cells = fs_xreallocarray(sb->cells, (size_t)ncols, sizeof(*sb->cells));
        sb->cells_cap = ncols;
    }
    struct fs_term_cell *cells = sb->cells;
    for (int c = 0; c < len; c++)
        cells[c] = (struct fs_term_cell){(unsigned char)text[c] | pen->ca, pen->fg, pen->bg};
    for (int c = len; c < ncols; c++)
        cells[c] = (struct fs_term_cell){0, pen->fg, pen->bg};
    size_t n = encode_line(sb, cells, ncols, true);
    unsigned char *dst = reserve(sb, n);
    if (dst != NULL)
        memcpy(dst, sb->scratch, n);
}

int
fs_scrollback_pop(struct fs_scrollback *sb, struct fs_term_cell *cells, int ncols)
{
    if (sb->lcount == 0)
        return -ENOENT;
    struct sb_entry *e = entry_at(sb, sb->lcount - 1);
    struct sb_chunk *c = chunk_of(sb, e->chunk);
    decode_line(c->data + e->off, e->len, cells, ncols);
    c->used = e->off;
    c->live--;
    sb->lcount--;
    return 0;
}

size_t
fs_scrollback_lines(const struct fs_scrollback *sb)
{
    return sb->lcount;
}

uint64_t
fs_scrollback_evicted(const struct fs_scrollback *sb)
{
    return sb->evicted;
}

size_t
fs_scrollback_memory(const struct fs_scrollback *sb)
{
    return sizeof(*sb) + sb->data_bytes + sb->lcap * sizeof(*sb->lines) +
           sb->ccap * sizeof(*sb->chunks) + sb->scratch_cap +
           (size_t)sb->cells_cap * sizeof(*sb->cells);
}

int
fs_scrollback_cells(const struct fs_scrollback *sb, size_t i, struct fs_term_cell *cells,
                    int ncols)
{
    if (i >= sb->lcount)
        return -ENOENT;
    const struct sb_entry *e = entry_at(sb, i);
    return decode_line(chunk_of(sb, e->chunk)->data + e->off, e->len, cells, ncols);
}

const char *
fs_scrollback_text(const struct fs_scrollback *sb, size_t i, size_t *len)
{
    if (i >= sb->lcount)
        return NULL;
    const struct sb_entry *e = entry_at(sb, i);
    const unsigned char *rec = chunk_of(sb, e->chunk)->data + e->off;
    const unsigned char *p = rec, *end = rec + e->len;
    size_t tlen = get_varint(&p, end);
    *len = tlen <= (size_t)(end - p) ? tlen : (size_t)(end - p);
    return (const char *)p;
}
