/*
 * Positional arguments ('cmd:ls -la', 'fork:child.js', plain shell strings),
 * durations and sizes, the file-loading wrappers (a Procfile with the .env that
 * goes with it), and the helpers the YAML and Procfile readers share
 * (config_int.h): commands from text, task names, reading a file and checking
 * its encoding, adopting a parsed session.
 */
#include <config.h>

#include "config/config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_int.h"
#include "util/words.h"
#include "util/xalloc.h"

void
fs_config_split_prefix(const char *arg, enum fs_kind *kind, const char **rest)
{
    const struct fs_kind_info *k;
    for (int i = 0; (k = fs_kind_info(i)) != NULL; i++) {
        size_t n = strlen(k->key);
        if (strncmp(arg, k->key, n) == 0 && arg[n] == ':') {
            *kind = k->kind;
            *rest = arg + n + 1;
            return;
        }
    }
    *kind = fs_kind_default();
    *rest = arg;
}

int
fs_config_blank(const char *text)
{
    return text[strspn(text, " \t\n\r\v\f")] == '\0';
}

static int
is_js(const char *path)
{
    static const char *const exts[] = {".js", ".mjs", ".cjs"};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(path + n - e, exts[i]) == 0)
            return 1;
    }
    return 0;
}

int
fs_config_set_argv(struct fs_task_spec *spec, enum fs_kind kind, char **argv, char **err)
{
    if (argv[0] == NULL || argv[0][0] == '\0') {
        fs_strv_free(argv);
        *err = fs_xstrdup("empty command");
        return -1;
    }
    if (fs_kind_info(kind)->node_scripts && is_js(argv[0])) {
        /* Like Node's fork(modulePath): a script path runs under node. */
        size_t n = fs_strv_len(argv);
        argv = fs_xreallocarray(argv, n + 2, sizeof *argv);
        memmove(argv + 1, argv, (n + 1) * sizeof *argv);
        argv[0] = fs_xstrdup("node");
    }
    spec->kind = kind;
    fs_strv_free(spec->argv);
    spec->argv = argv;
    return 0;
}

static int
set_module(struct fs_task_spec *spec, enum fs_kind kind, const char *text)
{
    const char *blanks = " \t\n\r\v\f";
    text += strspn(text, blanks);
    size_t n = strcspn(text, blanks);
    const char *rest = text + n + strspn(text + n, blanks);
    spec->kind = kind;
    free(spec->module);
    free(spec->args);
    spec->module = fs_xstrndup(text, n);
    spec->args = *rest != '\0' ? fs_xstrdup(rest) : NULL;
    return 0;
}

int
fs_config_set_command(struct fs_task_spec *spec, enum fs_kind kind, const char *text, char **err)
{
    if (fs_config_blank(text)) {
        *err = fs_xstrdup("empty command");
        return -1;
    }
    switch (fs_kind_info(kind)->argv) {
    case FS_ARGV_SHELL:
        spec->kind = kind;
        free(spec->shell);
        spec->shell = fs_xstrdup(text);
        return 0;
    case FS_ARGV_MODULE:
        return set_module(spec, kind, text);
    case FS_ARGV_WORDS:
        break;
    }
    char **argv = fs_words_split(text, err);
    return argv != NULL ? fs_config_set_argv(spec, kind, argv, err) : -1;
}

int
fs_config_check_name(const char *name, bool blanks, char **err)
{
    size_t n = strlen(name);
    if (n == 0) {
        *err = fs_xstrdup("a task name may not be empty");
        return -1;
    }
    bool spaced = false;
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
        bool inner_space = blanks && *p == ' ' && p != (const unsigned char *)name && p[1] != '\0';
        spaced |= inner_space;
        if ((*p <= ' ' && !inner_space) || *p == 0x7f) {
            *err = fs_xasprintf("bad task name '%s': it may not contain %scontrol characters", name,
                                blanks ? "tabs, leading or trailing blanks, or " : "blanks or ");
            return -1;
        }
    }
    if (spaced && strchr(name, '"') != NULL) {
        /* --control commands write such a name in double quotes (model/control.c). */
        *err = fs_xasprintf("bad task name '%s': a name with a blank may not contain '\"'", name);
        return -1;
    }
    return 0;
}

/* A shell word like FOO=1 sets a variable; the command is the next word. */
static int
is_assignment(const char *w)
{
    size_t n = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789");
    return n > 0 && w[n] == '=' && !(w[0] >= '0' && w[0] <= '9');
}

/* The base name of the word that names the program: "/usr/bin/make" -> "make". */
static char *
base_of_program(enum fs_kind kind, const char *text)
{
    char *e = NULL;
    char **words = fs_words_split(text, &e);
    free(e);
    bool shell = fs_kind_info(kind)->argv == FS_ARGV_SHELL;
    char *w = NULL;
    for (size_t i = 0; words != NULL && words[i] != NULL; i++) {
        if (!shell || !is_assignment(words[i])) {
            w = words[i];
            break;
        }
    }
    /* In a shell command the program's word ends at an operator or a
     * redirection: 'true; echo a' is "true", 'date>/dev/null' is "date". */
    if (w != NULL && shell)
        w[strcspn(w, ";&|<>()`$")] = '\0';
    char *base = NULL;
    if (w != NULL) {
        size_t n = strlen(w);
        while (n > 1 && w[n - 1] == '/')
            n--;
        const char *start = w;
        for (size_t i = 0; i + 1 < n; i++)
            if (w[i] == '/')
                start = w + i + 1;
        base = fs_xstrndup(start, n - (size_t)(start - w));
    }
    fs_strv_free(words);
    return base;
}

/* A name for an unnamed task: its program's base name, with blanks and control
 * characters replaced, made unique in s with -2, -3, ... */
static char *
derive_name(struct fs_session *s, enum fs_kind kind, const char *text)
{
    char *base = base_of_program(kind, text);
    if (base == NULL || *base == '\0' || strcmp(base, "/") == 0) {
        free(base);
        base = fs_xstrdup("task");
    }
    for (unsigned char *p = (unsigned char *)base; *p != '\0'; p++)
        if (*p <= ' ' || *p == 0x7f)
            *p = '_';
    char *name = fs_xstrdup(base);
    for (unsigned n = 2; fs_session_find(s, name) != NULL; n++) {
        free(name);
        name = fs_xasprintf("%s-%u", base, n);
    }
    free(base);
    return name;
}

/* The text to split into words (cmd, fork): the whole argument with its prefix
 * blanked, so a quote error's column counts from the start of the argument the
 * user typed. */
static char *
command_text(const char *arg, const char *rest, enum fs_kind kind)
{
    if (fs_kind_info(kind)->argv != FS_ARGV_WORDS)
        return fs_xstrdup(rest);
    char *text = fs_xstrdup(arg);
    memset(text, ' ', (size_t)(rest - arg));
    return text;
}

static int
check_given_name(struct fs_session *s, const char *name, char **err)
{
    if (fs_config_check_name(name, false, err) < 0)
        return -1;
    if (fs_session_find(s, name) != NULL) {
        *err = fs_xasprintf("duplicate task name '%s'", name);
        return -1;
    }
    return 0;
}

int
fs_config_add_arg(struct fs_session *s, const char *arg, const char *name, char **err)
{
    enum fs_kind kind;
    const char *rest;
    fs_config_split_prefix(arg, &kind, &rest);
    if (name != NULL && check_given_name(s, name, err) < 0)
        return -1;

    char *text = command_text(arg, rest, kind);
    struct fs_session tmp;
    fs_session_init(&tmp);
    struct fs_task_spec *spec = fs_session_add(&tmp, "");
    char *e = NULL;
    int rc = fs_config_set_command(spec, kind, text, &e);
    if (rc < 0) {
        *err = fs_xasprintf("%s in '%s'", e, arg);
        free(e);
    } else {
        free(spec->name);
        spec->name = name != NULL ? fs_xstrdup(name) : derive_name(s, kind, text);
        fs_session_merge(s, &tmp);
    }
    free(text);
    fs_session_fini(&tmp);
    return rc;
}

/* Reads an unsigned decimal number ("12", "1.5", ".5") at the start of text; *end
 * gets the first byte after it. No sign, exponent, hex, inf or nan. */
static int
parse_decimal(const char *text, double *value, const char **end)
{
    size_t ndig = strspn(text, "0123456789");
    const char *p = text + ndig;
    if (*p == '.') {
        size_t frac = strspn(p + 1, "0123456789");
        ndig += frac;
        p += 1 + frac;
    }
    if (ndig == 0)
        return -1;
    char *num = fs_xstrndup(text, (size_t)(p - text));
    errno = 0;
    *value = strtod(num, NULL);
    free(num);
    *end = p;
    return errno == 0 && isfinite(*value) ? 0 : -1;
}

int
fs_config_parse_duration(const char *text, double *seconds)
{
    static const struct {
        const char *unit;
        double scale;
    } units[] = {{"", 1}, {"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}};
    double v;
    const char *end;
    if (parse_decimal(text, &v, &end) < 0)
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].unit) == 0) {
            *seconds = v * units[i].scale;
            return isfinite(*seconds) ? 0 : -1;
        }
    }
    return -1;
}

int
fs_config_parse_size(const char *text, size_t *bytes)
{
    static const struct {
        const char *unit;
        int shift;
    } units[] = {{"", 0},    {"b", 0},    {"k", 10}, {"kb", 10}, {"kib", 10}, {"m", 20},
                 {"mb", 20}, {"mib", 20}, {"g", 30}, {"gb", 30}, {"gib", 30}};
    double v;
    const char *end;
    if (parse_decimal(text, &v, &end) < 0)
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcasecmp(end, units[i].unit) == 0) {
            double b = ldexp(v, units[i].shift);
            if (b >= (double)SIZE_MAX)
                return -1;
            *bytes = (size_t)b;
            return 0;
        }
    }
    return -1;
}

char *
fs_config_read_file(const char *path, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        *err = fs_xasprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = fs_xmalloc(FS_CONFIG_MAX_FILE + 1);
    size_t n = fread(buf, 1, FS_CONFIG_MAX_FILE + 1, f);
    int bad = ferror(f) ? errno : 0;
    fclose(f);
    if (bad != 0 || n > FS_CONFIG_MAX_FILE) {
        *err = bad != 0 ? fs_xasprintf("%s: %s", path, strerror(bad))
                        : fs_xasprintf("%s: the file is larger than %zu MiB", path,
                                       FS_CONFIG_MAX_FILE >> 20);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return fs_xrealloc(buf, n + 1);
}

/* True when, in the first bytes, most places of one parity hold a NUL and none
 * of the other does: ASCII text written as UTF-16 without a byte order mark. */
static bool
looks_utf16(const char *buf, size_t len)
{
    size_t nul[2] = {0, 0}, n = len < 64 ? len : 64;
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            nul[i % 2]++;
    size_t most = n / 2 * 3 / 4; /* of the n / 2 places of a parity */
    return n >= 4 && ((nul[0] >= most && nul[1] == 0) || (nul[1] >= most && nul[0] == 0));
}

int
fs_config_encoding(const char *path, const char **buf, size_t *len, char **err)
{
    const unsigned char *b = (const unsigned char *)*buf;
    if (*len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        *buf += 3;
        *len -= 3;
        return 0;
    }
    bool bom = *len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF));
    if (!bom && !looks_utf16(*buf, *len))
        return 0;
    *err =
        fs_xasprintf("%s:1:1: the file is UTF-16 (%s); save it as UTF-8", path,
                     bom ? "it starts with a UTF-16 byte order mark" : "every other byte is NUL");
    return -1;
}

char *
fs_config_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return NULL;
    return slash == path ? fs_xstrdup("/") : fs_xstrndup(path, (size_t)(slash - path));
}

char *
fs_config_join(const char *dir, const char *path)
{
    if (dir == NULL || path[0] == '/')
        return fs_xstrdup(path);
    if (strcmp(path, ".") == 0)
        return fs_xstrdup(dir);
    return fs_xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", path);
}

int
fs_config_adopt(struct fs_session *dst, struct fs_session *tmp, const char *path, char **err)
{
    for (size_t i = 0; i < tmp->ntasks; i++) {
        const struct fs_task_spec *t = &tmp->tasks[i];
        const struct fs_task_spec *old = fs_session_find(dst, t->name);
        if (old == NULL)
            continue;
        char *where = old->file != NULL ? fs_xasprintf("at %s:%d", old->file, old->line)
                                        : fs_xstrdup("on the command line");
        *err = fs_xasprintf("%s:%d:%d: duplicate task name '%s' (already defined %s)", path,
                            t->line, t->col, t->name, where);
        free(where);
        fs_session_fini(tmp);
        return -1;
    }
    if (dst->ntasks + tmp->ntasks > FS_CONFIG_MAX_TASKS) {
        *err = fs_xasprintf("%s: too many tasks (at most %d)", path, FS_CONFIG_MAX_TASKS);
        fs_session_fini(tmp);
        return -1;
    }
    fs_session_merge(dst, tmp);
    if (tmp->theme != NULL) {
        free(dst->theme);
        dst->theme = tmp->theme;
        tmp->theme = NULL;
    }
    free(dst->source);
    dst->source = fs_xstrdup(path);
    fs_session_fini(tmp);
    return 0;
}

static int
load(struct fs_session *s, const char *path, char **err,
     int (*parse)(struct fs_session *, const char *, const char *, size_t, char **))
{
    size_t len;
    char *buf = fs_config_read_file(path, &len, err);
    if (buf == NULL)
        return -1;
    int rc = parse(s, path, buf, len, err);
    free(buf);
    return rc;
}

int
fs_config_load_yaml(struct fs_session *s, const char *path, char **err)
{
    return load(s, path, err, fs_config_parse_yaml);
}

/* The variables of the .env that goes with the Procfile at path; *vars stays
 * NULL when there is none. Its warnings go to warn_to. */
static int
load_dotenv(struct fs_session *warn_to, const char *path, const struct fs_procfile_opts *o,
            char ***vars, char **err)
{
    char *env_path = NULL;
    if (o != NULL && o->env_file != NULL) {
        if (o->env_file[0] == '\0')
            return 0;
        env_path = fs_xstrdup(o->env_file);
    } else {
        char *dir = fs_config_dir_of(path);
        env_path = fs_config_join(dir, ".env");
        free(dir);
        if (access(env_path, F_OK) != 0) {
            free(env_path);
            return 0; /* no .env beside it: nothing to load */
        }
    }
    size_t len;
    char *buf = fs_config_read_file(env_path, &len, err);
    int rc = buf != NULL ? fs_config_parse_dotenv(warn_to, env_path, buf, len, vars, err) : -1;
    free(buf);
    free(env_path);
    return rc;
}

int
fs_config_load_procfile(struct fs_session *s, const char *path, const struct fs_procfile_opts *o,
                        char **err)
{
    struct fs_session w;
    fs_session_init(&w);
    char **vars = NULL;
    size_t len;
    char *buf = NULL;
    int rc = load_dotenv(&w, path, o, &vars, err);
    if (rc == 0 && (buf = fs_config_read_file(path, &len, err)) == NULL)
        rc = -1;
    if (rc == 0)
        rc = fs_config_parse_procfile_env(s, path, buf, len, o != NULL ? o->port_base : 0, vars,
                                          err);
    if (rc == 0)
        fs_session_merge(s, &w); /* w has no task: its warnings, the .env's, move */
    free(buf);
    fs_strv_free(vars);
    fs_session_fini(&w);
    return rc;
}
