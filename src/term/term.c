/*
 * A pane's terminal: owns the VTerm (libvterm's parser and state layer, never
 * its screen layer), the main and alternate grids and the scrollback. The
 * state layer calls back here for every glyph, cursor move, scroll and erase,
 * and these callbacks keep the grids exactly as libvterm's own screen would
 * (tests/check_term.c compares them). Lines leave the main screen into the
 * scrollback where xterm would save them: when a scroll region that starts at
 * the top and spans the full width scrolls up.
 */
#include <config.h>

#include "term/term_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* ---- libvterm state callbacks ---- */

static int
cb_putglyph(VTermGlyphInfo *info, VTermPos pos, void *user)
{
    struct fs_term *t = user;
    /* A glyph without width leaves REP unsafe (guard.c). */
    t->rep_hazard = info->width < 1;
    if (t->probe != NULL)
        fs_term_fast_probe_glyph(t, info, pos);
    if (info->protected_cell) {
        struct fs_term_cell pen = t->pen;
        pen.ca |= FS_TERM_CA(FS_TERM_ATTR_PROTECTED);
        fs_grid_put(t->grid, pos.row, pos.col, info->chars[0], info->width, &pen);
    } else {
        fs_grid_put(t->grid, pos.row, pos.col, info->chars[0], info->width, &t->pen);
    }
    return 1;
}

static int
cb_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
    /* The position is read from the state when needed: libvterm 0.1.4 moves
     * the cursor without this callback when it restores it for mode 1049. */
    struct fs_term *t = user;
    t->cursor_visible = visible != 0;
    return 1;
}

static int
cb_scrollrect(VTermRect rect, int downward, int rightward, void *user)
{
    struct fs_term *t = user;
    struct fs_grid *g = t->grid;
    bool full_width = rect.start_col == 0 && rect.end_col == g->cols && rightward == 0;
    int height = rect.end_row - rect.start_row;
    if (t->probe != NULL) {
        /* A verified line ends with exactly one full-screen scroll. */
        t->probe_scrolls++;
        if (!full_width || rect.start_row != 0 || rect.end_row != g->rows || downward != 1 ||
            t->probe_n != t->probe_len)
            t->probe_bad = true;
    }
    if (full_width && downward > 0 && downward < height && rect.start_row == 0) {
        if (g == &t->main) {
            for (int r = 0; r < downward; r++)
                fs_scrollback_push(t->sb, fs_grid_row(g, r), g->cols);
        }
        /* Capped: a renderer redraws everything past a screenful anyway. */
        if (rect.end_row == g->rows && t->scrolled < g->rows)
            t->scrolled = t->scrolled + downward < g->rows ? t->scrolled + downward : g->rows;
    }
    fs_grid_scroll(g, (struct fs_grid_rect){rect.start_row, rect.end_row, rect.start_col,
                                            rect.end_col},
                   downward, rightward, &t->pen);
    return 1;
}

static int
cb_moverect(VTermRect dest, VTermRect src, void *user)
{
    struct fs_term *t = user;
    t->probe_bad = true;  /* a plain line causes none of this */
    fs_grid_move(t->grid,
                 (struct fs_grid_rect){dest.start_row, dest.end_row, dest.start_col, dest.end_col},
                 (struct fs_grid_rect){src.start_row, src.end_row, src.start_col, src.end_col});
    return 1;
}

static int
cb_erase(VTermRect rect, int selective, void *user)
{
    struct fs_term *t = user;
    t->probe_bad = true;  /* a plain line causes none of this */
    fs_grid_erase(t->grid,
                  (struct fs_grid_rect){rect.start_row, rect.end_row, rect.start_col, rect.end_col},
                  &t->pen, selective != 0);
    return 1;
}

static int
cb_initpen(void *user)
{
    struct fs_term *t = user;
    t->probe_bad = true;  /* a plain line causes none of this */
    memset(&t->pen, 0, sizeof(t->pen));
    return 1;
}

static uint32_t
pack_color(const VTermColor *c, bool fg)
{
    if (fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
        return FS_TERM_COLOR_DEFAULT;
    if (VTERM_COLOR_IS_INDEXED(c))
        return FS_TERM_COLOR_PALETTE | c->indexed.idx;
    return FS_TERM_COLOR_RGB | (uint32_t)c->rgb.red << 16 | (uint32_t)c->rgb.green << 8 |
           c->rgb.blue;
}

static void
pen_flag(struct fs_term *t, unsigned flag, bool on)
{
    if (on)
        t->pen.ca |= FS_TERM_CA(flag);
    else
        t->pen.ca &= ~FS_TERM_CA(flag);
}

static int
cb_setpenattr(VTermAttr attr, VTermValue *val, void *user)
{
    struct fs_term *t = user;
    t->probe_bad = true;  /* a plain line causes none of this */
    switch (attr) {
    case VTERM_ATTR_BOLD:
        pen_flag(t, FS_TERM_ATTR_BOLD, val->boolean);
        break;
    case VTERM_ATTR_UNDERLINE:
        pen_flag(t, FS_TERM_ATTR_UNDERLINE, val->number == 1 || val->number == 3);
        pen_flag(t, FS_TERM_ATTR_UNDERLINE2, val->number == 2);
        break;
    case VTERM_ATTR_ITALIC:
        pen_flag(t, FS_TERM_ATTR_ITALIC, val->boolean);
        break;
    case VTERM_ATTR_BLINK:
        pen_flag(t, FS_TERM_ATTR_BLINK, val->boolean);
        break;
    case VTERM_ATTR_REVERSE:
        pen_flag(t, FS_TERM_ATTR_REVERSE, val->boolean);
        break;
    case VTERM_ATTR_STRIKE:
        pen_flag(t, FS_TERM_ATTR_STRIKE, val->boolean);
        break;
    case VTERM_ATTR_FOREGROUND:
        t->pen.fg = pack_color(&val->color, true);
        break;
    case VTERM_ATTR_BACKGROUND:
        t->pen.bg = pack_color(&val->color, false);
        break;
    default:
        break;
    }
    return 1;
}

static void
set_altscreen(struct fs_term *t, bool on)
{
    struct fs_grid *g = on ? &t->alt : &t->main;
    if (g != t->grid) {
        t->grid = g;
        t->full_damage = true;
    }
}

/* Keeps at most FS_TERM_TITLE_MAX - 1 bytes, cut on a character boundary. */
static void
copy_title(struct fs_term *t, const char *s)
{
    size_t n = strlen(s);
    if (n >= sizeof(t->title)) {
        n = sizeof(t->title) - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(t->title, s, n);
    t->title[n] = '\0';
}

static int
cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
    struct fs_term *t = user;
    t->probe_bad = true;  /* a plain line causes none of this */
    switch (prop) {
    case VTERM_PROP_CURSORVISIBLE:
        t->cursor_visible = val->boolean != 0;
        break;
    case VTERM_PROP_ALTSCREEN:
        set_altscreen(t, val->boolean != 0);
        break;
    case VTERM_PROP_TITLE:
        copy_title(t, val->string ? val->string : "");
        break;
    case VTERM_PROP_REVERSE:
        t->reverse = val->boolean != 0;
        t->full_damage = true;
        break;
    case VTERM_PROP_MOUSE:
        t->mouse = val->number;
        break;
    default:
        break;
    }
    return 1;
}

static int
cb_bell(void *user)
{
    struct fs_term *t = user;
    t->probe_bad = true;  /* a plain line causes none of this */
    t->bells++;
    return 1;
}

/* Shrinks or grows the main screen's rows for a resize and returns how far
 * its content moved down (negative: up). Rows cut at the top go to the
 * scrollback and come back when it grows; when the main screen is not the
 * active one (cursor_row < 0) it is only cut or extended at the bottom, as
 * libvterm does. */
static int
resize_main(struct fs_term *t, int rows, int cols, int cursor_row)
{
    struct fs_grid *g = &t->main;
    int shift = 0;
    if (rows < g->rows && cursor_row >= 0) {
        int last = cursor_row;
        for (int r = g->rows - 1; r > last; r--) {
            if (!fs_grid_row_blank(g, r)) {
                last = r;
                break;
            }
        }
        /* Never past the cursor: its row must stay on the screen. */
        int push = last + 1 - rows;
        if (push > cursor_row)
            push = cursor_row;
        if (push > 0) {
            for (int r = 0; r < push; r++)
                fs_scrollback_push(t->sb, fs_grid_row(g, r), g->cols);
            fs_grid_rotate_up(g, push, &(struct fs_term_cell){0});
            shift = -push;
        }
    }
    int old_rows = g->rows;
    fs_grid_resize(g, rows, cols);
    if (rows > old_rows && cursor_row >= 0) {
        int pop = rows - old_rows;
        if ((size_t)pop > fs_scrollback_lines(t->sb))
            pop = (int)fs_scrollback_lines(t->sb);
        fs_grid_rotate_down(g, pop);
        for (int r = pop - 1; r >= 0; r--)
            fs_scrollback_pop(t->sb, fs_grid_row(g, r), g->cols);
        shift = pop;
    }
    return shift;
}

static int
cb_resize(int rows, int cols, VTermPos *delta, void *user)
{
    struct fs_term *t = user;
    t->probe_bad = true;  /* a plain line causes none of this */
    bool alt = t->grid == &t->alt;
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    int shift = resize_main(t, rows, cols, alt ? -1 : pos.row);
    fs_grid_resize(&t->alt, rows, cols);
    if (!alt)
        delta->row = shift;
    t->rows = rows;
    t->cols = cols;
    t->full_damage = true;
    return 1;
}

static int
cb_setlineinfo(int row, const VTermLineInfo *newinfo, const VTermLineInfo *oldinfo, void *user)
{
    /* Double-width and double-height lines are drawn as ordinary ones, in
     * their left half: the state layer wraps them there. As libvterm's screen
     * does, making a line double-width erases its right half. */
    struct fs_term *t = user;
    t->probe_bad = true;
    bool changed = newinfo->doublewidth != oldinfo->doublewidth ||
                   newinfo->doubleheight != oldinfo->doubleheight;
    if (changed && newinfo->doublewidth)
        fs_grid_erase(t->grid, (struct fs_grid_rect){row, row + 1, t->cols / 2, t->cols},
                      &t->pen, false);
    return 1;
}

static const VTermStateCallbacks state_callbacks = {
    .putglyph = cb_putglyph,
    .movecursor = cb_movecursor,
    .scrollrect = cb_scrollrect,
    .moverect = cb_moverect,
    .erase = cb_erase,
    .initpen = cb_initpen,
    .setpenattr = cb_setpenattr,
    .settermprop = cb_settermprop,
    .bell = cb_bell,
    .resize = cb_resize,
    .setlineinfo = cb_setlineinfo,
};

/* ---- Life cycle ---- */

static void *
vt_alloc(size_t size, void *data)
{
    return fs_xcalloc(1, size);
}

static void
vt_free(void *ptr, void *data)
{
    free(ptr);
}

static VTermAllocatorFunctions vt_allocator = {.malloc = vt_alloc, .free = vt_free};

static void
vt_output(const char *s, size_t len, void *user)
{
    struct fs_term *t = user;
    if (t->out != NULL)
        t->out(s, len, t->out_arg);
}

static int
clamp_dim(int n)
{
    return n < 1 ? 1 : n > FS_TERM_MAX_DIM ? FS_TERM_MAX_DIM : n;
}

struct fs_term *
fs_term_new(int rows, int cols, const struct fs_term_limits *lim)
{
    struct fs_term *t = fs_xcalloc(1, sizeof(*t));
    t->rows = rows = clamp_dim(rows);
    t->cols = cols = clamp_dim(cols);
    fs_grid_init(&t->main, rows, cols);
    fs_grid_init(&t->alt, rows, cols);
    t->grid = &t->main;
    t->sb = fs_scrollback_new(lim ? lim->sb_lines : 0, lim ? lim->sb_bytes : 0);
    t->cursor_visible = true;
    t->full_damage = true;
    t->rep_hazard = true;  /* nothing printed yet */
    static int no_fast = -1;
    if (no_fast < 0)
        no_fast = getenv("FS_TERM_NO_FAST_PATH") != NULL;
    t->fp_enabled = !no_fast;
    fs_term_guard_forget(t, true);
    t->vt = vterm_new_with_allocator(rows, cols, &vt_allocator, NULL);
    vterm_set_utf8(t->vt, 1);
    vterm_output_set_callback(t->vt, vt_output, t);
    t->state = vterm_obtain_state(t->vt);
    vterm_state_set_callbacks(t->state, &state_callbacks, t);
    vterm_state_reset(t->state, 1);
    return t;
}

void
fs_term_free(struct fs_term *t)
{
    if (t == NULL)
        return;
    vterm_free(t->vt);
    free(t->fp_buf);
    fs_grid_fini(&t->main);
    fs_grid_fini(&t->alt);
    fs_scrollback_free(t->sb);
    free(t);
}

void
fs_term_write(struct fs_term *t, const char *data, size_t len)
{
    fs_term_guard_feed(t, data, len);
}

void
fs_term_set_fast_path(struct fs_term *t, bool on)
{
    fs_term_settle(t);
    t->fp_enabled = on;
    t->fp_ready = false;
}

uint64_t
fs_term_fast_lines(const struct fs_term *t)
{
    fs_term_settle(t);
    return t->fp_lines;
}

void
fs_term_resize(struct fs_term *t, int rows, int cols)
{
    fs_term_settle(t);
    rows = clamp_dim(rows);
    cols = clamp_dim(cols);
    int old_rows = t->rows;
    if (rows != t->rows || cols != t->cols) {
        vterm_set_size(t->vt, rows, cols);
        fs_term_guard_forget(t, false);
        fs_term_guard_resized(t, old_rows);
    }
}

void
fs_term_size(const struct fs_term *t, int *rows, int *cols)
{
    *rows = t->rows;
    *cols = t->cols;
}

void
fs_term_reset(struct fs_term *t)
{
    fs_term_settle(t);
    /* Back to the main screen first, so that the reset clears it. */
    set_altscreen(t, false);
    vterm_state_reset(t->state, 1);
    fs_term_guard_forget(t, true);
    /* libvterm's reset does not report these. */
    t->reverse = false;
    t->mouse = 0;
    t->title[0] = '\0';
    t->full_damage = true;
}

/* ---- Input to the child ---- */

void
fs_term_set_output(struct fs_term *t, fs_term_output_fn *fn, void *arg)
{
    t->out = fn;
    t->out_arg = arg;
}

void
fs_term_key(struct fs_term *t, VTermKey key, VTermModifier mod)
{
    vterm_keyboard_key(t->vt, key, mod);
}

void
fs_term_unichar(struct fs_term *t, uint32_t c, VTermModifier mod)
{
    vterm_keyboard_unichar(t->vt, c, mod);
}

void
fs_term_paste(struct fs_term *t, const char *data, size_t len)
{
    vterm_keyboard_start_paste(t->vt);
    if (t->out != NULL && len > 0)
        t->out(data, len, t->out_arg);
    vterm_keyboard_end_paste(t->vt);
}

/* ---- Reading the screen ---- */

void
fs_term_cursor(const struct fs_term *t, int *row, int *col, bool *visible)
{
    fs_term_settle(t);
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    *row = pos.row;
    *col = pos.col;
    if (visible != NULL)
        *visible = t->cursor_visible;
}

bool
fs_term_altscreen(const struct fs_term *t)
{
    return t->grid == &t->alt;
}

bool
fs_term_reverse_screen(const struct fs_term *t)
{
    return t->reverse;
}

const char *
fs_term_title(const struct fs_term *t)
{
    return t->title;
}

unsigned long
fs_term_bells(const struct fs_term *t)
{
    return t->bells;
}

int
fs_term_mouse_mode(const struct fs_term *t)
{
    return t->mouse;
}

bool
fs_term_damage_full(const struct fs_term *t)
{
    fs_term_settle(t);
    return t->full_damage;
}

int
fs_term_scrolled(const struct fs_term *t)
{
    fs_term_settle(t);
    return t->scrolled;
}

bool
fs_term_row_damaged(const struct fs_term *t, int r)
{
    fs_term_settle(t);
    if (r < 0 || r >= t->rows)
        return false;
    return t->full_damage || fs_grid_is_dirty(t->grid, r);
}

void
fs_term_damage_clear(struct fs_term *t)
{
    fs_term_settle(t);
    fs_grid_clear_dirty(&t->main);
    fs_grid_clear_dirty(&t->alt);
    t->scrolled = 0;
    t->full_damage = false;
}
