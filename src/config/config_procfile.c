/*
 * Procfiles as foreman and overmind read them: one "name: command" per line,
 * blank lines and # comments skipped, every command a shell task run in the
 * Procfile's directory. Any bad line fails the whole file and adds nothing.
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

struct procfile {
    const char *path;
    char *dir; /* the Procfile's directory, NULL when path has none */
    struct fs_session tmp;
    char **err;
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
    *colon = '\0';
    size_t n = strlen(p);
    while (n > 0 && strchr(BLANKS, p[n - 1]) != NULL)
        p[--n] = '\0';
    if (n == 0 || strspn(p, NAME_CHARS) != n)
        return line_error(pf, line, "bad task name '%s' (use letters, digits, '_' and '-')", p);
    char *cmd = colon + 1 + strspn(colon + 1, BLANKS);
    for (size_t m = strlen(cmd); m > 0 && strchr(BLANKS, cmd[m - 1]) != NULL; m--)
        cmd[m - 1] = '\0';
    if (*cmd == '\0')
        return line_error(pf, line, "empty command for task '%s'", p);
    const struct fs_task_spec *old = fs_session_find(&pf->tmp, p);
    if (old != NULL)
        return line_error(pf, line, "duplicate task name '%s' (first defined at line %d)", p,
                          old->line);
    if (pf->tmp.ntasks >= FS_CONFIG_MAX_TASKS)
        return line_error(pf, line, "too many tasks (at most %d)", FS_CONFIG_MAX_TASKS);

    struct fs_task_spec *spec = fs_session_add(&pf->tmp, p);
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
fs_config_parse_procfile(struct fs_session *s, const char *path, const char *buf, size_t len,
                         char **err)
{
    if (fs_config_encoding(path, &buf, &len, err) < 0)
        return -1;
    struct procfile pf = {.path = path, .dir = fs_config_dir_of(path), .err = err};
    fs_session_init(&pf.tmp);
    int rc = parse_lines(&pf, buf, len);
    free(pf.dir);
    if (rc < 0) {
        fs_session_fini(&pf.tmp);
        return -1;
    }
    return fs_config_adopt(s, &pf.tmp, path, err);
}
