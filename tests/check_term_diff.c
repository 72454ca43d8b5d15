/*
 * The differential tests of src/term/: the same random byte streams fed to
 * fs_term and to libvterm's own screen layer, comparing every visible cell,
 * the cursor and the scrolled-out lines (also on streams of mostly plain
 * lines, where the fast path runs); and the same streams, with resizes and
 * every write split, through fs_term with and without its fast path, which
 * must give byte-identical terminals.
 */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vterm.h>

#include "term/term.h"
#include "term_helpers.h"

/* Build with -DDIFF_STREAMS=100000 for a longer hunt. */
#ifndef DIFF_STREAMS
#define DIFF_STREAMS 2000
#endif
#ifndef DIFF_TOKENS
#define DIFF_TOKENS 60
#endif

enum { NORM_CELL, NORM_WIDE, NORM_CONT, NORM_BROKEN };

/* A reference cell as a renderer would use it. libvterm marks the right half
 * of a wide character with chars[0] == -1 and leaves halves behind when one
 * is overwritten; fs_term blanks them. */
struct norm {
    int kind;
    uint32_t ch;
    unsigned attrs;
    uint32_t fg, bg;
};

static const uint32_t wide_chars[] = {0x4e2d, 0x6587, 0x1f600, 0x3042, 0xac00};

static bool
is_wide(uint32_t ch)
{
    for (size_t i = 0; i < sizeof(wide_chars) / sizeof(wide_chars[0]); i++) {
        if (wide_chars[i] == ch)
            return true;
    }
    return false;
}

static uint32_t
ref_color(const VTermColor *c, bool fg)
{
    if (fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
        return 0;
    if (VTERM_COLOR_IS_INDEXED(c))
        return FS_TERM_COLOR_PALETTE | c->indexed.idx;
    return FS_TERM_COLOR_RGB | (uint32_t)c->rgb.red << 16 | (uint32_t)c->rgb.green << 8 |
           c->rgb.blue;
}

static void
normalise(const VTermScreenCell *cells, int cols, struct norm *out)
{
    for (int c = 0; c < cols; c++) {
        const VTermScreenCell *v = &cells[c];
        uint32_t ch = v->chars[0];
        struct norm n = {.kind = NORM_CELL, .ch = ch, .fg = ref_color(&v->fg, true),
                         .bg = ref_color(&v->bg, false)};
        n.attrs = (v->attrs.bold ? FS_TERM_ATTR_BOLD : 0) |
                  (v->attrs.underline == 2 ? FS_TERM_ATTR_UNDERLINE2
                   : v->attrs.underline ? FS_TERM_ATTR_UNDERLINE : 0) |
                  (v->attrs.italic ? FS_TERM_ATTR_ITALIC : 0) |
                  (v->attrs.blink ? FS_TERM_ATTR_BLINK : 0) |
                  (v->attrs.reverse ? FS_TERM_ATTR_REVERSE : 0) |
                  (v->attrs.strike ? FS_TERM_ATTR_STRIKE : 0);
        if (ch == (uint32_t)-1)
            n.kind = c > 0 && out[c - 1].kind == NORM_WIDE ? NORM_CONT : NORM_BROKEN;
        else if (is_wide(ch))
            n.kind = c + 1 < cols && cells[c + 1].chars[0] == (uint32_t)-1 ? NORM_WIDE
                                                                           : NORM_BROKEN;
        out[c] = n;
    }
}

static int
utf8(uint32_t ch, char *p)
{
    if (ch < 0x80) {
        p[0] = (char)ch;
        return 1;
    }
    if (ch < 0x800) {
        p[0] = (char)(0xc0 | ch >> 6);
        p[1] = (char)(0x80 | (ch & 0x3f));
        return 2;
    }
    if (ch < 0x10000) {
        p[0] = (char)(0xe0 | ch >> 12);
        p[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
        p[2] = (char)(0x80 | (ch & 0x3f));
        return 3;
    }
    p[0] = (char)(0xf0 | ch >> 18);
    p[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
    p[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
    p[3] = (char)(0x80 | (ch & 0x3f));
    return 4;
}

static void
norm_text(const struct norm *n, int cols, char *buf)
{
    char *p = buf, *end = buf;
    for (int c = 0; c < cols; c++) {
        if (n[c].kind == NORM_CONT)
            continue;
        uint32_t ch = n[c].kind == NORM_BROKEN ? 0 : n[c].ch;
        if (ch == 0 || ch == ' ') {
            *p++ = ' ';
            continue;
        }
        p += utf8(ch, p);
        end = p;
    }
    *end = '\0';
}

struct ref {
    VTerm *vt;
    VTermScreen *screen;
    int rows, cols;
    char (*sb)[256];  /* text of the lines libvterm pushed */
    struct norm *sbc; /* and their cells, cols per line */
    size_t nsb, cap;
    bool alt;
};

static int
ref_pushline(int cols, const VTermScreenCell *cells, void *user)
{
    struct ref *r = user;
    struct norm n[cols];
    normalise(cells, cols, n);
    if (r->nsb == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->sb = realloc(r->sb, r->cap * sizeof(*r->sb));
        r->sbc = realloc(r->sbc, r->cap * (size_t)r->cols * sizeof(*r->sbc));
        ck_assert_ptr_nonnull(r->sb);
        ck_assert_ptr_nonnull(r->sbc);
    }
    ck_assert_int_eq(cols, r->cols);
    memcpy(r->sbc + r->nsb * (size_t)cols, n, (size_t)cols * sizeof(*n));
    norm_text(n, cols, r->sb[r->nsb++]);
    return 1;
}

static int
ref_settermprop(VTermProp prop, VTermValue *val, void *user)
{
    struct ref *r = user;
    if (prop == VTERM_PROP_ALTSCREEN)
        r->alt = val->boolean != 0;
    return 1;
}

static const VTermScreenCallbacks ref_callbacks = {.sb_pushline = ref_pushline,
                                                   .settermprop = ref_settermprop};

static uint32_t rng;

static unsigned
rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng % n;
}

/* Appends one random piece of terminal output to p; returns its length. */
static int
gen_token(char *p, int rows, int cols)
{
    static const char *const fixed[] = {
        "\r\n", "\r", "\n", "\b", "\t", "\a", "\v", "\f", "\0337", "\0338", "\033M", "\033D",
        "\033E", "\033(0", "\033(B", "\033H", "\033[g", "\033[3g", "\033[4h", "\033[4l",
        "\033[?7l", "\033[?7h", "\033[?6h", "\033[?6l", "\033[?1049h", "\033[?1049l",
        "\033[?47h", "\033[?47l", "\033[?1047h", "\033[?1047l", "\033[?69h", "\033[?69l",
        "\033[1\"q", "\033[0\"q", "\033[r", "\033[m", "\033#6", "\033#5", "\033[?J", "\033[?K",
        "\xcc\x81", "\xc3\xa9", "\xce\xb1", "\xe2\x94\x80", "Q\033[3b", "=\033[12b"};
    static const char cursor_cmds[] = "HABCDEFGdXZI@PLMST";
    unsigned kind = rnd(100);
    int n = 0;
    if (kind < 30) {
        for (unsigned k = 1 + rnd(12); k > 0; k--)
            p[n++] = (char)(0x20 + rnd(95));
    } else if (kind < 38) {
        n = utf8(wide_chars[rnd(5)], p);
    } else if (kind < 60) {
        const char *s = fixed[rnd(sizeof(fixed) / sizeof(fixed[0]))];
        n = (int)strlen(s);
        memcpy(p, s, (size_t)n);
    } else if (kind < 80) {
        char cmd = cursor_cmds[rnd(sizeof(cursor_cmds) - 1)];
        if (cmd == 'H')
            n = sprintf(p, "\033[%u;%uH", rnd((unsigned)rows + 3), rnd((unsigned)cols + 3));
        else
            n = sprintf(p, "\033[%u%c", rnd((unsigned)(cmd == 'S' || cmd == 'T' ? rows : cols) + 3),
                        cmd);
    } else if (kind < 86) {
        n = sprintf(p, "\033[%u%c", rnd(3), rnd(2) ? 'J' : 'K');
    } else if (kind < 89) {
        unsigned a = 1 + rnd((unsigned)rows), b = a + rnd((unsigned)rows);
        n = rnd(2) ? sprintf(p, "\033[%u;%ur", a, b)
                   : sprintf(p, "\033[%u;%us", 1 + rnd((unsigned)cols), 1 + rnd((unsigned)cols));
    } else if (kind < 99) {
        static const char *const sgr[] = {"0", "1", "3", "4", "5", "7", "9", "21", "22", "24",
                                          "27", "31", "42", "95", "104", "39", "49",
                                          "38;5;123", "48;5;7", "38;2;1;2;3", "48;2;200;100;0"};
        n = sprintf(p, "\033[%s;%sm", sgr[rnd(21)], sgr[rnd(21)]);
    } else {
        n = sprintf(p, "%s", rnd(4) ? "\033#8" : "\033c");
    }
    return n;
}

/* Appends one random piece of output for streams of mostly plain lines,
 * which the fast path takes past libvterm, mixed with what must stop it or
 * change how lines land: SGR, charsets (ESC ( 0, SO, SI, LS2...), scroll
 * regions and margins, the alternate screen, LNM, IRM, DECAWM, DECSCA,
 * DECDWL, REP, combining marks, UTF-8, CR-only lines, lines of exactly cols
 * bytes and longer ones, and sequences left unfinished. */
/* Per stream: how often gen_line_token disturbs the lines, and how lines
 * mostly end (0 mixed, 1 CR LF, 2 LF under LNM). */
static unsigned line_misc_pct, line_eol;

static int
gen_line_token(char *p, int rows, int cols)
{
    static const char *const misc[] = {
        "\033(0", "\033(B", "\016", "\017", "\033)0", "\033)B", "\033n", "\033o", "\033*0",
        "\033+B", "\033(A", "\033N", "\033c", "\033[20h", "\033[20l", "\033[20h", "\033[20l",
        "\033[r", "\033[?69h\033[2;4s", "\033[?69l", "\033[?1049h", "\033[?1049l", "\033[?47h",
        "\033[?47l", "\033[4h", "\033[4l", "\033[?7l", "\033[?7h", "\033[1\"q", "\033[0\"q",
        "\033#6", "\033#3", "\033#5", "\0337", "\0338", "\030Q\033[3b", "\030=\033[b",
        "\xcc\x81", "\xc3\xa9", "\xe4\xb8\xad", "\xe4", "\xe4\xb8", "\033]0;ti", "\a", "\033\\",
        "\033P", "\033[!p", "\033[?6h", "\033[?6l", "\033D", "\033M", "\033E", "\t", "\b",
        "\033[2J", "\033[K", "\033[1;1H", "\033[A", "\033(", "\033 F", "\030", "\017\033(B",
        "\017\033(B\033[r\033[4l\033[0\"q\033[?1049l"};
    static const char *const sgr[] = {"0", "1", "4", "7", "31", "42", "95", "104", "39", "49",
                                      "38;5;123", "48;5;7", "38;2;1;2;3", "48;2;200;100;0"};
    unsigned kind = rnd(100) < line_misc_pct ? 90 : rnd(85);
    int n = 0;
    if (kind < 72) {
        unsigned len = rnd(8) == 0 ? (unsigned)cols : rnd(12) == 0 ? (unsigned)cols + 1 + rnd(4)
                                                                  : 1 + rnd((unsigned)cols);
        bool lower = rnd(3) == 0;  /* letters that DEC graphics would change */
        for (unsigned k = 0; k < len; k++)
            p[n++] = (char)(lower ? 0x5f + rnd(32) : 0x20 + rnd(64));
        unsigned e = rnd(40);
        if (line_eol > 0 && e < 35)
            e = line_eol == 1 ? 0 : 30;
        const char *eol = e < 28 ? "\r\n" : e < 35 ? "\n" : e < 37 ? "\r" : e < 38 ? "\r\r\n"
                                                                          : "";
        n += sprintf(p + n, "%s", eol);
    } else if (kind < 75) {
        n = sprintf(p, "%s", rnd(2) ? "\r\n" : "\n");
    } else if (kind < 81) {
        n = sprintf(p, "\033[%s;%sm", sgr[rnd(14)], sgr[rnd(14)]);
    } else if (kind < 84) {
        n = sprintf(p, "\033[%d;1H", rows);  /* to the bottom, where lines scroll */
    } else if (kind < 85) {
        unsigned a = 1 + rnd((unsigned)rows), b = a + rnd((unsigned)rows);
        n = sprintf(p, "\033[%u;%ur", a, b);
    } else if (kind < 98) {
        const char *m = misc[rnd(sizeof(misc) / sizeof(misc[0]))];
        n = (int)strlen(m);
        memcpy(p, m, (size_t)n);
    } else {
        n = gen_token(p, rows, cols);
    }
    return n;
}

/* Where fs_term and the reference differ, written into why; false if nowhere. */
static bool
differs_cells(struct ref *r, struct fs_term *t, char *why, size_t size)
{
    VTermScreenCell raw[r->cols];
    struct norm n[r->cols];
    for (int row = 0; row < r->rows; row++) {
        for (int c = 0; c < r->cols; c++)
            vterm_screen_get_cell(r->screen, (VTermPos){row, c}, &raw[c]);
        normalise(raw, r->cols, n);
        const struct fs_term_cell *mine = row_cells(t, row);
        for (int c = 0; c < r->cols; c++) {
            uint32_t ch = fs_term_cell_ch(&mine[c]);
            unsigned attrs = fs_term_cell_attrs(&mine[c]) & ~FS_TERM_ATTR_PROTECTED;
            bool ok;
            switch (n[c].kind) {
            case NORM_CONT:
                ok = attrs & FS_TERM_ATTR_WIDE_CONT;
                break;
            case NORM_BROKEN:
                ok = ch == 0 && !(attrs & (FS_TERM_ATTR_WIDE | FS_TERM_ATTR_WIDE_CONT));
                break;
            default:
                /* libvterm 0.1.4 gives erased cells the whole pen, reverse
                 * and all; fs_term only its colours, as xterm and later
                 * libvterm do. So attributes are compared on characters. */
                ok = ch == n[c].ch && mine[c].fg == n[c].fg && mine[c].bg == n[c].bg &&
                     (ch == 0 || attrs == (n[c].attrs | (n[c].kind == NORM_WIDE
                                                             ? FS_TERM_ATTR_WIDE : 0)));
            }
            if (!ok) {
                snprintf(why, size, "cell %d,%d: ref kind %d U+%04X attrs %x fg %x bg %x, "
                         "mine U+%04X attrs %x fg %x bg %x", row, c, n[c].kind, n[c].ch,
                         n[c].attrs, n[c].fg, n[c].bg, ch, attrs, mine[c].fg, mine[c].bg);
                return true;
            }
        }
    }
    return false;
}

/* The attributes of saved line i. The scrollback keeps what can show: a
 * blank cell (a space or erased, no background, no attributes) keeps no
 * foreground, and erased cells' attributes are not compared (see above). */
static bool
saved_differs(struct ref *r, struct fs_term *t, size_t i, char *why, size_t size)
{
    struct fs_term_cell mine[r->cols];
    const struct norm *n = r->sbc + i * (size_t)r->cols;
    ck_assert_int_eq(fs_term_line_cells(t, fs_term_first_line(t) + i, mine, r->cols), 0);
    for (int c = 0; c < r->cols; c++) {
        uint32_t ch = fs_term_cell_ch(&mine[c]);
        unsigned attrs = fs_term_cell_attrs(&mine[c]);
        bool ok;
        if (n[c].kind == NORM_CONT) {
            ok = attrs & FS_TERM_ATTR_WIDE_CONT;
        } else if (n[c].kind == NORM_BROKEN || n[c].ch == 0) {
            ok = (ch == 0 || ch == ' ') && mine[c].bg == n[c].bg;
        } else if (n[c].ch == ' ' && n[c].bg == 0 && n[c].attrs == 0) {
            ok = (ch == 0 || ch == ' ') && mine[c].bg == 0 && attrs == 0;
        } else {
            ok = ch == n[c].ch && mine[c].fg == n[c].fg && mine[c].bg == n[c].bg &&
                 attrs == (n[c].attrs | (n[c].kind == NORM_WIDE ? FS_TERM_ATTR_WIDE : 0));
        }
        if (!ok) {
            snprintf(why, size, "saved line %zu cell %d: ref U+%04X attrs %x fg %x bg %x, "
                     "mine U+%04X attrs %x fg %x bg %x", i, c, n[c].ch, n[c].attrs, n[c].fg,
                     n[c].bg, ch, attrs, mine[c].fg, mine[c].bg);
            return true;
        }
    }
    return false;
}

static bool
differs(struct ref *r, struct fs_term *t, char *why, size_t size)
{
    if (differs_cells(r, t, why, size))
        return true;
    VTermPos pos;
    vterm_state_get_cursorpos(vterm_obtain_state(r->vt), &pos);
    int row, col;
    fs_term_cursor(t, &row, &col, NULL);
    if (row != pos.row || col != pos.col) {
        snprintf(why, size, "cursor %d,%d, ref %d,%d", row, col, pos.row, pos.col);
        return true;
    }
    if (fs_term_scrollback_lines(t) != r->nsb) {
        snprintf(why, size, "%zu lines saved, ref %zu", fs_term_scrollback_lines(t), r->nsb);
        return true;
    }
    for (size_t i = 0; i < r->nsb; i++) {
        if (strcmp(sb_text(t, i), r->sb[i]) != 0) {
            snprintf(why, size, "saved line %zu '%.200s', ref '%.200s'", i, sb_text(t, i), r->sb[i]);
            return true;
        }
        if (saved_differs(r, t, i, why, size))
            return true;
    }
    if (fs_term_altscreen(t) != r->alt) {
        snprintf(why, size, "alternate screen %d", fs_term_altscreen(t));
        return true;
    }
    return false;
}

/* Prints both screens, for a failure. */
static void
dump_screens(struct ref *r, struct fs_term *t)
{
    VTermScreenCell raw[r->cols];
    struct norm n[r->cols];
    char buf[1024];
    for (int row = 0; row < r->rows; row++) {
        for (int c = 0; c < r->cols; c++)
            vterm_screen_get_cell(r->screen, (VTermPos){row, c}, &raw[c]);
        normalise(raw, r->cols, n);
        norm_text(n, r->cols, buf);
        fprintf(stderr, "ref  %2d |%s|\n", row, buf);
        fprintf(stderr, "mine %2d |%s|\n", row, row_text(t, row));
    }
    fprintf(stderr, "saved: %zu ref, %zu mine, fast lines %llu\n", r->nsb,
            fs_term_scrollback_lines(t), (unsigned long long)fs_term_fast_lines(t));
}

/* Fails with the stream so far, control bytes escaped. */
static void
fail_stream(unsigned seed, int rows, int cols, const char *s, size_t len, const char *why)
{
    static char out[DIFF_TOKENS * 640];
    int n = snprintf(out, sizeof(out), "stream %u (%dx%d): ", seed, rows, cols);
    for (size_t i = 0; i < len && n + 8 < (int)sizeof(out); i++) {
        unsigned char c = (unsigned char)s[i];
        n += snprintf(out + n, sizeof(out) - (size_t)n, c < 0x20 || c == 0x7f ? "\\x%02x" : "%c",
                      c);
    }
    ck_abort_msg("%s: %s", out, why);
}

/* Runs streams seeds [first, first + count) of tokens from gen, each against
 * libvterm's screen; returns the lines the fast path took. */
static uint64_t
run_differential(unsigned first, unsigned count, int tokens,
                 int (*gen)(char *p, int rows, int cols), unsigned max_write)
{
    static char stream[DIFF_TOKENS * 160];
    char why[512];
    uint64_t fast = 0;
    ck_assert_int_le(tokens, DIFF_TOKENS * 4);
    for (unsigned seed = first; seed < first + count; seed++) {
        rng = seed * 2654435761u;
        line_misc_pct = (unsigned[]){1, 4, 15}[rnd(3)];
        line_eol = rnd(3);
        struct ref r = {.rows = 1 + (int)rnd(12), .cols = 3 + (int)rnd(30)};
        r.vt = vterm_new(r.rows, r.cols);
        vterm_set_utf8(r.vt, 1);
        r.screen = vterm_obtain_screen(r.vt);
        vterm_screen_enable_altscreen(r.screen, 1);
        vterm_screen_set_callbacks(r.screen, &ref_callbacks, &r);
        vterm_screen_reset(r.screen, 1);
        struct fs_term_limits lim = {.sb_lines = 100000};
        struct fs_term *t = fs_term_new(r.rows, r.cols, &lim);
        size_t len = 0;
        if (line_eol == 2 && gen == gen_line_token)
            len = (size_t)sprintf(stream, "\033[20h");
        for (int k = 0; k < tokens; k++)
            len += (size_t)gen(stream + len, r.rows, r.cols);
        for (size_t off = 0; off < len;) {
#ifdef DIFF_BYTEWISE
            size_t n = 1;
#else
            size_t n = 1 + rnd(rnd(4) == 0 ? 8 : max_write);
#endif
            if (n > len - off)
                n = len - off;
            vterm_input_write(r.vt, stream + off, n);
            fs_term_write(t, stream + off, n);
            off += n;
            /* Lines streams are read after some writes only, so that what
             * the fast path holds back often spans several of them. */
            if (gen == gen_line_token && off < len && rnd(3) != 0)
                continue;
            if (differs(&r, t, why, sizeof(why))) {
                dump_screens(&r, t);
                fail_stream(seed, r.rows, r.cols, stream, off, why);
            }
        }
        fast += fs_term_fast_lines(t);
        fs_term_free(t);
        vterm_free(r.vt);
        free(r.sb);
        free(r.sbc);
    }
    return fast;
}

START_TEST(test_differential)
{
    run_differential(1, DIFF_STREAMS, DIFF_TOKENS, gen_token, 48);
}
END_TEST

/* Streams of mostly plain lines, so that the fast path and libvterm take
 * turns; every write is still compared with libvterm's screen. */
START_TEST(test_differential_lines)
{
    uint64_t fast =
        run_differential(1000001, DIFF_STREAMS, DIFF_TOKENS * 4, gen_line_token, 1500);
    /* The fast path must actually have run, a lot. */
    ck_assert_uint_gt(fast, (uint64_t)DIFF_STREAMS * 5);
}
END_TEST

/* ---- The fast path against the same terminal without it ---- */

#ifndef FAST_STREAMS
#define FAST_STREAMS 3000
#endif

/* Where a and b differ in anything a reader can see: size, cursor, screens,
 * every kept line's cells, counts and damage. Plain ifs, not ck_assert: every
 * passing ck_assert is a write to Check's parent, and this runs for every kept
 * line after every write (tens of millions of times in this suite). */
static bool
terms_differ(struct fs_term *a, struct fs_term *b, char *why, size_t size)
{
    int ra, ca, rb, cb, xa, ya, xb, yb;
    bool va, vb;
    fs_term_size(a, &ra, &ca);
    fs_term_size(b, &rb, &cb);
    fs_term_cursor(a, &xa, &ya, &va);
    fs_term_cursor(b, &xb, &yb, &vb);
    if (ra != rb || ca != cb || xa != xb || ya != yb || va != vb) {
        snprintf(why, size, "size %dx%d/%dx%d cursor %d,%d/%d,%d", ra, ca, rb, cb, xa, ya, xb, yb);
        return true;
    }
    if (fs_term_altscreen(a) != fs_term_altscreen(b) ||
        fs_term_scrollback_lines(a) != fs_term_scrollback_lines(b) ||
        fs_term_first_line(a) != fs_term_first_line(b) ||
        fs_term_screen_line(a) != fs_term_screen_line(b) ||
        fs_term_scrollback_evicted(a) != fs_term_scrollback_evicted(b)) {
        snprintf(why, size, "lines: saved %zu/%zu first %llu/%llu", fs_term_scrollback_lines(a),
                 fs_term_scrollback_lines(b), (unsigned long long)fs_term_first_line(a),
                 (unsigned long long)fs_term_first_line(b));
        return true;
    }
    /* The scroll count means nothing under full damage (a resize can leave
     * it above the new height). */
    if (fs_term_damage_full(a) != fs_term_damage_full(b) ||
        (!fs_term_damage_full(a) && fs_term_scrolled(a) != fs_term_scrolled(b))) {
        snprintf(why, size, "damage full %d/%d scrolled %d/%d", fs_term_damage_full(a),
                 fs_term_damage_full(b), fs_term_scrolled(a), fs_term_scrolled(b));
        return true;
    }
    struct fs_term_cell la[ca], lb[ca];
    for (int r = 0; r < ra; r++) {
        if (fs_term_row_cells(a, r, la, ca) != 0 || fs_term_row_cells(b, r, lb, ca) != 0) {
            snprintf(why, size, "row %d cannot be read", r);
            return true;
        }
        if (memcmp(la, lb, sizeof(la)) != 0 ||
            fs_term_row_damaged(a, r) != fs_term_row_damaged(b, r)) {
            snprintf(why, size, "row %d", r);
            return true;
        }
    }
    uint64_t end = fs_term_screen_line(a) + (uint64_t)ra;
    for (uint64_t l = fs_term_first_line(a); l < end; l++) {
        if (fs_term_line_cells(a, l, la, ca) != 0 || fs_term_line_cells(b, l, lb, ca) != 0) {
            snprintf(why, size, "line %llu cannot be read", (unsigned long long)l);
            return true;
        }
        if (memcmp(la, lb, sizeof(la)) != 0) {
            snprintf(why, size, "line %llu", (unsigned long long)l);
            return true;
        }
    }
    return false;
}

/* Streams for this test carry resizes: 0xff, rows, cols (0xff is never in
 * UTF-8 output, so it cannot be anything else). */
static size_t
gen_fast_stream(char *s, int tokens, int rows, int cols)
{
    size_t len = line_eol == 2 ? (size_t)sprintf(s, "\033[20h") : 0;
    for (int k = 0; k < tokens; k++) {
        if (rnd(60) == 0) {
            /* Rows only grow: shrinking them can leave libvterm's cursor
             * below the screen (a bug outside the fast path, in resizing),
             * after which libvterm reads past its line info. */
            rows += (int)rnd(3);
            cols = 1 + (int)rnd(34);
            s[len++] = (char)0xff;
            s[len++] = (char)rows;
            s[len++] = (char)cols;
        }
        len += (size_t)(rnd(10) == 0 ? gen_token(s + len, rows, cols)
                                     : gen_line_token(s + len, rows, cols));
    }
    return len;
}

/* Moves a write boundary out of a resize. */
static size_t
cut_at(const char *s, size_t len, size_t cut)
{
    if (cut > len)
        return len;
    if (cut >= 1 && (unsigned char)s[cut - 1] == 0xff)
        return cut + 2;
    if (cut >= 2 && (unsigned char)s[cut - 2] == 0xff)
        return cut + 1;
    return cut;
}

static void
feed_ops(struct fs_term *t, const char *s, size_t n)
{
    while (n > 0) {
        const char *m = memchr(s, 0xff, n);
        size_t k = m != NULL ? (size_t)(m - s) : n;
        fs_term_write(t, s, k);
        if (m == NULL)
            return;
        fs_term_resize(t, (unsigned char)m[1], (unsigned char)m[2]);
        s += k + 3;
        n -= k + 3;
    }
}

static struct fs_term *
fast_term(int rows, int cols, bool fast, unsigned sb_lines)
{
    struct fs_term_limits lim = {.sb_lines = sb_lines, .sb_bytes = sb_lines < 50 ? 600 : 0};
    struct fs_term *t = fs_term_new(rows, cols, &lim);
    fs_term_set_fast_path(t, fast);
    return t;
}

/* Random writes: both terminals are compared after about half of them (what
 * the fast path holds back spans the others) and at the end. */
START_TEST(test_fast_path_same)
{
    static char stream[DIFF_TOKENS * 4 * 64];
    char why[256];
    uint64_t fast = 0;
    for (unsigned seed = 1; seed <= FAST_STREAMS; seed++) {
        rng = seed * 2246822519u;
        line_misc_pct = (unsigned[]){1, 4, 15}[rnd(3)];
        line_eol = rnd(3);
        int rows = 1 + (int)rnd(12), cols = 1 + (int)rnd(34);
        unsigned sb_lines = rnd(3) == 0 ? 20 : 100000;
        struct fs_term *a = fast_term(rows, cols, true, sb_lines);
        struct fs_term *b = fast_term(rows, cols, false, sb_lines);
        size_t len = gen_fast_stream(stream, DIFF_TOKENS * 4, rows, cols);
        for (size_t off = 0; off < len;) {
            size_t n = cut_at(stream, len, off + 1 + rnd(rnd(4) == 0 ? 8 : 1500)) - off;
            feed_ops(a, stream + off, n);
            feed_ops(b, stream + off, n);
            off += n;
            if (off < len && rnd(2) == 0)
                continue;
            if (terms_differ(a, b, why, sizeof(why)))
                fail_stream(seed, rows, cols, stream, off, why);
            if (rnd(3) == 0) {
                fs_term_damage_clear(a);
                fs_term_damage_clear(b);
            }
        }
        fast += fs_term_fast_lines(a);
        ck_assert_uint_eq(fs_term_fast_lines(b), 0);
        fs_term_free(a);
        fs_term_free(b);
    }
    ck_assert_uint_gt(fast, (uint64_t)FAST_STREAMS * 5);
}
END_TEST

/* The scan that tells plain text from anything else, at every column of a
 * line of 70 (past the 16- and 8-byte steps it takes and their tails): one
 * byte just outside printable ASCII, or a UTF-8 character, in a run of plain
 * lines gives the same terminal with the fast path and without it, in the
 * same writes: whole, and cut just after the odd byte's first byte. */
START_TEST(test_fast_path_odd_byte)
{
    static const char *const odd[] = {"\x1f", "\x7f", "\x80", "\xc3\xa9", "\t", "\x1b[m", "\x01"};
    char stream[4096], why[256];
    for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
        for (int at = 0; at < 70; at++) {
            size_t len = 0;
            for (int l = 0; l < 12; l++) {
                for (int c = 0; c < 70; c++) {
                    if (l == 7 && c == at) {
                        len += (size_t)sprintf(stream + len, "%s", odd[k]);
                        continue;
                    }
                    stream[len++] = (char)(0x20 + (l * 7 + c) % 95);
                }
                stream[len++] = '\r';
                stream[len++] = '\n';
            }
            for (size_t cut = 0; cut <= 1; cut++) {
                struct fs_term *t = fast_term(6, 80, true, 1000);
                struct fs_term *ref = fast_term(6, 80, false, 1000);
                size_t where = cut ? 7 * 72 + (size_t)at + 1 : len;
                feed_ops(t, stream, where);
                feed_ops(t, stream + where, len - where);
                feed_ops(ref, stream, where);
                feed_ops(ref, stream + where, len - where);
                if (terms_differ(t, ref, why, sizeof(why)))
                    ck_abort_msg("byte %zu at column %d, cut %zu: %s", k, at, cut, why);
                ck_assert_uint_gt(fs_term_fast_lines(t), 0);
                fs_term_free(t);
                fs_term_free(ref);
            }
        }
    }
}
END_TEST

/* Every place a stream can be cut in two, and byte by byte: with the fast
 * path and without it, the same writes give the same terminal. (The same
 * stream written whole may differ: libvterm 0.1.4 itself is not quite
 * split-invariant, e.g. for combining marks, so that is not compared.) */
static void
feed_cut(struct fs_term *t, const char *s, size_t len, size_t cut)
{
    if (cut <= len) {
        size_t k = cut_at(s, len, cut);
        feed_ops(t, s, k);
        feed_ops(t, s + k, len - k);
        return;
    }
    for (size_t off = 0; off < len;) {
        size_t n = cut_at(s, len, off + 1) - off;
        feed_ops(t, s + off, n);
        off += n;
    }
}

START_TEST(test_fast_path_splits)
{
    char stream[DIFF_TOKENS * 64], why[256];
    uint64_t fast = 0;
    for (unsigned seed = 1; seed <= FAST_STREAMS / 3; seed++) {
        rng = seed * 3266489917u;
        line_misc_pct = (unsigned[]){1, 4, 15}[rnd(3)];
        line_eol = rnd(3);
        int rows = 2 + (int)rnd(6), cols = 2 + (int)rnd(12);
        size_t len = gen_fast_stream(stream, DIFF_TOKENS / 3, rows, cols);
        for (size_t cut = 0; cut <= len + 1; cut++) {
            struct fs_term *t = fast_term(rows, cols, true, 100000);
            struct fs_term *ref = fast_term(rows, cols, false, 100000);
            feed_cut(t, stream, len, cut);
            feed_cut(ref, stream, len, cut);
            if (terms_differ(t, ref, why, sizeof(why)))
                fail_stream(seed, rows, cols, stream, cut, why);
            fast += fs_term_fast_lines(t);
            fs_term_free(t);
            fs_term_free(ref);
        }
    }
    ck_assert_uint_gt(fast, 0);
}
END_TEST

/*
 * A flood read as a pty gives it: nlines numbered lines of width text bytes
 * and a prompt with no newline, on rows x cols, in writes of chunk bytes that
 * cut lines (and CR LF) anywhere, read after every gap-th write only. What the
 * fast path holds back between writes is never seen: the terminal without
 * the fast path reads the same whenever either is read, the prompt shows at
 * once, and the fast path took almost every line.
 */
static void
flood_holds(int rows, int cols, int width, int nlines, size_t chunk, size_t gap)
{
    static char stream[2000000];
    char why[256], last[FS_TERM_MAX_DIM + 1];
    size_t len = 0;
    for (int i = 0; i < nlines; i++)
        len += (size_t)sprintf(stream + len, "%0*d\r\n", width, i * 7919);
    snprintf(last, sizeof last, "%0*d", width, (nlines - 1) * 7919);
    len += (size_t)sprintf(stream + len, "ready> ");
    ck_assert_uint_lt(len, sizeof stream);
    struct fs_term *a = fast_term(rows, cols, true, 100000);
    struct fs_term *b = fast_term(rows, cols, false, 100000);
    size_t reads = 0;
    for (size_t off = 0, k = 0; off < len; off += chunk, k++) {
        size_t n = off + chunk > len ? len - off : chunk;
        fs_term_write(a, stream + off, n);
        fs_term_write(b, stream + off, n);
        if (k % gap != gap / 2)
            continue;
        reads++;
        if (terms_differ(a, b, why, sizeof(why)))
            fail_stream((unsigned)chunk, rows, cols, stream, off + n, why);
    }
    ck_assert_str_eq(row_text(a, rows - 1), "ready>");
    assert_cursor(a, rows - 1, 7);
    ck_assert_str_eq(row_text(a, rows - 2), last);
    if (terms_differ(a, b, why, sizeof(why)))
        fail_stream((unsigned)chunk, rows, cols, stream, len, why);
    /* Only around a read do lines go through libvterm: the one that a write
     * cut there, the next one (probed) and the run's last; and the first
     * rows, which do not start at the bottom. */
    uint64_t slow = (uint64_t)nlines - fs_term_fast_lines(a);
    ck_assert_uint_le(slow, 3 * reads + (uint64_t)rows + 2);
    fs_term_free(a);
    fs_term_free(b);
}

START_TEST(test_fast_path_holds)
{
    /* Reads often: a few lines between two of them. */
    for (size_t chunk = 1; chunk <= 97; chunk += 12)
        flood_holds(10, 40, 20, 3000, chunk, 7);
    /* Reads seldom: full batches (1,024 lines) go by while held. */
    flood_holds(10, 40, 20, 3000, 4095, 9);
    flood_holds(10, 40, 20, 3000, 97, 2000);
    /* A screen so wide that a batch is only 260 lines. */
    flood_holds(6, 1000, 990, 1500, 4095, 100);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("term_diff");
    TCase *tc = tcase_create("differential");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_differential);
    tcase_add_test(tc, test_differential_lines);
    tcase_add_test(tc, test_fast_path_same);
    tcase_add_test(tc, test_fast_path_splits);
    tcase_add_test(tc, test_fast_path_odd_byte);
    tcase_add_test(tc, test_fast_path_holds);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
