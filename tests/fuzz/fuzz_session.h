/*
 * The body the session-file targets share (fuzz_config_yaml.c, fuzz_mprocs.c,
 * fuzz_procfile.c): the reader FUZZ_READER runs on arbitrary file contents named
 * FUZZ_PATH, into a session that already holds a task named "web", so that the
 * merge with the command line's tasks runs too. A failure must say why and leave
 * the session as it was (nothing starts from a file that failed to parse).
 */
#ifndef FS_FUZZ_SESSION_H
#define FS_FUZZ_SESSION_H

#include "config/config.h"
#include "fuzz.h"
#include "model/session.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size); /* libyaml and the Procfile reader read by length */
    if (buf == NULL)
        return 0;
    struct fs_session s;
    fs_session_init(&s);
    char *err = NULL;
    if (fs_config_add_arg(&s, "python -m http.server", "web", &err) < 0)
        __builtin_trap();
    size_t before = s.ntasks;
    if (FUZZ_READER(&s, FUZZ_PATH, buf, size, &err) < 0 && (err == NULL || s.ntasks != before))
        __builtin_trap();
    free(err);
    fs_session_fini(&s);
    free(buf);
    return 0;
}

#endif
