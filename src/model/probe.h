/*
 * Readiness and liveness probes as a session file writes them (`ready:`,
 * `alive:`, doc/session-file.md): what to check and how often. Plain data;
 * app/probe.c runs them.
 */
#ifndef FS_PROBE_H
#define FS_PROBE_H

#include <stdbool.h>

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

/* A new probe of that kind with the defaults of doc/session-file.md. */
struct fs_probe *fs_probe_new(enum fs_probe_kind kind);
void fs_probe_free(struct fs_probe *p);
/* A deep copy, or NULL for NULL. */
struct fs_probe *fs_probe_copy(const struct fs_probe *p);
/* "log", "tcp", "http", "shell", "cmd". */
const char *fs_probe_kind_name(enum fs_probe_kind kind);

#endif
