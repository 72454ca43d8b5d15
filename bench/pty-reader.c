/*
 * The floor of the flood benchmark: runs a command on a new pty and reads
 * everything it writes until EOF, doing nothing with it. Prints the bytes read
 * and the seconds taken, then its own CPU seconds (user and system, its
 * children not included). Usage: pty-reader 'SHELL COMMAND'
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <signal.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pty-reader 'COMMAND'\n");
        return 2;
    }
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) || unlockpt(master))
        return perror("pty"), 1;
    struct winsize ws = {50, 200, 0, 0};
    ioctl(master, TIOCSWINSZ, &ws);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int slave = open(ptsname(master), O_RDWR);
        ioctl(slave, TIOCSCTTY, 0);
        dup2(slave, 0);
        dup2(slave, 1);
        dup2(slave, 2);
        close(master);
        execl("/bin/sh", "sh", "-c", argv[1], (char *)NULL);
        _exit(127);
    }
    static char buf[65536];
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = read(master, buf, sizeof buf);
        if (n > 0)
            total += (unsigned long long)n;
        else if (n < 0 && errno == EINTR)
            continue;
        else
            break; /* EIO once the child's side is closed */
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    waitpid(pid, NULL, 0);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    printf("%llu %.3f %.3f\n", total, s, cpu);
    return 0;
}
