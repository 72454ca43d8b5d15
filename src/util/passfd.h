/*
 * Descriptors passed over an IPC channel (SCM_RIGHTS): what kind each one was,
 * told from fstat and its socket options, and a bounded record of the kinds
 * that came with one message. forkscope closes every passed descriptor as soon
 * as it has looked at it; only this record is kept.
 */
#ifndef FS_PASSFD_H
#define FS_PASSFD_H

#include <stdbool.h>
#include <stddef.h>

enum fs_passfd_kind {
    FS_PASSFD_TCP,        /* a TCP socket (IPv4 or IPv6) */
    FS_PASSFD_TCP_SERVER, /* a listening one: a Node net.Server */
    FS_PASSFD_UDP,
    FS_PASSFD_UNIX,        /* an AF_UNIX stream or seqpacket socket */
    FS_PASSFD_UNIX_SERVER, /* a listening one */
    FS_PASSFD_UNIX_DGRAM,
    FS_PASSFD_SOCKET, /* another kind of socket */
    FS_PASSFD_PIPE,
    FS_PASSFD_FILE,
    FS_PASSFD_DIRECTORY,
    FS_PASSFD_DEVICE, /* a character or block device */
    FS_PASSFD_OTHER,  /* an eventfd, an epoll instance…, or fstat failed */
};

/* Kinds kept for one message; the count goes on past them. */
#define FS_PASSFD_KEEP 16

struct fs_passfd {
    unsigned n;                         /* descriptors received (and closed) */
    unsigned char kind[FS_PASSFD_KEEP]; /* the kinds of the first ones */
    bool cut; /* more were sent than forkscope takes at once: the kernel closed them */
};

/* What fd is. Looks at it only (fstat, getsockopt): changes nothing. */
enum fs_passfd_kind fs_passfd_kind(int fd);
/* "tcp", "tcp-server", "udp", "unix", "unix-server", "unix-dgram", "socket",
 * "pipe", "file", "directory", "device", "other". */
const char *fs_passfd_name(enum fs_passfd_kind kind);

/* True when the record holds anything: a descriptor, or a cut. */
bool fs_passfd_any(const struct fs_passfd *p);
void fs_passfd_add(struct fs_passfd *p, enum fs_passfd_kind kind);
/* Adds what src holds to dst. */
void fs_passfd_merge(struct fs_passfd *dst, const struct fs_passfd *src);
/* The record as text, e.g. "tcp-server", "unix x16, more cut", "pipe, file,
 * +3 more"; always NUL-terminated within size. Returns buf. */
char *fs_passfd_describe(const struct fs_passfd *p, char *buf, size_t size);

#endif
