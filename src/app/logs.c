/*
 * Log files of tasks (doc/session-file.md, "Log files"): each task with a
 * log_file gets a formatter (model/logfmt.c: escape sequences removed, an
 * optional timestamp per line, its name before each line when several tasks
 * share the file) and a file of the session's log writer (rt/logw.c), which
 * writes on its own thread. Every byte a task writes on standard output or
 * error goes there as it arrives, whatever the front end does with it. A file
 * that fails is an `error` for the task (once, and once when it works again)
 * and a mark the screen shows; the task and its output on screen go on. Owns
 * each task's formatter and the table of paths.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app_int.h"
#include "model/logfmt.h"
#include "rt/logw.h"
#include "util/xalloc.h"

/* What the log writer may hold for every file together. */
#define LOG_QUEUE_CAP ((size_t)16 << 20)

static double
wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The writer told of a file failing (err) or working again (err 0). */
static void
on_report(void *arg, int file, int err, unsigned long long lost)
{
    struct fs_app *app = arg;
    struct app_task *first = NULL;
    for (size_t i = 0; i < app->ntasks; i++) {
        struct app_task *at = app->tasks[i];
        if (at->log != NULL && at->log->file == file) {
            at->log->err = err;
            if (first == NULL)
                first = at;
        }
    }
    if (first == NULL)
        return;
    char *msg = err != 0 ? fs_xasprintf("log file %s: %s; the output is not written there "
                                        "until it can be",
                                        first->t.spec.log_file, strerror(err))
                         : fs_xasprintf("log file %s: written again (%llu bytes of output "
                                        "could not be)",
                                        first->t.spec.log_file, lost);
    fs_app_error(first, msg);
    free(msg);
}

/* The file number of path, added to the writer on first use; -1 when there
 * is no writer. */
static int
file_of(struct fs_app *app, const struct fs_task_spec *spec)
{
    for (size_t i = 0; i < app->nlog_paths; i++)
        if (strcmp(app->log_paths[i], spec->log_file) == 0)
            return (int)i;
    int err = 0;
    struct fs_logw *w = fs_logw_get(app->rt, LOG_QUEUE_CAP, on_report, app, &err);
    if (w == NULL) {
        if (!app->log_failed)
            app->ops->error(app->fe, NULL,
                            "log files: no writer thread could be started; no "
                            "log file is written");
        app->log_failed = true;
        return -1;
    }
    app->logw = w;
    int file = fs_logw_add(w, spec->log_file, spec->log_max, spec->log_keep, spec->log_truncate);
    app->log_paths = fs_xreallocarray(app->log_paths, app->nlog_paths + 1, sizeof *app->log_paths);
    app->log_paths[app->nlog_paths++] = fs_xstrdup(spec->log_file);
    return file;
}

void
fs_app_log_open(struct app_task *at)
{
    struct fs_app *app = at->app;
    const struct fs_task_spec *spec = &at->t.spec;
    if (spec->log_file == NULL || at->log != NULL)
        return;
    int file = file_of(app, spec);
    if (file < 0)
        return;
    size_t sharing = 0;
    for (size_t i = 0; i < app->ntasks; i++)
        if (app->tasks[i] != NULL && app->tasks[i]->t.spec.log_file != NULL &&
            strcmp(app->tasks[i]->t.spec.log_file, spec->log_file) == 0)
            sharing++;
    char *prefix = sharing > 1 ? fs_xasprintf("%s | ", spec->name) : NULL;
    at->log = fs_xcalloc(1, sizeof *at->log);
    at->log->file = file;
    fs_logfmt_init(&at->log->fmt, spec->log_timestamps, prefix);
    free(prefix);
}

void
fs_app_log_output(struct app_task *at, enum fs_stream stream, const char *data, size_t len)
{
    if (at->log == NULL)
        return;
    struct fs_bytes *text = &at->app->log_text;
    fs_bytes_clear(text);
    fs_logfmt_feed(&at->log->fmt, stream == FS_STREAM_STDERR ? 1 : 0, data, len, wall_now(), text);
    if (text->len > 0)
        fs_logw_write(at->app->logw, at->log->file, text->data, text->len);
}

void
fs_app_log_end(struct app_task *at)
{
    if (at->log != NULL && at->log->fmt.mid_line) {
        fs_logw_write(at->app->logw, at->log->file, "\n", 1);
        at->log->fmt.mid_line = false;
    }
}

void
fs_app_log_free(struct app_task *at)
{
    if (at->log == NULL)
        return;
    fs_logfmt_fini(&at->log->fmt);
    free(at->log);
    at->log = NULL;
}

void
fs_app_logs_fini(struct fs_app *app)
{
    for (size_t i = 0; i < app->nlog_paths; i++)
        free(app->log_paths[i]);
    free(app->log_paths);
    fs_bytes_fini(&app->log_text);
}

int
fs_app_task_log_error(const struct fs_app *app, size_t i)
{
    return i < app->ntasks && app->tasks[i]->log != NULL ? app->tasks[i]->log->err : 0;
}
