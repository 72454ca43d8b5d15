/*
 * Themes: the colours and attributes of each element of the screen, read from
 * a small text format (doc/themes.md). Plain C; the screen maps styles to curses.
 */
#ifndef FS_THEME_H
#define FS_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One element of the screen. A new element is one entry here and one in the
 * name table of theme.c. */
enum fs_theme_elem {
    FS_EL_NORMAL,        /* default text and background */
    FS_EL_TABLE_HEADER,
    FS_EL_TABLE_ROW,
    FS_EL_TABLE_SELECTED,
    FS_EL_PANE_BORDER,
    FS_EL_PANE_BORDER_SELECTED,
    FS_EL_PANE_TITLE,
    FS_EL_STDERR,        /* stderr lines of pipe tasks */
    FS_EL_STATE_IDLE,
    FS_EL_STATE_RUNNING,
    FS_EL_STATE_STOPPING,
    FS_EL_STATE_EXITED,  /* ended with 0 */
    FS_EL_STATE_FAILED,  /* ended badly */
    FS_EL_STATE_BACKOFF,
    FS_EL_STATUS,        /* the status line */
    FS_EL_STATUS_KEY,    /* key names in the status line */
    FS_EL_HELP,          /* the help overlay */
    FS_EL_PROMPT,
    FS_EL_SEARCH_MATCH,
    FS_EL_SPARKLINE,
    FS_EL_ERROR,
    FS_EL_COUNT
};

/* A colour: the terminal's default, one of 256 palette entries, or RGB. */
enum fs_color_kind { FS_COLOR_DEFAULT, FS_COLOR_INDEX, FS_COLOR_RGB };
struct fs_color {
    enum fs_color_kind kind;
    uint32_t value; /* palette index, or 0xRRGGBB */
};

#define FS_ATTR_BOLD 1u
#define FS_ATTR_DIM 2u
#define FS_ATTR_UNDERLINE 4u
#define FS_ATTR_REVERSE 8u
#define FS_ATTR_ITALIC 16u

struct fs_style {
    struct fs_color fg, bg;
    unsigned attrs;
};

struct fs_theme {
    char name[64];
    struct fs_style styles[FS_EL_COUNT];
};

/* The element's name in theme files ("table.header"), and back (-1: unknown). */
const char *fs_theme_elem_name(enum fs_theme_elem e);
int fs_theme_elem_from_name(const char *name);

/* The built-in default theme (used when no file is given or a file is bad). */
void fs_theme_default(struct fs_theme *t);
/* The monochrome theme: attributes only, no colour (NO_COLOR, dumb terminals). */
void fs_theme_mono(struct fs_theme *t);

/* Parses a theme from memory; elements not named keep the default's style.
 * Returns 0, or -1 with *err set (allocated) to "PATH:LINE: what is wrong"; t
 * then holds the default theme. */
int fs_theme_parse(struct fs_theme *t, const char *path, const char *buf, size_t len,
                   char **err);
/* Reads a theme file. */
int fs_theme_load(struct fs_theme *t, const char *path, char **err);
/* Finds a theme by name or path: an existing path is read as is; otherwise
 * NAME.theme is looked for in each directory of the colon-separated `dirs`.
 * Returns 0, or -1 with *err set (and the default theme in t). */
int fs_theme_find(struct fs_theme *t, const char *name_or_path, const char *dirs, char **err);

/* Maps an RGB colour to the nearest entry of the xterm 256-colour palette, and
 * a palette entry to the nearest of the 8 basic colours (for 8-colour terminals). */
int fs_color_to_256(uint32_t rgb);
int fs_color_to_8(int index256);

#endif
