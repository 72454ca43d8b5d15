/*
 * A message's value as the screen shows it: jansson's dump, with every real
 * number in its shortest form that reads back as the same double, as
 * JavaScript prints numbers (0.7, not jansson's 17-digit 0.69999999999999996).
 */
#ifndef FS_JSONSHOW_H
#define FS_JSONSHOW_H

#include <jansson.h>
#include <stddef.h>

/* The shortest "%.*g" spelling of d that strtod reads back as d, in buf (at
 * least 32 bytes). */
void fs_jsonshow_real(double d, char *buf, size_t size);
/* json_dumps(v, flags) with every real in its shortest spelling; the caller
 * frees the result with free(). NULL when jansson cannot dump v. */
char *fs_jsonshow_dumps(const json_t *v, size_t flags);

#endif
