/*
 * The escape sequences that the guard (guard.c) takes in itself rather than
 * pass to libvterm 0.1.4 as they are: a CSI that is not clean is parsed as
 * libvterm parses it and rebuilt in a shape it survives, and DCS, OSC, SOS, PM
 * and APC strings are gathered and handed over whole, answered or dropped.
 * Owns struct fs_term's csi and str. What libvterm 0.1.4 does wrong, and what
 * is done about it (doc/terminal.md has the table):
 *
 * - CSI arguments: libvterm keeps 16 (CSI_ARGS_MAX; ':' sub-parameters count
 *   as arguments) and writes the 17th and later past its array, over its own
 *   parser state: SIGSEGV. It adds digits into a long that overflows and then
 *   into int positions and counts. So the guard takes every CSI that is not
 *   clean in (fs_term_seq_csi) and rebuilds it: arguments clamped to 65535 (as xterm
 *   does), an SGR of more than 16 cut into several between attributes (so
 *   38;5;N and 38;2;R;G;B stay whole; xterm applies 30), any other CSI cut to
 *   its first 16 (xterm ignores past 30), leader and intermediate bytes cut to
 *   libvterm's 15. A clean CSI (complete in the write, at most 16 arguments,
 *   none above 65535, no control inside) passes as it is: the common case
 *   costs one look at its bytes.
 * - DECRQSS (DCS $ q Pt ST): for a Pt it does not know, libvterm passes a
 *   number as the string of a "%.s" format. The guard takes every DCS in:
 *   the five requests libvterm answers (m, r, s, SP q, " q) go to it whole;
 *   any other is answered DCS 0 $ r ST, as xterm answers; other DCS, which
 *   libvterm ignores, are dropped.
 * - OSC: libvterm copies a string that comes in one write into a stack array
 *   of its length (16 MiB overflow the stack) and keeps 64 bytes of one cut
 *   between writes. The guard takes OSCs in and hands each over whole, its
 *   first 512 bytes (a title keeps 255).
 * - SOS, PM and APC (ESC X, ESC ^, ESC _): libvterm 0.1.4 does not know them
 *   and prints their contents; they are dropped whole, as xterm and tmux do.
 */
#include <config.h>

#include "term/term_int.h"

#include <string.h>

/* The parts of a CSI, in order. */
enum { PH_LEAD, PH_ARGS, PH_INTER };
/* libvterm 0.1.4 keeps 16 CSI arguments and writes past them when given more. */
#define VT_ARGS 16
/* Arguments are clamped to this, as xterm does: none then overflows libvterm's
 * int arithmetic on positions and counts. */
#define ARG_MAX 65535
/* A rebuilt CSI: ESC [, leader, VT_ARGS arguments of 5 digits and a
 * separator each, intermediates, final byte. */
#define CSI_OUT (2 + FS_TERM_GUARD_BYTES + VT_ARGS * 6 + FS_TERM_GUARD_BYTES + 1)

/*
 * The length of the CSI body at s (after '[') when it is complete before end
 * and libvterm can take it as it is: at most VT_ARGS arguments, each at most
 * ARG_MAX, no control inside, not REP. 0 otherwise: the CSI is taken in and
 * rebuilt (fs_term_seq_csi). This is the cheap check on the hot path.
 */
size_t
fs_term_seq_clean_csi(const unsigned char *s, const unsigned char *end)
{
    const unsigned char *p = s;
    while (p < end && *p >= 0x3c && *p <= 0x3f)
        p++;
    bool plain = p == s;
    unsigned seps = 0, val = 0;
    for (; p < end; p++) {
        if (*p >= '0' && *p <= '9') {
            val = val * 10 + (unsigned)(*p - '0');
            if (val > ARG_MAX)
                return 0;
        } else if (*p == ';' || *p == ':') {
            if (++seps >= VT_ARGS)
                return 0;
            val = 0;
        } else {
            break;
        }
    }
    const unsigned char *inter = p;
    while (p < end && *p >= 0x20 && *p <= 0x2f)
        p++;
    if (p == end || *p < 0x40 || *p > 0x7e)
        return 0;
    if (*p == 'b' && plain && p == inter)
        return 0;
    return (size_t)(p + 1 - s);
}

static void
csi_begin(struct fs_term *t)
{
    struct fs_term_guard_csi *c = &t->csi;
    t->g_mode = FS_TERM_SEQ_CSI;
    c->phase = PH_LEAD;
    c->nlead = c->ninter = c->nargs = 0;
    c->cut = false;
    c->arg[0] = -1;
    c->sub[0] = false;
}

/* Writes the CSI with its arguments [from, to) and final byte into buf
 * (CSI_OUT bytes); returns its length. */
static size_t
csi_put(const struct fs_term_guard_csi *c, int from, int to, unsigned char fin, unsigned char *buf)
{
    size_t n = 0;
    buf[n++] = 0x1b;
    buf[n++] = '[';
    memcpy(buf + n, c->lead, (size_t)c->nlead);
    n += (size_t)c->nlead;
    for (int i = from; i < to; i++) {
        if (c->arg[i] >= 0) {
            char d[8];
            int k = 0;
            for (int32_t v = c->arg[i]; k == 0 || v > 0; v /= 10)
                d[k++] = (char)('0' + v % 10);
            while (k > 0)
                buf[n++] = (unsigned char)d[--k];
        }
        if (i + 1 < to)
            buf[n++] = c->sub[i] ? ':' : ';';
    }
    memcpy(buf + n, c->inter, (size_t)c->ninter);
    n += (size_t)c->ninter;
    buf[n++] = fin;
    return n;
}

static void
csi_emit(struct fs_term *t, int from, int to, unsigned char fin)
{
    unsigned char buf[CSI_OUT];
    fs_term_guard_vt_feed(t, buf, csi_put(&t->csi, from, to, fin, buf));
}

/* The end of the SGR attribute that starts at argument i: its ':'
 * sub-parameters, or the ";5;N" and ";2;R;G;B" of an extended colour. */
static int
sgr_unit(const struct fs_term_guard_csi *c, int i, int nargs)
{
    int j = i;
    while (c->sub[j] && j + 1 < nargs)
        j++;
    int32_t a = c->arg[i];
    if (j == i && (a == 38 || a == 48 || a == 58) && i + 1 < nargs) {
        int more = c->arg[i + 1] == 5 ? 2 : c->arg[i + 1] == 2 ? 4 : 0;
        j = i + more < nargs - 1 ? i + more : nargs - 1;
    }
    return j + 1;
}

/* A long SGR becomes several, cut between attributes, as xterm would have
 * applied them all. An attribute longer than libvterm takes is cut. */
static void
csi_split_sgr(struct fs_term *t, int nargs)
{
    int start = 0;
    for (int i = 0; i < nargs;) {
        int e = sgr_unit(&t->csi, i, nargs);
        if (e - start > VT_ARGS && i > start) {
            csi_emit(t, start, i, 'm');
            start = i;
        }
        if (e - start > VT_ARGS) {
            csi_emit(t, start, start + VT_ARGS, 'm');
            start = e;
        }
        i = e;
    }
    if (start < nargs)
        csi_emit(t, start, nargs, 'm');
}

/* The final byte: the CSI goes to libvterm in a shape it survives. */
static void
csi_final(struct fs_term *t, unsigned char fin)
{
    const struct fs_term_guard_csi *c = &t->csi;
    int nargs = c->nargs + 1;
    bool plain = c->nlead == 0 && c->ninter == 0;
    t->g_mode = FS_TERM_SEQ_NONE;
    fs_term_settle(t); /* held plain text may be the glyph REP repeats */
    if (fin == 'b' && plain && t->rep_hazard)
        return;  /* REP with nothing to repeat would hang */
    if (nargs <= VT_ARGS) {
        csi_emit(t, 0, nargs, fin);
    } else if (fin == 'm' && plain) {
        csi_split_sgr(t, nargs);
    } else {
        csi_emit(t, 0, VT_ARGS, fin);
    }
}

/*
 * Takes in the bytes of a CSI from s, parsed as libvterm 0.1.4 parses them
 * (leader, arguments, intermediates, final byte; a control inside runs where
 * it is; ESC, CAN and SUB end it, as does any other byte, which is used up).
 * Returns the first byte not taken: end when the CSI goes on.
 */
const unsigned char *
fs_term_seq_csi(struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    struct fs_term_guard_csi *c = &t->csi;
    for (; s < end; s++) {
        unsigned char b = *s;
        if (b == 0x1b) {
            t->g_mode = FS_TERM_SEQ_NONE;
            return s;
        }
        if (b == 0x18 || b == 0x1a) {
            t->g_mode = FS_TERM_SEQ_NONE;
            fs_term_guard_vt_feed(t, s, 1);
            return s + 1;
        }
        if (fs_term_inner_control(b)) {
            if (b != 0x7f)
                fs_term_guard_vt_feed(t, s, 1);
            continue;
        }
        if (c->phase == PH_LEAD) {
            if (b >= 0x3c && b <= 0x3f) {
                if (c->nlead < FS_TERM_GUARD_BYTES)
                    c->lead[c->nlead++] = b;
                continue;
            }
            c->phase = PH_ARGS;
        }
        if (c->phase == PH_ARGS) {
            if (b >= '0' && b <= '9') {
                int32_t *a = &c->arg[c->nargs];
                if (!c->cut) {
                    int32_t v = (*a < 0 ? 0 : *a) * 10 + (b - '0');
                    *a = v < ARG_MAX ? v : ARG_MAX;
                }
                continue;
            }
            if (b == ';' || b == ':') {
                if (c->nargs + 1 < FS_TERM_GUARD_ARGS) {
                    c->sub[c->nargs++] = b == ':';
                    c->arg[c->nargs] = -1;
                    c->sub[c->nargs] = false;
                } else {
                    c->cut = true;
                }
                continue;
            }
            c->phase = PH_INTER;
        }
        if (b >= 0x20 && b <= 0x2f) {
            if (c->ninter < FS_TERM_GUARD_BYTES)
                c->inter[c->ninter++] = b;
            continue;
        }
        t->g_mode = FS_TERM_SEQ_NONE;
        if (b >= 0x40 && b <= 0x7e)
            csi_final(t, b);
        return s + 1;
    }
    return s;
}

static void
str_begin(struct fs_term *t, int mode)
{
    t->g_mode = mode;
    t->str.esc = false;
    t->str.n = 0;
}

/* DECRQSS queries that libvterm 0.1.4 answers; any other makes it pass a
 * number as a string to printf. */
static const char *const decrqss_known[] = {"m", "r", "s", " q", "\"q"};

static void
dcs_end(struct fs_term *t)
{
    const struct fs_term_guard_str *g = &t->str;
    /* libvterm acts on no other DCS. */
    if (g->n < 2 || memcmp(g->buf, "$q", 2) != 0)
        return;
    for (size_t i = 0; i < sizeof(decrqss_known) / sizeof(decrqss_known[0]); i++) {
        size_t k = strlen(decrqss_known[i]);
        if (g->n == k + 2 && memcmp(g->buf + 2, decrqss_known[i], k) == 0) {
            unsigned char seq[16] = "\033P$q";
            memcpy(seq + 4, decrqss_known[i], k);
            memcpy(seq + 4 + k, "\033\\", 2);
            fs_term_guard_vt_feed(t, seq, k + 6);
            return;
        }
    }
    /* What xterm answers to a request it does not know. */
    if (t->out != NULL)
        t->out("\033P0$r\033\\", 7, t->out_arg);
}

/* ST or BEL ended the string: an OSC goes to libvterm whole (its first
 * FS_TERM_GUARD_STR bytes); a DCS is answered; SOS, PM and APC are gone. */
static void
str_end(struct fs_term *t)
{
    int mode = t->g_mode;
    t->g_mode = FS_TERM_SEQ_NONE;
    if (mode == FS_TERM_SEQ_DCS) {
        dcs_end(t);
    } else if (mode == FS_TERM_SEQ_OSC) {
        unsigned char seq[FS_TERM_GUARD_STR + 4] = "\033]";
        memcpy(seq + 2, t->str.buf, t->str.n);
        memcpy(seq + 2 + t->str.n, "\033\\", 2);
        fs_term_guard_vt_feed(t, seq, t->str.n + 4);
    }
}

/*
 * Takes in the bytes of a string from s, ended as libvterm 0.1.4 ends one:
 * by BEL or ST; CAN and SUB cancel it, and ESC followed by anything but '\'
 * cancels it and starts an escape sequence. Controls inside run, except in
 * the strings the guard drops. Returns the first byte not taken.
 */
const unsigned char *
fs_term_seq_str(struct fs_term *t, const unsigned char *s, const unsigned char *end)
{
    struct fs_term_guard_str *g = &t->str;
    bool keep = t->g_mode != FS_TERM_SEQ_IGNORE;
    for (; s < end; s++) {
        unsigned char b = *s;
        if (g->esc) {
            if (b == '\\') {
                g->esc = false;
                str_end(t);
                return s + 1;
            }
            if (fs_term_inner_control(b)) {
                if (keep && b != 0x7f)
                    fs_term_guard_vt_feed(t, s, 1);
                continue;
            }
            /* The string is dropped and the ESC begins what follows. */
            g->esc = false;
            t->g_mode = FS_TERM_SEQ_NONE;
            fs_term_guard_esc_open(t, (const unsigned char *)"\033", 1, 0, false);
            return s;
        }
        if (b == 0x1b) {
            g->esc = true;
        } else if (b == 0x07) {
            str_end(t);
            return s + 1;
        } else if (b == 0x18 || b == 0x1a) {
            t->g_mode = FS_TERM_SEQ_NONE;
            fs_term_guard_vt_feed(t, s, 1);
            return s + 1;
        } else if (b < 0x20) {
            if (keep)
                fs_term_guard_vt_feed(t, s, 1);
        } else if (b != 0x7f && keep && g->n < sizeof(g->buf)) {
            g->buf[g->n++] = (char)b;
        }
    }
    return s;
}

/* Begins taking in a sequence. The guard feeds libvterm no part of it until
 * it ends, and maybe nothing then, so libvterm must not be left in an escape
 * that the bytes fed after it would continue: CAN ends one. */
void
fs_term_seq_begin(struct fs_term *t, int kind)
{
    if (t->cs_esc)
        fs_term_guard_vt_feed(t, (const unsigned char *)"\030", 1);
    if (kind == FS_TERM_SEQ_CSI)
        csi_begin(t);
    else
        str_begin(t, kind);
}
