/*
 * The headless front ends' private state, shared by headless.c (the run, line
 * buffers, --control) and the two printers, text.c and json.c.
 */
#ifndef FS_HEADLESS_INT_H
#define FS_HEADLESS_INT_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_RT) || defined(FS_LAYER_APP)
#error "headless/ is a front end: only main.c sees it (doc/architecture.md)"
#endif

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "headless/headless.h"
#include "model/linebuf.h"
#include "util/bytes.h"

struct hl;

/* One headless printer: its fs_fe_ops table and what the shared code asks of it. */
struct hl_mode {
    const struct fs_fe_ops *ops;
    /* Prints one line of a task's output (FS_LINE_* flags). */
    void (*line)(struct hl *hl, const struct fs_task *t, enum fs_stream stream, const char *line,
                 size_t len, unsigned flags);
    /* A task's standard error is printed on forkscope's (text), or everything
     * on standard output (JSON). */
    bool stderr_apart;
    /* Says that a quit signal arrived; NULL: nothing is said. */
    void (*quit_signal)(void *fe, int sig);
    /* The /proc figures it shows (FS_SAMPLE_*); 0: it shows none, so none are read. */
    unsigned sample_flags;
    /* Prints one of the session files' warnings before anything starts; NULL:
     * main.c's line on standard error is all (text). */
    void (*warning)(struct hl *hl, const char *msg);
};

extern const struct hl_mode hl_text_mode; /* text.c */
extern const struct hl_mode hl_json_mode; /* json.c */

/* Per task: one line buffer for each stream. */
struct hl_task {
    struct fs_linebuf lines[2];
};

struct hl {
    const struct hl_mode *mode;
    struct fs_headless_opts opts;
    struct fs_app *app;
    struct hl_task *tasks;
    size_t ntasks;
    int name_width; /* the longest task name, up to 32 (text) */
    char *const *warnings; /* the session's, borrowed; NULL: none */
    /* --control input */
    struct fs_linebuf control;
    unsigned long control_line;
    bool control_discard; /* inside a line that was too long */
    int quit_signals;
    /* The envelope of message events whose msg is spliced (JSON), kept from one
     * to the next and updated in place; ebuf holds it printed (empty: not yet). */
    json_t *menv, *menv_t, *menv_task, *menv_dir, *menv_bytes;
    struct fs_bytes ebuf;
};

/* headless.c: the output ops both printers share. */
void hl_output(void *fe, const struct fs_task *t, enum fs_stream stream, const char *data,
               size_t len);
void hl_eof(void *fe, const struct fs_task *t, enum fs_stream stream);
/* Whether a message is plain JSON whose text is what jansson would print for
 * its value (fs_jsontext_verbatim), so that it can be printed as it is. */
bool hl_verbatim(const struct fs_msg *m);

#endif
