/*
 * The running binary's directory (util/exedir.h). Owns nothing.
 */
#include <config.h>

#include "util/exedir.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

char *
fs_exe_dir(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash != NULL)
        *slash = '\0';
    return fs_xstrdup(exe);
}
