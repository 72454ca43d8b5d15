/*
 * Readiness and liveness probes as a session file writes them (`ready:`,
 * `alive:`, doc/session-file.md): what to check and how often. Plain data;
 * app/probe.c runs them.
 */
#ifndef FS_PROBE_H
#define FS_PROBE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

enum fs_probe_kind {
    FS_PROBE_LOG,   /* a line of the task's output matches `pattern` (POSIX ERE) */
    FS_PROBE_TCP,   /* a connection to host:port is accepted */
    FS_PROBE_HTTP,  /* a GET of url answers 2xx */
    FS_PROBE_SHELL, /* `shell` run by sh -c exits 0 */
    FS_PROBE_CMD    /* `argv` exits 0 */
};

struct fs_probe {
    enum fs_probe_kind kind;
    char *pattern;        /* log */
    char *host;           /* tcp, http: NULL means 127.0.0.1 */
    int port;             /* tcp, http */
    char *url;            /* http: the URL as written */
    char *path;           /* http: the path and query to GET ("/" when none) */
    char *shell;          /* shell */
    char **argv;          /* cmd: NULL-terminated */
    double interval;      /* seconds between checks */
    double timeout;       /* seconds a check may take */
    double initial_delay; /* seconds after the start before the first check */
    unsigned retries;     /* failures in a row that count (liveness: restart) */
    int line, col;        /* where it was written, for messages */
};

/* Defaults (doc/session-file.md): a check every second, each given a second;
 * a liveness probe fails the run after 3 failures in a row; a readiness probe
 * keeps trying while the run lives (retries 0) unless retries is given. */
#define FS_PROBE_INTERVAL 1.0
#define FS_PROBE_TIMEOUT 1.0
#define FS_PROBE_ALIVE_RETRIES 3u
#define FS_PROBE_READY_RETRIES 0u

/* A new probe of that kind with the liveness defaults (retries 3); a
 * readiness probe's reader sets retries to FS_PROBE_READY_RETRIES. */
struct fs_probe *fs_probe_new(enum fs_probe_kind kind);
void fs_probe_free(struct fs_probe *p);
/* A deep copy, or NULL for NULL. */
struct fs_probe *fs_probe_copy(const struct fs_probe *p);
/* "log", "tcp", "http", "shell", "cmd". */
const char *fs_probe_kind_name(enum fs_probe_kind kind);

/* ---- the log probe's matcher ---------------------------------------------------------- */

/* The longest line matched whole; a longer one is matched on its head. */
#define FS_PROBE_LINE_MAX 4096

/* Matches each whole line of a task's output (stdout and stderr apart)
 * against the pattern; on a pty, escape sequences and carriage returns are
 * removed before matching. */
struct fs_probe_lines {
    regex_t re;
    struct {
        char buf[FS_PROBE_LINE_MAX + 1];
        size_t len;
        bool over; /* past FS_PROBE_LINE_MAX: the rest of the line is skipped */
        int esc;   /* where an escape sequence stands (0: none) */
    } s[2];
    unsigned long long cut; /* bytes of long lines that were not matched */
};

/* Compiles the pattern (POSIX extended): 0, or -1 with *err set (regerror's
 * words). */
int fs_probe_lines_init(struct fs_probe_lines *m, const char *pattern, char **err);
void fs_probe_lines_fini(struct fs_probe_lines *m);
/* Forgets partial lines (a new run). */
void fs_probe_lines_reset(struct fs_probe_lines *m);
/* Feeds output of stream 0 or 1; strip: it came through a pty. True when a
 * line ended in it matched. */
bool fs_probe_lines_feed(struct fs_probe_lines *m, int stream, const char *data, size_t len,
                         bool strip);
/* The stream ended: its last line without a newline is matched. */
bool fs_probe_lines_eof(struct fs_probe_lines *m, int stream);

#endif
