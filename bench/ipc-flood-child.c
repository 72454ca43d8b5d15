/*
 * A C child for bench/ipc.sh: writes N small JSON messages {"i":k} to its
 * channel (fd 3) as fast as the channel takes them, in 64 KiB writes, then
 * writes its elapsed seconds to FILE. Usage: ipc-flood-child N FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    long n = atol(argv[1]);
    static char buf[65536 + 64];
    size_t len = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        len += (size_t)snprintf(buf + len, 64, "{\"i\":%ld}\n", i);
        if (len >= 65536 || i == n - 1) {
            for (size_t off = 0; off < len;) {
                ssize_t w = write(3, buf + off, len - off);
                if (w <= 0)
                    return 1;
                off += (size_t)w;
            }
            len = 0;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    FILE *f = fopen(argv[2], "w");
    if (f == NULL)
        return 1;
    fprintf(f, "%.3f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    fclose(f);
    return 0;
}
