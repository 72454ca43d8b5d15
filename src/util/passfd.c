/*
 * What a passed descriptor is (see passfd.h). Only fstat and getsockopt are
 * used: the descriptor may be shared with a running child, so nothing about it
 * (its flags, its socket options) is changed.
 */
#include <config.h>

#include "util/passfd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

static const char *const names[] = {
    [FS_PASSFD_TCP] = "tcp",
    [FS_PASSFD_TCP_SERVER] = "tcp-server",
    [FS_PASSFD_UDP] = "udp",
    [FS_PASSFD_UNIX] = "unix",
    [FS_PASSFD_UNIX_SERVER] = "unix-server",
    [FS_PASSFD_UNIX_DGRAM] = "unix-dgram",
    [FS_PASSFD_SOCKET] = "socket",
    [FS_PASSFD_PIPE] = "pipe",
    [FS_PASSFD_FILE] = "file",
    [FS_PASSFD_DIRECTORY] = "directory",
    [FS_PASSFD_DEVICE] = "device",
    [FS_PASSFD_OTHER] = "other",
};

static int
sockopt(int fd, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    return getsockopt(fd, SOL_SOCKET, name, &v, &len) == 0 ? v : -1;
}

static enum fs_passfd_kind
socket_kind(int fd)
{
    int domain = sockopt(fd, SO_DOMAIN), type = sockopt(fd, SO_TYPE);
    bool listening = sockopt(fd, SO_ACCEPTCONN) == 1;
    if ((domain == AF_INET || domain == AF_INET6) && type == SOCK_STREAM)
        return listening ? FS_PASSFD_TCP_SERVER : FS_PASSFD_TCP;
    if ((domain == AF_INET || domain == AF_INET6) && type == SOCK_DGRAM)
        return FS_PASSFD_UDP;
    if (domain == AF_UNIX && (type == SOCK_STREAM || type == SOCK_SEQPACKET))
        return listening ? FS_PASSFD_UNIX_SERVER : FS_PASSFD_UNIX;
    if (domain == AF_UNIX && type == SOCK_DGRAM)
        return FS_PASSFD_UNIX_DGRAM;
    return FS_PASSFD_SOCKET;
}

enum fs_passfd_kind
fs_passfd_kind(int fd)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return FS_PASSFD_OTHER;
    switch (sb.st_mode & S_IFMT) {
    case S_IFSOCK:
        return socket_kind(fd);
    case S_IFIFO:
        return FS_PASSFD_PIPE;
    case S_IFREG:
        return FS_PASSFD_FILE;
    case S_IFDIR:
        return FS_PASSFD_DIRECTORY;
    case S_IFCHR:
    case S_IFBLK:
        return FS_PASSFD_DEVICE;
    default:
        return FS_PASSFD_OTHER;
    }
}

const char *
fs_passfd_name(enum fs_passfd_kind kind)
{
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "other";
}

bool
fs_passfd_any(const struct fs_passfd *p)
{
    return p->n > 0 || p->cut;
}

void
fs_passfd_add(struct fs_passfd *p, enum fs_passfd_kind kind)
{
    if (p->n < FS_PASSFD_KEEP)
        p->kind[p->n] = (unsigned char)kind;
    p->n++;
}

void
fs_passfd_merge(struct fs_passfd *dst, const struct fs_passfd *src)
{
    for (unsigned i = 0; i < src->n && i < FS_PASSFD_KEEP; i++)
        fs_passfd_add(dst, (enum fs_passfd_kind)src->kind[i]);
    if (src->n > FS_PASSFD_KEEP)
        dst->n += src->n - FS_PASSFD_KEEP;
    dst->cut |= src->cut;
}

/* Appends to buf at *at, never past size. */
static void __attribute__((format(printf, 4, 5)))
put(char *buf, size_t size, size_t *at, const char *fmt, ...)
{
    if (*at >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *at, size - *at, fmt, ap);
    va_end(ap);
    if (w > 0)
        *at += (size_t)w;
}

char *
fs_passfd_describe(const struct fs_passfd *p, char *buf, size_t size)
{
    size_t at = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    unsigned kept = p->n < FS_PASSFD_KEEP ? p->n : FS_PASSFD_KEEP;
    /* Runs of one kind are written once, with their length. */
    for (unsigned i = 0; i < kept;) {
        unsigned run = 1;
        while (i + run < kept && p->kind[i + run] == p->kind[i])
            run++;
        put(buf, size, &at, "%s%s", at ? ", " : "", fs_passfd_name(p->kind[i]));
        if (run > 1)
            put(buf, size, &at, " x%u", run);
        i += run;
    }
    if (p->n > kept)
        put(buf, size, &at, "%s+%u more", at ? ", " : "", p->n - kept);
    if (p->cut)
        put(buf, size, &at, "%smore cut", at ? ", " : "");
    return buf;
}
