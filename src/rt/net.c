/*
 * The probes' network checks (net.h): resolve, connect, and for HTTP send a
 * GET and read the status line, all on the loop under one timer. A check owns
 * its handles and frees itself once they are closed, after its one callback
 * or its cancellation.
 */
#include <config.h>

#include "rt/net.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "rt/rt_int.h"
#include "util/xalloc.h"

struct fs_net {
    uv_loop_t *loop;
    uv_timer_t timer;
    uv_getaddrinfo_t gai;
    uv_tcp_t tcp;
    uv_connect_t conn;
    uv_write_t wr;
    bool resolving, tcp_open, done;
    int port;
    unsigned handles; /* handles and requests not yet given back by libuv */
    double timeout;
    char *request; /* NULL: a TCP check */
    char answer[FS_NET_STATUS_MAX];
    size_t len;
    char why[128];
    fs_net_cb cb;
    void *arg;
};

static void
maybe_free(struct fs_net *n)
{
    if (n->done && n->handles == 0) {
        free(n->request);
        free(n);
    }
}

static void
on_close(uv_handle_t *h)
{
    struct fs_net *n = h->data;
    n->handles--;
    maybe_free(n);
}

/* Ends the check: tells the result (unless cancelled) and closes everything. */
static void
finish(struct fs_net *n, bool ok, const char *why)
{
    if (n->done)
        return;
    n->done = true;
    if (n->cb != NULL)
        n->cb(n->arg, ok, why != NULL ? why : "");
    if (n->resolving)
        uv_cancel((uv_req_t *)&n->gai);
    if (n->tcp_open)
        uv_close((uv_handle_t *)&n->tcp, on_close);
    uv_close((uv_handle_t *)&n->timer, on_close);
}

static void
fail_uv(struct fs_net *n, int err)
{
    finish(n, false, uv_strerror(err));
}

static void
on_timer(uv_timer_t *t)
{
    struct fs_net *n = t->data;
    if (n->why[0] != '\0') {
        finish(n, false, n->why);
        return;
    }
    char why[64];
    snprintf(why, sizeof why, "no answer within %gs", n->timeout);
    finish(n, false, why);
}

static void
on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct fs_net *n = h->data;
    *buf = uv_buf_init(n->answer + n->len, (unsigned)(sizeof n->answer - 1 - n->len));
}

/* "HTTP/1.x NNN ...": a 2xx is a pass. */
static void
status_line(struct fs_net *n)
{
    int code = 0;
    n->answer[n->len] = '\0';
    if (sscanf(n->answer, "HTTP/%*d.%*d %3d", &code) != 1 || code < 100) {
        finish(n, false, "the answer is not HTTP");
        return;
    }
    char why[32];
    snprintf(why, sizeof why, "HTTP %d", code);
    finish(n, code >= 200 && code <= 299, why);
}

static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    struct fs_net *n = s->data;
    if (n->done)
        return;
    if (nread < 0) {
        if (nread == UV_EOF)
            finish(n, false, "the connection closed before an answer");
        else
            fail_uv(n, (int)nread);
        return;
    }
    n->len += (size_t)nread;
    if (memchr(n->answer, '\n', n->len) != NULL || n->len >= sizeof n->answer - 1)
        status_line(n);
}

static void
on_write(uv_write_t *w, int status)
{
    struct fs_net *n = w->data;
    n->handles--;
    if (status < 0 && !n->done)
        fail_uv(n, status);
    maybe_free(n);
}

static void
on_connect(uv_connect_t *c, int status)
{
    struct fs_net *n = c->data;
    n->handles--;
    if (n->done) {
        maybe_free(n);
        return;
    }
    if (status < 0) {
        fail_uv(n, status);
        return;
    }
    if (n->request == NULL) {
        finish(n, true, "connected");
        return;
    }
    uv_buf_t b = uv_buf_init(n->request, (unsigned)strlen(n->request));
    int r = uv_write(&n->wr, (uv_stream_t *)&n->tcp, &b, 1, on_write);
    if (r == 0) {
        n->handles++;
        r = uv_read_start((uv_stream_t *)&n->tcp, on_alloc, on_read);
    }
    if (r < 0)
        fail_uv(n, r);
}

/* A failure found at once is told from the timer, on a later turn. */
static void
fail_later(struct fs_net *n, const char *what, int err)
{
    snprintf(n->why, sizeof n->why, "%s%s%s", what, *what ? ": " : "", uv_strerror(err));
    uv_timer_start(&n->timer, on_timer, 0, 0);
}

static void
connect_to(struct fs_net *n, const struct sockaddr *addr)
{
    int r = uv_tcp_init(n->loop, &n->tcp);
    if (r == 0) {
        n->tcp_open = true;
        n->handles++;
        r = uv_tcp_connect(&n->conn, &n->tcp, addr, on_connect);
    }
    if (r == 0)
        n->handles++;
    else
        fail_later(n, "", r);
}

static void
on_resolved(uv_getaddrinfo_t *g, int status, struct addrinfo *res)
{
    struct fs_net *n = g->data;
    n->resolving = false;
    n->handles--;
    if (status < 0 || res == NULL) {
        if (!n->done)
            finish(n, false, status == UV_ECANCELED ? "cancelled" : uv_strerror(status));
    } else if (!n->done) {
        struct sockaddr_storage sa;
        memcpy(&sa, res->ai_addr, res->ai_addrlen);
        ((struct sockaddr_in *)&sa)->sin_port = htons((unsigned short)n->port);
        connect_to(n, (const struct sockaddr *)&sa);
    }
    uv_freeaddrinfo(res);
    maybe_free(n);
}

static void
start(struct fs_net *n, const char *host)
{
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    if (uv_ip4_addr(host, n->port, &a4) == 0) {
        connect_to(n, (const struct sockaddr *)&a4);
        return;
    }
    if (uv_ip6_addr(host, n->port, &a6) == 0) {
        connect_to(n, (const struct sockaddr *)&a6);
        return;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    int r = uv_getaddrinfo(n->loop, &n->gai, on_resolved, host, NULL, &hints);
    if (r == 0) {
        n->resolving = true;
        n->handles++;
    } else {
        fail_later(n, host, r);
    }
}

struct fs_net *
fs_net_check(struct fs_rt *rt, const char *host, int port, const char *path, double timeout,
             fs_net_cb cb, void *arg)
{
    struct fs_net *n = fs_xcalloc(1, sizeof *n);
    n->loop = &rt->loop;
    n->port = port;
    n->timeout = timeout;
    n->cb = cb;
    n->arg = arg;
    n->timer.data = n->gai.data = n->tcp.data = n->conn.data = n->wr.data = n;
    if (host == NULL)
        host = "127.0.0.1";
    if (path != NULL) {
        bool v6 = strchr(host, ':') != NULL;
        n->request = fs_xasprintf("GET %s HTTP/1.0\r\nHost: %s%s%s:%d\r\nUser-Agent: forkscope\r\n"
                                  "Connection: close\r\n\r\n",
                                  path, v6 ? "[" : "", host, v6 ? "]" : "", port);
    }
    uv_timer_init(n->loop, &n->timer);
    n->handles++;
    uint64_t ms = timeout > 0 ? (uint64_t)(timeout * 1000 + 0.5) : 1;
    uv_timer_start(&n->timer, on_timer, ms, 0);
    start(n, host);
    return n;
}

void
fs_net_cancel(struct fs_net *n)
{
    if (n == NULL)
        return;
    n->cb = NULL;
    finish(n, false, NULL);
}
