/*
 * `forkscope check FILE...`: each file is read into a session of its own with
 * the readers a run uses, and the session is described: one block a task (its
 * kind, the argv it would run, cwd, environment changes, log file, restart and stop
 * policies, whether it starts by itself), then the file's warnings. Nothing is
 * started. Owns nothing past the call.
 */
#include <config.h>

#include "config/check.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model/deps.h"
#include "model/kind.h"
#include "model/probe.h"
#include "model/session.h"
#include "util/signame.h"
#include "util/xalloc.h"

static bool
is_yaml(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(path + n - 4, ".yml") == 0);
}

/* The argv a task runs, quoted as a shell would read it. Caller frees. */
static char *
argv_of(const struct fs_task_spec *t)
{
    if (fs_kind_info(t->kind)->argv != FS_ARGV_SHELL)
        return fs_task_spec_describe(t);
    struct fs_task_spec words;
    fs_task_spec_init(&words, t->name);
    words.kind = fs_kind_by_key("cmd")->kind;
    fs_strv_push(&words.argv, "/bin/sh");
    fs_strv_push(&words.argv, "-c");
    fs_strv_push(&words.argv, t->shell);
    char *s = fs_task_spec_describe(&words);
    fs_task_spec_fini(&words);
    return s;
}

/* Prints bytes with the unprintable ones as \xNN. */
static void
put_escaped(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '\\' || *p == '"')
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
}

static void
put_list(FILE *out, const char *label, char *const *v)
{
    if (v == NULL || *v == NULL)
        return;
    fprintf(out, "    %s:", label);
    for (; *v != NULL; v++) {
        fputs(" ", out);
        put_escaped(out, *v);
    }
    fputc('\n', out);
}

/* "ready: tcp 127.0.0.1:5432, every 1s (timeout 1s), gives up after 3 failures". */
static void
put_probe(FILE *out, const char *label, const struct fs_probe *p)
{
    if (p == NULL)
        return;
    fprintf(out, "    %s: %s ", label, fs_probe_kind_name(p->kind));
    switch (p->kind) {
    case FS_PROBE_LOG:
        put_escaped(out, p->pattern);
        fputc('\n', out);
        return;
    case FS_PROBE_TCP:
        fprintf(out, "%s:%d", p->host != NULL ? p->host : "127.0.0.1", p->port);
        break;
    case FS_PROBE_HTTP:
        put_escaped(out, p->url);
        break;
    case FS_PROBE_SHELL:
        put_escaped(out, p->shell);
        break;
    case FS_PROBE_CMD:
        for (char **a = p->argv; *a != NULL; a++) {
            put_escaped(out, *a);
            fputs(a[1] != NULL ? " " : "", out);
        }
        break;
    }
    fprintf(out, ", every %gs (timeout %gs)", p->interval, p->timeout);
    if (p->initial_delay > 0)
        fprintf(out, " from %gs after the start", p->initial_delay);
    if (p->retries > 0)
        fprintf(out, ", %s after %u failures in a row\n",
                strcmp(label, "ready") == 0 ? "gives up" : "stops the run", p->retries);
    else
        fprintf(out, ", until it passes\n");
}

static void
put_policies(FILE *out, const struct fs_task_spec *t)
{
    fprintf(out, "    restart: %s", fs_restart_name(t->restart));
    if (t->restart != FS_RESTART_NO && t->restart_min_run > 0)
        fprintf(out, " (only after runs of %gs or more)", t->restart_min_run);
    if (t->restart != FS_RESTART_NO)
        fprintf(out, ", backoff %gs x%g up to %gs", t->backoff.base, t->backoff.factor,
                t->backoff.cap);
    if (t->restart != FS_RESTART_NO && t->backoff.max > 0)
        fprintf(out, ", at most %u restarts in a row", t->backoff.max);
    fprintf(out, "\n    stop: ");
    if (t->stop_keys != NULL) {
        fputs("types \"", out);
        put_escaped(out, t->stop_keys);
        fprintf(out, "\" on a terminal, else %s", fs_signame(t->stop_signal));
    } else {
        fputs(fs_signame(t->stop_signal), out);
    }
    fprintf(out, ", SIGKILL after %gs\n", t->stop_timeout);
    fprintf(out, "    autostart: %s\n", t->autostart ? "yes" : "no");
    for (size_t k = 0; k < t->ndeps; k++)
        fprintf(out, "%s %s (%s)%s", k == 0 ? "    depends on:" : ",", t->deps[k].task,
                fs_dep_cond_name(t->deps[k].cond), k + 1 == t->ndeps ? "\n" : "");
    put_probe(out, "ready", t->ready_probe);
    put_probe(out, "alive", t->alive_probe);
}

static void
put_task(FILE *out, const struct fs_task_spec *t)
{
    char *argv = argv_of(t);
    fprintf(out, "  %s\n    kind: %s\n    argv: %s\n", t->name, fs_kind_info(t->kind)->key, argv);
    free(argv);
    if (t->cwd != NULL)
        fprintf(out, "    cwd: %s\n", t->cwd);
    put_list(out, "env", t->env_set);
    put_list(out, "unset", t->env_unset);
    if (t->log_file != NULL)
        fprintf(out, "    log: %s (rotated at %zu bytes, %u old files kept%s%s)\n", t->log_file,
                t->log_max, t->log_keep, t->log_timestamps ? ", timestamps" : "",
                t->log_truncate ? ", emptied at start" : "");
    put_policies(out, t);
}

/* Checks one file; 0 clean, 1 warnings, 2 an error. */
static int
check_one(const char *path, const struct fs_procfile_opts *o, fs_check_fn more, FILE *out,
          FILE *err)
{
    struct fs_session s;
    fs_session_init(&s);
    char *e = NULL;
    int rc = is_yaml(path) ? fs_config_load_yaml(&s, path, &e)
                           : fs_config_load_procfile(&s, path, o, &e);
    if (rc != 0)
        fprintf(err, "forkscope: %s\n", e);
    free(e);
    if (rc != 0 || (more != NULL && more(&s) != 0)) {
        fs_session_fini(&s);
        return 2;
    }
    size_t nwarn = s.warnings != NULL ? fs_strv_len(s.warnings) : 0;
    fprintf(out, "%s: %zu task%s, %zu warning%s\n", path, s.ntasks, s.ntasks == 1 ? "" : "s", nwarn,
            nwarn == 1 ? "" : "s");
    for (size_t i = 0; i < s.ntasks; i++)
        put_task(out, &s.tasks[i]);
    for (size_t i = 0; i < nwarn; i++)
        fprintf(out, "%s\n", s.warnings[i]);
    fs_session_fini(&s);
    return nwarn > 0 ? 1 : 0;
}

int
fs_check_files(char *const *paths, int n, const struct fs_procfile_opts *o, fs_check_fn more,
               FILE *out, FILE *err)
{
    int worst = 0;
    for (int i = 0; i < n; i++) {
        int rc = check_one(paths[i], o, more, out, err);
        if (rc > worst)
            worst = rc;
    }
    fflush(out);
    return worst;
}
