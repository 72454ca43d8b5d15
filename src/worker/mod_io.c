/*
 * The `io` worker: an I/O-bound job. `io N MS` makes N requests that each take
 * MS milliseconds to answer (a timerfd each, as a slow server would) and waits
 * for them all as an event loop does: together, on one thread, with poll(2).
 * N requests take about MS whatever N, so handing them to more threads makes
 * nothing faster (the io-bound demo's myth). Posts {"requests":N,"ms":T}.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "worker/modules.h"
#include "util/xalloc.h"

#define IO_MAX 1000u

static int
arm(struct pollfd *pfd, uint64_t ms)
{
    struct itimerspec its = {{0, 0}, {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L}};

    pfd->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    pfd->events = POLLIN;
    if (pfd->fd < 0)
        return -1;
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
        its.it_value.tv_nsec = 1;
    return timerfd_settime(pfd->fd, 0, &its, NULL);
}

int
fs_mod_io(struct fs_port *p, const char *args)
{
    uint64_t n, ms;
    const char *rest;
    size_t left;
    int rc = 0;

    if (fs_worker_arg_u64(p, "io", args, IO_MAX, false, &n) != 0)
        return 2;
    rest = strchr(args + strspn(args, " "), ' ');
    if (rest == NULL || fs_worker_arg_u64(p, "io", rest, 60000, true, &ms) != 0)
        return 2;
    struct pollfd *pfd = fs_xcalloc(n, sizeof *pfd);
    for (size_t i = 0; i < n; i++)
        pfd[i].fd = -1;
    uint64_t start = fs_worker_now_ms();
    for (left = 0; left < n; left++) {
        if (arm(&pfd[left], ms) != 0) {
            fs_worker_post_error(p, "io: cannot make a timer");
            rc = 1;
            break;
        }
    }
    while (rc == 0 && left > 0 && !fs_port_stop_requested(p)) {
        if (poll(pfd, n, 100) < 0 && errno != EINTR)
            break;
        for (size_t i = 0; i < n; i++) {
            if (pfd[i].fd >= 0 && (pfd[i].revents & POLLIN)) {
                close(pfd[i].fd);
                pfd[i].fd = -1; /* poll skips it from now on */
                left--;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        if (pfd[i].fd >= 0)
            close(pfd[i].fd);
    free(pfd);
    if (rc == 0)
        fs_worker_postf(p, "{\"requests\":%llu,\"ms\":%llu}", (unsigned long long)n,
                        (unsigned long long)(fs_worker_now_ms() - start));
    return rc;
}
