/*
 * IPC framer microbenchmark: 10,000,000 small {"i":N} messages fed to the
 * framer in 64 KiB chunks, as the runtime would read them from fd 3. Reports
 * messages/s for framing + counting alone (the hot path; target >= 3,000,000/s),
 * with the cheap classification (cmd peek), with the check every received
 * message gets (FS_IPC_CHECK: ipc/jsoncheck.c for json), and with full
 * validation (json_loadb per message, on fewer messages), in both modes.
 *
 *   make bench/ipc-framer && bench/ipc-framer [messages]
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipc/ipc.h"
#include "util/xalloc.h"

#define CHUNK (64 * 1024)

struct stats {
    enum fs_ipc_mode mode;
    unsigned flags; /* classification: 0 none, else 1 + fs_ipc_classify flags */
    unsigned long long frames, bytes, bad, internal;
};

static void
on_frame(void *arg, const struct fs_ipc_frame *fr)
{
    struct stats *s = arg;
    s->frames++;
    s->bytes += fr->size;
    if (fr->flags & FS_IPC_BAD) {
        s->bad++;
        return;
    }
    if (s->flags) {
        struct fs_ipc_info info;
        fs_ipc_classify(s->mode, fr->data, fr->len, s->flags - 1, &info);
        s->internal += info.internal;
        s->bad += info.validity == FS_IPC_INVALID;
    }
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The wire bytes of n messages in `mode`. */
static char *
make_stream(enum fs_ipc_mode mode, unsigned long n, size_t *len)
{
    size_t cap = n * 24 + 64, o = 0;
    char *b = fs_xmalloc(cap);
    for (unsigned long i = 0; i < n; i++) {
        char text[32];
        int t = snprintf(text, sizeof text, "{\"i\":%lu}", i);
        struct fs_ipc_buf wire;
        if (mode == FS_IPC_JSON) {
            memcpy(b + o, text, (size_t)t);
            b[o + (size_t)t] = '\n';
            o += (size_t)t + 1;
            continue;
        }
        if (fs_ipc_encode(mode, text, (size_t)t, &wire, NULL) != 0)
            abort();
        memcpy(b + o, wire.data, wire.len);
        o += wire.len;
        fs_ipc_buf_fini(&wire);
    }
    *len = o;
    return b;
}

static void
run(const char *label, enum fs_ipc_mode mode, const char *b, size_t len, unsigned flags)
{
    struct stats s = {mode, flags, 0, 0, 0, 0};
    struct fs_ipc_framer f;
    fs_ipc_framer_init(&f, mode, 0);
    double t0 = now();
    for (size_t off = 0; off < len; off += CHUNK)
        fs_ipc_feed(&f, b + off, len - off < CHUNK ? len - off : CHUNK, on_frame, &s);
    fs_ipc_finish(&f, on_frame, &s);
    double dt = now() - t0;
    fs_ipc_framer_fini(&f);
    printf("%-40s %10llu msgs %8.3f s %12.0f msgs/s %8.1f MB/s  bad %llu\n", label, s.frames, dt,
           (double)s.frames / dt, (double)len / dt / 1e6, s.bad);
}

int
main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000UL;
    unsigned long nv = n / 10 ? n / 10 : 1;
    size_t len;
    char *b = make_stream(FS_IPC_JSON, n, &len);
    printf("json: %lu messages, %zu bytes, fed in %d KiB chunks\n", n, len, CHUNK / 1024);
    run("json: frame + count", FS_IPC_JSON, b, len, 0);
    run("json: frame + count + peek cmd", FS_IPC_JSON, b, len, 1);
    /* What a channel does for every message it receives (src/app/channel.c). */
    run("json: frame + peek + check (jsoncheck)", FS_IPC_JSON, b, len, 1 + FS_IPC_CHECK);
    free(b);
    b = make_stream(FS_IPC_JSON, nv, &len);
    run("json: frame + validate (json_loadb)", FS_IPC_JSON, b, len, 1 + FS_IPC_VALIDATE);
    free(b);

    b = make_stream(FS_IPC_ADVANCED, n, &len);
    printf("advanced: %lu messages, %zu bytes\n", n, len);
    run("advanced: frame + count", FS_IPC_ADVANCED, b, len, 0);
    run("advanced: frame + count + peek cmd", FS_IPC_ADVANCED, b, len, 1);
    run("advanced: frame + peek + check (header)", FS_IPC_ADVANCED, b, len, 1 + FS_IPC_CHECK);
    free(b);
    b = make_stream(FS_IPC_ADVANCED, nv, &len);
    run("advanced: frame + validate (decode)", FS_IPC_ADVANCED, b, len, 1 + FS_IPC_VALIDATE);
    free(b);
    return 0;
}
