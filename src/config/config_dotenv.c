/*
 * .env files, as foreman reads the one beside a Procfile (and dotenv reads
 * them): KEY=VALUE lines (blanks around '=' allowed), blank lines and # comments skipped, an optional
 * `export ` before the key, 'single quotes' kept as they are, "double quotes"
 * with \n read as a newline and \X as X, an unquoted value cut at " #" and
 * trimmed. A line of another shape is ignored with a warning. Owns nothing: the
 * variables are handed to the caller.
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_int.h"
#include "util/bytes.h"
#include "util/xalloc.h"

#define KEY_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
#define BLANKS " \t"

/* The value of "..." (without its quotes): \n is a newline, \X is X. */
static char *
unquote_double(const char *s, size_t n)
{
    struct fs_bytes b = FS_BYTES_INIT;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 1 < n) {
            ch = s[++i];
            if (ch == 'n')
                ch = '\n';
        }
        fs_bytes_add(&b, &ch, 1);
    }
    char *v = fs_xstrndup(b.data != NULL ? b.data : "", b.len);
    fs_bytes_fini(&b);
    return v;
}

/* The value after '=': quoted, or plain up to a " #" comment, trimmed. */
static char *
value_of(const char *v)
{
    v += strspn(v, BLANKS);
    size_t n = strlen(v);
    while (n > 0 && strchr(BLANKS, v[n - 1]) != NULL)
        n--;
    if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'')
        return fs_xstrndup(v + 1, n - 2);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
        return unquote_double(v + 1, n - 2);
    for (size_t i = 0; i < n; i++)
        if (v[i] == '#' && (i == 0 || strchr(BLANKS, v[i - 1]) != NULL))
            n = i;
    while (n > 0 && strchr(BLANKS, v[n - 1]) != NULL)
        n--;
    return fs_xstrndup(v, n);
}

/* Sets KEY=value in *vars, replacing an earlier KEY (the last one wins). */
static void
set_var(char ***vars, const char *key, size_t klen, const char *value)
{
    char *entry = fs_xasprintf("%.*s=%s", (int)klen, key, value);
    for (char **v = *vars; v != NULL && *v != NULL; v++) {
        if (strncmp(*v, entry, klen + 1) == 0) {
            free(*v);
            *v = entry;
            return;
        }
    }
    fs_strv_push(vars, entry);
    free(entry);
}

static void
parse_line(struct fs_session *warn_to, const char *path, int line, const char *text, char ***vars)
{
    const char *p = text + strspn(text, BLANKS);
    if (*p == '\0' || *p == '#')
        return;
    if (strncmp(p, "export", 6) == 0 && p[6] != '\0' && strchr(BLANKS, p[6]) != NULL)
        p += 6 + strspn(p + 6, BLANKS);
    size_t klen = strspn(p, KEY_CHARS);
    size_t eq = klen + strspn(p + klen, BLANKS); /* KEY = value, as dotenv allows */
    if (klen == 0 || p[eq] != '=') {
        fs_session_warn(warn_to, fs_xasprintf("%s:%d: warning: not KEY=VALUE; the line is "
                                              "ignored",
                                              path, line));
        return;
    }
    char *value = value_of(p + eq + 1);
    set_var(vars, p, klen, value);
    free(value);
}

int
fs_config_parse_dotenv(struct fs_session *warn_to, const char *path, const char *buf, size_t len,
                       char ***vars, char **err)
{
    if (fs_config_encoding(path, &buf, &len, err) < 0)
        return -1;
    int line = 1;
    for (size_t start = 0; start < len; line++) {
        const char *nl = memchr(buf + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - buf) : len;
        if (memchr(buf + start, '\0', end - start) != NULL) {
            *err = fs_xasprintf("%s:%d: the line contains a NUL byte", path, line);
            return -1;
        }
        char *text = fs_xstrndup(buf + start, end - start);
        size_t n = strlen(text);
        if (n > 0 && text[n - 1] == '\r')
            text[n - 1] = '\0';
        parse_line(warn_to, path, line, text, vars);
        free(text);
        start = end + 1;
    }
    return 0;
}
