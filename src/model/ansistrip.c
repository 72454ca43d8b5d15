/*
 * The escape-sequence stripper of log files (see ansistrip.h): a state
 * machine after the DEC/ECMA-48 parser's shape (ground, escape, escape
 * intermediate, CSI, control string), reduced to what is needed to skip
 * sequences. Owns nothing.
 */
#include <config.h>

#include <stdbool.h>

#include "model/ansistrip.h"

enum {
    GROUND,
    CR,        /* a "\r" was seen: a "\n" next makes it a newline */
    ESC,       /* ESC was seen */
    ESC_INTER, /* ESC and intermediates (0x20-0x2F): a final byte ends it */
    CSI,       /* ESC [: parameters and intermediates until a final 0x40-0x7E */
    STR,       /* OSC, DCS, SOS, PM, APC: until BEL or ESC \ */
    STR_ESC    /* ESC inside a string: '\\' ends it */
};

void
fs_ansistrip_init(struct fs_ansistrip *s)
{
    *s = (struct fs_ansistrip){.state = GROUND};
}

static void
begin(struct fs_ansistrip *s, int state)
{
    s->state = state;
    s->seq_len = 0;
}

static void
done(struct fs_ansistrip *s)
{
    s->state = GROUND;
    s->sequences++;
}

/* A byte in the ground state: text, or the start of something. */
static bool
ground(struct fs_ansistrip *s, unsigned char ch)
{
    if (ch == 0x1b) {
        begin(s, ESC);
        return false;
    }
    if (ch == '\r') {
        s->state = CR;
        return false;
    }
    return ch == '\n' || ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

/* The byte after ESC. */
static void
escape(struct fs_ansistrip *s, unsigned char ch)
{
    if (ch == '[')
        s->state = CSI;
    else if (ch == ']' || ch == 'P' || ch == 'X' || ch == '^' || ch == '_')
        s->state = STR;
    else if (ch >= 0x20 && ch <= 0x2f)
        s->state = ESC_INTER;
    else if (ch == 0x1b)
        s->state = ESC; /* ESC ESC: the first is dropped */
    else
        done(s); /* ESC 7, ESC M, ESC =; a control byte here ends it too */
}

/* Within a sequence: true when ch is to be handled in the ground state. */
static bool
in_sequence(struct fs_ansistrip *s, unsigned char ch)
{
    switch (s->state) {
    case ESC:
        escape(s, ch);
        return false;
    case ESC_INTER:
        if (ch < 0x20 || ch > 0x7e) {
            s->state = GROUND; /* cut short by a control byte: it counts as text */
            return true;
        }
        if (ch >= 0x30)
            done(s);
        return false;
    case CSI:
        if (ch >= 0x40 && ch <= 0x7e) {
            done(s);
            return false;
        }
        if (ch < 0x20 || ch > 0x3f) {
            s->state = GROUND; /* not a CSI byte: the sequence is cut */
            return true;
        }
        return false;
    case STR:
        if (ch == 0x07)
            done(s);
        else if (ch == 0x1b)
            s->state = STR_ESC;
        return false;
    default: /* STR_ESC */
        if (ch == '\\')
            done(s);
        else
            s->state = STR; /* an ESC inside the string; it goes on */
        return false;
    }
}

size_t
fs_ansistrip_feed(struct fs_ansistrip *s, const char *in, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (s->state == CR) {
            s->state = GROUND;
            if (ch == '\n') {
                out[o++] = '\n';
                continue;
            }
        }
        if (s->state != GROUND) {
            if (++s->seq_len > FS_ANSISTRIP_MAX_SEQ) {
                s->state = GROUND;
                s->abandoned++;
            } else if (!in_sequence(s, ch)) {
                continue;
            }
        }
        if (ground(s, ch))
            out[o++] = (char)ch;
    }
    return o;
}
