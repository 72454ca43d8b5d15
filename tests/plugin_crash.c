/*
 * A worker plugin that crashes on its own thread, inside forkscope: it waits
 * until the file named by its arguments exists (so a test can let the screen
 * come up first), then stores through NULL. Built by Makefile.am into
 * tests/libcrash.so for tests/e2e/worker_crash.sh.
 */
#include <unistd.h>

#include <forkscope/worker.h>

FS_WORKER_PLUGIN;

int fs_worker_main(struct fs_port *port, const char *args);

/* Not instrumented by the sanitizers: the store must fault in the CPU and raise
 * SIGSEGV on this thread, as an ordinary buggy plugin would. */
__attribute__((no_sanitize("address", "undefined"))) int
fs_worker_main(struct fs_port *port, const char *args)
{
    volatile int *volatile null = NULL;
    char *msg;
    size_t len;
    int rc;

    while (access(args, F_OK) != 0) {
        /* Waits 50 ms, or returns when forkscope asks it to stop. */
        rc = fs_port_recv(port, &msg, &len, 50);
        if (rc < 0)
            return 1;
        if (rc == 0)
            fs_port_free_msg(port, msg);
    }
    fs_port_post(port, "{\"crashing\":true}", 17);
    *null = 1;
    return 0;
}
