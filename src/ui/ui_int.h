/*
 * The screen's private state, shared by the files of ui/ only.
 */
#ifndef FS_UI_INT_H
#define FS_UI_INT_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_RT) || defined(FS_LAYER_APP)
#error "ui/ is a front end: only main.c sees it (doc/architecture.md)"
#endif

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "app/app.h"
#include "config/theme.h"
#include "model/msglog.h"
#include "model/tiling.h"
#include "ui/pane.h"
#include "util/smartcase.h"

enum ui_mode {
    UI_NORMAL, /* keys drive forkscope */
    UI_INPUT,  /* keys go to the selected task's terminal */
    UI_PROMPT, /* a line is being typed (add a task, search) */
    UI_SIGNAL, /* a signal is being chosen from a list */
    UI_HELP    /* the key overlay */
};

enum ui_prompt_kind { UI_PROMPT_ADD, UI_PROMPT_SEARCH, UI_PROMPT_SEND, UI_PROMPT_FILTER };
#define UI_PROMPT_KINDS 4

#define UI_PROMPT_MAX 1024
#define UI_HISTORY 32

struct ui_prompt {
    enum ui_prompt_kind kind;
    wchar_t text[UI_PROMPT_MAX];
    size_t len, cursor;
    /* Earlier lines of each kind, newest last. */
    char *history[UI_PROMPT_KINDS][UI_HISTORY];
    size_t nhistory[UI_PROMPT_KINDS];
    size_t browse; /* index into history while browsing with up/down */
};

/* Per task: its pane. Kept in step with the app's task list. */
#define UI_RATE_HISTORY 60

/* A failing probe's message on a pane's bottom border, at most. */
#define UI_PROBE_ERR_MAX 112

struct ui_task {
    struct ui *ui;
    struct fs_pane *pane;
    /* Channel message rate, from the counters at each sample. */
    unsigned long long last_msgs;
    double last_at;
    double rate;
    float rate_hist[UI_RATE_HISTORY];
    size_t nrate;
    bool unfolded; /* its descendants are listed under it (f); folded at first */
    /* The failing probe, for the pane's bottom border ("ready? tcp ...: connection
     * refused (4)"); empty when none fails. */
    char probe_err[UI_PROBE_ERR_MAX];
};

/* A row of the task table (tree.c). */
enum ui_row_kind {
    UI_ROW_TASK,   /* task `task` */
    UI_ROW_THREAD, /* thread `sub` of the selected task */
    UI_ROW_DESC,   /* descendant `sub` of task `task` (its fs_desc_list order) */
    UI_ROW_MORE,   /* "+N more": `sub` descendants of task `task` were cut */
    UI_ROW_WORKER  /* traced worker thread `sub` (workers.c) of a process of task `task` */
};

/* A worker thread of a traced node program (workers.c). */
#define UI_WORKERS_MAX 256
struct ui_worker {
    size_t task;
    long long pid, thread_id, tid; /* tid -1 until the worker said it */
    char script[48];               /* what it runs: "primes.js", "eval" */
    char state[32];                /* start, online, error, exit N, ended */
    double ended_at;               /* 0 while it runs */
};
struct ui_row {
    enum ui_row_kind kind;
    size_t task;
    size_t sub;
};

/* The most panes shown at once. */
#define UI_PANES_MAX 64

/* A pane as the last frame drew it (draw.c). */
struct ui_pane_drawn {
    bool valid;
    const struct fs_pane *pane;
    struct fs_rect rect;
    char title[128], right[128], bottom[UI_PROBE_ERR_MAX];
    int state_el;
};

struct ui {
    struct fs_app *app;
    struct ui_task *tasks;
    size_t ntasks;
    size_t sel;
    pid_t sel_pid;       /* a descendant of the selected task whose row is selected; 0: none */
    struct ui_row *rows; /* the table's rows (tree.c), rebuilt for each frame */
    size_t nrows, rows_cap;
    struct ui_worker workers[UI_WORKERS_MAX]; /* traced node workers (workers.c) */
    size_t nworkers;
    unsigned long long workers_dropped;
    int layout_rows; /* the rows the last layout made room for */
    size_t first;    /* first task whose pane is shown */
    bool zoom;
    enum fs_tiling_mode layout;
    enum ui_mode mode;
    struct ui_prompt prompt;
    int signal_choice;
    /* Theme and colour. */
    bool color; /* the terminal has colours and NO_COLOR is not set */
    struct fs_theme theme;
    char *theme_dirs;
    const char *theme_name;
    int theme_idx;
    attr_t el_attr[FS_EL_COUNT];
    int el_pair[FS_EL_COUNT];
    /* Geometry of the last frame, for the mouse. */
    int table_y, table_h, table_first;
    struct fs_rect pane_rect[UI_PANES_MAX];
    size_t pane_task[UI_PANES_MAX];
    size_t npanes_shown;
    /* What the last frame drew, so that the next leaves unchanged panes be (draw.c). */
    struct ui_pane_drawn pane_drawn[UI_PANES_MAX];
    char frame_key[96];
    int pane_cursor_y, pane_cursor_x; /* the last drawn pane's cursor (y -1: hidden) */
    int sel_cursor_y, sel_cursor_x;   /* the selected pane's */
    /* Redraws are coalesced into frames. */
    bool dirty;
    bool frame_pending;
    struct fs_app_timer *frame;
    bool show_threads; /* the selected task's threads are listed under it */
    double last_frame;
    double frame_due; /* when the pending frame is drawn (session clock) */
    size_t out_bytes; /* pane output since the last frame */
    bool flooding;    /* ... was a flood before it: frames come slower */
    /* A message in the status line (an error, a confirmation) until a time. */
    char message[256];
    char *const *warnings; /* the session files' (borrowed), shown once the screen is up */
    bool message_error;
    double message_until;
    /* The traffic view (m): the message log instead of the panes. */
    bool traffic;
    bool traffic_all;     /* every task's messages interleaved, not the selected one's */
    char *traffic_filter; /* `&`: only messages whose task, route or bytes match, or NULL */
    struct fs_smartcase traffic_sc;   /* traffic_filter prepared, while it is set */
    unsigned long long traffic_focus; /* the message in focus (its seq), 0: the newest */
    int traffic_detail_top;           /* zoomed: the first line shown of the message */
    struct fs_rect traffic_rect;
    struct fs_msglog msglog;
    /* Search in the selected pane (or the message log). */
    char *search;
    int quit_requests;
    int help_top;   /* the help overlay's first shown line */
    bool help_deps; /* the overlay shows the dependency graph, not the keys */
    /* The tour (tour.c): the demo on screen (NULL: the user's own session),
     * its place in the list, its caption's area, and a step to another demo
     * waiting for the tasks of this one to stop. */
    const struct fs_demo *demo;
    size_t demo_idx;
    bool caption_hidden;
    struct fs_rect caption_rect;
    bool tour_pending;
    size_t tour_to;
    struct fs_app_timer *tour_timer;
};

/* ui.c */
void ui_dirty(struct ui *ui);
/* A redraw in `seconds` (a countdown on screen), unless one is pending. */
void ui_dirty_later(struct ui *ui, double seconds);
void ui_message(struct ui *ui, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ui_sync_tasks(struct ui *ui);
void ui_remove_task(struct ui *ui, size_t i);
void ui_relayout(struct ui *ui);

/* layout.c: where the table, panes and status line go for this frame. */
void ui_layout(struct ui *ui);

/* theme.c */
void ui_theme_setup(struct ui *ui, const char *name);
void ui_theme_next(struct ui *ui);
void ui_theme_cleanup(struct ui *ui);

/* draw.c */
void ui_draw(struct ui *ui);
/* Sets the attributes of a theme element (on) or plain ones (off). */
void ui_put_el(struct ui *ui, enum fs_theme_elem e, bool on);
/* Writes UTF-8 text at (y, x) cut to w columns, right-aligned if asked. */
void ui_put_text(int y, int x, int w, const char *text, bool right);

/* table.c: the header line and the task table, whose columns come from one
 * const table (a new column is one entry). */
struct ui_column {
    const char *title;
    int width;  /* 0: takes what is left */
    bool right; /* right-aligned */
    void (*format)(struct ui *ui, size_t i, double now, char *buf, size_t len);
    /* The column on a descendant's row; NULL: blank. */
    void (*desc)(const struct fs_desc *d, char *buf, size_t len);
};
extern const struct ui_column ui_columns[];
extern const size_t ui_ncolumns;
void ui_draw_header(struct ui *ui);
void ui_draw_table(struct ui *ui, double now);
/* status.c: the last row: the mode, then the latest message or the hints. */
void ui_draw_status(struct ui *ui, double now);
/* A task's state in words: "running", "exited 3", "killed by SIGKILL",
 * "restarting in 4s", "paused". */
void ui_describe_state(const struct fs_task *t, double now, char *buf, size_t len);
/* A size in bytes, short: 512B, 1.5K, 23M. */
void ui_human_bytes(uint64_t b, char *buf, size_t len);
/* Levels 0..1 (NAN: a gap) as `width` block characters (ASCII without UTF-8). */
void ui_spark(const double *v, size_t n, int width, char *buf, size_t len);
/* A sparkline of task i's CPU history, `width` characters, into buf. */
void ui_sparkline(struct ui *ui, size_t i, int width, char *buf, size_t len);
/* The same for its RSS, scaled to the largest value shown. */
void ui_rss_sparkline(struct ui *ui, size_t i, int width, char *buf, size_t len);
/* Rows the table needs: tasks, the thread rows and descendant rows shown. */
int ui_table_rows(struct ui *ui);

/* tree.c: the table's rows and the selection among them. */
size_t ui_rows_build(struct ui *ui);
/* The index of the selected row of the last build (a descendant no longer
 * listed gives its task's row, and the selection goes back to it). */
size_t ui_rows_selected(struct ui *ui);
/* Selects the next (dir 1) or previous (-1) task or descendant row. */
void ui_rows_move(struct ui *ui, int dir);
/* After the message of a command carried out with a descendant's row
 * selected: adds that the command went to its task. */
void ui_rows_said(struct ui *ui);
/* The task of row k, (size_t)-1 for none; `select` selects the row (a click). */
size_t ui_rows_at(struct ui *ui, size_t k, bool select);
const struct fs_desc *ui_row_desc(struct ui *ui, const struct ui_row *r);
/* Task i's descendants while its run is live, NULL otherwise. */
const struct fs_desc_list *ui_descendants(struct ui *ui, size_t i);
void ui_rows_add(struct ui *ui, enum ui_row_kind kind, size_t task, size_t sub);
/* workers.c: a tracer's thread report of task `task`; the rows of the workers
 * of process pid of that task (ended ones past FS_DESC_LINGER are dropped);
 * row `sub` drawn at line y. */
void ui_workers_event(struct ui *ui, size_t task, const struct fs_trace_ev *ev);
void ui_workers_rows(struct ui *ui, size_t task, long long pid);
void ui_workers_draw(struct ui *ui, size_t sub, int y);
/* Keys: fold / unfold (toggle), fold, unfold the selected task's descendants. */
void ui_tree_toggle(struct ui *ui);
void ui_tree_fold(struct ui *ui);
void ui_tree_unfold(struct ui *ui);

/* theme.c: curses attributes and colour pairs. */
void ui_colors_init(struct ui *ui);
/* A palette index (or 0xRRGGBB when rgb) as a colour this terminal has. */
int ui_curses_color(bool rgb, uint32_t value);
/* A colour pair for a foreground and background (palette index, -1 default). */
int ui_color_pair(struct ui *ui, int fg, int bg);
/* The attributes and pair of a theme element. */
attr_t ui_el(struct ui *ui, enum fs_theme_elem e, int *pair);
/* The element of a task's state (running, failed...). */
enum fs_theme_elem ui_state_el(const struct fs_task *t);

/* depgraph.c: a waiting or blocked task's state ("waiting db(ready)",
 * "blocked: db exited with 1"), false for any other; the dependency graph
 * overlay (UI_HELP with help_deps). */
bool ui_deps_describe(struct ui *ui, size_t i, char *buf, size_t len);
void ui_deps_draw(struct ui *ui);
/* draw.c: a box in the middle of the screen, its title on the top border. */
struct fs_rect ui_overlay_box(struct ui *ui, int want_w, int want_h, const char *title);
/* A scrolling overlay of nl lines: its height, with help_top kept in range
 * and its title (" WHAT (any key closes) " or " WHAT 1-20 of 40: ... ") in title. */
int ui_overlay_scroll(struct ui *ui, size_t nl, const char *what, char *title, size_t tlen);

/* keys.c: one entry per key; the help overlay lists the labelled ones. */
struct ui_key {
    wint_t ch;
    bool is_key;       /* a curses KEY_ code, not a character */
    const char *label; /* NULL: an alias of the entry before, not listed again */
    const char *help;
    void (*fn)(struct ui *ui);
};
const struct ui_key *ui_key_table(size_t *n);
void ui_key(struct ui *ui, wint_t ch, bool is_key);
/* One line of help per entry, for the overlay: returns the count. */
size_t ui_key_help(const char ***keys, const char ***what);
extern const int ui_signal_list[];
extern const size_t ui_signal_count;

/* traffic.c */
void ui_traffic_draw(struct ui *ui, struct fs_rect area);
void ui_traffic_sample(struct ui *ui);
void ui_traffic_scroll(struct ui *ui, long lines);
bool ui_traffic_search(struct ui *ui, const char *needle, int dir);
/* Shows only the messages matching pattern (NULL or empty: every one) and says so. */
void ui_traffic_filter(struct ui *ui, const char *pattern);
/* keys.c: searches for ui->search older (dir < 0) or newer and says what it
 * found. */
void ui_search(struct ui *ui, int dir);

/* tour.c: the demo's caption and the steps between demos. */
void ui_tour_start(struct ui *ui, const struct fs_demo *demo);
void ui_tour_stop(struct ui *ui);
/* Rows of the caption area at width w when `room` rows are left under the
 * table (0: no caption, or no room for it and the panes). */
int ui_caption_height(struct ui *ui, int w, int room);
void ui_caption_draw(struct ui *ui);
void ui_tour_next(struct ui *ui);
void ui_tour_prev(struct ui *ui);
void ui_caption_toggle(struct ui *ui);

/* draw.c: text wrapped at blanks (and at its newlines) to w columns. */
struct ui_span {
    const char *text;
    int len;
};
size_t ui_wrap(const char *text, int w, struct ui_span *out, size_t max);

/* prompt.c */
void ui_prompt_open(struct ui *ui, enum ui_prompt_kind kind);
void ui_prompt_cleanup(struct ui *ui);
void ui_prompt_key(struct ui *ui, wint_t ch, bool is_key);
const char *ui_prompt_label(enum ui_prompt_kind kind);

#endif
