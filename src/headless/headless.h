/*
 * The headless front end: prints a session's events on standard output instead
 * of drawing a screen. Text mode (text.c) prefixes each output line with its
 * task's name; JSON mode (json.c) prints one event a line (doc/headless.md).
 * Each implements fs_fe_ops; with --control, commands are read from standard
 * input.
 */
#ifndef FS_HEADLESS_H
#define FS_HEADLESS_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_RT) || defined(FS_LAYER_APP)
#error "headless/ is a front end: only main.c sees it (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "app/fe.h"
#include "model/session.h"

struct fs_headless_opts {
    bool json;
    bool control;      /* read commands on standard input */
    size_t max_line;   /* longest line before it is split */
    double interval;   /* seconds between /proc samples (JSON mode), 0: none */
    double send_timeout; /* with control: how long a send waits on a stalled task */
    const char *proc_root; /* NULL: /proc */
};

/* Runs a session to its end with the headless front end and returns forkscope's
 * exit status (0, 1; see DESIGN.md). Asserts a clean loop close. */
int fs_headless_run(const struct fs_session *s, const struct fs_headless_opts *opts);

#endif
