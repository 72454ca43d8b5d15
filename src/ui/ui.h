/*
 * The screen: the ncurses front end. It runs a session with a task table, a
 * grid of output panes (each a terminal emulator fed by the task's pty), a
 * status line and overlays, driven by the keys of keys.c.
 */
#ifndef FS_UI_H
#define FS_UI_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_RT) || defined(FS_LAYER_APP)
#error "ui/ is a front end: only main.c sees it (doc/architecture.md)"
#endif

#include "model/session.h"

struct fs_demo;

struct fs_ui_opts {
    const char *theme;     /* name or path; NULL: the session's or the default */
    double interval;       /* seconds between /proc samples */
    const char *proc_root; /* NULL: /proc */
    /* The traffic view's message log: at most this many messages and bytes
     * (0: FS_UI_MSGLOG_COUNT, FS_UI_MSGLOG_BYTES). */
    size_t msglog_count, msglog_bytes;
    /* The session is this built-in demo: its caption is shown and the tour's
     * keys step to the other demos. NULL: a session of the user's. */
    const struct fs_demo *demo;
};

#define FS_UI_MSGLOG_COUNT 10000
#define FS_UI_MSGLOG_BYTES ((size_t)16 << 20)

/* Runs the session on the screen until the user quits and every task has
 * stopped. Returns forkscope's exit status; 2, with a message saying why and
 * that --headless needs none, when there is no terminal that can be drawn on
 * (not a tty, TERM unset, unknown or without cursor addressing). */
int fs_ui_run(const struct fs_session *s, const struct fs_ui_opts *opts);

#endif
