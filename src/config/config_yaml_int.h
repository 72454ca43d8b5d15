/*
 * Private to the YAML session reader (config_yaml.c walks the document,
 * config_yaml_keys.c handles each task key, config_mprocs.c and config_compose.c
 * the keys of mprocs and process-compose files): the walk's context and per-task
 * state, the key table type, the node accessors both use, and what each file
 * lends the other. Not for use outside src/config/config_yaml*.c.
 */
#ifndef FS_CONFIG_YAML_INT_H
#define FS_CONFIG_YAML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <yaml.h>

#include "model/kind.h"
#include "model/session.h"

#define MODE_TASKS 1u   /* a forkscope file */
#define MODE_PROCS 2u   /* an mprocs file */
#define MODE_COMPOSE 4u /* a process-compose file */
#define MODE_BOTH (MODE_TASKS | MODE_PROCS)
#define MAX_KEYS 48

struct yctx {
    yaml_document_t *doc;
    const char *path;
    char **err;
    unsigned mode;
    char *dir; /* the file's directory, NULL when the path has none */
    struct fs_session tmp;
    void **scratch; /* flattened mappings, freed when the parse ends */
    size_t nscratch;
    char *kinds;        /* the kind keys this file may use, "shell, cmd, fork, worker" */
    char **compose_env; /* a process-compose file's top-level "NAME=value" list */
    char *log_dir;      /* forkscope's top-level 'log_dir', joined to the file's directory */
    char *log_all;      /* process-compose's top-level 'log_location' */
    yaml_node_t *proc_log; /* mprocs' top-level 'proc_log', read after the walk */
    struct {
        size_t task;        /* index in tmp */
        yaml_node_t *node;  /* its 'log' */
    } *mlogs;
    size_t nmlogs;
};

/* One key and its value, after merge keys are applied. */
struct kv {
    yaml_node_t *key;
    yaml_node_t *val;
};

/* What one task's walk has seen so far. */
struct tstate {
    struct fs_task_spec *spec; /* in ctx->tmp; no task is appended during the walk */
    const char *name;
    const yaml_node_t *name_node;
    const yaml_node_t *kind_key;   /* the first key that names a kind (model/kind.h) */
    const yaml_node_t *args_val;   /* the args value, applied once the kind is known */
    const yaml_node_t *ipc_key;    /* serialization or max_message, checked against the kind */
    const yaml_node_t *shared_key; /* shared or shared_size, checked against the kind */
    const yaml_node_t *buffer_key; /* set when 'buffer' was a size */
    const yaml_node_t *cap_key;
    const yaml_node_t *replicas_val;
    const yaml_node_t *pool_key; /* pool and jobs come together */
    const yaml_node_t *jobs_key;
    unsigned long replicas;
    char **file_env; /* "NAME=value" read from its env_file entries, the last one winning */
};

typedef int (*key_fn)(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);

struct key_def {
    const char *name;
    unsigned modes;
    key_fn fn; /* NULL: accepted and ignored */
};

/* ---- node access ------------------------------------------------------------------------ */

static inline yaml_node_t *
node(struct yctx *c, int index)
{
    return yaml_document_get_node(c->doc, index);
}

static inline const char *
text(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static inline bool
is_null(const yaml_node_t *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    if (n->type != YAML_SCALAR_NODE)
        return false;
    if (n->tag != NULL && strcmp((const char *)n->tag, YAML_NULL_TAG) == 0)
        return true;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strcmp(text(n), nulls[i]) == 0)
            return true;
    return false;
}

/* A scalar that is not null and holds no NUL byte: usable as a C string. */
static inline bool
is_string(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && !is_null(n) && strlen(text(n)) == n->data.scalar.length;
}

static inline const char *
kinds_list(const struct yctx *c)
{
    return c->kinds;
}

/* The kind that key names, when this file may use it; NULL otherwise. */
static inline const struct fs_kind_info *
kind_of_key(const struct yctx *c, const char *key)
{
    const struct fs_kind_info *k = fs_kind_by_key(key);
    if (c->mode == MODE_COMPOSE)
        return NULL; /* a process's 'command' is its only kind: a shell task */
    return k != NULL && (c->mode != MODE_PROCS || k->in_mprocs) ? k : NULL;
}

/* ---- from config_yaml.c ----------------------------------------------------------------- */

/* Sets *c->err for node n, prefixed with the task when t is not NULL. Returns -1. */
int fs_yaml_fail(struct yctx *c, const struct tstate *t, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds "PATH:LINE:COL: warning: [task 'NAME': ]what" to the session being read. */
void fs_yaml_warn(struct yctx *c, const struct tstate *t, const yaml_node_t *n, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
/* The pairs of a mapping with merge keys ('<<') applied; *pairs lives until the
 * parse ends and is not freed by the caller. Returns 0 or -1 with the error set. */
int fs_yaml_flatten(struct yctx *c, const struct tstate *t, yaml_node_t *map, struct kv **pairs,
                    size_t *n);
/* The top-level mapping of task names to tasks ('tasks', 'procs', 'processes'). */
int fs_yaml_key_tasks(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);

/* ---- from config_yaml_keys.c ------------------------------------------------------------ */

/* Points *out at v's text when v is a usable string; otherwise -1 with an error
 * naming `label`. */
int fs_yaml_want_string(struct yctx *c, const struct tstate *t, const char *label,
                        const yaml_node_t *v, const char **out);
/* An unquoted true or false; otherwise -1 with an error naming `label`. */
int fs_yaml_want_bool(struct yctx *c, const struct tstate *t, const char *label,
                      const yaml_node_t *v, bool *out);
/* A whole number in [lo, hi]; otherwise -1 with an error naming `label`. */
int fs_yaml_want_count(struct yctx *c, const struct tstate *t, const char *label,
                       const yaml_node_t *v, unsigned long lo, unsigned long hi,
                       unsigned long *out);
/* A duration (fs_config_parse_duration); otherwise -1 with an error naming `label`. */
int fs_yaml_want_duration(struct yctx *c, const struct tstate *t, const char *label,
                          const yaml_node_t *v, double *out);
/* A plain decimal number from lo to 1e9; otherwise -1 with an error naming `label`. */
int fs_yaml_want_number(struct yctx *c, const struct tstate *t, const char *label,
                        const yaml_node_t *v, double lo, double *out);
/* Sets t's command from the string v with the given kind ('shell', 'worker', a
 * 'cmd' string, the mprocs shorthand). Returns 0 or -1 with the error set. */
int fs_yaml_command_from_text(struct yctx *c, struct tstate *t, const char *label,
                              const yaml_node_t *v, enum fs_kind kind);
/* Sets t's command from a list of strings v (argv) with the given kind ('cmd',
 * 'fork', mprocs' `name: [argv...]`). Returns 0 or -1 with the error set. */
int fs_yaml_command_from_list(struct yctx *c, struct tstate *t, const char *label, yaml_node_t *v,
                              enum fs_kind kind);
/* A key that names the task's kind (kind_of_key): records it, and sets the
 * task's command from its value. Returns 0 or -1 with the error set. */
int fs_yaml_key_kind(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);
/* The other keys of one task, for both file kinds; NULL handlers are accepted
 * and ignored. */
extern const struct key_def fs_yaml_task_keys[];
extern const size_t fs_yaml_ntask_keys;
/* 'env' (a mapping, or a list of "NAME=value"); process-compose's 'environment'. */
int fs_yaml_key_env(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);
/* 'replicas': N alike tasks NAME-1 ... NAME-N. */
int fs_yaml_key_replicas(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                         yaml_node_t *val);

/* ---- from config_deps.c ---------------------------------------------------------------- */

/* 'depends_on': forkscope's (NAME: condition, or a list of names) or
 * process-compose's (NAME: {condition: process_...}). */
int fs_yaml_key_depends_on(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                           yaml_node_t *val);
/* 'success_codes': the exit codes that count as success. */
int fs_yaml_key_success_codes(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                              yaml_node_t *val);
/* Checks the whole file's dependencies (names, self, cycles); 0 or -1. */
int fs_yaml_deps_check(struct yctx *c);

/* ---- from config_mprocs.c --------------------------------------------------------------- */

/* mprocs' stop: a signal, hard-kill, {send-keys: [...]} or {cmd: ...}. */
int fs_yaml_key_stop(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);
/* mprocs' deps: accepted with one warning per file; not honoured. */
int fs_yaml_key_deps(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);
/* n, or in an mprocs file the Linux branch of a '$select: os' wrapper; NULL with
 * the error set when the wrapper is bad. */
yaml_node_t *fs_yaml_resolve(struct yctx *c, const struct tstate *t, yaml_node_t *n);
/* mprocs' autorestart: restart after a non-zero exit of a run of at least 1 s. */
void fs_yaml_autorestart(struct tstate *t, bool on);

/* ---- from config_probe.c ---------------------------------------------------------------- */

/* 'ready' and 'alive': a probe mapping (doc/session-file.md). */
int fs_yaml_key_ready(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);
int fs_yaml_key_alive(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);
/* process-compose's 'readiness_probe', 'liveness_probe' and 'ready_log_line'. */
int fs_yaml_compose_probe(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                          yaml_node_t *val);
int fs_yaml_compose_ready_log_line(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                                   yaml_node_t *val);
/* ---- from config_mprocs_log.c ----------------------------------------------------------- */

/* mprocs' proc_log and log: checked, and kept until the walk is over. */
int fs_yaml_key_log(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val);
/* After the walk: every proc's log file from its 'log' and the top-level 'proc_log'. */
void fs_yaml_mprocs_logs_apply(struct yctx *c);

/* ---- from config_yaml_log.c ------------------------------------------------------------ */

/* env_file: one path or a list, read now into t->file_env. */
int fs_yaml_key_env_file(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                         yaml_node_t *val);
/* Gives the task the env_file variables its own env does not set, and frees them. */
void fs_yaml_env_file_apply(struct tstate *t);
/* Whether the task sets or unsets the variable NAME (len bytes). */
bool fs_yaml_task_has_env(const struct fs_task_spec *spec, const char *name, size_t len);
/* log, timestamps; the top-level log_dir; process-compose's log_location (t
 * NULL at the top level). */
int fs_yaml_key_log_file(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                         yaml_node_t *val);
int fs_yaml_key_timestamps(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                           yaml_node_t *val);
int fs_yaml_key_log_dir(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                        yaml_node_t *val);
int fs_yaml_key_log_location(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                             yaml_node_t *val);
/* After the walk: every task without a log file of its own gets log_dir/NAME.log
 * (or process-compose's shared top-level file). */
void fs_yaml_logs_apply(struct yctx *c);

/* ---- from config_compose.c -------------------------------------------------------------- */

/* The keys of a process-compose file: its top level and one process. */
extern const struct key_def fs_yaml_compose_top_keys[];
extern const size_t fs_yaml_ncompose_top_keys;
extern const struct key_def fs_yaml_compose_task_keys[];
extern const size_t fs_yaml_ncompose_task_keys;
/* Gives every process the top-level 'environment' it does not set itself. */
void fs_yaml_compose_env_apply(struct yctx *c);

#endif
