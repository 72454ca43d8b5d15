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
 */
#include "config.h"

#include "term/term_int.h"

#include <stdio.h>
#include <string.h>

enum match { MATCH_NO, MATCH_YES, MATCH_MORE };
enum { SEQ_REP, SEQ_DECALN };

static void
vt_feed(struct fs_term *t, const unsigned char *s, size_t n)
{
    while (n > 0) {
        size_t k = vterm_input_write(t->vt, (const char *)s, n);
        if (k == 0)
            break;
        s += k;
        n -= k;
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
                vt_feed(t, p, (size_t)(q - p));
                hold(t, q, 1);
                return;
            }
            if (q[1] >= 0x80 && q[1] <= 0x9f) {
                vt_feed(t, p, (size_t)(q - p));
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
        vt_feed(t, p, (size_t)(q - p));
        if (m == MATCH_MORE) {
            hold(t, q, (size_t)(end - q));
            return;
        }
        feed_seq(t, q, n, kind);
        p = q = q + n;
    }
    vt_feed(t, p, (size_t)(end - p));
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
