/*
 * A child program for the end-to-end tests, so they need nothing but a C
 * compiler: `spin` burns one core, `threads N` runs N threads in all and
 * sleeps, `touch MIB` allocates and touches MIB mebibytes and sleeps. Every
 * mode runs until killed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *
sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

int
main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "spin") == 0) {
        volatile unsigned long n = 0;
        for (;;)
            n++;
    }
    if (argc == 3 && strcmp(argv[1], "threads") == 0) {
        int n = atoi(argv[2]);
        for (int i = 1; i < n; i++) {
            pthread_t t;
            pthread_create(&t, NULL, sleeper, NULL);
        }
        printf("threads %d\n", n);
        fflush(stdout);
        sleeper(NULL);
    }
    if (argc == 3 && strcmp(argv[1], "touch") == 0) {
        size_t bytes = (size_t)atol(argv[2]) << 20;
        char *p = malloc(bytes);
        if (p == NULL)
            return 1;
        for (size_t i = 0; i < bytes; i += 4096)
            p[i] = 1;
        printf("touched %s MiB\n", argv[2]);
        fflush(stdout);
        sleeper(NULL);
    }
    fprintf(stderr, "usage: fs-helper spin | threads N | touch MIB\n");
    return 2;
}
