/*
 * Dependencies between tasks (`depends_on`, doc/session-file.md): which
 * waiting task may start now.
 */
#include <config.h>

#include "app/app_int.h"

void
fs_app_deps_check(struct fs_app *app)
{
    /* No task waits for another yet: the session file has no depends_on. */
    (void)app;
}
