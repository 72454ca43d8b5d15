/*
 * libFuzzer target: the IPC framer (ipc/ipc.c) in json mode, and what the
 * app does with each frame: the cheap check every message gets as it arrives,
 * the full validation and the display form. fuzz_adv_framer.c is the same code
 * in advanced mode (a 4-byte length and V8 bytes).
 *
 * The input is one channel's byte stream. It is framed twice: in one piece, and
 * cut into chunks whose sizes come from the input (fuzz.h), with a frame size
 * limit picked the same way so that too-long frames are reached. Both runs
 * must give the same frames: where the socket happens to split a read must not
 * change what the traffic view shows.
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ipc/ipc.h"

#ifndef FUZZ_IPC_MODE
#define FUZZ_IPC_MODE FS_IPC_JSON
#endif

/* What a run saw: the number of frames and a hash of each one's bytes. */
struct seen {
    size_t frames;
    uint64_t hash;
    size_t max_frame;
    bool inspect;
};

static void
mix(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ b[i]) * 0x100000001b3u;
}

/* What channel.c, the traffic view and headless mode do with a frame. */
static void
inspect(const struct fs_ipc_frame *fr)
{
    struct fs_ipc_info quick, full;
    fs_ipc_classify(FUZZ_IPC_MODE, fr->data, fr->len, FS_IPC_CHECK, &quick);
    fs_ipc_classify(FUZZ_IPC_MODE, fr->data, fr->len, FS_IPC_VALIDATE, &full);
    if (quick.validity == FS_IPC_UNCHECKED || full.validity == FS_IPC_UNCHECKED)
        __builtin_trap();
    char *err = NULL;
    json_t *v = fs_ipc_display(FUZZ_IPC_MODE, fr->data, fr->len, &err);
    if ((v == NULL) != (err != NULL) || (v != NULL) != (full.validity == FS_IPC_VALID))
        __builtin_trap();
    /* json: the cheap check is exact (ipc/jsoncheck.h). */
    if (FUZZ_IPC_MODE == FS_IPC_JSON && quick.validity != full.validity)
        __builtin_trap();
    if (v != NULL) {
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        free(text);
    }
    json_decref(v);
    free(err);
}

static void
on_frame(void *arg, const struct fs_ipc_frame *fr)
{
    struct seen *s = arg;
    if (fr->len > 0 && fr->data == NULL)
        __builtin_trap();
    if (fr->flags & FS_IPC_BAD) {
        if (fr->len > FS_IPC_HEAD || fr->len > fr->size)
            __builtin_trap();
    } else if (fr->len != fr->size || fr->len > s->max_frame) {
        __builtin_trap();
    }
    s->frames++;
    mix(&s->hash, &fr->flags, sizeof fr->flags);
    mix(&s->hash, &fr->size, sizeof fr->size);
    mix(&s->hash, &fr->len, sizeof fr->len);
    mix(&s->hash, fr->data, fr->len);
    if (s->inspect && !(fr->flags & FS_IPC_BAD))
        inspect(fr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t limits[] = {0, 8, 100, 4096};
    uint64_t rng = fuzz_seed(data, size);
    size_t max_frame = limits[fuzz_next(&rng) % 4];
    /* An exact-size copy, so that a read past the end of a chunk is caught. */
    char *buf = fuzz_copy(data, size);
    if (buf == NULL)
        return 0;

    struct fs_ipc_framer f;
    struct seen whole = {0, 0, max_frame ? max_frame : FS_IPC_MAX_FRAME_DEFAULT, true};
    fs_ipc_framer_init(&f, FUZZ_IPC_MODE, max_frame);
    fs_ipc_feed(&f, buf, size, on_frame, &whole);
    fs_ipc_finish(&f, on_frame, &whole);
    fs_ipc_framer_fini(&f);

    struct seen cut = {0, 0, whole.max_frame, false};
    fs_ipc_framer_init(&f, FUZZ_IPC_MODE, max_frame);
    for (size_t off = 0; off < size;) {
        size_t n = fuzz_chunk(&rng, size - off);
        fs_ipc_feed(&f, buf + off, n, on_frame, &cut);
        off += n;
    }
    fs_ipc_finish(&f, on_frame, &cut);
    fs_ipc_framer_fini(&f);

    if (cut.frames != whole.frames || cut.hash != whole.hash)
        __builtin_trap(); /* the chunking changed the frames */
    free(buf);
    return 0;
}
