/*
 * The `crash` worker: dereferences NULL. A crashing thread takes its whole
 * process down, so this module is marked unsafe in the table and the runtime
 * runs it in a separate host process, where the crash shows as that process
 * being killed by SIGSEGV: never inside forkscope itself.
 *
 * And `fail [CODE]`, its quiet sibling: returns CODE (default 1), which a
 * process (`forkscope child fail`) makes its exit status.
 */
#include <config.h>

#include <string.h>

#include "worker/modules.h"

/* Not instrumented by the sanitizers: the store must fault in the CPU and kill
 * the process with SIGSEGV, in a sanitizer build as in any other. */
__attribute__((no_sanitize("address", "undefined"))) int
fs_mod_crash(struct fs_port *p, const char *args)
{
    /* Both the pointer and the store are volatile: a plain store through a
     * pointer nobody reads back is removed by the optimiser. */
    volatile int *volatile null = NULL;

    (void)args;
    fs_worker_postf(p, "{\"crashing\":true}");
    *null = 1;
    return 0;
}

int
fs_mod_fail(struct fs_port *p, const char *args)
{
    uint64_t code = 1;

    if (args != NULL && args[strspn(args, " ")] != '\0' &&
        fs_worker_arg_u64(p, "fail", args, 255, true, &code) != 0)
        return 2;
    fs_worker_postf(p, "{\"failing\":%d}", (int)code);
    return (int)code;
}
