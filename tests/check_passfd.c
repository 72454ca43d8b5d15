/*
 * Unit tests of passed-descriptor kinds (one real descriptor of each kind) and
 * of the bounded record of one message's descriptors and its text.
 */
#include <config.h>

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/passfd.h"

static enum fs_passfd_kind
kind_of_socket(int domain, int type, bool listening)
{
    int s = socket(domain, type, 0);
    ck_assert_int_ge(s, 0);
    if (listening) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        /* AF_UNIX: an address of the family alone binds to a free abstract one. */
        sa_family_t un = AF_UNIX;
        if (domain == AF_INET)
            ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
        else
            ck_assert_int_eq(bind(s, (struct sockaddr *)&un, sizeof un), 0);
        ck_assert_int_eq(listen(s, 1), 0);
    }
    enum fs_passfd_kind k = fs_passfd_kind(s);
    close(s);
    return k;
}

START_TEST(test_kinds)
{
    ck_assert_int_eq(kind_of_socket(AF_INET, SOCK_STREAM, false), FS_PASSFD_TCP);
    ck_assert_int_eq(kind_of_socket(AF_INET, SOCK_STREAM, true), FS_PASSFD_TCP_SERVER);
    ck_assert_int_eq(kind_of_socket(AF_INET, SOCK_DGRAM, false), FS_PASSFD_UDP);
    ck_assert_int_eq(kind_of_socket(AF_UNIX, SOCK_STREAM, false), FS_PASSFD_UNIX);
    ck_assert_int_eq(kind_of_socket(AF_UNIX, SOCK_SEQPACKET, false), FS_PASSFD_UNIX);
    ck_assert_int_eq(kind_of_socket(AF_UNIX, SOCK_STREAM, true), FS_PASSFD_UNIX_SERVER);
    ck_assert_int_eq(kind_of_socket(AF_UNIX, SOCK_DGRAM, false), FS_PASSFD_UNIX_DGRAM);

    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(fs_passfd_kind(p[0]), FS_PASSFD_PIPE);
    ck_assert_int_eq(fs_passfd_kind(p[1]), FS_PASSFD_PIPE);
    close(p[0]);
    close(p[1]);
    ck_assert_int_eq(fs_passfd_kind(p[0]), FS_PASSFD_OTHER); /* closed: fstat fails */

    int fd = open("/proc/self/exe", O_RDONLY);
    ck_assert_int_eq(fs_passfd_kind(fd), FS_PASSFD_FILE);
    close(fd);
    fd = open("/", O_RDONLY | O_DIRECTORY);
    ck_assert_int_eq(fs_passfd_kind(fd), FS_PASSFD_DIRECTORY);
    close(fd);
    fd = open("/dev/null", O_RDONLY);
    ck_assert_int_eq(fs_passfd_kind(fd), FS_PASSFD_DEVICE);
    close(fd);
    fd = eventfd(0, 0);
    ck_assert_int_eq(fs_passfd_kind(fd), FS_PASSFD_OTHER);
    close(fd);
}
END_TEST

START_TEST(test_looking_changes_nothing)
{
    /* A blocking socket stays blocking and keeps its options. */
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int before = fcntl(s, F_GETFL), reuse = -1;
    socklen_t len = sizeof reuse;
    ck_assert_int_eq(fs_passfd_kind(s), FS_PASSFD_UDP);
    ck_assert_int_eq(fcntl(s, F_GETFL), before);
    ck_assert_int_eq(getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &reuse, &len), 0);
    ck_assert_int_eq(reuse, 0);
    close(s);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(fs_passfd_name(FS_PASSFD_TCP_SERVER), "tcp-server");
    ck_assert_str_eq(fs_passfd_name(FS_PASSFD_OTHER), "other");
    ck_assert_str_eq(fs_passfd_name((enum fs_passfd_kind)200), "other");
    for (int k = FS_PASSFD_TCP; k <= FS_PASSFD_OTHER; k++)
        ck_assert_ptr_nonnull(fs_passfd_name((enum fs_passfd_kind)k));
}
END_TEST

START_TEST(test_record)
{
    struct fs_passfd p = {0}, q = {0};
    char buf[128];
    ck_assert(!fs_passfd_any(&p));
    ck_assert_str_eq(fs_passfd_describe(&p, buf, sizeof buf), "");
    fs_passfd_add(&p, FS_PASSFD_TCP_SERVER);
    ck_assert(fs_passfd_any(&p));
    ck_assert_str_eq(fs_passfd_describe(&p, buf, sizeof buf), "tcp-server");
    fs_passfd_add(&p, FS_PASSFD_PIPE);
    fs_passfd_add(&p, FS_PASSFD_PIPE);
    fs_passfd_add(&p, FS_PASSFD_FILE);
    ck_assert_str_eq(fs_passfd_describe(&p, buf, sizeof buf), "tcp-server, pipe x2, file");

    /* Past the kinds kept, descriptors are still counted. */
    for (int i = 0; i < 20; i++)
        fs_passfd_add(&q, FS_PASSFD_UNIX);
    ck_assert_uint_eq(q.n, 20);
    q.cut = true;
    ck_assert_str_eq(fs_passfd_describe(&q, buf, sizeof buf), "unix x16, +4 more, more cut");
    fs_passfd_merge(&p, &q);
    ck_assert_uint_eq(p.n, 24);
    ck_assert(p.cut);
    ck_assert_str_eq(fs_passfd_describe(&p, buf, sizeof buf),
                     "tcp-server, pipe x2, file, unix x12, +8 more, more cut");

    /* A cut alone is something to report. */
    struct fs_passfd c = {.cut = true};
    ck_assert(fs_passfd_any(&c));
    ck_assert_str_eq(fs_passfd_describe(&c, buf, sizeof buf), "more cut");
}
END_TEST

START_TEST(test_describe_bounded)
{
    struct fs_passfd p = {0};
    for (int k = FS_PASSFD_TCP; k <= FS_PASSFD_OTHER; k++)
        fs_passfd_add(&p, (enum fs_passfd_kind)k);
    char big[256], small[12];
    fs_passfd_describe(&p, big, sizeof big);
    ck_assert_str_eq(fs_passfd_describe(&p, small, sizeof small), "tcp, tcp-se");
    ck_assert(strncmp(big, small, strlen(small)) == 0);
    ck_assert_ptr_eq(fs_passfd_describe(&p, small, 0), small);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("passfd");
    TCase *tc = tcase_create("passfd");
    tcase_add_test(tc, test_kinds);
    tcase_add_test(tc, test_looking_changes_nothing);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_record);
    tcase_add_test(tc, test_describe_bounded);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
