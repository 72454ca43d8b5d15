/*
 * Node IPC channel framing, classification and encoding (see ipc.h and
 * doc/protocol.md). The framer is the hot path: memchr for "\n", frames
 * delivered straight from the caller's chunk, one buffer reused for frames
 * split across reads, no allocation per message.
 */
#include <config.h>

#include "ipc/ipc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/jsoncheck.h"
#include "ipc/v8ser.h"
#include "util/xalloc.h"

/* A buffer grown past this for one large frame is released once it is
 * delivered, so a single huge message does not pin its memory. */
#define KEEP_CAP ((size_t)1024 * 1024)

void
fs_ipc_framer_init(struct fs_ipc_framer *f, enum fs_ipc_mode mode, size_t max_frame)
{
    memset(f, 0, sizeof *f);
    f->mode = mode;
    f->max_frame = max_frame ? max_frame : FS_IPC_MAX_FRAME_DEFAULT;
    f->state = FS_IPC_S_FRAME;
}

void
fs_ipc_framer_fini(struct fs_ipc_framer *f)
{
    if (f == NULL)
        return;
    free(f->buf);
    f->buf = NULL;
    f->len = f->cap = 0;
}

static void
deliver(fs_ipc_frame_cb cb, void *arg, const char *p, size_t len, size_t size, unsigned flags)
{
    struct fs_ipc_frame fr = {p, len, size, flags};
    cb(arg, &fr);
}

/* Appends to the partial frame; the caller has checked len + n <= max_frame. */
static void
append(struct fs_ipc_framer *f, const char *p, size_t n)
{
    if (f->len + n > f->cap) {
        size_t cap = f->cap ? f->cap : 4096;
        while (cap < f->len + n)
            cap *= 2;
        if (cap > f->max_frame)
            cap = f->max_frame;
        f->buf = fs_xrealloc(f->buf, cap);
        f->cap = cap;
    }
    memcpy(f->buf + f->len, p, n);
    f->len += n;
}

static void
reset_buf(struct fs_ipc_framer *f)
{
    f->len = 0;
    if (f->cap > KEEP_CAP) {
        free(f->buf);
        f->buf = NULL;
        f->cap = 0;
    }
}

/* Keeps the first FS_IPC_HEAD bytes of a bad frame. */
static void
keep_head(struct fs_ipc_framer *f, const char *p, size_t n)
{
    size_t keep = FS_IPC_HEAD - f->head_len < n ? FS_IPC_HEAD - f->head_len : n;
    if (keep == 0)
        return;
    memcpy(f->head + f->head_len, p, keep);
    f->head_len += keep;
}

/* Starts skipping a too-long json line whose first bytes are the partial
 * frame (if any); json_skip() goes on from the current chunk. */
static void
start_skip(struct fs_ipc_framer *f)
{
    f->head_len = 0;
    keep_head(f, f->buf, f->len);
    f->skipped = f->len;
    reset_buf(f);
    f->state = FS_IPC_S_SKIP;
}

/* ---- json: frames end at "\n" ---- */

static size_t
json_skip(struct fs_ipc_framer *f, const char *p, size_t n, fs_ipc_frame_cb cb, void *arg)
{
    const char *nl = memchr(p, '\n', n);
    size_t take = nl ? (size_t)(nl - p) : n;
    keep_head(f, p, take);
    f->skipped += take;
    if (nl == NULL)
        return n;
    deliver(cb, arg, f->head, f->head_len, f->skipped, FS_IPC_TOO_LONG);
    f->state = FS_IPC_S_FRAME;
    f->skipped = 0;
    return (size_t)(nl - p) + 1;
}

/* Frames that lie whole in the chunk: the hot loop. Returns the bytes used. */
static size_t
json_direct(struct fs_ipc_framer *f, const char *p, size_t n, fs_ipc_frame_cb cb, void *arg)
{
    const char *s = p, *end = p + n, *nl;
    while (s < end && (nl = memchr(s, '\n', (size_t)(end - s))) != NULL) {
        size_t len = (size_t)(nl - s);
        if (len <= f->max_frame)
            deliver(cb, arg, s, len, len, 0);
        else
            deliver(cb, arg, s, len < FS_IPC_HEAD ? len : FS_IPC_HEAD, len, FS_IPC_TOO_LONG);
        s = nl + 1;
    }
    return (size_t)(s - p);
}

static void
json_feed(struct fs_ipc_framer *f, const char *p, size_t n, fs_ipc_frame_cb cb, void *arg)
{
    while (n > 0) {
        size_t used;
        if (f->state == FS_IPC_S_SKIP) {
            used = json_skip(f, p, n, cb, arg);
        } else if (f->len == 0 && (used = json_direct(f, p, n, cb, arg)) > 0) {
            /* Whole frames went straight from the chunk. */
        } else {
            const char *nl = memchr(p, '\n', n);
            size_t take = nl ? (size_t)(nl - p) : n;
            if (f->len + take > f->max_frame) {
                start_skip(f);
                continue;
            }
            append(f, p, take);
            used = take;
            if (nl) {
                deliver(cb, arg, f->buf, f->len, f->len, 0);
                reset_buf(f);
                used++;
            }
        }
        p += used;
        n -= used;
    }
}

/* ---- advanced: uint32 BE length + payload ---- */

static size_t
be32(const unsigned char *h)
{
    return (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | (size_t)h[3];
}

static size_t
min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Whole frames inside the chunk, delivered without a copy. */
static size_t
adv_direct(struct fs_ipc_framer *f, const char *p, size_t n, fs_ipc_frame_cb cb, void *arg)
{
    size_t off = 0;
    while (n - off >= 4) {
        size_t l = be32((const unsigned char *)p + off);
        if (l > f->max_frame || n - off - 4 < l)
            break;
        deliver(cb, arg, p + off + 4, l, l, 0);
        off += 4 + l;
    }
    return off;
}

/* A header announced a frame over the limit; p[0] is its first payload byte. */
static size_t
adv_oversize(struct fs_ipc_framer *f, const char *p, size_t n, fs_ipc_frame_cb cb, void *arg)
{
    if ((unsigned char)p[0] == 0xFF) {
        f->state = FS_IPC_S_SKIP;
        f->skip_left = f->need;
        f->head_len = 0;
        return 0;
    }
    /* Shown: the header that made no sense and the byte after it. */
    char bad[5];
    memcpy(bad, f->hdr, 4);
    bad[4] = p[0];
    deliver(cb, arg, bad, 5, f->need, FS_IPC_TOO_LONG | FS_IPC_LOST_SYNC);
    f->state = FS_IPC_S_LOST;
    f->skipped = 0;
    f->head_len = 0;
    return 0;
}

static size_t
adv_skip(struct fs_ipc_framer *f, const char *p, size_t n, fs_ipc_frame_cb cb, void *arg)
{
    size_t take = min_size(n, f->skip_left);
    keep_head(f, p, take);
    f->skip_left -= take;
    if (f->skip_left == 0) {
        deliver(cb, arg, f->head, f->head_len, f->need, FS_IPC_TOO_LONG);
        f->state = FS_IPC_S_FRAME;
        f->hdr_len = 0;
    }
    return take;
}

/* Collects a split header or body in the buffer. */
static size_t
adv_collect(struct fs_ipc_framer *f, const char *p, size_t n, fs_ipc_frame_cb cb, void *arg)
{
    if (f->hdr_len < 4) {
        size_t take = min_size(n, 4 - f->hdr_len);
        memcpy(f->hdr + f->hdr_len, p, take);
        f->hdr_len += take;
        if (f->hdr_len < 4)
            return take;
        f->need = be32(f->hdr);
        if (f->need > f->max_frame) {
            f->state = FS_IPC_S_OVERSIZE;
        } else if (f->need == 0) {
            deliver(cb, arg, "", 0, 0, 0);
            f->hdr_len = 0;
        }
        return take;
    }
    size_t take = min_size(n, f->need - f->len);
    append(f, p, take);
    if (f->len == f->need) {
        deliver(cb, arg, f->buf, f->len, f->len, 0);
        reset_buf(f);
        f->hdr_len = 0;
    }
    return take;
}

static void
adv_feed(struct fs_ipc_framer *f, const char *p, size_t n, fs_ipc_frame_cb cb, void *arg)
{
    while (n > 0) {
        size_t used = 0;
        switch (f->state) {
        case FS_IPC_S_LOST:
            keep_head(f, p, n);
            f->skipped += n;
            return;
        case FS_IPC_S_OVERSIZE:
            used = adv_oversize(f, p, n, cb, arg);
            break;
        case FS_IPC_S_SKIP:
            used = adv_skip(f, p, n, cb, arg);
            break;
        case FS_IPC_S_FRAME:
            if (f->hdr_len == 0)
                used = adv_direct(f, p, n, cb, arg);
            if (used == 0)
                used = adv_collect(f, p, n, cb, arg);
            break;
        }
        p += used;
        n -= used;
    }
}

void
fs_ipc_feed(struct fs_ipc_framer *f, const char *data, size_t len, fs_ipc_frame_cb cb, void *arg)
{
    if (f->mode == FS_IPC_JSON)
        json_feed(f, data, len, cb, arg);
    else
        adv_feed(f, data, len, cb, arg);
}

void
fs_ipc_finish(struct fs_ipc_framer *f, fs_ipc_frame_cb cb, void *arg)
{
    switch (f->state) {
    case FS_IPC_S_LOST:
        deliver(cb, arg, f->head, f->head_len, f->skipped, FS_IPC_LOST_SYNC);
        break;
    case FS_IPC_S_SKIP:
        deliver(cb, arg, f->head, f->head_len, f->mode == FS_IPC_JSON ? f->skipped : f->need,
                FS_IPC_TOO_LONG | FS_IPC_TRUNCATED);
        break;
    case FS_IPC_S_OVERSIZE:
        deliver(cb, arg, "", 0, f->need, FS_IPC_TOO_LONG | FS_IPC_TRUNCATED);
        break;
    case FS_IPC_S_FRAME:
        if (f->mode == FS_IPC_JSON && f->len > 0)
            deliver(cb, arg, f->buf, min_size(f->len, FS_IPC_HEAD), f->len, FS_IPC_TRUNCATED);
        else if (f->mode == FS_IPC_ADVANCED && f->hdr_len > 0)
            deliver(cb, arg, f->len ? f->buf : (const char *)f->hdr,
                    f->len ? min_size(f->len, FS_IPC_HEAD) : f->hdr_len, f->hdr_len + f->len,
                    FS_IPC_TRUNCATED);
        break;
    }
    f->state = FS_IPC_S_FRAME;
    f->hdr_len = f->skipped = f->skip_left = f->head_len = 0;
    reset_buf(f);
}

/* ---- classification ---- */

static void
set_cmd(struct fs_ipc_info *out, const char *s, size_t n)
{
    size_t keep = min_size(n, FS_IPC_CMD_MAX - 1);
    memcpy(out->cmd, s, keep);
    out->cmd[keep] = '\0';
    out->has_cmd = true;
    out->internal = n > 5 && memcmp(s, "NODE_", 5) == 0;
}

static const char *
skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* Matches `"cmd" : "value"` as the first key of a top-level object, without
 * escapes (Node's own cmd strings have none). */
static void
json_peek_cmd(const char *p, size_t len, struct fs_ipc_info *out)
{
    const char *end = p + len;
    p = skip_ws(p, end);
    if (p == end || *p++ != '{')
        return;
    p = skip_ws(p, end);
    if ((size_t)(end - p) < 5 || memcmp(p, "\"cmd\"", 5) != 0)
        return;
    p = skip_ws(p + 5, end);
    if (p == end || *p++ != ':')
        return;
    p = skip_ws(p, end);
    if (p == end || *p++ != '"')
        return;
    const char *s = p;
    while (p < end && *p != '"' && *p != '\\')
        p++;
    if (p < end && *p == '"')
        set_cmd(out, s, (size_t)(p - s));
}

/* Reads a varint of at most 5 bytes; returns false at the end of the data. */
static bool
peek_varint(const unsigned char **p, const unsigned char *end, size_t *v)
{
    *v = 0;
    for (int shift = 0; *p < end && shift < 35; shift += 7) {
        unsigned char b = *(*p)++;
        *v |= (size_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

/* The same for V8 bytes: 0xFF version 'o' '"' 3 "cmd" '"' n <n bytes>. */
static void
adv_peek_cmd(const char *payload, size_t len, struct fs_ipc_info *out)
{
    const unsigned char *p = (const unsigned char *)payload, *end = p + len;
    size_t v, n;
    if (p == end || *p++ != 0xFF || !peek_varint(&p, end, &v))
        return;
    if ((size_t)(end - p) < 7 || memcmp(p, "o\"\003cmd\"", 7) != 0)
        return;
    p += 7;
    if (!peek_varint(&p, end, &n) || (size_t)(end - p) < n)
        return;
    set_cmd(out, (const char *)p, n);
}

static void
info_from_value(json_t *v, struct fs_ipc_info *out)
{
    json_t *cmd = json_is_object(v) ? json_object_get(v, "cmd") : NULL;
    if (json_is_string(cmd))
        set_cmd(out, json_string_value(cmd), json_string_length(cmd));
}

const char *
fs_ipc_not_value_reason(enum fs_ipc_mode mode)
{
    return mode == FS_IPC_JSON ? "not JSON" : "no serializer header";
}

void
fs_ipc_classify(enum fs_ipc_mode mode, const char *payload, size_t len, unsigned flags,
                struct fs_ipc_info *out)
{
    memset(out, 0, sizeof *out);
    if (!(flags & FS_IPC_VALIDATE)) {
        if (mode == FS_IPC_JSON)
            json_peek_cmd(payload, len, out);
        else
            adv_peek_cmd(payload, len, out);
        if (flags & FS_IPC_CHECK) {
            bool ok = mode == FS_IPC_JSON ? fs_jsoncheck_valid(payload, len)
                                          : len >= 2 && (unsigned char)payload[0] == 0xFF;
            out->validity = ok ? FS_IPC_VALID : FS_IPC_INVALID;
            if (!ok)
                snprintf(out->error, sizeof out->error, "%s", fs_ipc_not_value_reason(mode));
        }
        return;
    }
    char *err = NULL;
    json_t *v = fs_ipc_display(mode, payload, len, &err);
    if (v == NULL) {
        out->validity = FS_IPC_INVALID;
        snprintf(out->error, sizeof out->error, "%s", err);
        free(err);
        return;
    }
    out->validity = FS_IPC_VALID;
    info_from_value(v, out);
    json_decref(v);
}

/* ---- parsing, display and encoding ---- */

json_t *
fs_ipc_parse_json(const char *text, size_t len, json_error_t *err)
{
    const size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
    json_t *v = json_loadb(text, len, flags, err);
    /* JSON.parse takes any integer; jansson's json_int_t stops at 2^63. */
    if (v == NULL && json_error_code(err) == json_error_numeric_overflow)
        v = json_loadb(text, len, flags | JSON_DECODE_INT_AS_REAL, err);
    return v;
}

static char *
json_error_text(const json_error_t *e)
{
    return fs_xasprintf("invalid JSON at line %d, column %d (position %d): %s", e->line, e->column,
                        e->position, e->text);
}

json_t *
fs_ipc_display(enum fs_ipc_mode mode, const char *payload, size_t len, char **err)
{
    json_t *v;
    if (mode == FS_IPC_JSON) {
        json_error_t je;
        v = fs_ipc_parse_json(payload, len, &je);
        if (v == NULL && err)
            *err = json_error_text(&je);
        return v;
    }
    struct fs_v8_error ve;
    v = fs_v8_decode(payload, len, &ve);
    if (v == NULL && err)
        *err =
            fs_xasprintf("undecodable (%zu bytes): %s at offset %zu", ve.size, ve.msg, ve.offset);
    return v;
}

void
fs_ipc_buf_fini(struct fs_ipc_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

static int
encode_json(json_t *v, struct fs_ipc_buf *out)
{
    /* jansson escapes every control character, so the text has no raw "\n". */
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s == NULL)
        return -ENOMEM;
    size_t n = strlen(s);
    out->data = fs_xmalloc(n + 1);
    memcpy(out->data, s, n);
    out->data[n] = '\n';
    out->len = n + 1;
    free(s);
    return 0;
}

static int
encode_advanced(json_t *v, struct fs_ipc_buf *out, char **err)
{
    size_t n;
    unsigned char *payload = fs_v8_encode(v, &n, err);
    if (payload == NULL)
        return -EINVAL;
    if (n > UINT32_MAX) {
        free(payload);
        *err = fs_xasprintf("message too large for a frame (%zu bytes)", n);
        return -E2BIG;
    }
    out->data = fs_xmalloc(n + 4);
    out->data[0] = (char)(n >> 24);
    out->data[1] = (char)(n >> 16);
    out->data[2] = (char)(n >> 8);
    out->data[3] = (char)n;
    memcpy(out->data + 4, payload, n);
    out->len = n + 4;
    free(payload);
    return 0;
}

int
fs_ipc_encode(enum fs_ipc_mode mode, const char *text, size_t len, struct fs_ipc_buf *out,
              char **err)
{
    json_error_t je;
    char *dummy = NULL;
    if (err == NULL)
        err = &dummy;
    *err = NULL;
    out->data = NULL;
    out->len = 0;
    json_t *v = fs_ipc_parse_json(text, len, &je);
    if (v == NULL) {
        *err = json_error_text(&je);
        free(dummy);
        return -EINVAL;
    }
    int rc = mode == FS_IPC_JSON ? encode_json(v, out) : encode_advanced(v, out, err);
    json_decref(v);
    free(dummy);
    return rc;
}
