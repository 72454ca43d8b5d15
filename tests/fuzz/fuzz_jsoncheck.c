/*
 * libFuzzer target: the JSON recognizer (ipc/jsoncheck.c) against jansson,
 * through fs_ipc_parse_json as the display parses a message. They must agree:
 * fs_jsoncheck_valid gives jansson's answer, and fs_jsoncheck_plain never
 * vouches for text jansson refuses. A disagreement stops the run.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ipc/ipc.h"
#include "ipc/jsoncheck.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    if (buf == NULL)
        return 0;
    json_error_t je;
    json_t *v = fs_ipc_parse_json(buf, size, &je);
    bool jansson = v != NULL;
    json_decref(v);
    bool plain = fs_jsoncheck_plain(buf, size);
    bool valid = fs_jsoncheck_valid(buf, size);
    if (plain && !jansson)
        __builtin_trap(); /* the recognizer vouched for text jansson refuses */
    if (valid != jansson)
        __builtin_trap(); /* the recognizer and jansson disagree */
    free(buf);
    return 0;
}
