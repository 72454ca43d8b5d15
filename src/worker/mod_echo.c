/*
 * The `echo` worker: answers each message forkscope sends with
 * {"echo":<the message>} until it is stopped, the port closes or (`echo N`)
 * N seconds pass without a message, then posts
 * {"echoed":N}. Waits in fs_port_recv, so it uses no CPU while idle.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "worker/modules.h"

#define PREFIX "{\"echo\":"

/* Posts {"echo":msg}: the message is JSON already, so it is embedded as it is. */
static int
answer(struct fs_port *p, const char *msg, size_t len)
{
    size_t plen = strlen(PREFIX);
    char *buf = fs_xmalloc(plen + len + 2);
    int rc;

    memcpy(buf, PREFIX, plen);
    memcpy(buf + plen, msg, len);
    buf[plen + len] = '}';
    rc = fs_port_post(p, buf, plen + len + 1);
    free(buf);
    return rc;
}

int
fs_mod_echo(struct fs_port *p, const char *args)
{
    unsigned long n = 0;
    char *msg;
    size_t len;
    int rc;

    /* `echo SECONDS`: ends after SECONDS without a message (a demo that
     * ends by itself); no args: answers until stopped. */
    uint64_t idle_s = 0, quiet_ms = 0;
    if (args != NULL && args[strspn(args, " ")] != '\0' &&
        fs_worker_arg_u64(p, "echo", args, 86400, true, &idle_s) != 0)
        return 2;
    while ((rc = fs_port_recv(p, &msg, &len, 100)) >= 0) {
        if (rc == 1) {
            quiet_ms += 100;
            if (idle_s > 0 && quiet_ms >= idle_s * 1000)
                break;
            continue;
        }
        quiet_ms = 0;
        rc = len > 0 ? answer(p, msg, len) : 0;
        fs_port_free_msg(p, msg);
        if (rc < 0)
            return 0;
        n++;
    }
    fs_worker_postf(p, "{\"echoed\":%lu}", n);
    return 0;
}
