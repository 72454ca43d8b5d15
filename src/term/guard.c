/*
 * The guard between a child's output and libvterm 0.1.4, which has bugs that
 * output alone can trigger (found by fuzzing; tests/check_term.c "guard"):
 *
 * - REP (CSI b) repeats the last character printed. When that character had
 *   no width, or none was printed yet, libvterm loops forever. Such a REP is
 *   dropped, as later libvterm versions do (the controls inside it still run).
 * - A C1 control encoded in UTF-8 (C2 80..C2 9F) is printed with width -1:
 *   the cursor moves left past column 0, where HTS then writes before the
 *   tab-stop array. Those two bytes are dropped.
 * - When the screen loses rows, a scroll region can end up with its top below
 *   its bottom, and the next line feed memmoves a negative size. The region
 *   is reset then, as tmux does on any resize (fs_term_guard_resized).
 *
 * It looks at bytes only, never interpreting output: it finds ESC [ params b
 * (REP), ESC # 8 (DECALN, whose E's are not "printed characters" for REP) and
 * C2 80..9F, holding back an unfinished one at the end of a write. Whether the
 * last character had a width is tracked from putglyph (fs_term_guard_glyph).
 *
 * It also owns the fast path for plain lines (doc/terminal.md): once a plain
 * line at the bottom of the screen has been seen through libvterm to behave
 * exactly as expected (probe), the plain lines that follow it skip libvterm and
 * go straight into the grid or, when they scroll out within the same write,
 * the scrollback. The last line of each run goes through libvterm again, so
 * its state ends exactly as if it had seen every byte.
 */
#include "config.h"

#include "term/term_int.h"

#include <stdio.h>
#include <string.h>

enum match { MATCH_NO, MATCH_YES, MATCH_MORE };
enum { SEQ_REP, SEQ_DECALN };

/* ---- Character sets, as far as the bytes fed to libvterm tell ---- */

/*
 * libvterm 0.1.4's parser runs SO and SI in every state, and an ESC starts an
 * escape sequence in every state (inside a string too, unless ST follows).
 * So following ESC, its intermediates and its final byte, and SO and SI,
 * gives the charsets exactly; when unsure a set counts as not ASCII.
 */
static void
charset_reset(struct fs_term *t)
{
    t->cs_gl = 0;
    t->cs_ascii = 1;  /* G0; the others count as unknown */
    t->cs_esc = false;
}

static void
charset_final(struct fs_term *t, unsigned char c)
{
    if (t->cs_ninter == 0) {
        if (c == 'n' || c == 'o')  /* LS2, LS3 */
            t->cs_gl = c == 'n' ? 2 : 3;
        else if (c == 'c')         /* RIS */
            charset_reset(t);
        return;
    }
    if (t->cs_ninter > 1) {
        if (t->cs_mixed)
            t->cs_ascii = 0;
        return;
    }
    unsigned char i = t->cs_inter;
    if (i >= '(' && i <= '+') {
        unsigned bit = 1u << (i - '(');
        t->cs_ascii = c == 'B' ? t->cs_ascii | bit : t->cs_ascii & ~bit;
    } else if (i >= '-' && i <= '/') {
        t->cs_ascii &= ~(1u << (i - ','));  /* a 96-character set */
    }
}

static void
charset_scan(struct fs_term *t, const unsigned char *s, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        unsigned char c = s[k];
        if (c >= 0x20 && !t->cs_esc)
            continue;
        if (c == 0x0e || c == 0x0f) {        /* SO, SI */
            t->cs_gl = c == 0x0e;
        } else if (c == 0x1b) {
            t->cs_esc = true;
            t->cs_ninter = 0;
            t->cs_mixed = false;
        } else if (!t->cs_esc) {
            continue;
        } else if (c == 0x18 || c == 0x1a) { /* CAN, SUB */
            t->cs_esc = false;
        } else if (c < 0x20 || c >= 0x7f) {  /* run or ignored inside ESC */
            continue;
        } else if (c < 0x30) {
            if (t->cs_ninter++ == 0)
                t->cs_inter = c;
            if (strchr("()*+-./", c) != NULL)
                t->cs_mixed = true;
        } else {
            t->cs_esc = false;
            charset_final(t, c);
        }
    }
}

static void
vt_write(struct fs_term *t, const unsigned char *s, size_t n)
{
    while (n > 0) {
        size_t k = vterm_input_write(t->vt, (const char *)s, n);
        if (k == 0)
            break;
        s += k;
        n -= k;
    }
}

/*
 * libvterm 0.1.4 restores a saved cursor (DECRC, ESC 8) without clamping it to
 * the screen: saved on row 9, restored after the screen shrank to 2 rows, it
 * is then below the screen and libvterm indexes its rows with it. So input is
 * fed up to each ESC 8 (an ESC always starts an escape in libvterm, inside a
 * string too), and the cursor is put back on the screen right after it.
 */
static void
clamp_cursor(struct fs_term *t)
{
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    if (pos.row < t->rows && pos.col < t->cols)
        return;
    char seq[32];
    int row = pos.row < t->rows ? pos.row : t->rows - 1;
    int col = pos.col < t->cols ? pos.col : t->cols - 1;
    int n = snprintf(seq, sizeof seq, "\033[%d;%dH", row + 1, col + 1);
    vt_write(t, (const unsigned char *)seq, (size_t)n);
}

static void
vt_feed(struct fs_term *t, const unsigned char *s, size_t n)
{
    if (n == 0)
        return;
    t->fp_ready = false;
    charset_scan(t, s, n);
    while (n > 0) {
        /* The end of the next DECRC, if there is one in this span. */
        size_t cut = n;
        if (t->esc_tail && s[0] == '8') {
            cut = 1;
        } else {
            for (size_t i = 0; i + 1 < n; i++) {
                if (s[i] == 0x1b && s[i + 1] == '8') {
                    cut = i + 2;
                    break;
                }
            }
        }
        vt_write(t, s, cut);
        t->esc_tail = s[cut - 1] == 0x1b;
        if (cut < n || s[cut - 1] == '8')
            clamp_cursor(t);
        s += cut;
        n -= cut;
    }
}

/* ---- The fast path for plain lines (doc/terminal.md) ---- */

/* Lines handled per batch of a fast run (a bound on the stack it uses). */
#define FP_BATCH 256

void
fs_term_guard_forget(struct fs_term *t, bool hard)
{
    t->fp_ready = false;
    t->probe = NULL;
    if (hard)
        charset_reset(t);
}

/* Measures the plain line at s: 1..cols bytes of 0x20..0x7e, then CR LF, or
 * a bare LF when lf_ends. Returns the bytes up to the end of its line feed
 * and sets *text, or 0 when there is no complete plain line at s. */
static size_t
plain_line(const struct fs_term *t, const unsigned char *s, const unsigned char *end,
           bool lf_ends, int *text)
{
    const unsigned char *lim = end - s > t->cols ? s + t->cols : end, *p = s;
    while (p < lim && *p >= 0x20 && *p <= 0x7e)
        p++;
    if (p == s || p == end)
        return 0;
    *text = (int)(p - s);
    if (*p == '\r' && p + 1 < end && p[1] == '\n')
        return (size_t)(p - s) + 2;
    if (*p == '\n' && lf_ends)
        return (size_t)(p - s) + 1;
    return 0;
}

void
fs_term_guard_probe_glyph(struct fs_term *t, const VTermGlyphInfo *info, VTermPos pos)
{
    int i = t->probe_n++;
    if (i >= t->probe_len || pos.row != t->rows - 1 || pos.col != i || info->width != 1 ||
        info->chars[0] != t->probe[i] || info->chars[1] != 0 || info->protected_cell ||
        info->dwl || info->dhl)
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
    vt_feed(t, s, len);
    t->probe = NULL;
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    bool ok = !t->probe_bad && t->probe_n == text && t->probe_scrolls == 1 &&
              pos.row == t->rows - 1 && pos.col == 0 && t->grid == &t->main && t->cols >= 2 &&
              t->rows >= 2 &&
              lineinfo_plain(t);
    t->fp_ready = ok;
    t->fp_lnm = ok && len == (size_t)text + 1;
}

/* Writes a plain line into screen row r of the main screen. */
static void
put_line(struct fs_term *t, int r, const unsigned char *text, int len)
{
    struct fs_term_cell *row = fs_grid_row(&t->main, r);
    const struct fs_term_cell pen = t->pen;
    for (int c = 0; c < len; c++)
        row[c] = (struct fs_term_cell){text[c] | pen.ca, pen.fg, pen.bg};
    fs_grid_touch(&t->main, r);
}

/*
 * Applies n plain lines as libvterm would: each is written into the bottom
 * row, where the cursor is, and its line feed scrolls the screen up by one.
 * So the rows that leave are the screen's rows, the first of them holding
 * line 0 at the bottom, then lines 1..n-1 on fresh rows, then a blank row;
 * of those only the last rows stay. Lines that leave as soon as they came go
 * straight into the scrollback.
 */
static void
apply_lines(struct fs_term *t, const unsigned char *const *ls, const int *lm, int n)
{
    struct fs_grid *g = &t->main;
    int rows = g->rows;
    put_line(t, rows - 1, ls[0], lm[0]);
    int leave = n < rows ? n : rows;
    for (int r = 0; r < leave; r++)
        fs_scrollback_push(t->sb, fs_grid_row(g, r), g->cols);
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

/* Takes the plain lines at p past libvterm, all but the last of the run,
 * which is left for probe(). Returns where the run's last line starts. */
static const unsigned char *
fast_run(struct fs_term *t, const unsigned char *p, const unsigned char *end)
{
    const unsigned char *ls[FP_BATCH];
    int lm[FP_BATCH];
    for (;;) {
        int n = 0;
        const unsigned char *q = p;
        size_t len;
        while (n < FP_BATCH && (len = plain_line(t, q, end, t->fp_lnm, &lm[n])) > 0) {
            ls[n++] = q;
            q += len;
        }
        if (n < FP_BATCH) {
            /* The run ends: its last line goes through libvterm. */
            if (n > 1)
                apply_lines(t, ls, lm, n - 1);
            return n > 0 ? ls[n - 1] : p;
        }
        apply_lines(t, ls, lm, n);
        p = q;
    }
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
static void
feed_text(struct fs_term *t, const unsigned char *s, size_t n)
{
    if (!t->fp_enabled || n == 0) {
        vt_feed(t, s, n);
        return;
    }
    const unsigned char *p = s, *end = s + n;
    while (p < end) {
        if (t->fp_ready && (t->cs_ascii >> t->cs_gl & 1u))
            p = fast_run(t, p, end);
        int text;
        size_t len = plain_line(t, p, end, true, &text);
        if (len > 0 && t->grid == &t->main && at_bottom_left(t)) {
            probe(t, p, text, len);
            p += len;
            continue;
        }
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        const unsigned char *q = nl != NULL ? nl + 1 : end;
        vt_feed(t, p, (size_t)(q - p));
        p = q;
    }
}

/* C0 controls that libvterm runs in the middle of an escape sequence (and
 * DEL, which it ignores there). */
static inline bool
inner_control(unsigned char c)
{
    return (c < 0x20 && c != 0x1b && c != 0x18 && c != 0x1a) || c == 0x7f;
}

static inline bool
param_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || c == ':' || c == ';';
}

/* Matches REP or DECALN at s (s[0] is ESC): MATCH_YES with its length and
 * kind, MATCH_NO, or MATCH_MORE when s ends before it is decided. */
static enum match
match_seq(const unsigned char *s, size_t n, size_t *len, int *kind)
{
    size_t i = 1;
    while (i < n && inner_control(s[i]))
        i++;
    if (i == n)
        return MATCH_MORE;
    if (s[i] == '#') {
        for (i++; i < n && inner_control(s[i]); i++)
            continue;
        if (i == n)
            return MATCH_MORE;
        *kind = SEQ_DECALN;
        *len = i + 1;
        return s[i] == '8' ? MATCH_YES : MATCH_NO;
    }
    if (s[i] != '[')
        return MATCH_NO;
    for (i++; i < n; i++) {
        if (param_byte(s[i]) || inner_control(s[i]))
            continue;
        *kind = SEQ_REP;
        *len = i + 1;
        return s[i] == 'b' ? MATCH_YES : MATCH_NO;
    }
    return MATCH_MORE;
}

/* Runs only the controls inside a sequence that is dropped. */
static void
feed_controls(struct fs_term *t, const unsigned char *s, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (inner_control(s[i]) && s[i] != 0x7f)
            vt_feed(t, s + i, 1);
    }
}

static void
feed_seq(struct fs_term *t, const unsigned char *s, size_t n, int kind)
{
    if (kind == SEQ_DECALN) {
        bool hazard = t->rep_hazard;
        vt_feed(t, s, n);
        t->rep_hazard = hazard;
    } else if (!t->rep_hazard) {
        vt_feed(t, s, n);
    } else {
        feed_controls(t, s, n);
    }
}

/* True when held bytes are the start of a CSI (ESC, controls, '['). */
static bool
held_is_csi(const struct fs_term *t)
{
    for (size_t i = 1; i < t->nheld; i++) {
        if (!inner_control(t->held[i]))
            return t->held[i] == '[';
    }
    return false;
}

/* The held sequence outgrew the buffer while still undecided. A REP that
 * could hang is skipped to its end; anything else is let through, after
 * which REP is treated as unsafe until a character is printed. */
static void
held_overflow(struct fs_term *t)
{
    if (held_is_csi(t) && t->rep_hazard) {
        feed_controls(t, t->held, t->nheld);
        t->skip_csi = true;
    } else {
        vt_feed(t, t->held, t->nheld);
        t->rep_hazard = true;
    }
    t->nheld = 0;
}

/* Drops the rest of an overlong CSI while skip_csi is set; returns where
 * normal output resumes. */
static const unsigned char *
skip_csi(struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    for (; s < end; s++) {
        if (param_byte(*s))
            continue;
        if (inner_control(*s)) {
            if (*s != 0x7f)
                vt_feed(t, s, 1);
            continue;
        }
        t->skip_csi = false;
        return *s >= 0x40 && *s <= 0x7e ? s + 1 : s;
    }
    return s;
}

/* Decides the sequence held from the last write with the new bytes; returns
 * the first byte not taken. */
static const unsigned char *
resume_held(struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    if (t->held[0] == 0xc2) {
        t->nheld = 0;
        if (s < end && *s >= 0x80 && *s <= 0x9f)
            return s + 1;
        vt_feed(t, (const unsigned char *)"\xc2", 1);
        return s;
    }
    while (s < end) {
        if (t->nheld == sizeof(t->held)) {
            held_overflow(t);
            return s;
        }
        t->held[t->nheld++] = *s++;
        size_t n;
        int kind;
        enum match m = match_seq(t->held, t->nheld, &n, &kind);
        if (m == MATCH_MORE)
            continue;
        size_t held = t->nheld;
        t->nheld = 0;
        if (m == MATCH_YES) {
            feed_seq(t, t->held, held, kind);
            return s;
        }
        /* The last byte ended the match: it goes back to the main scan. */
        vt_feed(t, t->held, held - 1);
        return s - 1;
    }
    return s;
}

/* Keeps the undecided sequence s[0..n) that ends a write for the next one.
 * One longer than the buffer is decided now; all its bytes are parameters or
 * controls, so whatever held_overflow chose applies to all of them. */
static void
hold(struct fs_term *t, const unsigned char *s, size_t n)
{
    size_t k = n < sizeof(t->held) ? n : sizeof(t->held);
    memcpy(t->held, s, k);
    t->nheld = k;
    if (n <= sizeof(t->held))
        return;
    held_overflow(t);
    if (t->skip_csi)
        skip_csi(t, s + k, s + n);
    else
        vt_feed(t, s + k, n - k);
}

void
fs_term_guard_feed(struct fs_term *t, const char *data, size_t len)
{
    const unsigned char *q = (const unsigned char *)data, *end = q + len;
    /* First finish what the last write left: a held sequence (which may turn
     * into skipping) or a skip. */
    while (t->skip_csi || t->nheld > 0) {
        q = t->skip_csi ? skip_csi(t, q, end) : resume_held(t, q, end);
        if (q == end)
            return;
    }
    const unsigned char *p = q;  /* bytes from p to q are not fed yet */
    /* The next ESC and C2 at or after q (NULL: none left), found with
     * memchr and kept until q passes them. */
    const unsigned char *esc = q, *c2 = q;
    while (q < end) {
        if (esc != NULL && esc < q)
            esc = q;
        if (c2 != NULL && c2 < q)
            c2 = q;
        if (esc == q)
            esc = memchr(q, 0x1b, (size_t)(end - q));
        if (c2 == q)
            c2 = memchr(q, 0xc2, (size_t)(end - q));
        q = esc == NULL ? c2 : c2 == NULL || esc < c2 ? esc : c2;
        if (q == NULL)
            break;
        if (*q == 0xc2) {
            if (q + 1 == end) {
                feed_text(t, p, (size_t)(q - p));
                hold(t, q, 1);
                return;
            }
            if (q[1] >= 0x80 && q[1] <= 0x9f) {
                feed_text(t, p, (size_t)(q - p));
                p = q = q + 2;
            } else {
                q++;
            }
            continue;
        }
        size_t n;
        int kind;
        enum match m = match_seq(q, (size_t)(end - q), &n, &kind);
        if (m == MATCH_NO) {
            q++;
            continue;
        }
        feed_text(t, p, (size_t)(q - p));
        if (m == MATCH_MORE) {
            hold(t, q, (size_t)(end - q));
            return;
        }
        feed_seq(t, q, n, kind);
        p = q = q + n;
    }
    feed_text(t, p, (size_t)(end - p));
}

void
fs_term_guard_resized(struct fs_term *t, int old_rows)
{
    if (t->rows >= old_rows)
        return;
    /* CAN ends any sequence the child left unfinished; DECSTBM resets the
     * region and homes the cursor, which CUP puts back. */
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    char seq[48];
    int n = snprintf(seq, sizeof(seq), "\030\033[r\033[%d;%dH", pos.row + 1, pos.col + 1);
    vt_feed(t, (const unsigned char *)seq, (size_t)n);
}
