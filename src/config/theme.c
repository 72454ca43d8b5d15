/*
 * Themes: the built-in default and monochrome themes, the parser of theme files
 * (doc/themes.md), the search of a theme by name, and the mapping of colours to
 * what a terminal has. A theme is a plain value; nothing here allocates but the
 * error messages, which the caller frees.
 */
#include <config.h>

#include "config/theme.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config/errmsg.h"
#include "util/xalloc.h"

static const char *const elem_names[FS_EL_COUNT] = {
    [FS_EL_NORMAL] = "normal",
    [FS_EL_TABLE_HEADER] = "table.header",
    [FS_EL_TABLE_ROW] = "table.row",
    [FS_EL_TABLE_SELECTED] = "table.selected",
    [FS_EL_PANE_BORDER] = "pane.border",
    [FS_EL_PANE_BORDER_SELECTED] = "pane.border.selected",
    [FS_EL_PANE_TITLE] = "pane.title",
    [FS_EL_STDERR] = "stderr",
    [FS_EL_STATE_IDLE] = "state.idle",
    [FS_EL_STATE_RUNNING] = "state.running",
    [FS_EL_STATE_STOPPING] = "state.stopping",
    [FS_EL_STATE_EXITED] = "state.exited",
    [FS_EL_STATE_FAILED] = "state.failed",
    [FS_EL_STATE_BACKOFF] = "state.backoff",
    [FS_EL_STATUS] = "status",
    [FS_EL_STATUS_KEY] = "status.key",
    [FS_EL_HELP] = "help",
    [FS_EL_PROMPT] = "prompt",
    [FS_EL_SEARCH_MATCH] = "search.match",
    [FS_EL_SPARKLINE] = "sparkline",
    [FS_EL_ERROR] = "error",
};

static const char *const basic_names[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

static const struct attr_word {
    const char *name;
    unsigned attr;
} attr_words[] = {
    {"bold", FS_ATTR_BOLD},       {"dim", FS_ATTR_DIM},       {"underline", FS_ATTR_UNDERLINE},
    {"reverse", FS_ATTR_REVERSE}, {"italic", FS_ATTR_ITALIC},
};
#define NATTRS (sizeof attr_words / sizeof attr_words[0])

/* clang-format off */
#define DEF {FS_COLOR_DEFAULT, 0}
#define IDX(i) {FS_COLOR_INDEX, (i)}
#define BOLD FS_ATTR_BOLD
/* clang-format on */

/* Colour only where it carries meaning, on the terminal's own background, and
 * only colours that read on black and on white alike: no yellow or cyan text
 * on the default background except for backoff, which is rare and brief. The
 * selection is white on blue, which reads everywhere; themes/default.theme
 * spells out the same table. */
static const struct fs_style default_styles[FS_EL_COUNT] = {
    [FS_EL_TABLE_HEADER] = {DEF, DEF, BOLD},
    [FS_EL_TABLE_SELECTED] = {IDX(7), IDX(4), BOLD},
    [FS_EL_PANE_BORDER_SELECTED] = {IDX(4), DEF, BOLD},
    [FS_EL_PANE_TITLE] = {DEF, DEF, BOLD},
    [FS_EL_STDERR] = {IDX(1), DEF, 0},
    [FS_EL_STATE_RUNNING] = {IDX(2), DEF, 0},
    [FS_EL_STATE_STOPPING] = {IDX(5), DEF, 0},
    [FS_EL_STATE_EXITED] = {DEF, DEF, FS_ATTR_DIM},
    [FS_EL_STATE_FAILED] = {IDX(1), DEF, BOLD},
    [FS_EL_STATE_BACKOFF] = {IDX(3), DEF, 0},
    [FS_EL_STATUS] = {DEF, DEF, FS_ATTR_REVERSE},
    [FS_EL_STATUS_KEY] = {DEF, DEF, FS_ATTR_REVERSE | BOLD},
    [FS_EL_PROMPT] = {DEF, DEF, BOLD},
    [FS_EL_SEARCH_MATCH] = {IDX(0), IDX(3), 0},
    [FS_EL_SPARKLINE] = {IDX(4), DEF, 0},
    [FS_EL_ERROR] = {IDX(1), DEF, BOLD},
};

/* Attributes only; themes/mono.theme spells out the same table. */
static const struct fs_style mono_styles[FS_EL_COUNT] = {
    [FS_EL_TABLE_HEADER] = {DEF, DEF, BOLD},
    [FS_EL_TABLE_SELECTED] = {DEF, DEF, FS_ATTR_REVERSE | BOLD},
    [FS_EL_PANE_BORDER_SELECTED] = {DEF, DEF, BOLD},
    [FS_EL_PANE_TITLE] = {DEF, DEF, BOLD},
    [FS_EL_STDERR] = {DEF, DEF, BOLD},
    [FS_EL_STATE_RUNNING] = {DEF, DEF, BOLD},
    [FS_EL_STATE_STOPPING] = {DEF, DEF, FS_ATTR_ITALIC},
    [FS_EL_STATE_EXITED] = {DEF, DEF, FS_ATTR_DIM},
    [FS_EL_STATE_FAILED] = {DEF, DEF, FS_ATTR_UNDERLINE | BOLD},
    [FS_EL_STATE_BACKOFF] = {DEF, DEF, FS_ATTR_UNDERLINE},
    [FS_EL_STATUS] = {DEF, DEF, FS_ATTR_REVERSE},
    [FS_EL_STATUS_KEY] = {DEF, DEF, FS_ATTR_REVERSE | BOLD},
    [FS_EL_PROMPT] = {DEF, DEF, BOLD},
    [FS_EL_SEARCH_MATCH] = {DEF, DEF, FS_ATTR_REVERSE | FS_ATTR_UNDERLINE},
    [FS_EL_ERROR] = {DEF, DEF, FS_ATTR_REVERSE | BOLD},
};

const char *
fs_theme_elem_name(enum fs_theme_elem e)
{
    return (unsigned)e < FS_EL_COUNT ? elem_names[e] : "?";
}

int
fs_theme_elem_from_name(const char *name)
{
    for (int i = 0; i < FS_EL_COUNT; i++)
        if (strcmp(elem_names[i], name) == 0)
            return i;
    return -1;
}

void
fs_theme_default(struct fs_theme *t)
{
    memset(t, 0, sizeof *t);
    strcpy(t->name, "default");
    memcpy(t->styles, default_styles, sizeof t->styles);
}

void
fs_theme_mono(struct fs_theme *t)
{
    memset(t, 0, sizeof *t);
    strcpy(t->name, "mono");
    memcpy(t->styles, mono_styles, sizeof t->styles);
}

/* ---- Colours of the xterm 256-colour palette ---- */

static const uint8_t cube_levels[6] = {0, 95, 135, 175, 215, 255};

/* xterm's own values for the 8 basic colours. */
static const uint32_t basic_rgb[8] = {0x000000, 0xcd0000, 0x00cd00, 0xcdcd00,
                                      0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5};

/* The RGB value of a palette entry of the cube or the grey ramp (16–255). */
static uint32_t
palette_rgb(int i)
{
    if (i >= 232) {
        uint32_t g = (uint32_t)(8 + 10 * (i - 232));
        return g << 16 | g << 8 | g;
    }
    i -= 16;
    return (uint32_t)cube_levels[i / 36] << 16 | (uint32_t)cube_levels[i / 6 % 6] << 8 |
           cube_levels[i % 6];
}

static long
rgb_distance(uint32_t a, uint32_t b)
{
    long dr = (long)(a >> 16 & 0xff) - (long)(b >> 16 & 0xff);
    long dg = (long)(a >> 8 & 0xff) - (long)(b >> 8 & 0xff);
    long db = (long)(a & 0xff) - (long)(b & 0xff);
    return dr * dr + dg * dg + db * db;
}

/* Entries 0–15 are left out: terminals redefine them, so they would not show the
 * colour that was asked for. */
int
fs_color_to_256(uint32_t rgb)
{
    int best = 16;
    long best_d = -1;
    for (int i = 16; i < 256; i++) {
        long d = rgb_distance(rgb, palette_rgb(i));
        if (best_d < 0 || d < best_d) {
            best = i;
            best_d = d;
        }
    }
    return best;
}

/* The bright colours 8–15 map to their basic colour; anything outside the
 * palette gives -1, which curses reads as the terminal's default colour. A grey
 * becomes black or white: by distance alone a mid grey is nearest yellow. */
int
fs_color_to_8(int index256)
{
    if (index256 < 0 || index256 > 255)
        return -1;
    if (index256 < 16)
        return index256 % 8;
    uint32_t rgb = palette_rgb(index256);
    if ((rgb >> 16) == (rgb & 0xff) && ((rgb >> 8) & 0xff) == (rgb & 0xff))
        return rgb_distance(rgb, basic_rgb[0]) <= rgb_distance(rgb, basic_rgb[7]) ? 0 : 7;
    int best = 0;
    for (int i = 1; i < 8; i++)
        if (rgb_distance(rgb, basic_rgb[i]) < rgb_distance(rgb, basic_rgb[best]))
            best = i;
    return best;
}

/* ---- The parser ---- */

struct parser {
    const char *path;
    unsigned line;
    char **err;
};

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct parser *ps, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fs_errmsg_vset(ps->err, ps->path, ps->line, 0, fmt, ap);
    va_end(ap);
    return -1;
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Does the word [w, w+len) equal s, ignoring case? */
static int
word_is(const char *w, size_t len, const char *s)
{
    return strlen(s) == len && strncasecmp(w, s, len) == 0;
}

/* Parses the digits of colorN or the hex digits of #rrggbb. */
static int
parse_number(const char *w, size_t len, int base, size_t max_digits, unsigned long *v)
{
    char buf[8];
    if (len == 0 || len > max_digits || len >= sizeof buf)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(base == 10 ? isdigit((unsigned char)w[i]) : isxdigit((unsigned char)w[i])))
            return 0;
    memcpy(buf, w, len);
    buf[len] = '\0';
    *v = strtoul(buf, NULL, base);
    return 1;
}

static int
parse_color(const char *w, size_t len, struct fs_color *c)
{
    unsigned long v;
    if (word_is(w, len, "default")) {
        *c = (struct fs_color){FS_COLOR_DEFAULT, 0};
        return 1;
    }
    for (uint32_t i = 0; i < 8; i++) {
        size_t n = strlen(basic_names[i]);
        if (word_is(w, len, basic_names[i]))
            *c = (struct fs_color){FS_COLOR_INDEX, i};
        else if (len == 7 + n && strncasecmp(w, "bright-", 7) == 0 &&
                 strncasecmp(w + 7, basic_names[i], n) == 0)
            *c = (struct fs_color){FS_COLOR_INDEX, 8 + i};
        else
            continue;
        return 1;
    }
    if (len == 7 && w[0] == '#' && parse_number(w + 1, 6, 16, 6, &v)) {
        *c = (struct fs_color){FS_COLOR_RGB, (uint32_t)v};
        return 1;
    }
    size_t skip = len > 6 && strncasecmp(w, "colour", 6) == 0  ? 6
                  : len > 5 && strncasecmp(w, "color", 5) == 0 ? 5
                                                               : 0;
    if (skip > 0 && parse_number(w + skip, len - skip, 10, 3, &v) && v <= 255) {
        *c = (struct fs_color){FS_COLOR_INDEX, (uint32_t)v};
        return 1;
    }
    return 0;
}

/* Cuts the next blank-separated word from [*p, end). */
static int
next_word(const char **p, const char *end, const char **w, size_t *len)
{
    while (*p < end && is_blank(**p))
        (*p)++;
    if (*p == end)
        return 0;
    *w = *p;
    while (*p < end && !is_blank(**p))
        (*p)++;
    *len = (size_t)(*p - *w);
    return 1;
}

static unsigned
attr_of(const char *w, size_t len)
{
    for (size_t i = 0; i < NATTRS; i++)
        if (word_is(w, len, attr_words[i].name))
            return attr_words[i].attr;
    return 0;
}

/* STYLE: attribute words, at most one foreground colour, at most one `on BG`. */
static int
parse_style(struct parser *ps, const char *p, const char *end, struct fs_style *st)
{
    const char *w;
    size_t len;
    int have_fg = 0, have_bg = 0;
    *st = (struct fs_style){DEF, DEF, 0};
    while (next_word(&p, end, &w, &len)) {
        unsigned attr = attr_of(w, len);
        if (attr != 0) {
            st->attrs |= attr;
        } else if (word_is(w, len, "on")) {
            if (!next_word(&p, end, &w, &len))
                return fail(ps, "expected a colour after 'on'");
            if (have_bg++)
                return fail(ps, "more than one background colour");
            if (!parse_color(w, len, &st->bg))
                return fail(ps, "unknown colour '%.*s'", (int)len, w);
        } else if (!parse_color(w, len, &st->fg)) {
            return fail(ps, "unknown colour '%.*s'", (int)len, w);
        } else if (have_fg++) {
            return fail(ps, "more than one foreground colour ('%.*s')", (int)len, w);
        }
    }
    return 0;
}

/* The end of the line's content: a `#` that begins the line or follows a blank,
 * and is itself followed by a blank or the end, starts a comment. `#rrggbb` is
 * a colour, not a comment. */
static const char *
content_end(const char *p, const char *end)
{
    for (const char *q = p; q < end; q++) {
        if (*q != '#')
            continue;
        int at_start = 1;
        for (const char *r = p; r < q; r++)
            at_start = at_start && is_blank(*r);
        if (at_start || (is_blank(q[-1]) && (q + 1 == end || is_blank(q[1]))))
            return q;
    }
    return end;
}

static void
trim(const char **p, const char **end)
{
    while (*p < *end && is_blank(**p))
        (*p)++;
    while (*end > *p && is_blank((*end)[-1]))
        (*end)--;
}

/* Clears the whole field, so that two equal themes compare equal byte for byte. */
static void
set_name(struct fs_theme *t, const char *name, size_t len)
{
    memset(t->name, 0, sizeof t->name);
    memcpy(t->name, name, len);
}

static int
parse_line(struct parser *ps, struct fs_theme *t, const char *p, const char *end, int *named)
{
    end = content_end(p, end);
    trim(&p, &end);
    if (p == end)
        return 0;
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (eq == NULL || eq == p)
        return fail(ps, "expected ELEMENT = STYLE");
    const char *key_end = eq, *val = eq + 1;
    trim(&p, &key_end);
    trim(&val, &end);
    if (val == end)
        return fail(ps, "expected ELEMENT = STYLE");
    size_t klen = (size_t)(key_end - p), vlen = (size_t)(end - val);
    if (klen == 4 && memcmp(p, "name", 4) == 0) {
        if (vlen >= sizeof t->name)
            return fail(ps, "theme name longer than %zu bytes", sizeof t->name - 1);
        set_name(t, val, vlen);
        *named = 1;
        return 0;
    }
    for (int e = 0; e < FS_EL_COUNT; e++)
        if (strlen(elem_names[e]) == klen && memcmp(elem_names[e], p, klen) == 0)
            return parse_style(ps, val, end, &t->styles[e]);
    return fail(ps, "unknown element '%.*s'", (int)klen, p);
}

/* A theme without a `name` line is named after its file: "ocean.theme" → "ocean". */
static void
name_from_path(struct fs_theme *t, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 6 && strcmp(base + len - 6, ".theme") == 0)
        len -= 6;
    if (len == 0)
        return;
    set_name(t, base, len < sizeof t->name ? len : sizeof t->name - 1);
}

int
fs_theme_parse(struct fs_theme *t, const char *path, const char *buf, size_t len, char **err)
{
    struct parser ps = {path != NULL ? path : "-", 0, err};
    const char *p = buf, *end = buf + len;
    int named = 0;
    *err = NULL;
    fs_theme_default(t);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl != NULL ? nl : end;
        ps.line++;
        if (parse_line(&ps, t, p, line_end, &named) < 0) {
            fs_theme_default(t);
            return -1;
        }
        p = nl != NULL ? nl + 1 : end;
    }
    if (!named && path != NULL)
        name_from_path(t, path);
    return 0;
}

/* Theme files are a few dozen lines; anything this big is the wrong file. */
#define THEME_MAX_BYTES (256 * 1024)

int
fs_theme_load(struct fs_theme *t, const char *path, char **err)
{
    fs_theme_default(t);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        *err = fs_xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = fs_xmalloc(THEME_MAX_BYTES + 1);
    size_t len = fread(buf, 1, THEME_MAX_BYTES + 1, f);
    int rc = 0;
    if (ferror(f)) {
        *err = fs_xasprintf("%s: %s", path, strerror(errno));
        rc = -1;
    } else if (len > THEME_MAX_BYTES) {
        *err = fs_xasprintf("%s: larger than %d bytes, not a theme file", path, THEME_MAX_BYTES);
        rc = -1;
    }
    fclose(f);
    if (rc == 0)
        rc = fs_theme_parse(t, path, buf, len, err);
    free(buf);
    return rc;
}

static int
is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

static int
has_theme_suffix(const char *s)
{
    size_t len = strlen(s);
    return len > 6 && strcmp(s + len - 6, ".theme") == 0;
}

/* Looks for NAME.theme in each directory of dirs; returns the path found
 * (allocated) or NULL. */
static char *
search_dirs(const char *name, const char *dirs)
{
    const char *suffix = has_theme_suffix(name) ? "" : ".theme";
    for (const char *d = dirs; d != NULL && *d != '\0';) {
        const char *colon = strchr(d, ':');
        size_t dlen = colon != NULL ? (size_t)(colon - d) : strlen(d);
        if (dlen > 0) {
            const char *sep = d[dlen - 1] == '/' ? "" : "/";
            char *path = fs_xasprintf("%.*s%s%s%s", (int)dlen, d, sep, name, suffix);
            if (is_file(path))
                return path;
            free(path);
        }
        d = colon != NULL ? colon + 1 : NULL;
    }
    return NULL;
}

/* A name with a slash is always a path, so that a mistyped path is reported as
 * such rather than as an unknown name. The built-in themes answer to their
 * names when no directory holds a file of that name. */
int
fs_theme_find(struct fs_theme *t, const char *name_or_path, const char *dirs, char **err)
{
    const char *name = name_or_path;
    *err = NULL;
    if (strchr(name, '/') != NULL || (has_theme_suffix(name) && is_file(name)))
        return fs_theme_load(t, name, err);
    char *path = name[0] != '\0' ? search_dirs(name, dirs) : NULL;
    if (path != NULL) {
        int rc = fs_theme_load(t, path, err);
        free(path);
        return rc;
    }
    if (strcmp(name, "default") == 0) {
        fs_theme_default(t);
        return 0;
    }
    if (strcmp(name, "mono") == 0) {
        fs_theme_mono(t);
        return 0;
    }
    fs_theme_default(t);
    *err = fs_xasprintf("no theme named '%s' (looked in %s)", name,
                        dirs != NULL && *dirs != '\0' ? dirs : "no directory");
    return -1;
}
