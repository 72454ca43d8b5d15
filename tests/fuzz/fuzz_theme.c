/*
 * libFuzzer target: the theme reader (config/theme.c, fs_theme_parse) on
 * arbitrary file contents. The buffer is an exact-size copy with no NUL after
 * it, so a read past the end of the file is caught.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "config/theme.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    if (buf == NULL)
        return 0;
    struct fs_theme t;
    char *err = NULL;
    if (fs_theme_parse(&t, "fuzz/ocean.theme", buf, size, &err) < 0 && err == NULL)
        __builtin_trap(); /* a failure always says why */
    free(err);
    free(buf);
    return 0;
}
