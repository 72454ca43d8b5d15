/*
 * A worker plugin that claims a worker ABI forkscope does not speak: the
 * loader must refuse it with a message naming both versions, before calling
 * anything in it. Built by Makefile.am into tests/libbadabi.so.
 */
#include <forkscope/worker.h>

extern const int fs_worker_abi;
const int fs_worker_abi = 3;

int fs_worker_main(struct fs_port *port, const char *args);

int
fs_worker_main(struct fs_port *port, const char *args)
{
    (void)args;
    return fs_port_post(port, "{\"never\":true}", 14);
}
