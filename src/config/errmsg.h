/*
 * The "FILE:LINE: what" messages of the readers of line-based files (Procfiles,
 * themes): one formatter, so that every reader names a place the same way and an
 * editor can jump to it. Nothing here keeps state; the message belongs to the
 * caller.
 */
#ifndef FS_ERRMSG_H
#define FS_ERRMSG_H

#include <stdarg.h>

/* Sets *err to "PATH:LINE: WHAT", or "PATH:LINE:COL: WHAT" when col > 0, WHAT
 * formatted from fmt and ap. The caller frees *err. Returns -1, the failure of
 * the parsers that call it, so that they can return what it returns. */
int fs_errmsg_vset(char **err, const char *path, unsigned line, unsigned col, const char *fmt,
                   va_list ap) __attribute__((format(printf, 5, 0)));

#endif
