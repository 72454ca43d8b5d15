/*
 * The forked child of bench/worker-vs-fork's start-up race: writes one JSON
 * line to its channel (fd 3), then waits until the channel closes or a signal
 * ends it, as a task waits to be stopped. It uses nothing but libc, so what the
 * benchmark measures is the least a forked child costs: fork, exec, the
 * dynamic loader and one write.
 */
#include <errno.h>
#include <unistd.h>

int
main(void)
{
    static const char hello[] = "{\"ready\":1}\n";
    char buf[256];
    ssize_t n;

    if (write(3, hello, sizeof hello - 1) != (ssize_t)(sizeof hello - 1))
        return 1;
    do
        n = read(3, buf, sizeof buf);
    while (n > 0 || (n < 0 && errno == EINTR));
    return 0;
}
