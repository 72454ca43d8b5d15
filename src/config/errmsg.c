/*
 * The "FILE:LINE: what" formatter of the line-based file readers. Owns nothing:
 * the message it builds is handed to the caller.
 */
#include <config.h>

#include "config/errmsg.h"

#include <stdlib.h>

#include "util/xalloc.h"

int
fs_errmsg_vset(char **err, const char *path, unsigned line, unsigned col, const char *fmt,
               va_list ap)
{
    char *what = fs_xvasprintf(fmt, ap);
    if (col > 0)
        *err = fs_xasprintf("%s:%u:%u: %s", path, line, col, what);
    else
        *err = fs_xasprintf("%s:%u: %s", path, line, what);
    free(what);
    return -1;
}
