/*
 * mprocs' log files: the top-level `proc_log` and a proc's `log`, each null,
 * a boolean, a directory, or {enabled, dir, file, mode, append}; a proc's
 * fields override the top level's. The file is FILE (relative to DIR when
 * both are given), or DIR/NAME.log with the name made safe for a file name,
 * `{name}` and `{id}` expanded; paths are relative to the file's directory.
 * `mode: truncate` (or `append: false`) empties the file when forkscope opens
 * it. forkscope's rotation (10 MiB, 3 old files) applies, which mprocs does
 * not have. The nodes are kept during the walk and read once it is over, when
 * the top level is known. Owns nothing past the walk.
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config.h"
#include "config/config_int.h"
#include "config/config_yaml_int.h"
#include "util/bytes.h"
#include "util/xalloc.h"

/* One proc_log or log value; -1 and NULL: not given. */
struct mlog {
    int enabled, truncate;
    const char *dir, *file;
};

static int
want_path(struct yctx *c, const yaml_node_t *v, const char *label, const char **out)
{
    if (is_null(v))
        return 0;
    if (!is_string(v) || *text(v) == '\0')
        return fs_yaml_fail(c, NULL, v, "'%s' must be a path", label);
    *out = text(v);
    return 0;
}

static int
mlog_field(struct yctx *c, const yaml_node_t *k, yaml_node_t *v, struct mlog *m, bool warn)
{
    const char *name = is_string(k) ? text(k) : "?";
    bool b;
    if (strcmp(name, "dir") == 0 || strcmp(name, "file") == 0)
        return want_path(c, v, name, name[0] == 'd' ? &m->dir : &m->file);
    if (strcmp(name, "enabled") == 0 || strcmp(name, "append") == 0) {
        if (fs_yaml_want_bool(c, NULL, name, v, &b) < 0)
            return -1;
        if (name[0] == 'e')
            m->enabled = b;
        else
            m->truncate = !b;
        return 0;
    }
    if (strcmp(name, "mode") == 0) {
        if (!is_string(v) || (strcmp(text(v), "append") != 0 && strcmp(text(v), "truncate") != 0))
            return fs_yaml_fail(c, NULL, v, "'mode' must be append or truncate");
        m->truncate = strcmp(text(v), "truncate") == 0;
        return 0;
    }
    if (warn)
        fs_yaml_warn(c, NULL, k, "unknown key '%s' in a log setting is ignored", name);
    return 0;
}

/* Reads n into m; warn: say so of an unknown key (only the first time). */
static int
mlog_parse(struct yctx *c, yaml_node_t *n, struct mlog *m, bool warn)
{
    bool b;
    *m = (struct mlog){-1, -1, NULL, NULL};
    if (n == NULL || is_null(n))
        return 0;
    if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (strcmp(text(n), "true") == 0 || strcmp(text(n), "false") == 0)) {
        fs_yaml_want_bool(c, NULL, "log", n, &b);
        m->enabled = b;
        return 0;
    }
    if (is_string(n)) {
        m->enabled = 1;
        m->dir = text(n);
        return 0;
    }
    if (n->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, NULL, n,
                            "a log setting must be a boolean, a directory or a "
                            "mapping");
    struct kv *pairs;
    size_t np;
    if (fs_yaml_flatten(c, NULL, n, &pairs, &np) < 0)
        return -1;
    m->enabled = 1;
    for (size_t i = 0; i < np; i++)
        if (mlog_field(c, pairs[i].key, fs_yaml_resolve(c, NULL, pairs[i].val), m, warn) < 0)
            return -1;
    return 0;
}

int
fs_yaml_key_log(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    struct mlog m;
    if (mlog_parse(c, val, &m, true) < 0) /* checked now, so an error has its place in the walk */
        return -1;
    if (t == NULL) {
        c->proc_log = val;
        return 0;
    }
    c->mlogs = fs_xreallocarray(c->mlogs, c->nmlogs + 1, sizeof *c->mlogs);
    c->mlogs[c->nmlogs].task = (size_t)(t->spec - c->tmp.tasks);
    c->mlogs[c->nmlogs++].node = val;
    return 0;
}

/* The name made safe for a file, as mprocs does: other characters become '_'. */
static void
safe_name(struct fs_bytes *b, const char *name)
{
    for (const char *p = name; *p != '\0'; p++) {
        char ch = *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.'))
            ch = '_';
        fs_bytes_add(b, &ch, 1);
    }
}

/* s with {name} and {id} expanded. */
static char *
expand(const char *s, const char *name, size_t id)
{
    struct fs_bytes b = FS_BYTES_INIT;
    while (*s != '\0') {
        if (strncmp(s, "{name}", 6) == 0) {
            safe_name(&b, name);
            s += 6;
        } else if (strncmp(s, "{id}", 4) == 0) {
            char num[24];
            int n = snprintf(num, sizeof num, "%zu", id);
            fs_bytes_add(&b, num, (size_t)n);
            s += 4;
        } else {
            fs_bytes_add(&b, s++, 1);
        }
    }
    char *path = fs_xstrndup(b.data != NULL ? b.data : "", b.len);
    fs_bytes_fini(&b);
    return path;
}

static void
apply_one(struct yctx *c, size_t i, const struct mlog *top, const struct mlog *own)
{
    struct fs_task_spec *spec = &c->tmp.tasks[i];
    int enabled = own->enabled >= 0 ? own->enabled : top->enabled;
    const char *dir = own->dir != NULL ? own->dir : top->dir;
    const char *file = own->file != NULL ? own->file : top->file;
    if (enabled != 1 || (dir == NULL && file == NULL))
        return;
    char *dx = dir != NULL ? expand(dir, spec->name, i) : NULL;
    char *d = dx != NULL ? fs_config_join(c->dir, dx) : NULL;
    char *f = file != NULL ? expand(file, spec->name, i) : NULL;
    free(spec->log_file);
    if (f == NULL) {
        struct fs_bytes b = FS_BYTES_INIT;
        safe_name(&b, spec->name);
        spec->log_file = fs_xasprintf("%s/%.*s.log", d, (int)b.len, b.data);
        fs_bytes_fini(&b);
    } else {
        /* A relative file goes in the directory, or beside the session file. */
        spec->log_file = fs_config_join(d != NULL ? d : c->dir, f);
    }
    free(dx);
    spec->log_truncate = (own->truncate >= 0 ? own->truncate : top->truncate) == 1;
    free(d);
    free(f);
}

void
fs_yaml_mprocs_logs_apply(struct yctx *c)
{
    struct mlog top, own;
    mlog_parse(c, c->proc_log, &top, false); /* checked when it was read */
    for (size_t i = 0; i < c->tmp.ntasks; i++) {
        yaml_node_t *n = NULL;
        for (size_t k = 0; k < c->nmlogs; k++)
            if (c->mlogs[k].task == i)
                n = c->mlogs[k].node;
        mlog_parse(c, n, &own, false);
        apply_one(c, i, &top, &own);
    }
    free(c->mlogs);
    c->mlogs = NULL;
    c->nmlogs = 0;
}
