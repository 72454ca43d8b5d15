/*
 * A fork: child for the end-to-end tests of bad IPC frames and passed
 * descriptors (tests/e2e/ipc_bad.sh, tests/e2e/ipc_handles.sh). It writes to
 * the channel named by NODE_CHANNEL_FD, in the mode its first argument names:
 *
 *   json        valid lines with every kind of bad line between them, then a
 *               partial line at EOF
 *   advanced    valid V8 frames with bad ones between them (undecodable bytes,
 *               an empty frame, a frame over the limit), then a truncated one
 *   lost        advanced: a valid frame, a length over the limit followed by
 *               garbage (the stream cannot be resynchronised), more frames
 *   bigline MIB json: one line of MIB mebibytes, then {"after":"big"}; then
 *               waits for the channel's EOF
 *   handles     json: {"ready":true}; waits for a message; then passes
 *               descriptors of every kind, each with a NODE_HANDLE message and
 *               waiting for its ACK, then 40 at once; then {"after":"handles"}
 *               and waits for EOF. It prints what it passed on stdout.
 *
 * The bad frames assume the session limits messages to 1 KiB (max_message).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int chan;

static void
put(const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(chan, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            perror("fs-badframes: write");
            exit(1);
        }
        c += w;
        n -= (size_t)w;
    }
}

static void
puts_chan(const char *s)
{
    put(s, strlen(s));
}

/* ---- json ---- */

static void
json_mode(void)
{
    char line[5000];
    puts_chan("{\"seq\":1}\n");
    puts_chan("this is not json\n");
    puts_chan("{\"seq\":2}\n");
    /* 5000 bytes before the newline, over a 1 KiB limit: {"long":"ééé…éx"},
     * so its first 64 bytes end inside an "é". */
    memcpy(line, "{\"long\":\"", 9);
    for (size_t i = 9; i + 2 <= sizeof line - 3; i += 2)
        memcpy(line + i, "\xc3\xa9", 2);
    memcpy(line + sizeof line - 3, "x\"}", 3);
    put(line, sizeof line);
    puts_chan("\n{\"seq\":3}\n");
    /* Binary garbage: a NUL, bytes that are never UTF-8, a broken sequence. */
    static const char garbage[] = "\x00\x01\xff\xfe{\xc3\x28}garbage\n";
    put(garbage, sizeof garbage - 1);
    puts_chan("{\"seq\":4}\n");
    puts_chan("{\"s\":\"\xc0\xaf\"}\n"); /* JSON, but not UTF-8 */
    puts_chan("{\"seq\":5}\n");
    puts_chan("\n"); /* an empty line: a Node parent dies of it */
    puts_chan("{\"seq\":6}\n");
    /* Within the limit but not JSON, and longer than the head shown. */
    memset(line, 'y', 500);
    line[500] = '\n';
    put(line, 501);
    puts_chan("{\"seq\":7}\n");
    puts_chan("{\"partial\":tru"); /* cut by EOF */
}

/* ---- advanced ---- */

/* {seq:n} as Node writes it (n < 64). */
static void
adv_seq(unsigned n)
{
    unsigned char f[] = {
        0, 0, 0, 12, 0xFF, 0x0F, 'o', '"', 3, 's', 'e', 'q', 'I', (unsigned char)(n << 1), '{', 1};
    put(f, sizeof f);
}

static void
advanced_mode(void)
{
    adv_seq(1);
    /* A serializer header and then a tag that does not exist. */
    put("\0\0\0\x05\xff\x0f\x01\x02\x03", 9);
    adv_seq(2);
    /* Garbage that does not even start like a serializer's output. */
    put("\0\0\0\x06\x00\xfe\x41\x00\xc3\x28", 10);
    adv_seq(3);
    put("\0\0\0\0", 4); /* an empty frame */
    adv_seq(4);
    /* 4096 bytes announced and sent, over the 1 KiB limit; it starts with 0xFF
     * as a real message does, so framing goes on after it. */
    static unsigned char big[4 + 4096];
    memset(big, 'b', sizeof big);
    memcpy(big, "\0\0\x10\0\xff\x0f\x22", 7);
    put(big, sizeof big);
    adv_seq(5);
    /* 100 bytes announced, 10 sent: truncated at EOF. */
    put("\0\0\0\x64\xff\x0f\x22\x40truncat", 15);
}

static void
lost_mode(void)
{
    adv_seq(1);
    /* A length of 0x7A7A7A7A: text where a header should be. */
    puts_chan("zzzz not a frame at all");
    adv_seq(2); /* unreachable: discarded and counted */
    adv_seq(3);
}

/* ---- a huge line ---- */

static void
wait_eof(void)
{
    char buf[4096];
    while (read(chan, buf, sizeof buf) > 0)
        ;
}

static void
bigline_mode(long mib)
{
    static char chunk[65536];
    memset(chunk, 'a', sizeof chunk);
    puts_chan("{\"big\":\"");
    for (long i = 0; i < mib * 16; i++)
        put(chunk, sizeof chunk);
    puts_chan("\"}\n{\"after\":\"big\"}\n");
    wait_eof();
}

/* ---- passed descriptors ---- */

static char inbuf[4096];
static size_t inlen;

/* Waits (10 s at most) for a line from forkscope that contains `want`. */
static void
await_line(const char *want)
{
    for (;;) {
        char *nl;
        while ((nl = memchr(inbuf, '\n', inlen)) != NULL) {
            *nl = '\0';
            bool found = strstr(inbuf, want) != NULL;
            inlen -= (size_t)(nl + 1 - inbuf);
            memmove(inbuf, nl + 1, inlen);
            if (found)
                return;
        }
        struct pollfd pfd = {chan, POLLIN, 0};
        ssize_t r = 0;
        if (inlen == sizeof inbuf || poll(&pfd, 1, 10000) != 1 ||
            (r = read(chan, inbuf + inlen, sizeof inbuf - inlen)) <= 0) {
            fprintf(stderr, "fs-badframes: no %s from forkscope\n", want);
            exit(1);
        }
        inlen += (size_t)r;
    }
}

/* Sends text with n descriptors attached (SCM_RIGHTS). */
static void
send_fds(const char *text, const int *fds, int n)
{
    char ctl[CMSG_SPACE(sizeof(int) * 64)];
    memset(ctl, 0, sizeof ctl);
    struct iovec iov = {(void *)text, strlen(text)};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
    if (sendmsg(chan, &m, 0) != (ssize_t)iov.iov_len) {
        perror("fs-badframes: sendmsg");
        exit(1);
    }
}

/* What the descriptor is, as /proc shows it: "socket:[123]", a path. */
static void
report(const char *kind, int fd)
{
    char link[64], target[256];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    printf("passed %s %s\n", kind, target);
    fflush(stdout);
}

static int
check(int fd, const char *what)
{
    if (fd < 0) {
        perror(what);
        exit(1);
    }
    return fd;
}

static int
tcp_listener(struct sockaddr_in *a)
{
    int s = check(socket(AF_INET, SOCK_STREAM, 0), "socket");
    socklen_t alen = sizeof *a;
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)a, sizeof *a) != 0 || listen(s, 4) != 0 ||
        getsockname(s, (struct sockaddr *)a, &alen) != 0)
        check(-1, "tcp listener");
    return s;
}

static void
handles_mode(void)
{
    puts_chan("{\"ready\":true}\n");
    await_line("go");
    struct sockaddr_in a;
    int lis = tcp_listener(&a), con = check(socket(AF_INET, SOCK_STREAM, 0), "socket");
    if (connect(con, (struct sockaddr *)&a, sizeof a) != 0)
        check(-1, "connect");
    int sp[2], dp[2], pp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0 ||
        socketpair(AF_UNIX, SOCK_DGRAM, 0, dp) != 0 || pipe(pp) != 0)
        check(-1, "socketpair");
    const struct {
        const char *kind;
        int fd;
    } one[] = {
        {"tcp-server", lis},
        {"tcp", con},
        {"udp", check(socket(AF_INET, SOCK_DGRAM, 0), "udp")},
        {"unix", sp[0]},
        {"unix-dgram", dp[0]},
        {"pipe", pp[0]},
        {"file", check(open("/proc/self/exe", O_RDONLY), "file")},
        {"directory", check(open("/", O_RDONLY | O_DIRECTORY), "directory")},
        {"device", check(open("/dev/null", O_RDONLY), "device")},
    };
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        char text[128];
        snprintf(text, sizeof text,
                 "{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Native\",\"msg\":{\"kind\":\"%s\"}}\n",
                 one[i].kind);
        report(one[i].kind, one[i].fd);
        send_fds(text, &one[i].fd, 1);
        await_line("NODE_HANDLE_ACK");
    }
    /* A descriptor sent with the first half of a message. */
    send_fds("{\"split\":", &pp[1], 1);
    report("split", pp[1]);
    usleep(100000);
    puts_chan("\"across writes\"}\n");
    /* More descriptors than forkscope takes in one read. */
    int many[40];
    for (int i = 0; i < 40; i++)
        many[i] = sp[1];
    send_fds("{\"many\":40}\n", many, 40);
    puts_chan("{\"after\":\"handles\"}\n");
    wait_eof();
}

int
main(int argc, char **argv)
{
    const char *e = getenv("NODE_CHANNEL_FD");
    chan = e ? atoi(e) : 3;
    if (argc == 2 && strcmp(argv[1], "json") == 0)
        json_mode();
    else if (argc == 2 && strcmp(argv[1], "advanced") == 0)
        advanced_mode();
    else if (argc == 2 && strcmp(argv[1], "lost") == 0)
        lost_mode();
    else if (argc == 3 && strcmp(argv[1], "bigline") == 0)
        bigline_mode(atol(argv[2]));
    else if (argc == 2 && strcmp(argv[1], "handles") == 0)
        handles_mode();
    else {
        fprintf(stderr, "usage: fs-badframes json | advanced | lost | bigline MIB | handles\n");
        return 2;
    }
    return 0;
}
