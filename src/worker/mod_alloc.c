/*
 * The `alloc` worker: allocates N MiB and writes to every page so the memory is
 * really resident (forkscope's RSS column grows by N MiB), posts
 * {"allocated_mib":N}, holds it for M milliseconds (args "N M"; without M until
 * it is stopped), frees it and posts {"freed_mib":N}. Like every module, it
 * returns 1 and says "stopped":true when a stop request ended it.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "worker/modules.h"

#define ALLOC_MAX_MIB (UINT64_C(1) << 20)

/* Parses the optional hold time after N; UINT64_MAX means until stopped. */
static int
parse_hold(struct fs_port *p, const char *args, uint64_t *hold)
{
    const char *sp = strchr(args, ' ');

    *hold = UINT64_MAX;
    while (sp != NULL && *sp == ' ')
        sp++;
    if (sp == NULL || *sp == '\0')
        return 0;
    return fs_worker_arg_u64(p, "alloc", sp, UINT64_C(1) << 40, true, hold);
}

/* Touches one byte per page; returns false if stopped half-way. */
static bool
touch(struct fs_port *p, char *mem, size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    double last = 0;

    for (size_t off = 0; off < size; off += page) {
        mem[off] = 1;
        if (off % (16u << 20) == 0) {
            if (fs_port_stop_requested(p))
                return false;
            fs_worker_progress(p, (double)off / (double)size, &last);
        }
    }
    return true;
}

int
fs_mod_alloc(struct fs_port *p, const char *args)
{
    uint64_t mib, hold, start;
    char *mem;
    bool whole;

    if (fs_worker_arg_u64(p, "alloc", args, ALLOC_MAX_MIB, true, &mib) != 0 ||
        parse_hold(p, args, &hold) != 0)
        return 2;
    mem = malloc((size_t)mib << 20 | 1);
    if (mem == NULL) {
        char *msg = fs_xasprintf("alloc: cannot allocate %llu MiB", (unsigned long long)mib);
        fs_worker_post_error(p, msg);
        free(msg);
        return 1;
    }
    whole = touch(p, mem, (size_t)mib << 20);
    if (whole)
        fs_worker_postf(p, "{\"allocated_mib\":%llu}", (unsigned long long)mib);
    start = fs_worker_now_ms();
    while (whole && !fs_port_stop_requested(p) && fs_worker_now_ms() - start < hold) {
        char *msg;
        size_t len;
        /* Waiting in recv wakes at once on a stop request. */
        int rc = fs_port_recv(p, &msg, &len, 50);
        if (rc < 0)
            break;
        if (rc == 0)
            fs_port_free_msg(p, msg);
    }
    free(mem);
    whole = whole && !fs_port_stop_requested(p);
    fs_worker_postf(p, "{\"freed_mib\":%llu%s}", (unsigned long long)mib,
                    whole ? "" : ",\"stopped\":true");
    return whole ? 0 : 1;
}
