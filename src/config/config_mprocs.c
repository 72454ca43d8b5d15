/*
 * The keys of an mprocs proc that mean more than a value to copy: `stop` (a
 * signal, hard-kill, {send-keys: [...]} turned into the bytes the keys type, or
 * {cmd: ...}, which forkscope cannot run), `autorestart` (mprocs' rule: after a
 * non-zero exit of a run that lasted 1 s), `deps` (each must have started:
 * depends_on's list form), and the '$select: os' wrapper of any value. Warnings go to the session being read
 * (config_yaml.c's fs_yaml_warn). Owns nothing: the keys' bytes are handed to the task spec.
 */
#include <config.h>

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "config/config_yaml_int.h"
#include "util/bytes.h"
#include "util/signame.h"
#include "util/xalloc.h"

/* mprocs restarts a run that ended with a non-zero code only when it lasted this long
 * (decide_restart in its src/proc). */
#define MPROCS_MIN_RUN 1.0
/* The bytes a send-keys stop may type. */
#define MAX_STOP_KEYS 256

/* Named keys of mprocs' key syntax ("<CR>") and the bytes a terminal sends. */
static const struct {
    const char *name;
    const char *bytes;
} named_keys[] = {
    {"CR", "\r"},    {"Enter", "\r"}, {"Return", "\r"}, {"Tab", "\t"},
    {"Esc", "\x1b"}, {"Space", " "},  {"BS", "\x7f"},   {"lt", "<"},
};

/* One <...> key (without its brackets) appended to out; false when unknown. */
static bool
add_key(struct fs_bytes *out, const char *key, size_t len)
{
    if (len == 3 && (key[0] == 'C' || key[0] == 'c') && key[1] == '-') {
        char l = key[2];
        if ((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z') || l == '\\') {
            char b = (char)(l & 0x1f);
            fs_bytes_add(out, &b, 1);
            return true;
        }
    }
    for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++) {
        if (strlen(named_keys[i].name) == len && strncasecmp(named_keys[i].name, key, len) == 0) {
            fs_bytes_add(out, named_keys[i].bytes, strlen(named_keys[i].bytes));
            return true;
        }
    }
    return false;
}

/* Translates one send-keys string; on an unknown key, *bad points at it. */
static bool
translate(struct fs_bytes *out, const char *s, const char **bad, size_t *badlen)
{
    while (*s != '\0') {
        const char *close = *s == '<' ? strchr(s, '>') : NULL;
        if (close == NULL) {
            fs_bytes_add(out, s, 1);
            s++;
            continue;
        }
        if (!add_key(out, s + 1, (size_t)(close - s - 1))) {
            *bad = s;
            *badlen = (size_t)(close - s + 1);
            return false;
        }
        s = close + 1;
    }
    return true;
}

/* The signal that stops a run on pipes, where keys cannot be typed: what a
 * terminal would send for the first Ctrl-C or Ctrl-\ among the keys. */
static int
pipe_signal(const char *keys)
{
    for (; *keys != '\0'; keys++) {
        if (*keys == '\x03')
            return SIGINT;
        if (*keys == '\x1c')
            return SIGQUIT;
    }
    return SIGTERM;
}

static int
send_keys(struct yctx *c, struct tstate *t, const yaml_node_t *val)
{
    struct fs_bytes out = FS_BYTES_INIT;
    bool seq = val->type == YAML_SEQUENCE_NODE;
    size_t n = seq ? (size_t)(val->data.sequence.items.top - val->data.sequence.items.start) : 1;
    const char *bad = NULL;
    size_t badlen = 0;
    for (size_t i = 0; i < n && bad == NULL; i++) {
        const yaml_node_t *item = seq ? node(c, val->data.sequence.items.start[i]) : val;
        if (!is_string(item) ||
            (translate(&out, text(item), &bad, &badlen) && out.len > MAX_STOP_KEYS)) {
            fs_bytes_fini(&out);
            return fs_yaml_fail(c, t, item,
                                "'send-keys' must be a list of strings (at most %d "
                                "bytes of keys)",
                                MAX_STOP_KEYS);
        }
        if (bad != NULL)
            fs_yaml_warn(c, t, item,
                         "'stop: send-keys': forkscope cannot type '%.*s'; it stops the task "
                         "with SIGTERM",
                         (int)badlen, bad);
    }
    free(t->spec->stop_keys);
    t->spec->stop_keys = NULL;
    t->spec->stop_signal = SIGTERM;
    if (bad == NULL && out.len > 0) {
        t->spec->stop_keys = fs_xstrndup(out.data, out.len);
        t->spec->stop_signal = pipe_signal(t->spec->stop_keys);
    }
    fs_bytes_fini(&out);
    return 0;
}

/* The one key of a {send-keys: ...} or {cmd: ...} mapping, or NULL. */
static const yaml_node_pair_t *
single_pair(const yaml_node_t *val)
{
    if (val->type != YAML_MAPPING_NODE ||
        val->data.mapping.pairs.top - val->data.mapping.pairs.start != 1)
        return NULL;
    return val->data.mapping.pairs.start;
}

int
fs_yaml_key_stop(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    const yaml_node_pair_t *p = single_pair(val);
    const yaml_node_t *k = p != NULL ? node(c, p->key) : NULL;
    if (k != NULL && is_string(k) && strcmp(text(k), "send-keys") == 0)
        return send_keys(c, t, node(c, p->value));
    if (k != NULL && is_string(k) && strcmp(text(k), "cmd") == 0) {
        fs_yaml_warn(c, t, k,
                     "'stop: {cmd: ...}' is not honoured: forkscope has no stop command; it "
                     "stops the task with SIGTERM");
        t->spec->stop_signal = SIGTERM;
        return 0;
    }
    int sig = -1;
    if (is_string(val))
        sig = strcmp(text(val), "hard-kill") == 0 ? SIGKILL : fs_signum(text(val));
    if (sig < 0)
        return fs_yaml_fail(c, t, val,
                            "'stop' must be SIGINT, SIGTERM, SIGKILL, hard-kill, "
                            "{send-keys: [...]} or {cmd: ...}");
    free(t->spec->stop_keys);
    t->spec->stop_keys = NULL;
    t->spec->stop_signal = sig;
    return 0;
}

void
fs_yaml_autorestart(struct tstate *t, bool on)
{
    t->spec->restart = on ? FS_RESTART_ON_FAILURE : FS_RESTART_NO;
    t->spec->restart_min_run = on ? MPROCS_MIN_RUN : 0;
}

int
fs_yaml_key_deps(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    /* mprocs starts a proc once each of its deps has started: depends_on's
     * list form, whose condition is `started`. */
    if (val->type != YAML_SEQUENCE_NODE)
        return fs_yaml_fail(c, t, val, "'deps' must be a list of proc names");
    return fs_yaml_key_depends_on(c, t, key, val);
}

/* mprocs wraps any value in {$select: os, linux: ..., $else: ...}; this picks the
 * Linux branch. Aliases can make a cycle of selects, hence the depth bound. */
yaml_node_t *
fs_yaml_resolve(struct yctx *c, const struct tstate *t, yaml_node_t *n)
{
    for (int depth = 0; c->mode == MODE_PROCS && n->type == YAML_MAPPING_NODE; depth++) {
        yaml_node_pair_t *p = n->data.mapping.pairs.start;
        if (p == n->data.mapping.pairs.top || !is_string(node(c, p->key)) ||
            strcmp(text(node(c, p->key)), "$select") != 0)
            return n;
        if (depth == 8 || !is_string(node(c, p->value)) ||
            strcmp(text(node(c, p->value)), "os") != 0) {
            fs_yaml_fail(c, t, n, "only '$select: os' is supported");
            return NULL;
        }
        yaml_node_t *pick = NULL;
        for (; p < n->data.mapping.pairs.top; p++) {
            const yaml_node_t *k = node(c, p->key);
            if (is_string(k) && strcmp(text(k), "linux") == 0)
                pick = node(c, p->value);
            else if (is_string(k) && strcmp(text(k), "$else") == 0 && pick == NULL)
                pick = node(c, p->value);
        }
        if (pick == NULL) {
            fs_yaml_fail(c, t, n, "'$select: os' has neither 'linux' nor '$else'");
            return NULL;
        }
        n = pick;
    }
    return n;
}
