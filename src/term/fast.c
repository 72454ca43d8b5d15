/*
 * The fast path for plain lines (doc/terminal.md, "Fast run"): once a plain
 * line at the bottom of the main screen has been seen through libvterm to
 * behave exactly as expected (probe), the plain lines that follow it skip
 * libvterm and go straight into the grid or, when they scroll out before the
 * run ends, into the scrollback as text. The last line of each run goes
 * through libvterm again, so its state ends exactly as if it had seen every
 * byte.
 *
 * A run that reaches the end of a write is held back, not ended: its lines
 * (at most a batch, copied into fp_buf) and the start of the next line that
 * the write cut (the tail) wait for the next write, which goes on with the
 * same run. So the line split by a read and the run's last line do not go
 * through libvterm at every read, and lines that scroll out within a few
 * reads never become cells. A line cut at the bottom left while no run is on
 * is held the same way, to be probed whole. What is held is completed
 * (fs_term_fast_flush) before anything else reaches libvterm (vt_feed),
 * before the guard decides on a REP, before a resize, a reset or a reader
 * (fs_term_settle): no reader ever sees the difference.
 *
 * Owns the batch and the held bytes (struct fs_term's fp_* fields).
 */
#include <config.h>

#include "term/term_int.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util/xalloc.h"

/* Bytes of one plain line, its line end included. */
#define LINE_MAX_BYTES(cols) ((size_t)(cols) + 2)

/* Lines in a full batch: as many as fit in FP_HOLD_BYTES with a tail (260
 * on a screen of 1,000 columns, FP_BATCH up to 254 columns). */
static int
batch_max(const struct fs_term *t)
{
    size_t n = FP_HOLD_BYTES / LINE_MAX_BYTES(t->cols) - 1;
    return n < 64 ? 64 : n > FP_BATCH ? FP_BATCH : (int)n;
}

/* How many of the bytes at s[0..n) are printable ASCII (0x20..0x7e). Every
 * byte of a flood passes here: sixteen at a time where SSE2 is there (as
 * signed bytes, 0x20..0x7e are those above 0x1f and below 0x7f), then eight
 * at a time: a byte below 0x20 or from 0x7f up sets the top bit of one of
 * the two words below. */
static size_t
text_span(const unsigned char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i lo = _mm_set1_epi8(0x1f), hi = _mm_set1_epi8(0x7f);
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned ok = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpgt_epi8(x, lo), _mm_cmplt_epi8(x, hi)));
        if (ok != 0xffffu)
            return i + (size_t)__builtin_ctz(~ok);
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, sizeof x);
        if (((x - 0x20 * ones) & ~x & highs) != 0 || ((x | (x + ones)) & highs) != 0)
            break;
    }
    while (i < n && s[i] >= 0x20 && s[i] <= 0x7e)
        i++;
    return i;
}

/* Measures the plain line at s: 1..cols bytes of 0x20..0x7e, then CR LF, or
 * a bare LF when lf_ends. Returns the bytes up to the end of its line feed
 * and sets *text, or 0 when there is no complete plain line at s. */
static size_t
plain_line(const struct fs_term *t, const unsigned char *s, const unsigned char *end, bool lf_ends,
           int *text)
{
    size_t lim = end - s > t->cols ? (size_t)t->cols : (size_t)(end - s);
    const unsigned char *p = s + text_span(s, lim);
    if (p == s || p == end)
        return 0;
    *text = (int)(p - s);
    if (*p == '\r' && p + 1 < end && p[1] == '\n')
        return (size_t)(p - s) + 2;
    if (*p == '\n' && lf_ends)
        return (size_t)(p - s) + 1;
    return 0;
}

/* Whether s[0..end) can still become a plain line when more bytes come:
 * nothing yet, or up to cols text bytes and perhaps the CR after them. */
static bool
partial_line(const struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    size_t n = (size_t)(end - s);
    if (n > LINE_MAX_BYTES(t->cols) - 1)
        return false;
    size_t k = text_span(s, n);
    return k == n || (k == n - 1 && k > 0 && s[k] == '\r');
}

void
fs_term_fast_probe_glyph(struct fs_term *t, const VTermGlyphInfo *info, VTermPos pos)
{
    int i = t->probe_n++;
    if (i >= t->probe_len || pos.row != t->rows - 1 || pos.col != i || info->width != 1 ||
        info->chars[0] != t->probe[i] || info->chars[1] != 0 || info->protected_cell || info->dwl ||
        info->dhl)
        t->probe_bad = true;
}

static bool
lineinfo_plain(const struct fs_term *t)
{
    for (int r = 0; r < t->rows; r++) {
        const VTermLineInfo *li = vterm_state_get_lineinfo(t->state, r);
        if (li->doublewidth || li->doubleheight)
            return false;
    }
    return true;
}

/*
 * Feeds one plain line (text bytes of its len) through libvterm and checks,
 * from the callbacks it causes and the state after it, that libvterm took it
 * as the fast path would: fp_ready says so.
 */
static void
probe(struct fs_term *t, const unsigned char *s, int text, size_t len)
{
    t->probe = s;
    t->probe_len = text;
    t->probe_n = 0;
    t->probe_scrolls = 0;
    t->probe_bad = false;
    fs_term_guard_vt_feed(t, s, len);
    t->probe = NULL;
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    bool ok = !t->probe_bad && t->probe_n == text && t->probe_scrolls == 1 &&
              pos.row == t->rows - 1 && pos.col == 0 && t->grid == &t->main && t->cols >= 2 &&
              t->rows >= 2 && lineinfo_plain(t);
    t->fp_ready = ok;
    t->fp_lnm = ok && len == (size_t)text + 1;
}

/* Writes a plain line into screen row r of the main screen. */
static void
put_line(struct fs_term *t, int r, const unsigned char *text, int len)
{
    struct fs_term_cell *row = fs_grid_row(&t->main, r);
    const struct fs_term_cell pen = t->pen;
    bool plain = fs_grid_plain(&t->main, r) == 0 && (pen.ca | pen.fg | pen.bg) == 0;
    for (int c = 0; c < len; c++)
        row[c] = (struct fs_term_cell){text[c] | pen.ca, pen.fg, pen.bg};
    fs_grid_touch(&t->main, r);
    if (plain)
        fs_grid_set_plain(&t->main, r, len);
}

/*
 * Applies the batch's first n lines as libvterm would: each is written into
 * the bottom row, where the cursor is, and its line feed scrolls the screen
 * up by one. So the rows that leave are the screen's rows, the first of them
 * holding line 0 at the bottom, then lines 1..n-1 on fresh rows, then a blank
 * row; of those only the last rows stay. Lines that leave as soon as they
 * came go straight into the scrollback.
 */
static void
apply_lines(struct fs_term *t, int n)
{
    if (n <= 0)
        return;
    const unsigned char *const *ls = t->fp_ls;
    const int *lm = t->fp_lm;
    struct fs_grid *g = &t->main;
    int rows = g->rows;
    put_line(t, rows - 1, ls[0], lm[0]);
    int leave = n < rows ? n : rows;
    for (int r = 0; r < leave; r++)
        fs_term_push_row(t, r);
    /* Line i (i >= 1) is row rows + i - 1 of the whole sequence. */
    int i = 1;
    for (; rows + i - 1 < n; i++)
        fs_scrollback_push_text(t->sb, (const char *)ls[i], lm[i], g->cols, &t->pen);
    fs_grid_rotate_up(g, leave, &t->pen);
    for (; i < n; i++)
        put_line(t, rows + i - 1 - n, ls[i], lm[i]);
    t->scrolled = t->scrolled + n < rows ? t->scrolled + n : rows;
    t->fp_lines += (uint64_t)n;
}

/* Ends the run in the batch: all its lines but the last are applied, the
 * last goes through libvterm (probe), which proves the state again. */
static void
end_run(struct fs_term *t)
{
    int n = t->fp_n;
    t->fp_n = t->fp_nheld = 0;
    t->fp_len = t->fp_tail = 0;
    if (n == 0)
        return;
    apply_lines(t, n - 1);
    const unsigned char *last = t->fp_ls[n - 1];
    int text = t->fp_lm[n - 1];
    probe(t, last, text, last[text] == '\r' ? (size_t)text + 2 : (size_t)text + 1);
}

void
fs_term_fast_flush(struct fs_term *t)
{
    size_t tail = t->fp_tail, len = t->fp_len;
    end_run(t);
    /* The tail is fed whole; what follows it goes on from there. */
    if (len > tail)
        fs_term_guard_vt_feed(t, t->fp_buf + tail, len - tail);
    /* A pane that is read while nothing floods it holds no buffer. */
    free(t->fp_buf);
    t->fp_buf = NULL;
    t->fp_cap = 0;
}

/* Makes room in fp_buf for a full batch and a tail at the screen's width
 * (only while nothing is held: the batch points into it). */
static void
hold_room(struct fs_term *t)
{
    size_t need = (size_t)(batch_max(t) + 1) * LINE_MAX_BYTES(t->cols);
    if (t->fp_cap < need) {
        free(t->fp_buf);
        t->fp_buf = fs_xmalloc(need);
        t->fp_cap = need;
    }
}

/* Holds the run back at the end of a write: the batch's lines that still
 * point into the write are copied, then the tail s[0..end). */
static void
hold(struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    if (t->fp_nheld == 0)
        hold_room(t);
    for (int i = t->fp_nheld; i < t->fp_n; i++) {
        const unsigned char *l = t->fp_ls[i];
        size_t n = (size_t)t->fp_lm[i] + (l[t->fp_lm[i]] == '\r' ? 2 : 1);
        memcpy(t->fp_buf + t->fp_len, l, n);
        t->fp_ls[i] = t->fp_buf + t->fp_len;
        t->fp_len += n;
    }
    t->fp_nheld = t->fp_n;
    t->fp_tail = t->fp_len;
    memcpy(t->fp_buf + t->fp_len, s, (size_t)(end - s));
    t->fp_len += (size_t)(end - s);
}

/* Whether the lines that follow can skip libvterm. */
static bool
fast_ok(const struct fs_term *t)
{
    return t->fp_ready && (t->cs_ascii >> t->cs_gl & 1u);
}

/*
 * Goes on with a tail held from the last write: s[0..end) may end its line.
 * Returns the first byte not taken: past the line's end when it is a plain
 * line (now in the batch, or probed when no run goes on), end when it is
 * still only the start of one (all held), or s when it cannot be one (then
 * all that was held was flushed).
 */
static const unsigned char *
resume_tail(struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    unsigned char *tail = t->fp_buf + t->fp_tail;
    size_t had = t->fp_len - t->fp_tail, room = LINE_MAX_BYTES(t->cols) - had;
    size_t m = (size_t)(end - s) < room ? (size_t)(end - s) : room;
    memcpy(tail + had, s, m);
    int text;
    bool fast = fast_ok(t);
    size_t len = plain_line(t, tail, tail + had + m, !fast || t->fp_lnm, &text);
    if (len > 0 && !fast) {
        /* A line at the bottom left, to be verified. */
        t->fp_len = t->fp_tail = 0;
        probe(t, tail, text, len);
        return s + (len - had);
    }
    if (len > 0) {
        t->fp_ls[t->fp_n] = tail;
        t->fp_lm[t->fp_n++] = text;
        t->fp_nheld = t->fp_n;
        t->fp_len = t->fp_tail = t->fp_tail + len;
        return s + (len - had);
    }
    if (m == (size_t)(end - s) && partial_line(t, tail, tail + had + m)) {
        t->fp_len += m;
        return end;
    }
    fs_term_fast_flush(t);
    return s;
}

/* Takes the plain lines at p past libvterm, a batch at a time. A run that
 * reaches the end of the write (perhaps cut inside a line) is held back;
 * otherwise its last line goes through libvterm. Returns the first byte
 * after the run. */
static const unsigned char *
fast_run(struct fs_term *t, const unsigned char *p, const unsigned char *end)
{
    int max = batch_max(t);
    for (;;) {
        size_t len;
        while (t->fp_n < max && (len = plain_line(t, p, end, t->fp_lnm, &t->fp_lm[t->fp_n])) > 0) {
            t->fp_ls[t->fp_n++] = p;
            p += len;
        }
        if (t->fp_n < max)
            break;
        apply_lines(t, t->fp_n);
        t->fp_n = t->fp_nheld = 0;
        t->fp_len = t->fp_tail = 0;
    }
    if (partial_line(t, p, end)) {
        hold(t, p, end);
        return end;
    }
    end_run(t);
    return p;
}

static bool
at_bottom_left(const struct fs_term *t)
{
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    return pos.row == t->rows - 1 && pos.col == 0;
}

/*
 * Feeds a stretch of output that the guard passes on unchanged. Plain lines
 * that start at the bottom left of the main screen are verified through
 * libvterm one at a time (probe); once one is, those that follow it skip
 * libvterm (fast_run), as long as its charset is surely ASCII.
 */
void
fs_term_fast_feed(struct fs_term *t, const unsigned char *s, size_t n)
{
    if (!t->fp_enabled || n == 0) {
        fs_term_guard_vt_feed(t, s, n);
        return;
    }
    const unsigned char *p = s, *end = s + n;
    if (t->fp_len > t->fp_tail)
        p = resume_tail(t, p, end);
    while (p < end) {
        if (fast_ok(t)) {
            p = fast_run(t, p, end);
            if (p == end)
                break;
        }
        int text;
        size_t len = plain_line(t, p, end, true, &text);
        bool there = t->grid == &t->main && at_bottom_left(t);
        if (len > 0 && there) {
            probe(t, p, text, len);
            p += len;
            continue;
        }
        if (there && partial_line(t, p, end)) {
            hold(t, p, end); /* the next write may end it: it is probed then */
            break;
        }
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        const unsigned char *q = nl != NULL ? nl + 1 : end;
        fs_term_guard_vt_feed(t, p, (size_t)(q - p));
        p = q;
    }
}
