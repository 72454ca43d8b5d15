/*
 * Unit tests of rt/net.c, the probes' network checks, on a real loop against
 * loopback sockets: a connection accepted, refused; an HTTP status line of
 * 200, 500 and something that is not HTTP; a server that accepts and never
 * answers is a timeout; a cancelled check calls nothing and leaves nothing
 * open (the loop closes clean).
 */
#include <config.h>

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rt/net.h"
#include "rt/rt.h"

static struct fs_rt *rt;
static int calls;
static bool result;
static char why[256];

static void
setup(void)
{
    char *err = NULL;
    rt = fs_rt_new(&err);
    ck_assert_msg(rt != NULL, "%s", err ? err : "?");
    calls = 0;
    why[0] = '\0';
}

/* Ends the loop once every handle is closed; what is left open is a leak. */
static void
close_loop(void)
{
    if (rt == NULL)
        return;
    fs_rt_shutdown(rt);
    while (fs_rt_run_once(rt))
        ;
    ck_assert_int_eq(fs_rt_free(rt), 0);
    rt = NULL;
}

static void
teardown(void)
{
    close_loop();
}

static void
on_result(void *arg, bool ok, const char *w)
{
    (void)arg;
    calls++;
    result = ok;
    snprintf(why, sizeof why, "%s", w);
}

/* A listening loopback socket; *port is its port. */
static int
listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(fd, 4), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static void
check_until_done(const char *path, int port, double timeout)
{
    fs_net_check(rt, "127.0.0.1", port, path, timeout, on_result, NULL);
    ck_assert_int_eq(calls, 0); /* never from inside fs_net_check */
    while (calls == 0)
        fs_rt_run_once(rt);
}

START_TEST(tcp_accepted_and_refused)
{
    int port, fd = listener(&port);
    check_until_done(NULL, port, 30);
    ck_assert_msg(result, "%s", why);
    close(fd); /* nobody listens there now */
    calls = 0;
    check_until_done(NULL, port, 30);
    ck_assert(!result);
    ck_assert_str_eq(why, "connection refused");
}
END_TEST

/* One connection: reads the request, answers `answer`, closes. */
struct server {
    int fd;
    const char *answer;
    char request[512];
};

static void *
serve_once(void *arg)
{
    struct server *s = arg;
    int c = accept(s->fd, NULL, NULL);
    ssize_t n = read(c, s->request, sizeof s->request - 1);
    s->request[n > 0 ? n : 0] = '\0';
    ssize_t w = write(c, s->answer, strlen(s->answer));
    (void)w;
    close(c);
    return NULL;
}

static void
http_answer(const char *answer, bool want_ok, const char *want_why)
{
    int port;
    struct server s = {.answer = answer};
    s.fd = listener(&port);
    pthread_t th;
    pthread_create(&th, NULL, serve_once, &s);
    calls = 0;
    check_until_done("/health?x=1", port, 30);
    pthread_join(th, NULL);
    close(s.fd);
    ck_assert_msg(result == want_ok, "%s", why);
    ck_assert_str_eq(why, want_why);
    ck_assert_msg(strncmp(s.request, "GET /health?x=1 HTTP/1.0\r\n", 26) == 0, "%s", s.request);
}

START_TEST(http_status_lines)
{
    http_answer("HTTP/1.1 204 No Content\r\n\r\n", true, "HTTP 204");
    http_answer("HTTP/1.0 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", false,
                "HTTP 500");
    http_answer("SSH-2.0-OpenSSH\r\n", false, "the answer is not HTTP");
    http_answer("", false, "the connection closed before an answer");
}
END_TEST

START_TEST(silent_server_times_out)
{
    int port, fd = listener(&port); /* accepted by the kernel, never answered */
    check_until_done("/", port, 0.2);
    ck_assert(!result);
    ck_assert_str_eq(why, "no answer within 0.2s");
    close(fd);
}
END_TEST

START_TEST(cancel_calls_nothing)
{
    int port, fd = listener(&port);
    struct fs_net *n = fs_net_check(rt, "127.0.0.1", port, "/", 30, on_result, NULL);
    fs_net_cancel(n);
    n = fs_net_check(rt, "localhost", port, NULL, 30, on_result, NULL); /* resolving */
    fs_net_cancel(n);
    close_loop(); /* runs until the checks' handles are closed */
    ck_assert_int_eq(calls, 0);
    close(fd);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("checks");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tcp_accepted_and_refused);
    tcase_add_test(tc, http_status_lines);
    tcase_add_test(tc, silent_server_times_out);
    tcase_add_test(tc, cancel_calls_nothing);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
