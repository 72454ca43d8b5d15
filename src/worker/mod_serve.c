/*
 * The `serve` worker: something for probes to probe. It listens on a
 * loopback TCP port and answers: in tcp mode it accepts and closes; in http
 * mode it answers each GET with 200, or 500 for the path /fail and for every
 * request after the first fail_after ones. Arguments, words of KEY=VALUE:
 * port=N (0: any free port), http (or tcp), delay=MS before it listens,
 * fail_after=N, ttl=S (it returns after S seconds, 600 by default). Once it
 * listens it prints "listening on 127.0.0.1:PORT" on standard output (so it
 * runs in a process of its own: `forkscope child serve ...`, or a worker task
 * in a host process). It returns when asked to stop.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "worker/modules.h"

#define SLICE_MS 50
#define REQUEST_MAX 4096
#define REQUEST_WAIT_MS 2000

struct serve_args {
    unsigned long port, delay_ms, fail_after, ttl_s;
    bool http, has_fail_after;
};

static int
parse_args(struct fs_port *p, const char *args, struct serve_args *a)
{
    *a = (struct serve_args){.ttl_s = 600};
    char buf[256];
    snprintf(buf, sizeof buf, "%s", args != NULL ? args : "");
    for (char *save = NULL, *w = strtok_r(buf, " \t", &save); w != NULL;
         w = strtok_r(NULL, " \t", &save)) {
        char *eq = strchr(w, '='), *end = NULL;
        unsigned long v = eq != NULL ? strtoul(eq + 1, &end, 10) : 0;
        bool num = eq != NULL && end != eq + 1 && *end == '\0';
        if (strcmp(w, "http") == 0 || strcmp(w, "tcp") == 0)
            a->http = w[0] == 'h';
        else if (num && strncmp(w, "port=", 5) == 0 && v <= 65535)
            a->port = v;
        else if (num && strncmp(w, "delay=", 6) == 0 && v <= 600000)
            a->delay_ms = v;
        else if (num && strncmp(w, "fail_after=", 11) == 0)
            a->fail_after = v, a->has_fail_after = true;
        else if (num && strncmp(w, "ttl=", 4) == 0 && v >= 1 && v <= 86400)
            a->ttl_s = v;
        else {
            fs_worker_post_error(p, "serve: arguments are port=N, http or tcp, delay=MS, "
                                    "fail_after=N, ttl=S");
            return -1;
        }
    }
    return 0;
}

/* Sleeps ms in slices; false when a stop was asked for meanwhile. */
static bool
wait_ms(struct fs_port *p, uint64_t ms)
{
    uint64_t start = fs_worker_now_ms();
    while (fs_worker_now_ms() - start < ms) {
        if (fs_port_stop_requested(p))
            return false;
        struct timespec ts = {0, SLICE_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    return true;
}

static int
listen_on(unsigned long port, int *out_port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return -1;
    }
    *out_port = ntohs(sa.sin_port);
    return fd;
}

/* Reads a request's head (bounded, with a deadline) and answers it. */
static void
answer(int c, const struct serve_args *a, unsigned long *served)
{
    char req[REQUEST_MAX + 1];
    size_t n = 0;
    uint64_t start = fs_worker_now_ms();
    while (n < REQUEST_MAX && memmem(req, n, "\r\n\r\n", 4) == NULL &&
           memmem(req, n, "\n\n", 2) == NULL) {
        struct pollfd pf = {c, POLLIN, 0};
        uint64_t spent = fs_worker_now_ms() - start;
        if (spent >= REQUEST_WAIT_MS || poll(&pf, 1, (int)(REQUEST_WAIT_MS - spent)) <= 0)
            return;
        ssize_t r = read(c, req + n, REQUEST_MAX - n);
        if (r <= 0)
            return;
        n += (size_t)r;
    }
    req[n] = '\0';
    bool fail =
        strncmp(req, "GET /fail", 9) == 0 || (a->has_fail_after && *served >= a->fail_after);
    (*served)++;
    const char *status = fail ? "500 Internal Server Error" : "200 OK";
    char out[256];
    int len = snprintf(out, sizeof out,
                       "HTTP/1.0 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                       "Connection: close\r\n\r\n%s\n",
                       status, strlen(fail ? "fail" : "ok") + 1, fail ? "fail" : "ok");
    ssize_t w = write(c, out, (size_t)len);
    (void)w;
}

int
fs_mod_serve(struct fs_port *p, const char *args)
{
    struct serve_args a;
    if (parse_args(p, args, &a) < 0)
        return 2;
    if (!wait_ms(p, a.delay_ms))
        return 1;
    int port = 0, fd = listen_on(a.port, &port);
    if (fd < 0) {
        char why[128];
        snprintf(why, sizeof why, "serve: cannot listen on 127.0.0.1:%lu: %s", a.port,
                 strerror(errno));
        fs_worker_post_error(p, why);
        return 1;
    }
    printf("listening on 127.0.0.1:%d\n", port);
    fflush(stdout);
    unsigned long served = 0;
    uint64_t start = fs_worker_now_ms();
    int rc = 0;
    while (!fs_port_stop_requested(p)) {
        if (fs_worker_now_ms() - start >= a.ttl_s * 1000ull)
            break;
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, SLICE_MS) <= 0)
            continue;
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        if (a.http)
            answer(c, &a, &served);
        close(c);
    }
    close(fd);
    return rc;
}
