/*
 * An example forkscope worker plugin: answers each message with
 * {"hello":<the message>} and returns when forkscope asks
 * it to stop. Build it with only forkscope's public header:
 *
 *     cc -shared -fPIC -I/usr/local/include -o libhello.so hello.c
 *
 * and run it from a session file:
 *
 *     tasks:
 *       - name: hello
 *         worker: ./libhello.so
 *
 * (or `./libhello.so:other_entry` for an entry point not named fs_worker_main).
 */
#include <stdio.h>
#include <stdlib.h>

#include <forkscope/worker.h>

FS_WORKER_PLUGIN;

int fs_worker_main(struct fs_port *port, const char *args);

int
fs_worker_main(struct fs_port *port, const char *args)
{
    char *msg;
    size_t len;
    int rc;
    unsigned long answered = 0;

    (void)args;
    /* fs_port_recv returns -1 once a stop was requested or the port closed. */
    while ((rc = fs_port_recv(port, &msg, &len, 100)) >= 0) {
        if (rc == 1)
            continue; /* a timeout: a place to do periodic work */
        size_t cap = len + 16;
        char *out = malloc(cap);
        if (out == NULL) {
            fs_port_free_msg(port, msg);
            return 1;
        }
        int n = snprintf(out, cap, "{\"hello\":%s}", msg);
        fs_port_free_msg(port, msg);
        rc = fs_port_post(port, out, (size_t)n);
        free(out);
        if (rc < 0)
            return 0;
        answered++;
    }
    char bye[64];
    int n = snprintf(bye, sizeof bye, "{\"bye\":%lu}", answered);
    fs_port_post(port, bye, (size_t)n);
    return 0;
}
