/*
 * The guard between a child's output and libvterm 0.1.4, which has bugs that
 * output alone can trigger (found by reading its parser.c and state.c and by
 * fuzzing; tests/check_term.c "guard", tests/fuzz/crashes/term/). Whatever the
 * bytes, libvterm only ever sees sequences it survives:
 *
 * - CSI arguments past 16 or above 65535, DECRQSS requests it does not know,
 *   OSCs of any length, SOS, PM and APC: see seq.c, which rebuilds, answers,
 *   hands over whole or drops them.
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
 * It parses as libvterm 0.1.4 parses, byte by byte where it must: after ESC,
 * controls run, DEL and bytes from 0x80 are passed over and intermediates
 * gathered, and '[', ']' or 'P' still begins a CSI, OSC or DCS after them; in
 * a sequence, controls run where they are, CAN and SUB cancel it, ESC cancels
 * it and begins another (ESC \ ends a string). A sequence the guard takes in
 * reaches libvterm only whole, or not at all; one cut by the end of a write
 * is continued with the next (g_mode, csi, str), and an escape still
 * undecided there is fed and remembered (esc_open): if it becomes a CSI or a
 * string, CAN ends libvterm's escape first. Whether the last character had a
 * width is tracked from putglyph (rep_hazard).
 *
 * Every byte that reaches libvterm goes through vt_feed, which first
 * completes what the fast path for plain lines (fast.c) holds back.
 */
#include <config.h>

#include "term/term_int.h"

#include <stdio.h>
#include <string.h>

enum match { MATCH_NO, MATCH_YES, MATCH_MORE };

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
    t->cs_ascii = 1; /* G0; the others count as unknown */
    /* cs_esc stays: a reset of the state leaves libvterm's parser as it is. */
}

static void
charset_final(struct fs_term *t, unsigned char c)
{
    if (t->cs_ninter == 0) {
        if (c == 'n' || c == 'o') /* LS2, LS3 */
            t->cs_gl = c == 'n' ? 2 : 3;
        else if (c == 'c') /* RIS */
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
        t->cs_ascii &= ~(1u << (i - ',')); /* a 96-character set */
    }
}

static void
charset_scan(struct fs_term *t, const unsigned char *s, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        unsigned char c = s[k];
        if (c >= 0x20 && !t->cs_esc)
            continue;
        if (c == 0x0e || c == 0x0f) { /* SO, SI */
            t->cs_gl = c == 0x0e;
        } else if (c == 0x1b) {
            t->cs_esc = true;
            t->cs_ninter = 0;
            t->cs_mixed = false;
        } else if (!t->cs_esc) {
            continue;
        } else if (c == 0x18 || c == 0x1a) { /* CAN, SUB */
            t->cs_esc = false;
        } else if (c < 0x20 || c >= 0x7f) { /* run or ignored inside ESC */
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

/* Where the first DECRC in s[0..n) ends (ESC, bytes libvterm passes over,
 * '8'; its ESC may be in the bytes fed before), or 0 when there is none. */
static size_t
decrc_end(const struct fs_term *t, const unsigned char *s, size_t n)
{
    size_t j = 0;
    if (t->esc_tail) {
        while (j < n && fs_term_esc_skip(s[j]))
            j++;
        if (j < n && s[j] == '8')
            return j + 1;
    }
    const unsigned char *e;
    while (j < n && (e = memchr(s + j, 0x1b, n - j)) != NULL) {
        j = (size_t)(e - s) + 1;
        while (j < n && fs_term_esc_skip(s[j]))
            j++;
        if (j < n && s[j] == '8')
            return j + 1;
    }
    return 0;
}

static void
vt_feed(struct fs_term *t, const unsigned char *s, size_t n)
{
    if (n == 0)
        return;
    fs_term_settle(t); /* what the fast path holds comes first */
    t->fp_ready = false;
    charset_scan(t, s, n);
    while (n > 0) {
        size_t cut = decrc_end(t, s, n);
        vt_write(t, s, cut > 0 ? cut : n);
        /* Whether libvterm is left just after an ESC (what follows may be
         * a DECRC); bytes it passes over there change nothing. */
        size_t k = cut > 0 ? cut : n;
        while (k > 0 && fs_term_esc_skip(s[k - 1]))
            k--;
        if (k > 0)
            t->esc_tail = s[k - 1] == 0x1b;
        if (cut == 0)
            break;
        clamp_cursor(t);
        s += cut;
        n -= cut;
    }
}

void
fs_term_guard_vt_feed(struct fs_term *t, const unsigned char *s, size_t n)
{
    vt_feed(t, s, n);
}

/* ---- The fast path (fast.c) ---- */

void
fs_term_guard_forget(struct fs_term *t, bool hard)
{
    t->fp_ready = false;
    t->probe = NULL;
    if (hard)
        charset_reset(t);
}

/* ---- Escape sequences ---- */

/* Runs the controls among s[0..n), as libvterm would in the middle of a
 * sequence that the guard takes in itself. */
static void
feed_controls(struct fs_term *t, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (fs_term_inner_control(s[i]) && s[i] != 0x7f)
            vt_feed(t, s + i, 1);
    }
}

/* Which sequence the byte after ESC, controls and ninter intermediates
 * introduces. libvterm 0.1.4 starts a CSI, OSC or DCS after intermediates too. */
static int
intro_kind(unsigned char c, int ninter)
{
    switch (c) {
    case '[':
        return FS_TERM_SEQ_CSI;
    case ']':
        return FS_TERM_SEQ_OSC;
    case 'P':
        return FS_TERM_SEQ_DCS;
    case 'X':
    case '^':
    case '_':
        return ninter == 0 ? FS_TERM_SEQ_IGNORE : FS_TERM_SEQ_NONE;
    default:
        return FS_TERM_SEQ_NONE;
    }
}

/* Matches what starts at s (s[0] is ESC): a CSI or string up to and with its
 * introducer, or DECALN whole. MATCH_YES with its length and kind, MATCH_NO,
 * or MATCH_MORE when s ends before it is decided (*len then says how many of
 * the bytes are intermediates, *kind whether they are "#"). */
static enum match
match_seq(const unsigned char *s, size_t n, size_t *len, int *kind)
{
    size_t i = 1;
    int ninter = 0;
    bool hash = false;
    for (; i < n; i++) {
        if (s[i] >= 0x20 && s[i] <= 0x2f)
            hash = ninter++ == 0 && s[i] == '#';
        else if (!fs_term_esc_skip(s[i]))
            break;
    }
    if (i == n) {
        *len = (size_t)ninter;
        *kind = hash;
        return MATCH_MORE;
    }
    *len = i + 1;
    *kind = intro_kind(s[i], ninter);
    if (*kind != FS_TERM_SEQ_NONE)
        return MATCH_YES;
    if (hash && ninter == 1 && s[i] == '8') {
        *kind = FS_TERM_SEQ_DECALN;
        return MATCH_YES;
    }
    return MATCH_NO;
}

/* DECALN fills the screen with E's, which are not "printed characters" that
 * REP could repeat. */
static void
feed_decaln(struct fs_term *t, const unsigned char *s, size_t n)
{
    fs_term_settle(t);
    bool hazard = t->rep_hazard;
    vt_feed(t, s, n);
    t->rep_hazard = hazard;
}

/* Feeds an escape that is still undecided at the end of a write (ESC, then
 * controls, ignored bytes and ninter intermediates) and remembers it. */
void
fs_term_guard_esc_open(struct fs_term *t, const unsigned char *s, size_t n, int ninter, bool hash)
{
    vt_feed(t, s, n);
    t->esc_open = true;
    t->esc_ninter = ninter;
    t->esc_hash = hash;
}

/* Decides the C2 held from the last write with the new bytes; returns the
 * first byte not taken. */
static const unsigned char *
resume_held(struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    t->nheld = 0;
    if (s < end && *s >= 0x80 && *s <= 0x9f)
        return s + 1;
    vt_feed(t, (const unsigned char *)"\xc2", 1);
    return s;
}

/*
 * Decides the escape that libvterm was left in at the end of the last write
 * with the new bytes; returns the first byte not taken. If it turns into a
 * CSI or a string, the guard takes that in (seq_begin ends libvterm's
 * escape).
 */
static const unsigned char *
resume_esc(struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    const unsigned char *p = s;
    for (; s < end; s++) {
        unsigned char b = *s;
        if (b >= 0x20 && b <= 0x2f) {
            t->esc_hash = t->esc_ninter++ == 0 && b == '#';
            continue;
        }
        if (fs_term_esc_skip(b))
            continue;
        vt_feed(t, p, (size_t)(s - p));
        t->esc_open = false;
        int kind = intro_kind(b, t->esc_ninter);
        if (kind != FS_TERM_SEQ_NONE) {
            fs_term_seq_begin(t, kind);
            return s + 1;
        }
        if (b == '8' && t->esc_hash && t->esc_ninter == 1) {
            feed_decaln(t, s, 1);
            return s + 1;
        }
        return s; /* it ends libvterm's escape in the main scan */
    }
    vt_feed(t, p, (size_t)(s - p));
    return s;
}

/* Continues what the last write or the last sequence left: a held byte, a
 * CSI or a string. */
static const unsigned char *
resume(struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    if (t->nheld > 0)
        return resume_held(t, s, end);
    if (t->esc_open)
        return resume_esc(t, s, end);
    if (t->g_mode == FS_TERM_SEQ_CSI)
        return fs_term_seq_csi(t, s, end);
    return fs_term_seq_str(t, s, end);
}

/*
 * Feeds output that holds no unfinished sequence at q: text and clean CSIs
 * in stretches as long as possible, up to the first sequence that the guard
 * takes in itself. Returns where that one's bytes start (end when none).
 */
static const unsigned char *
scan(struct fs_term *t, const unsigned char *q, const unsigned char *end)
{
    const unsigned char *p = q; /* bytes from p to q are not fed yet */
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
                fs_term_fast_feed(t, p, (size_t)(q - p));
                t->held[0] = 0xc2;
                t->nheld = 1;
                return end;
            }
            if (q[1] >= 0x80 && q[1] <= 0x9f) {
                fs_term_fast_feed(t, p, (size_t)(q - p));
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
        if (m == MATCH_YES && kind == FS_TERM_SEQ_CSI) {
            size_t body = fs_term_seq_clean_csi(q + n, end);
            if (body > 0) {
                q += n + body;
                continue;
            }
        }
        fs_term_fast_feed(t, p, (size_t)(q - p));
        if (m == MATCH_MORE) {
            fs_term_guard_esc_open(t, q, (size_t)(end - q), (int)n, kind != 0);
            return end;
        }
        if (kind == FS_TERM_SEQ_DECALN) {
            feed_decaln(t, q, n);
            p = q = q + n;
            continue;
        }
        feed_controls(t, q + 1, n - 2);
        fs_term_seq_begin(t, kind);
        return q + n;
    }
    fs_term_fast_feed(t, p, (size_t)(end - p));
    return end;
}

void
fs_term_guard_feed(struct fs_term *t, const char *data, size_t len)
{
    const unsigned char *q = (const unsigned char *)data, *end = q + len;
    while (q < end) {
        if (t->nheld > 0 || t->esc_open || t->g_mode != FS_TERM_SEQ_NONE)
            q = resume(t, q, end);
        else
            q = scan(t, q, end);
    }
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
    t->esc_open = false;
}
