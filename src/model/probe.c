/*
 * Probe specs: defaults, copies, names; and the log probe's line matcher
 * (pure: bytes in, "a line matched" out). What a probe checks is in
 * model/probe.h; running one is app/probe.c's.
 */
#include <config.h>

#include "model/probe.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const kind_names[] = {"log", "tcp", "http", "shell", "cmd"};

struct fs_probe *
fs_probe_new(enum fs_probe_kind kind)
{
    struct fs_probe *p = fs_xcalloc(1, sizeof *p);
    p->kind = kind;
    p->interval = FS_PROBE_INTERVAL;
    p->timeout = FS_PROBE_TIMEOUT;
    p->initial_delay = 0.0;
    p->retries = FS_PROBE_ALIVE_RETRIES;
    return p;
}

void
fs_probe_free(struct fs_probe *p)
{
    if (p == NULL)
        return;
    free(p->pattern);
    free(p->host);
    free(p->url);
    free(p->path);
    free(p->shell);
    fs_strv_free(p->argv);
    free(p);
}

static char *
dup_or_null(const char *s)
{
    return s != NULL ? fs_xstrdup(s) : NULL;
}

struct fs_probe *
fs_probe_copy(const struct fs_probe *p)
{
    if (p == NULL)
        return NULL;
    struct fs_probe *c = fs_xmalloc(sizeof *c);
    *c = *p;
    c->pattern = dup_or_null(p->pattern);
    c->host = dup_or_null(p->host);
    c->url = dup_or_null(p->url);
    c->path = dup_or_null(p->path);
    c->shell = dup_or_null(p->shell);
    c->argv = fs_strv_dup(p->argv);
    return c;
}

const char *
fs_probe_kind_name(enum fs_probe_kind kind)
{
    return (unsigned)kind < sizeof kind_names / sizeof *kind_names ? kind_names[kind] : "?";
}

/* ---- the log probe's matcher ---------------------------------------------------------- */

int
fs_probe_lines_init(struct fs_probe_lines *m, const char *pattern, char **err)
{
    memset(m, 0, sizeof *m);
    int rc = regcomp(&m->re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char why[256];
        regerror(rc, &m->re, why, sizeof why);
        *err = fs_xstrdup(why);
        return -1;
    }
    return 0;
}

void
fs_probe_lines_fini(struct fs_probe_lines *m)
{
    regfree(&m->re);
}

void
fs_probe_lines_reset(struct fs_probe_lines *m)
{
    for (int i = 0; i < 2; i++) {
        m->s[i].len = 0;
        m->s[i].over = false;
        m->s[i].esc = 0;
    }
}

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_STRING, ESC_STRING_ESC };

/* Whether byte c (from a pty) belongs to an escape sequence or is a control
 * character to drop; tracks the sequence in *esc. */
static bool
skip_escape(int *esc, unsigned char c)
{
    switch (*esc) {
    case ESC_START:
        *esc = c == '[' ? ESC_CSI : (c == ']' || c == 'P' || c == '_') ? ESC_STRING : ESC_NONE;
        return true;
    case ESC_CSI:
        if (c >= 0x40 && c <= 0x7e)
            *esc = ESC_NONE;
        return true;
    case ESC_STRING:
        if (c == 0x07)
            *esc = ESC_NONE;
        else if (c == 0x1b)
            *esc = ESC_STRING_ESC;
        return true;
    case ESC_STRING_ESC:
        *esc = c == '\\' ? ESC_NONE : ESC_STRING;
        return true;
    default:
        if (c == 0x1b) {
            *esc = ESC_START;
            return true;
        }
        return c == '\r' || (c < 0x20 && c != '\t' && c != '\n');
    }
}

/* Matches the line collected (without a "\r" before its end) and forgets it. */
static bool
line_done(struct fs_probe_lines *m, int stream)
{
    size_t n = m->s[stream].len;
    if (n > 0 && m->s[stream].buf[n - 1] == '\r')
        n--;
    m->s[stream].buf[n] = '\0';
    bool hit = regexec(&m->re, m->s[stream].buf, 0, NULL, 0) == 0;
    m->s[stream].len = 0;
    m->s[stream].over = false;
    return hit;
}

bool
fs_probe_lines_feed(struct fs_probe_lines *m, int stream, const char *data, size_t len, bool strip)
{
    bool hit = false;
    stream = stream != 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (strip && skip_escape(&m->s[stream].esc, c))
            continue;
        if (c == '\n') {
            hit |= line_done(m, stream);
        } else if (m->s[stream].len < FS_PROBE_LINE_MAX) {
            /* A NUL would end the line for regexec: it stands as a space. */
            m->s[stream].buf[m->s[stream].len++] = c != '\0' ? (char)c : ' ';
        } else {
            m->s[stream].over = true;
            m->cut++;
        }
    }
    return hit;
}

bool
fs_probe_lines_eof(struct fs_probe_lines *m, int stream)
{
    stream = stream != 0;
    bool hit = m->s[stream].len > 0 && line_done(m, stream);
    m->s[stream].esc = 0;
    return hit;
}
