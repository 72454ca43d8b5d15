/*
 * Themes on the screen: finding and cycling theme files, and turning theme
 * styles and terminal cell colours into curses attributes and colour pairs
 * (ncurses allocates and recycles the pairs, alloc_pair).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/ui_int.h"
#include "util/exedir.h"
#include "util/xalloc.h"

static const char *const theme_cycle[] = {"default", "dark", "light", "mono"};

/* Theme files are looked for in $FORKSCOPE_THEMES, next to the binary when it
 * runs from a build tree (../themes), and where `make install` puts them. */
static char *
theme_dirs(void)
{
    char *exe = fs_exe_dir(), *build = NULL;
    if (exe != NULL)
        build = fs_xasprintf("%s/themes:%s/../themes", exe, exe);
    free(exe);
    const char *env = getenv("FORKSCOPE_THEMES");
    char *dirs = fs_xasprintf("%s%s%s%s" FS_DATADIR "/themes", env ? env : "", env ? ":" : "",
                              build ? build : "", build ? ":" : "");
    free(build);
    return dirs;
}

static void
apply_theme(struct ui *ui, const char *name)
{
    char *err = NULL;
    if (strcmp(name, "mono") == 0 && !ui->color) {
        fs_theme_mono(&ui->theme);
    } else if (fs_theme_find(&ui->theme, name, ui->theme_dirs, &err) != 0) {
        /* The default theme is built in; a missing file for it is no error. */
        if (strcmp(name, "default") != 0)
            ui_message(ui, true, "%s (using the default theme)", err);
        fs_theme_default(&ui->theme);
        free(err);
    }
    if (!ui->color) {
        /* No colours: keep only the attributes; mono has sensible ones. */
        fs_theme_mono(&ui->theme);
    }
}

void
ui_theme_setup(struct ui *ui, const char *name)
{
    ui->theme_dirs = theme_dirs();
    ui->theme_idx = 0;
    for (size_t i = 0; name && i < sizeof theme_cycle / sizeof theme_cycle[0]; i++)
        if (strcmp(theme_cycle[i], name) == 0)
            ui->theme_idx = (int)i;
    ui->theme_name = name ? name : theme_cycle[0];
}

void
ui_theme_next(struct ui *ui)
{
    ui->theme_idx = (ui->theme_idx + 1) % (int)(sizeof theme_cycle / sizeof theme_cycle[0]);
    ui->theme_name = theme_cycle[ui->theme_idx];
    ui_colors_init(ui);
    ui_message(ui, false, "theme: %s%s", ui->theme_name, ui->color ? "" : " (no colours)");
}

void
ui_theme_cleanup(struct ui *ui)
{
    free(ui->theme_dirs);
    ui->theme_dirs = NULL;
}

int
ui_curses_color(bool rgb, uint32_t value)
{
    int idx = rgb ? fs_color_to_256(value) : (int)value;
    return idx < COLORS ? idx : fs_color_to_8(idx);
}

/* A theme colour as a curses colour number (-1: the terminal's default). */
static int
curses_color(struct fs_color c)
{
    if (c.kind == FS_COLOR_DEFAULT)
        return -1;
    return ui_curses_color(c.kind == FS_COLOR_RGB, c.value);
}

int
ui_color_pair(struct ui *ui, int fg, int bg)
{
    if (!ui->color || (fg < 0 && bg < 0))
        return 0;
    int p = alloc_pair(fg, bg);
    return p < 0 ? 0 : p;
}

static attr_t
curses_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & FS_ATTR_BOLD)
        r |= A_BOLD;
    if (a & FS_ATTR_DIM)
        r |= A_DIM;
    if (a & FS_ATTR_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & FS_ATTR_REVERSE)
        r |= A_REVERSE;
    if (a & FS_ATTR_ITALIC)
        r |= A_ITALIC;
    return r;
}

void
ui_colors_init(struct ui *ui)
{
    apply_theme(ui, ui->theme_name);
    for (int e = 0; e < FS_EL_COUNT; e++) {
        const struct fs_style *st = &ui->theme.styles[e];
        ui->el_attr[e] = curses_attrs(st->attrs);
        ui->el_pair[e] = ui_color_pair(ui, curses_color(st->fg), curses_color(st->bg));
    }
    ui_dirty(ui);
}

attr_t
ui_el(struct ui *ui, enum fs_theme_elem e, int *pair)
{
    *pair = ui->el_pair[e];
    return ui->el_attr[e];
}

enum fs_theme_elem
ui_state_el(const struct fs_task *t)
{
    switch (t->st.state) {
    case FS_STATE_IDLE:
    case FS_STATE_WAITING:
        return FS_EL_STATE_IDLE;
    case FS_STATE_STARTING:
    case FS_STATE_RUNNING:
        return FS_EL_STATE_RUNNING;
    case FS_STATE_STOPPING:
        return FS_EL_STATE_STOPPING;
    case FS_STATE_EXITED:
        return FS_EL_STATE_EXITED;
    case FS_STATE_FAILED:
    case FS_STATE_BLOCKED:
        return FS_EL_STATE_FAILED;
    case FS_STATE_BACKOFF:
        return FS_EL_STATE_BACKOFF;
    }
    return FS_EL_NORMAL;
}
