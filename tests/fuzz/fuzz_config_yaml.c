/*
 * libFuzzer target: the YAML session reader (model/config_yaml*.c) on
 * arbitrary file contents, as `forkscope -f` reads a forkscope.yaml. The
 * session already holds a task named "web", so that the merge with the command
 * line's tasks runs too. fuzz_mprocs.c is this same target seeded with mprocs
 * files: the reader tells the two formats apart by their top-level key.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "model/config.h"
#include "model/session.h"

#ifndef FUZZ_YAML_PATH
#define FUZZ_YAML_PATH "fuzz/forkscope.yaml"
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy: no NUL after the file, as libyaml reads it by length. */
    char *buf = malloc(size ? size : 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    struct fs_session s;
    fs_session_init(&s);
    char *err = NULL;
    if (fs_config_add_arg(&s, "python -m http.server", "web", &err) < 0)
        __builtin_trap();
    size_t before = s.ntasks;
    if (fs_config_parse_yaml(&s, FUZZ_YAML_PATH, buf, size, &err) < 0) {
        /* A failure says why and leaves the session as it was. */
        if (err == NULL || s.ntasks != before)
            __builtin_trap();
    }
    free(err);
    fs_session_fini(&s);
    free(buf);
    return 0;
}
