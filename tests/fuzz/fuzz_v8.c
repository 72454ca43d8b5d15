/*
 * libFuzzer target: the V8 ValueSerializer decoder (ipc/v8ser.c) on
 * arbitrary payloads. A decoded value is printed, as the traffic view prints it,
 * and encoded back (ipc/v8ser_enc.c); the re-encoding of a display form must
 * decode again.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ipc/v8ser.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *buf = fuzz_copy(data, size);
    if (buf == NULL)
        return 0;
    struct fs_v8_error e;
    json_t *v = fs_v8_decode(buf, size, &e);
    if (v != NULL) {
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (text == NULL)
            __builtin_trap();
        free(text);
        size_t n;
        char *err = NULL;
        unsigned char *again = fs_v8_encode(v, &n, &err);
        if (again != NULL) {
            json_t *w = fs_v8_decode(again, n, &e);
            if (w == NULL)
                __builtin_trap(); /* the encoder wrote what the decoder refuses */
            json_decref(w);
        }
        free(again);
        free(err);
        json_decref(v);
    } else if (e.offset > size || e.size != size || e.msg[0] == '\0') {
        __builtin_trap(); /* an error names where it stopped, inside the payload */
    }
    free(buf);
    return 0;
}
