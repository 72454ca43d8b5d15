/*
 * A pane: the view of one task's output, a terminal emulator (src/term) plus a
 * scroll position, drawn into a rectangle of the curses screen.
 */
#ifndef FS_PANE_H
#define FS_PANE_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_RT) || defined(FS_LAYER_APP)
#error "ui/ is a front end: only main.c sees it (doc/architecture.md)"
#endif

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/task.h"
#include "model/tiling.h"

struct fs_pane;
struct ui;

/* Bytes the terminal sends back to the task (answers to queries, typed keys). */
typedef void (*fs_pane_output_cb)(void *arg, const char *data, size_t len);

/* pty: the output comes from a pty; otherwise from pipes (a bare "\n" then
 * starts a new line, and stderr is shown in the stderr style). */
struct fs_pane *fs_pane_new(int rows, int cols, bool pty, fs_pane_output_cb cb, void *arg);
void fs_pane_free(struct fs_pane *p);
void fs_pane_set_arg(struct fs_pane *p, void *arg);
void fs_pane_write(struct fs_pane *p, enum fs_stream stream, const char *data, size_t len);
/* Resizes the terminal; returns true when the size changed. */
bool fs_pane_resize(struct fs_pane *p, int rows, int cols);
void fs_pane_size(const struct fs_pane *p, int *rows, int *cols);
/* Whether anything changed since the last draw. */
bool fs_pane_changed(const struct fs_pane *p);

/* Scrolling back: lines > 0 moves up into the scrollback, < 0 down; the view
 * follows new output again at the bottom. */
void fs_pane_scroll(struct fs_pane *p, int lines);
void fs_pane_follow(struct fs_pane *p);
void fs_pane_scroll_top(struct fs_pane *p);
/* Lines scrolled back from the bottom (0: following), and the scrollback's size. */
int fs_pane_scrolled(const struct fs_pane *p);
size_t fs_pane_history(const struct fs_pane *p);

/* Searches for the next (dir > 0, towards newer) or previous (dir < 0) match
 * from the current view, scrolls to it and highlights it. Returns true when
 * found. */
bool fs_pane_search(struct fs_pane *p, const char *needle, int dir);
void fs_pane_search_clear(struct fs_pane *p);

/* Sends a key to the task's terminal, encoded as the terminal would (cursor
 * keys follow the application's mode). */
void fs_pane_key(struct fs_pane *p, wint_t ch, bool is_key);
void fs_pane_paste(struct fs_pane *p, const char *data, size_t len);

/* Draws the terminal into the inside of rect (the caller draws the border). */
void fs_pane_draw(struct fs_pane *p, struct ui *ui, struct fs_rect inner);

#endif
