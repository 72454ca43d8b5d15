/*
 * Procfiles as foreman and overmind read them: one "name: command" per line,
 * blank lines and # comments skipped, every command a shell task run in the
 * Procfile's directory, with foreman's PORT (5000 + 100 x its index, from a
 * base that can be changed) and the variables of the .env beside it. Lines
 * foreman's pattern ^([A-Za-z0-9_-]+):\s*(.+)$ drops (indented, a blank before
 * the ':') are ignored with a warning; a name used again runs too, as NAME-2,
 * with a warning. Any other bad line fails the whole file and adds nothing.
 */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_int.h"
#include "config/errmsg.h"
#include "util/xalloc.h"

#define BLANKS " \t\v\f"
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

#define DEFAULT_PORT_BASE 5000

struct procfile {
    const char *path;
    char *dir; /* the Procfile's directory, NULL when path has none */
    struct fs_session tmp;
    char **err;
    int port_base;
    char *const *env; /* KEY=VALUE for every task, or NULL */
};

static int line_error(struct procfile *pf, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
line_error(struct procfile *pf, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fs_errmsg_vset(pf->err, pf->path, (unsigned)line, 1, fmt, ap);
    va_end(ap);
    return -1;
}

static void line_warn(struct procfile *pf, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
line_warn(struct procfile *pf, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = fs_xvasprintf(fmt, ap);
    va_end(ap);
    fs_session_warn(&pf->tmp, fs_xasprintf("%s:%d: warning: %s", pf->path, line, what));
    free(what);
}

/* A name not yet taken: name itself, or name-2, name-3, ... as foreman runs a
 * repeated entry too. */
static char *
unique_name(struct procfile *pf, const char *name, int line)
{
    const struct fs_task_spec *old = fs_session_find(&pf->tmp, name);
    if (old == NULL)
        return fs_xstrdup(name);
    char *n = NULL;
    for (unsigned i = 2; n == NULL || fs_session_find(&pf->tmp, n) != NULL; i++) {
        free(n);
        n = fs_xasprintf("%s-%u", name, i);
    }
    line_warn(pf, line,
              "the name '%s' was used at line %d; this entry runs too, as '%s' "
              "(foreman runs both)",
              name, old->line, n);
    return n;
}

/* The environment of the entry with this index: the .env's, then PORT. */
static void
set_env(struct procfile *pf, struct fs_task_spec *spec, size_t index)
{
    for (char *const *v = pf->env; v != NULL && *v != NULL; v++)
        if (strncmp(*v, "PORT=", 5) != 0)
            fs_strv_push(&spec->env_set, *v);
    char *port = fs_xasprintf("PORT=%ld", (long)pf->port_base + 100L * (long)index);
    fs_strv_push(&spec->env_set, port);
    free(port);
}

/* Parses one line (without its newline; a trailing \r is already gone). */
static int
parse_line(struct procfile *pf, char *text, int line)
{
    char *p = text + strspn(text, BLANKS);
    if (*p == '\0' || *p == '#')
        return 0;
    char *colon = strchr(p, ':');
    if (colon == NULL)
        return line_error(pf, line, "expected 'name: command', found no ':'");
    if (p != text) {
        line_warn(pf, line,
                  "an indented line is ignored (foreman reads only lines that start "
                  "with 'name:')");
        return 0;
    }
    *colon = '\0';
    size_t n = strlen(p);
    size_t k = strspn(p, NAME_CHARS);
    if (k > 0 && k < n && p[k + strspn(p + k, BLANKS)] == '\0') {
        line_warn(pf, line,
                  "a blank before ':' makes foreman ignore the line; so does forkscope "
                  "(write 'name: command')");
        return 0;
    }
    if (n == 0 || strspn(p, NAME_CHARS) != n)
        return line_error(pf, line, "bad task name '%s' (use letters, digits, '_' and '-')", p);
    char *cmd = colon + 1 + strspn(colon + 1, BLANKS);
    for (size_t m = strlen(cmd); m > 0 && strchr(BLANKS, cmd[m - 1]) != NULL; m--)
        cmd[m - 1] = '\0';
    if (*cmd == '\0')
        return line_error(pf, line, "empty command for task '%s'", p);
    if (pf->tmp.ntasks >= FS_CONFIG_MAX_TASKS)
        return line_error(pf, line, "too many tasks (at most %d)", FS_CONFIG_MAX_TASKS);

    char *name = unique_name(pf, p, line);
    struct fs_task_spec *spec = fs_session_add(&pf->tmp, name);
    free(name);
    set_env(pf, spec, pf->tmp.ntasks - 1);
    spec->kind = fs_kind_by_key("shell")->kind; /* a Procfile holds shell commands */
    spec->shell = fs_xstrdup(cmd);
    spec->cwd = pf->dir != NULL ? fs_xstrdup(pf->dir) : NULL;
    spec->file = fs_xstrdup(pf->path);
    spec->line = line;
    spec->col = 1;
    return 0;
}

static int
parse_lines(struct procfile *pf, const char *buf, size_t len)
{
    int line = 1;
    for (size_t start = 0; start < len; line++) {
        const char *nl = memchr(buf + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - buf) : len;
        if (memchr(buf + start, '\0', end - start) != NULL)
            return line_error(pf, line, "the line contains a NUL byte");
        char *text = fs_xstrndup(buf + start, end - start);
        size_t n = strlen(text);
        if (n > 0 && text[n - 1] == '\r')
            text[n - 1] = '\0';
        int rc = parse_line(pf, text, line);
        free(text);
        if (rc < 0)
            return -1;
        start = end + 1;
    }
    if (pf->tmp.ntasks == 0)
        return line_error(pf, 1, "no tasks: expected lines of 'name: command'");
    return 0;
}

int
fs_config_parse_procfile_env(struct fs_session *s, const char *path, const char *buf, size_t len,
                             int port_base, char *const *env, char **err)
{
    if (fs_config_encoding(path, &buf, &len, err) < 0)
        return -1;
    struct procfile pf = {.path = path,
                          .dir = fs_config_dir_of(path),
                          .err = err,
                          .port_base = port_base > 0 ? port_base : DEFAULT_PORT_BASE,
                          .env = env};
    fs_session_init(&pf.tmp);
    int rc = parse_lines(&pf, buf, len);
    free(pf.dir);
    if (rc < 0) {
        fs_session_fini(&pf.tmp);
        return -1;
    }
    return fs_config_adopt(s, &pf.tmp, path, err);
}

int
fs_config_parse_procfile(struct fs_session *s, const char *path, const char *buf, size_t len,
                         char **err)
{
    return fs_config_parse_procfile_env(s, path, buf, len, 0, NULL, err);
}
