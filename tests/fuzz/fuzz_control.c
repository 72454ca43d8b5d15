/*
 * libFuzzer target: the --control command parser (model/control.c). The input
 * is cut into lines as headless mode's line buffer cuts standard input, and
 * each line is parsed from an exact-size copy. The JSON of a `send` command
 * then goes through the encoder of both channel modes, as the app sends it.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ipc/ipc.h"
#include "model/control.h"

static void
encode(enum fs_ipc_mode mode, const char *json)
{
    struct fs_ipc_buf out = {0};
    char *err = NULL;
    if (fs_ipc_encode(mode, json, strlen(json), &out, &err) < 0 && err == NULL)
        __builtin_trap();
    fs_ipc_buf_fini(&out);
    free(err);
}

static void
parse_line(const uint8_t *line, size_t len)
{
    char *buf = malloc(len ? len : 1);
    if (buf == NULL)
        return;
    memcpy(buf, line, len);
    struct fs_control_cmd cmd;
    char *err = NULL;
    int r = fs_control_parse(buf, len, &cmd, &err);
    if (r < 0 && err == NULL)
        __builtin_trap(); /* a refused line always says why */
    if (r == 0) {
        if (cmd.op == FS_CONTROL_SEND) {
            if (cmd.json == NULL)
                __builtin_trap();
            encode(FS_IPC_JSON, cmd.json);
            encode(FS_IPC_ADVANCED, cmd.json);
        }
        fs_control_cmd_fini(&cmd);
    }
    free(err);
    free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *line_end = nl != NULL ? nl : end;
        parse_line(p, (size_t)(line_end - p));
        p = nl != NULL ? nl + 1 : end;
    }
    return 0;
}
