/*
 * Network checks for the probes on the loop, never blocking it: a TCP
 * connection with a timeout, and an HTTP/1.0 GET whose status line is read
 * (at most FS_NET_STATUS_MAX bytes of it). A name is resolved with
 * uv_getaddrinfo; a slow or silent server is a timeout.
 */
#ifndef FS_NET_H
#define FS_NET_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error                                                                                             \
    "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include "rt/rt.h"

/* The bytes of an answer read before its status line must have ended. */
#define FS_NET_STATUS_MAX 512

/* The check's result: ok, or why not ("connection refused", "HTTP 500",
 * "no answer within 1s"); the text is valid for the call. Called once,
 * never from inside fs_net_check. */
typedef void (*fs_net_cb)(void *arg, bool ok, const char *why);

struct fs_net;

/* Connects to host:port (host NULL: 127.0.0.1); with a path, sends a GET of it
 * and wants a 2xx status. The check frees itself after its callback. */
struct fs_net *fs_net_check(struct fs_rt *rt, const char *host, int port, const char *path,
                            double timeout, fs_net_cb cb, void *arg);
/* Gives the check up: no callback comes; it frees itself. */
void fs_net_cancel(struct fs_net *n);

#endif
