/*
 * The lowest layer of the /proc readers: the root directory fd, reading one small
 * file with openat/read/close into a caller's stack buffer, path building and
 * hand-written decimal parsers. It owns nothing: fds it opens are either closed
 * before it returns or handed to the caller.
 */
#include <config.h>

#include "sample/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

int
fs_procfs_open_root(const char *path)
{
    int fd = open(path ? path : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

ssize_t
fs_procfs_read(int dirfd, const char *name, char *buf, size_t size, bool *truncated)
{
    if (truncated)
        *truncated = false;
    if (size < 2)
        return -EINVAL;
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    ssize_t n;
    do {
        n = read(fd, buf, size - 1);
    } while (n < 0 && errno == EINTR);
    int err = n < 0 ? -errno : 0;
    close(fd);
    if (err != 0)
        return err;
    buf[n] = '\0';
    if (truncated && (size_t)n == size - 1)
        *truncated = true;
    return n;
}

size_t
fs_procfs_utoa(char *buf, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

size_t
fs_procfs_pid_path(char *buf, pid_t pid, pid_t tid)
{
    size_t n = fs_procfs_utoa(buf, (uint64_t)pid);
    if (tid > 0) {
        memcpy(buf + n, "/task/", 6);
        n += 6;
        n += fs_procfs_utoa(buf + n, (uint64_t)tid);
    }
    buf[n] = '\0';
    return n;
}

int
fs_procfs_join(char *buf, const char *dir, size_t dirlen, const char *name)
{
    size_t namelen = strlen(name);
    if (dirlen + 1 + namelen + 1 > FS_PROCFS_PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(buf, dir, dirlen);
    buf[dirlen] = '/';
    memcpy(buf + dirlen + 1, name, namelen + 1);
    return 0;
}

static const char *
skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* Parses the digits at p, saturating at UINT64_MAX; sets *any when one was read. */
static const char *
digits(const char *p, const char *end, uint64_t *out, bool *any)
{
    uint64_t v = 0;
    *any = false;
    while (p < end && *p >= '0' && *p <= '9') {
        unsigned d = (unsigned)(*p - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
        *any = true;
        p++;
    }
    *out = v;
    return p;
}

bool
fs_procfs_parse_u64(const char **p, const char *end, uint64_t *out)
{
    const char *q = skip_blanks(*p, end);
    bool neg = q < end && *q == '-';
    bool any;
    q = digits(q + neg, end, out, &any);
    if (neg)
        *out = 0;
    *p = q;
    return any;
}

bool
fs_procfs_skip_fields(const char **p, const char *end, unsigned n)
{
    const char *q = *p;
    for (unsigned i = 0; i < n; i++) {
        q = skip_blanks(q, end);
        if (q >= end || *q == '\n')
            return false;
        while (q < end && *q != ' ' && *q != '\t' && *q != '\n')
            q++;
    }
    *p = q;
    return true;
}

pid_t
fs_procfs_name_pid(const char *name)
{
    uint64_t v = 0;
    if (*name == '\0' || *name == '0')
        return 0;
    for (const char *c = name; *c != '\0'; c++) {
        if (*c < '0' || *c > '9')
            return 0;
        v = v * 10 + (uint64_t)(*c - '0');
        if (v > INT_MAX)
            return 0;
    }
    return (pid_t)v;
}

/* Returns true if the line starting at line (bounded by end) begins with key. */
static bool
line_has_key(const char *line, const char *end, const char *key, size_t keylen)
{
    return (size_t)(end - line) >= keylen && memcmp(line, key, keylen) == 0;
}

const char *
fs_procfs_find_key_rev(const char *text, size_t len, const char *key)
{
    size_t keylen = strlen(key);
    const char *end = text + len;
    /* A trailing newline ends the last line; it does not start an empty one. */
    size_t scan = len > 0 && text[len - 1] == '\n' ? len - 1 : len;
    for (;;) {
        const char *nl = memrchr(text, '\n', scan);
        const char *line = nl ? nl + 1 : text;
        if (line_has_key(line, end, key, keylen))
            return line + keylen;
        if (nl == NULL)
            return NULL;
        scan = (size_t)(nl - text);
    }
}

const char *
fs_procfs_find_key(const char *text, size_t len, const char *key)
{
    size_t keylen = strlen(key);
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        if (line_has_key(line, end, key, keylen))
            return line + keylen;
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        if (nl == NULL)
            break;
        line = nl + 1;
    }
    return NULL;
}

ssize_t
fs_procfs_cmdline(int rootfd, pid_t pid, char *buf, size_t size)
{
    char dir[FS_PROCFS_PATH_MAX];
    char path[FS_PROCFS_PATH_MAX];
    size_t len = fs_procfs_pid_path(dir, pid, 0);
    if (fs_procfs_join(path, dir, len, "cmdline") != 0)
        return -ENAMETOOLONG;
    ssize_t n = fs_procfs_read(rootfd, path, buf, size, NULL);
    if (n < 0)
        return n;
    while (n > 0 && buf[n - 1] == '\0')
        n--;
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    buf[n] = '\0';
    return n;
}
