/*
 * The inside of struct fs_term, shared by the files of src/term/ (term.c: the
 * libvterm callbacks and the public API; guard.c: what libvterm is fed;
 * fast.c: the fast path for plain lines and what it holds back;
 * lines.c: line numbers and text; search.c). Nothing outside src/term/
 * includes this.
 */
#ifndef FS_TERM_INT_H
#define FS_TERM_INT_H

#include <vterm.h>

#include "term/grid.h"
#include "term/scrollback.h"
#include "term/term.h"

#define FS_TERM_TITLE_MAX 256
/* Bytes of text one screen row can take: 4 per cell, and a NUL. */
#define FS_TERM_ROW_TEXT_MAX (FS_TERM_MAX_DIM * 4 + 1)
/* What the guard keeps of a CSI: arguments (xterm keeps 30), leader and
 * intermediate bytes (libvterm keeps 15); and of an OSC or DCS string. */
#define FS_TERM_GUARD_ARGS 32
#define FS_TERM_GUARD_BYTES 15
#define FS_TERM_GUARD_STR 512
/* Plain lines the fast path takes at once, and holds back at most: FP_BATCH,
 * or fewer on a wide screen, so that what it holds stays within
 * FP_HOLD_BYTES (fast.c). */
#define FP_BATCH 1024
#define FP_HOLD_BYTES (256 * 1024)

struct fs_term {
    VTerm *vt;
    VTermState *state;
    int rows, cols;
    struct fs_grid main, alt;
    struct fs_grid *grid;           /* the active one: &main or &alt */
    struct fs_scrollback *sb;       /* lines that left the main screen */
    struct fs_term_cell pen;        /* attrs, fg and bg of the next glyph */

    bool cursor_visible;
    bool reverse;                   /* DECSCNM */
    int mouse;                      /* VTERM_PROP_MOUSE_* the child asked for */
    char title[FS_TERM_TITLE_MAX];
    unsigned long bells;

    int scrolled;                   /* damage: full-screen scrolls since the clear */
    bool full_damage;

    /* guard.c */
    bool rep_hazard;                /* the last glyph had no width: REP would hang */
    unsigned char held[1];          /* a C2 that ended the last write */
    size_t nheld;
    bool esc_open;                  /* libvterm is in an escape that may become a CSI */
    bool esc_hash;                  /* ... whose intermediates are "#" */
    int esc_ninter;                 /* ... with this many intermediates */
    int g_mode;                     /* 0, or the CSI or string being taken in */
    struct fs_term_guard_csi {      /* a CSI, as libvterm would parse it */
        int phase;                  /* leader, arguments or intermediates */
        int nlead, ninter, nargs;   /* nargs: index of the current argument */
        bool cut;                   /* arguments past FS_TERM_GUARD_ARGS were dropped */
        unsigned char lead[FS_TERM_GUARD_BYTES], inter[FS_TERM_GUARD_BYTES];
        int32_t arg[FS_TERM_GUARD_ARGS];   /* -1: missing */
        bool sub[FS_TERM_GUARD_ARGS];      /* followed by ':' */
    } csi;
    struct fs_term_guard_str {      /* a DCS, OSC, SOS, PM or APC string */
        bool esc;                   /* its last byte was ESC (ST may follow) */
        size_t n;                   /* bytes kept in buf */
        char buf[FS_TERM_GUARD_STR];
    } str;

    /* The fast path for plain lines (fast.c, doc/terminal.md). */
    bool fp_enabled;
    bool fp_ready;                  /* libvterm's last input was a verified plain line */
    bool esc_tail;                  /* the last byte fed to libvterm was ESC */
    bool fp_lnm;                    /* ... ended by a bare LF that returned to column 0 */
    const unsigned char *probe;     /* the line being verified, or NULL */
    int probe_len, probe_n;         /* its length; glyphs seen so far */
    int probe_scrolls;
    bool probe_bad;                 /* a callback the line should not cause */
    uint64_t fp_lines;              /* lines that went past libvterm */
    /* The run's batch of lines (fast.c): fp_n of them, the first fp_nheld
     * held back in fp_buf; then the held tail, fp_buf[fp_tail..fp_len). */
    const unsigned char *fp_ls[FP_BATCH];
    int fp_lm[FP_BATCH];            /* their text bytes */
    int fp_n, fp_nheld;
    unsigned char *fp_buf;
    size_t fp_cap, fp_len, fp_tail;
    /* The character sets as far as the bytes fed to libvterm tell: GL is
     * G(cs_gl); bit i of cs_ascii says Gi is surely US-ASCII. */
    int cs_gl;
    unsigned cs_ascii;
    bool cs_esc;                    /* inside an escape sequence */
    int cs_ninter;                  /* its intermediate bytes so far */
    unsigned char cs_inter;         /* the first of them */
    bool cs_mixed;                  /* a charset intermediate among several */

    fs_term_output_fn *out;
    void *out_arg;
};

/* What the guard is taking in (g_mode), or what a sequence is. */
enum {
    FS_TERM_SEQ_NONE,
    FS_TERM_SEQ_CSI,
    FS_TERM_SEQ_OSC,
    FS_TERM_SEQ_DCS,
    FS_TERM_SEQ_IGNORE,  /* SOS, PM, APC */
    FS_TERM_SEQ_DECALN,
};

/* C0 controls that libvterm runs in the middle of an escape sequence (and
 * DEL, which it ignores there). */
static inline bool
fs_term_inner_control(unsigned char c)
{
    return (c < 0x20 && c != 0x1b && c != 0x18 && c != 0x1a) || c == 0x7f;
}

/* Bytes that libvterm passes over between ESC and what follows it: it runs
 * the controls, ignores DEL and bytes from 0x80, and stays in the escape. */
static inline bool
fs_term_esc_skip(unsigned char c)
{
    return fs_term_inner_control(c) || c >= 0x80;
}

/* Feeds child output to libvterm past the 0.1.4 bugs that it can trigger. */
void fs_term_guard_feed(struct fs_term *t, const char *data, size_t len);
/* Repairs the state after libvterm was resized from old_rows. */
void fs_term_guard_resized(struct fs_term *t, int old_rows);
/* Forgets what the fast path knew of libvterm's state, after a reset (charsets
 * too when hard) or a resize. */
void fs_term_guard_forget(struct fs_term *t, bool hard);
/* Feeds bytes to libvterm as they are (guard.c keeps its view of them). */
void fs_term_guard_vt_feed(struct fs_term *t, const unsigned char *s, size_t n);
/* Feeds an escape still undecided at the end of a write (ESC, then controls,
 * ignored bytes and ninter intermediates, hash: they are "#") and remembers
 * it. */
void fs_term_guard_esc_open(struct fs_term *t, const unsigned char *s, size_t n, int ninter,
                            bool hash);

/* seq.c: the length of the CSI body at s (after '[') when it is complete
 * before end and libvterm can take it as it is, else 0. */
size_t fs_term_seq_clean_csi(const unsigned char *s, const unsigned char *end);
/* Begins taking in a sequence of a kind (FS_TERM_SEQ_CSI ... _IGNORE). */
void fs_term_seq_begin(struct fs_term *t, int kind);
/* Take in the bytes of the CSI or string begun; return the first byte not
 * taken (end when it goes on past it). */
const unsigned char *fs_term_seq_csi(struct fs_term *t, const unsigned char *s,
                                     const unsigned char *end);
const unsigned char *fs_term_seq_str(struct fs_term *t, const unsigned char *s,
                                     const unsigned char *end);
/* fast.c: feeds a stretch of output that the guard passes on unchanged. */
void fs_term_fast_feed(struct fs_term *t, const unsigned char *s, size_t n);
/* Called from putglyph while a line is being verified. */
void fs_term_fast_probe_glyph(struct fs_term *t, const VTermGlyphInfo *info, VTermPos pos);
/* Completes what the fast path holds back: applies the run's lines, the last
 * through libvterm, and feeds the tail. */
void fs_term_fast_flush(struct fs_term *t);

/*
 * Makes t what it would be had every byte written been fed: what the fast
 * path holds back between writes is completed. Every reader calls it first
 * (readers take a const terminal: holding back is not visible to them, and
 * t is never a const object), as do resize, reset and vt_feed.
 */
static inline void
fs_term_settle(const struct fs_term *t)
{
    if (t->fp_n > 0 || t->fp_len > t->fp_tail)
        fs_term_fast_flush((struct fs_term *)t);
}

/*
 * The UTF-8 text of a line, as fs_term_line_text describes it, without a
 * copy when the line is in the scrollback: returns a pointer to it (into the
 * scrollback, or into buf, which must hold FS_TERM_ROW_TEXT_MAX bytes) and
 * sets *len; NULL when the line is not kept.
 */
const char *fs_term_line_ref(const struct fs_term *t, uint64_t line, char *buf, size_t *len);
/* Writes the text of a row of normalised cells (fs_grid_normalise) into buf
 * (FS_TERM_ROW_TEXT_MAX bytes); returns its length. */
size_t fs_term_cells_text(const struct fs_term_cell *cells, int ncols, char *buf);
/* Pushes row r of the main screen to the scrollback (the fast path's rows
 * that scroll out; a row of plain text goes as its text, fs_grid_plain). */
void fs_term_push_row(struct fs_term *t, int r);

#endif
