/*
 * Readiness and liveness probes in a session file: forkscope's `ready:` and
 * `alive:` mappings (one of log, tcp, http, cmd, shell; interval, timeout,
 * initial_delay, retries), and process-compose's readiness_probe,
 * liveness_probe (exec, http_get and their period, timeout and threshold
 * keys) and ready_log_line. Each is checked here (a regular expression is
 * compiled, an address split) and set on the task as a model/probe.h spec.
 */
#include <config.h>

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config_yaml_int.h"
#include "model/probe.h"
#include "util/words.h"
#include "util/xalloc.h"

#define PROBE_KEYS "log, tcp, http, cmd, shell, interval, timeout, initial_delay, retries"
#define MAX_RETRIES 1000000

/* A port from 1 to 65535 written as all digits; -1 otherwise. */
static int
port_of(const char *s, size_t len)
{
    if (len == 0 || len > 5 || strspn(s, "0123456789") < len)
        return -1;
    int port = 0;
    for (size_t i = 0; i < len; i++)
        port = port * 10 + (s[i] - '0');
    return port >= 1 && port <= 65535 ? port : -1;
}

/* "HOST:PORT", "[V6]:PORT" or "PORT" (host NULL): 0, or -1. */
static int
split_address(const char *s, char **host, int *port)
{
    const char *colon = strrchr(s, ':');
    *host = NULL;
    if (colon == NULL)
        return (*port = port_of(s, strlen(s))) < 0 ? -1 : 0;
    *port = port_of(colon + 1, strlen(colon + 1));
    const char *h = s;
    size_t hlen = (size_t)(colon - s);
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    } else if (memchr(h, ':', hlen) != NULL) {
        return -1;
    }
    if (*port < 0 || hlen == 0 || memchr(h, '/', hlen) != NULL || memchr(h, ' ', hlen) != NULL)
        return -1;
    *host = fs_xstrndup(h, hlen);
    return 0;
}

/* http://HOST[:PORT][/PATH]: sets host, port (80) and path ("/"). */
static int
set_url(struct yctx *c, struct tstate *t, struct fs_probe *p, const yaml_node_t *v)
{
    const char *s;
    if (fs_yaml_want_string(c, t, "http", v, &s) < 0)
        return -1;
    if (strncmp(s, "https://", 8) == 0)
        return fs_yaml_fail(c, t, v,
                            "'http' probe: https is not supported; forkscope probes plain "
                            "http:// URLs");
    if (strncmp(s, "http://", 7) != 0)
        return fs_yaml_fail(c, t, v,
                            "'http' probe must be a URL such as http://127.0.0.1:8080/health");
    const char *auth = s + 7, *slash = strchr(auth, '/');
    size_t alen = slash != NULL ? (size_t)(slash - auth) : strlen(auth);
    char *a = fs_xstrndup(auth, alen);
    bool has_port = strrchr(a, ':') != NULL && (a[0] != '[' || strrchr(a, ']') < strrchr(a, ':'));
    char *hp = has_port ? fs_xstrdup(a) : fs_xasprintf("%s:80", a);
    int rc = split_address(hp, &p->host, &p->port);
    free(a);
    free(hp);
    if (rc < 0 || p->host == NULL)
        return fs_yaml_fail(c, t, v, "'http' probe: bad host or port in '%s'", s);
    p->url = fs_xstrdup(s);
    p->path = fs_xstrdup(slash != NULL ? slash : "/");
    return 0;
}

/* The value of the key that says what the probe checks. */
static int
set_what(struct yctx *c, struct tstate *t, struct fs_probe *p, const yaml_node_t *v)
{
    const char *s = NULL;
    char *err = NULL;
    switch (p->kind) {
    case FS_PROBE_LOG:
        if (fs_yaml_want_string(c, t, "log", v, &s) < 0)
            return -1;
        struct fs_probe_lines m;
        if (fs_probe_lines_init(&m, s, &err) < 0) {
            fs_yaml_fail(c, t, v, "'log' probe: bad regular expression '%s': %s", s, err);
            free(err);
            return -1;
        }
        fs_probe_lines_fini(&m);
        p->pattern = fs_xstrdup(s);
        return 0;
    case FS_PROBE_TCP:
        if (fs_yaml_want_string(c, t, "tcp", v, &s) < 0)
            return -1;
        if (split_address(s, &p->host, &p->port) < 0)
            return fs_yaml_fail(c, t, v,
                                "'tcp' probe must be a port or HOST:PORT such as 5432 or "
                                "127.0.0.1:5432");
        return 0;
    case FS_PROBE_HTTP:
        return set_url(c, t, p, v);
    case FS_PROBE_SHELL:
        if (fs_yaml_want_string(c, t, "shell", v, &s) < 0)
            return -1;
        p->shell = fs_xstrdup(s);
        return 0;
    case FS_PROBE_CMD:
        break;
    }
    if (v->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
             i++) {
            const yaml_node_t *item = node(c, *i);
            if (!is_string(item))
                return fs_yaml_fail(c, t, item,
                                    "'cmd' probe must be a string or a list of strings");
            fs_strv_push(&p->argv, text(item));
        }
    } else if (fs_yaml_want_string(c, t, "cmd", v, &s) < 0) {
        return -1;
    } else if ((p->argv = fs_words_split(s, &err)) == NULL) {
        fs_yaml_fail(c, t, v, "'cmd' probe: %s", err);
        free(err);
        return -1;
    }
    if (p->argv == NULL || p->argv[0] == NULL)
        return fs_yaml_fail(c, t, v, "'cmd' probe may not be empty");
    return 0;
}

static int
set_setting(struct yctx *c, struct tstate *t, struct fs_probe *p, const char *k,
            const yaml_node_t *v)
{
    unsigned long n;
    if (strcmp(k, "interval") == 0 || strcmp(k, "timeout") == 0) {
        double *d = k[0] == 'i' ? &p->interval : &p->timeout;
        if (fs_yaml_want_duration(c, t, k, v, d) < 0)
            return -1;
        if (*d < 0.01)
            return fs_yaml_fail(c, t, v, "'%s' must be at least 10ms", k);
        return 0;
    }
    if (strcmp(k, "initial_delay") == 0)
        return fs_yaml_want_duration(c, t, k, v, &p->initial_delay);
    if (fs_yaml_want_count(c, t, k, v, 0, MAX_RETRIES, &n) < 0)
        return -1;
    p->retries = (unsigned)n;
    return 0;
}

/* Walks a ready: or alive: mapping into a new probe; NULL with the error set. */
static struct fs_probe *
probe_of(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    static const char *const settings[] = {"interval", "timeout", "initial_delay", "retries"};
    const char *label = text(key);
    struct kv *pairs;
    size_t n;
    if (val->type != YAML_MAPPING_NODE) {
        fs_yaml_fail(c, t, val, "'%s' must be a mapping with one of log, tcp, http, cmd, shell",
                     label);
        return NULL;
    }
    if (fs_yaml_flatten(c, t, val, &pairs, &n) < 0)
        return NULL;
    const yaml_node_t *what = NULL;
    struct fs_probe *p = fs_probe_new(FS_PROBE_LOG);
    for (size_t i = 0; i < n; i++) {
        const char *k = is_string(pairs[i].key) ? text(pairs[i].key) : "?";
        bool setting = false;
        for (size_t s = 0; s < sizeof settings / sizeof *settings; s++)
            setting |= strcmp(k, settings[s]) == 0;
        int kind = -1;
        for (int j = FS_PROBE_LOG; j <= FS_PROBE_CMD; j++)
            if (strcmp(k, fs_probe_kind_name((enum fs_probe_kind)j)) == 0)
                kind = j;
        int rc = 0;
        if (setting) {
            rc = set_setting(c, t, p, k, pairs[i].val);
        } else if (kind < 0) {
            rc = fs_yaml_fail(c, t, pairs[i].key, "unknown key '%s' in '%s' (valid keys: %s)", k,
                              label, PROBE_KEYS);
        } else if (what != NULL) {
            rc = fs_yaml_fail(c, t, pairs[i].key, "'%s' has both '%s' and '%s'; use exactly one",
                              label, text(what), k);
        } else {
            what = pairs[i].key;
            p->kind = (enum fs_probe_kind)kind;
            p->line = (int)what->start_mark.line + 1;
            p->col = (int)what->start_mark.column + 1;
            rc = set_what(c, t, p, pairs[i].val);
        }
        if (rc < 0) {
            fs_probe_free(p);
            return NULL;
        }
    }
    if (what == NULL) {
        fs_yaml_fail(c, t, val, "'%s' must have one of log, tcp, http, cmd, shell", label);
        fs_probe_free(p);
        return NULL;
    }
    return p;
}

int
fs_yaml_key_ready(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    /* Until a retries key says otherwise, a readiness probe keeps trying. */
    struct fs_probe *p = probe_of(c, t, key, val);
    if (p == NULL)
        return -1;
    bool retries_given = false;
    struct kv *pairs;
    size_t n;
    if (fs_yaml_flatten(c, t, val, &pairs, &n) == 0)
        for (size_t i = 0; i < n; i++)
            retries_given |= is_string(pairs[i].key) && strcmp(text(pairs[i].key), "retries") == 0;
    if (!retries_given)
        p->retries = FS_PROBE_READY_RETRIES;
    fs_probe_free(t->spec->ready_probe);
    t->spec->ready_probe = p;
    return 0;
}

int
fs_yaml_key_alive(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    struct fs_probe *p = probe_of(c, t, key, val);
    if (p == NULL)
        return -1;
    if (p->kind == FS_PROBE_LOG) {
        yaml_mark_t m = {0};
        m.line = (size_t)p->line - 1;
        m.column = (size_t)p->col - 1;
        yaml_node_t at = {.start_mark = m};
        fs_probe_free(p);
        return fs_yaml_fail(c, t, &at,
                            "'log' is not a liveness probe (a line that was written cannot "
                            "fail later); use tcp, http, cmd or shell");
    }
    if (p->retries == 0)
        p->retries = 1;
    fs_probe_free(t->spec->alive_probe);
    t->spec->alive_probe = p;
    return 0;
}

/* ---- process-compose ---------------------------------------------------------------------- */

/* process-compose's defaults: a check every 10 s, given 1 s; 3 failures. */
#define COMPOSE_PERIOD 10.0
#define COMPOSE_THRESHOLD 3u

/* exec: {command, working_dir}: a shell probe. */
static int
compose_exec(struct yctx *c, struct tstate *t, struct fs_probe *p, yaml_node_t *val)
{
    struct kv *pairs;
    size_t n;
    if (val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, t, val, "'exec' must be a mapping with 'command'");
    if (fs_yaml_flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    p->kind = FS_PROBE_SHELL;
    for (size_t i = 0; i < n; i++) {
        const char *k = is_string(pairs[i].key) ? text(pairs[i].key) : "?", *s;
        if (strcmp(k, "command") == 0) {
            if (fs_yaml_want_string(c, t, "exec.command", pairs[i].val, &s) < 0)
                return -1;
            free(p->shell);
            p->shell = fs_xstrdup(s);
        } else {
            fs_yaml_warn(c, t, pairs[i].key,
                         "'exec.%s' is not honoured: the probe runs where "
                         "the process runs",
                         k);
        }
    }
    return p->shell == NULL ? fs_yaml_fail(c, t, val, "'exec' needs a 'command'") : 0;
}

/* http_get: {host, port, path, scheme}: an http probe. */
static int
compose_http(struct yctx *c, struct tstate *t, struct fs_probe *p, yaml_node_t *val)
{
    struct kv *pairs;
    size_t n;
    unsigned long port = 0;
    const char *host = "127.0.0.1", *path = "/", *scheme = "http";
    if (val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, t, val, "'http_get' must be a mapping with host, port and path");
    if (fs_yaml_flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *k = is_string(pairs[i].key) ? text(pairs[i].key) : "?";
        const yaml_node_t *v = pairs[i].val;
        int rc = 0;
        if (strcmp(k, "port") == 0)
            rc = fs_yaml_want_count(c, t, "http_get.port", v, 1, 65535, &port);
        else if (strcmp(k, "host") == 0)
            rc = fs_yaml_want_string(c, t, "http_get.host", v, &host);
        else if (strcmp(k, "path") == 0)
            rc = fs_yaml_want_string(c, t, "http_get.path", v, &path);
        else if (strcmp(k, "scheme") == 0)
            rc = fs_yaml_want_string(c, t, "http_get.scheme", v, &scheme);
        else
            fs_yaml_warn(c, t, pairs[i].key, "unknown key '%s' in 'http_get' is ignored", k);
        if (rc < 0)
            return -1;
    }
    if (strcmp(scheme, "http") != 0)
        return fs_yaml_fail(c, t, val,
                            "'http_get.scheme' %s is not supported; forkscope probes "
                            "plain http",
                            scheme);
    if (port == 0)
        return fs_yaml_fail(c, t, val, "'http_get' needs a 'port'");
    bool v6 = strchr(host, ':') != NULL;
    char *url = fs_xasprintf("http://%s%s%s:%lu%s%s", v6 ? "[" : "", host, v6 ? "]" : "", port,
                             path[0] == '/' ? "" : "/", path);
    yaml_node_t at = *val;
    at.type = YAML_SCALAR_NODE;
    at.data.scalar.value = (yaml_char_t *)url;
    at.data.scalar.length = strlen(url);
    at.data.scalar.style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    at.tag = NULL;
    p->kind = FS_PROBE_HTTP;
    int rc = set_url(c, t, p, &at);
    free(url);
    return rc;
}

static int
compose_setting(struct yctx *c, struct tstate *t, struct fs_probe *p, const yaml_node_t *k,
                const yaml_node_t *v)
{
    const char *name = text(k);
    unsigned long n;
    if (strcmp(name, "failure_threshold") == 0) {
        if (fs_yaml_want_count(c, t, name, v, 1, MAX_RETRIES, &n) < 0)
            return -1;
        p->retries = (unsigned)n;
        return 0;
    }
    double *d = strcmp(name, "period_seconds") == 0          ? &p->interval
                : strcmp(name, "timeout_seconds") == 0       ? &p->timeout
                : strcmp(name, "initial_delay_seconds") == 0 ? &p->initial_delay
                                                             : NULL;
    if (d == NULL) {
        fs_yaml_warn(c, t, k, "'%s' is not honoured: forkscope counts failures in a row only",
                     name);
        return 0;
    }
    if (fs_yaml_want_number(c, t, name, v, 0, d) < 0)
        return -1;
    if (d != &p->initial_delay && *d < 0.01)
        return fs_yaml_fail(c, t, v, "'%s' must be more than 0", name);
    return 0;
}

int
fs_yaml_compose_probe(struct yctx *c, struct tstate *t, const yaml_node_t *key, yaml_node_t *val)
{
    bool ready = strcmp(text(key), "readiness_probe") == 0;
    struct kv *pairs;
    size_t n;
    if (val->type != YAML_MAPPING_NODE)
        return fs_yaml_fail(c, t, val, "'%s' must be a mapping with exec or http_get", text(key));
    if (fs_yaml_flatten(c, t, val, &pairs, &n) < 0)
        return -1;
    struct fs_probe *p = fs_probe_new(FS_PROBE_SHELL);
    p->interval = COMPOSE_PERIOD;
    p->retries = COMPOSE_THRESHOLD;
    p->line = (int)key->start_mark.line + 1;
    p->col = (int)key->start_mark.column + 1;
    const yaml_node_t *what = NULL;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const yaml_node_t *k = pairs[i].key;
        const char *name = is_string(k) ? text(k) : "?";
        bool is_exec = strcmp(name, "exec") == 0, is_http = strcmp(name, "http_get") == 0;
        if ((is_exec || is_http) && what != NULL)
            rc = fs_yaml_fail(c, t, k, "'%s' has both '%s' and '%s'; use one", text(key),
                              text(what), name);
        else if (is_exec || is_http)
            what = k;
        if (rc == 0 && is_exec)
            rc = compose_exec(c, t, p, pairs[i].val);
        else if (rc == 0 && is_http)
            rc = compose_http(c, t, p, pairs[i].val);
        else if (rc == 0 && is_string(k))
            rc = compose_setting(c, t, p, k, pairs[i].val);
    }
    if (rc == 0 && what == NULL)
        rc = fs_yaml_fail(c, t, val, "'%s' needs 'exec' or 'http_get'", text(key));
    if (rc < 0) {
        fs_probe_free(p);
        return -1;
    }
    struct fs_probe **slot = ready ? &t->spec->ready_probe : &t->spec->alive_probe;
    fs_probe_free(*slot);
    *slot = p;
    return 0;
}

/* A line that contains the text (process-compose compares strings): a log
 * probe whose pattern is the text with every special character escaped. */
int
fs_yaml_compose_ready_log_line(struct yctx *c, struct tstate *t, const yaml_node_t *key,
                               yaml_node_t *val)
{
    const char *s;
    if (fs_yaml_want_string(c, t, text(key), val, &s) < 0)
        return -1;
    if (*s == '\0')
        return fs_yaml_fail(c, t, val, "'%s' may not be empty", text(key));
    size_t len = strlen(s);
    char *re = fs_xmalloc(2 * len + 1), *o = re;
    for (size_t i = 0; i < len; i++) {
        if (strchr("\\^$.|?*+()[]{}", s[i]) != NULL)
            *o++ = '\\';
        *o++ = s[i];
    }
    *o = '\0';
    struct fs_probe *p = fs_probe_new(FS_PROBE_LOG);
    p->pattern = re;
    p->retries = FS_PROBE_READY_RETRIES;
    p->line = (int)key->start_mark.line + 1;
    p->col = (int)key->start_mark.column + 1;
    fs_probe_free(t->spec->ready_probe);
    t->spec->ready_probe = p;
    return 0;
}
