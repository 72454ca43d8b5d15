/*
 * Node's fork() IPC channel as plain data (see doc/protocol.md): a framer that
 * splits the bytes read from fd 3 into messages, a classifier that tells valid,
 * bad and internal (NODE_*) messages apart, a display decoder, and the encoder
 * of what forkscope sends. No libuv, no curses: the runtime reads the socket
 * and feeds the bytes here.
 *
 * Ownership: a framer owns one buffer of at most max_frame bytes (the frame
 * being assembled) plus a small head of a frame being skipped. Frame payloads
 * handed to the callback are borrowed: they point into the caller's chunk or
 * into the framer's buffer and are valid only during the callback.
 */
#ifndef FS_IPC_H
#define FS_IPC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum fs_ipc_mode {
    FS_IPC_JSON,     /* one JSON text per line, "\n"-terminated */
    FS_IPC_ADVANCED, /* uint32 BE length + V8 ValueSerializer bytes */
};

#define FS_IPC_MAX_FRAME_DEFAULT ((size_t)64 * 1024 * 1024)
#define FS_IPC_HEAD 64 /* bytes kept from the start of a bad frame */

/* Frame flags. Any of them makes the frame bad: `data` is then only the first
 * bytes of the frame (at most FS_IPC_HEAD), and `size` is its full size. */
#define FS_IPC_TOO_LONG 1u  /* longer than max_frame; its bytes were skipped */
#define FS_IPC_TRUNCATED 2u /* the stream ended inside this frame */
#define FS_IPC_LOST_SYNC 4u /* advanced: bytes discarded after an unusable length */
#define FS_IPC_BAD (FS_IPC_TOO_LONG | FS_IPC_TRUNCATED | FS_IPC_LOST_SYNC)
/* Not a frame flag: a well-framed payload that is no value (json: not JSON;
 * advanced: no serializer header), found by fs_ipc_classify with FS_IPC_CHECK.
 * Its bytes are all there; it is counted as bad. */
#define FS_IPC_NOT_VALUE 8u

struct fs_ipc_frame {
    const char *data; /* the payload (json: the line without "\n"; advanced: without the header) */
    size_t len;       /* bytes at data */
    size_t size;      /* the frame's full payload size (== len for a good frame) */
    unsigned flags;
};

/* Called for each frame; `fr` and its data are valid only during the call. */
typedef void (*fs_ipc_frame_cb)(void *arg, const struct fs_ipc_frame *fr);

enum fs_ipc_state {
    FS_IPC_S_FRAME,    /* collecting a frame (or its advanced header) */
    FS_IPC_S_SKIP,     /* skipping the rest of a too-long frame */
    FS_IPC_S_OVERSIZE, /* advanced: too-long length read, waiting for its first byte */
    FS_IPC_S_LOST,     /* advanced: the stream cannot be resynchronised */
};

struct fs_ipc_framer {
    enum fs_ipc_mode mode;
    enum fs_ipc_state state;
    size_t max_frame;
    char *buf; /* the partial frame, grown up to max_frame */
    size_t len, cap;
    unsigned char hdr[4]; /* advanced: header bytes read so far */
    size_t hdr_len;
    size_t need;      /* advanced: payload length of the current frame */
    size_t skipped;   /* S_SKIP/S_LOST: bytes of the bad frame seen so far */
    size_t skip_left; /* advanced S_SKIP: payload bytes still to skip */
    char head[FS_IPC_HEAD];
    size_t head_len;
};

/* max_frame 0 means FS_IPC_MAX_FRAME_DEFAULT. */
void fs_ipc_framer_init(struct fs_ipc_framer *f, enum fs_ipc_mode mode, size_t max_frame);
void fs_ipc_framer_fini(struct fs_ipc_framer *f);

/*
 * Splits `data` into frames and calls cb for each complete one, in order.
 * Frames that lie whole inside `data` are delivered without copying. json: a
 * frame is the bytes before a "\n" ("\r" and other whitespace are left in the
 * payload: they are valid around JSON). A line longer than max_frame is skipped
 * up to its "\n" and delivered as one FS_IPC_TOO_LONG record.
 *
 * advanced: a length over max_frame is trusted when its payload starts with
 * 0xFF (the serializer's header, as Node always writes): the payload is skipped
 * and delivered as one FS_IPC_TOO_LONG record, and framing goes on after it.
 * Otherwise the header is garbage and the stream cannot be resynchronised: a
 * TOO_LONG|LOST_SYNC record is delivered and every later byte is discarded
 * and counted, to be reported by fs_ipc_finish().
 */
void fs_ipc_feed(struct fs_ipc_framer *f, const char *data, size_t len, fs_ipc_frame_cb cb,
                 void *arg);

/* At EOF: reports a partial last frame (FS_IPC_TRUNCATED, its size so far) or
 * the bytes discarded after a loss of sync (FS_IPC_LOST_SYNC), then resets. */
void fs_ipc_finish(struct fs_ipc_framer *f, fs_ipc_frame_cb cb, void *arg);

/* ---- classification ---- */

enum fs_ipc_validity { FS_IPC_UNCHECKED, FS_IPC_VALID, FS_IPC_INVALID };

#define FS_IPC_CMD_MAX 64

struct fs_ipc_info {
    enum fs_ipc_validity validity;
    bool internal;            /* an object whose "cmd" is "NODE_" + at least one char */
    bool has_cmd;             /* a string "cmd" was found */
    char cmd[FS_IPC_CMD_MAX]; /* its value, cut to fit, NUL-terminated */
    char error[200];          /* FS_IPC_INVALID: why, with the position */
};

/* Ask for full validation (json_loadb or a full V8 decode). */
#define FS_IPC_VALIDATE 1u
/* Ask whether the payload is a value at all, cheaply enough for every message
 * as it arrives: json → fs_jsoncheck_valid (ipc/jsoncheck.h), which is exact;
 * advanced → the serializer's 0xFF header byte and a version byte, where a full
 * decode (FS_IPC_VALIDATE) would build the whole value. */
#define FS_IPC_CHECK 2u

/*
 * Classifies one good frame's payload. Without FS_IPC_VALIDATE it is cheap (no
 * allocation, a scan of the first bytes): it finds "cmd" only as the object's
 * first key, which is where Node puts it in every internal message, and leaves
 * validity FS_IPC_UNCHECKED. With FS_IPC_VALIDATE the payload is fully parsed
 * (about a microsecond for a small message; linear in its size) and "cmd" is
 * found wherever it is. With FS_IPC_CHECK alone, validity is FS_IPC_VALID or
 * FS_IPC_INVALID (error "not JSON" or "no serializer header") and "cmd" is
 * peeked as without flags.
 */
/* Why a payload of `mode` is FS_IPC_NOT_VALUE, in a few words. */
const char *fs_ipc_not_value_reason(enum fs_ipc_mode mode);

void fs_ipc_classify(enum fs_ipc_mode mode, const char *payload, size_t len, unsigned flags,
                     struct fs_ipc_info *out);

/*
 * The display form of a payload: json → the parsed value; advanced → the V8
 * decoder's form (v8ser.h). On failure returns NULL and, if err is not NULL,
 * sets *err to a message (caller frees) naming the position and the size.
 * The caller owns the returned reference.
 */
json_t *fs_ipc_display(enum fs_ipc_mode mode, const char *payload, size_t len, char **err);

/* ---- sending ---- */

struct fs_ipc_buf {
    char *data; /* owned; fs_ipc_buf_fini frees it */
    size_t len;
};

void fs_ipc_buf_fini(struct fs_ipc_buf *b);

/*
 * Turns the user's JSON text into wire bytes for `mode`: json → compact
 * one-line JSON + "\n"; advanced → 4-byte BE length + 0xFF 0x0F + the value.
 * Returns 0, or -EINVAL with *err set (caller frees) for invalid JSON:
 * "invalid JSON at line L, column C (position P): <jansson's text>".
 */
int fs_ipc_encode(enum fs_ipc_mode mode, const char *text, size_t len, struct fs_ipc_buf *out,
                  char **err);

/* Parses JSON text as Node's JSON.parse would accept it (any top-level value;
 * integers too big for int64 become doubles). Returns NULL and fills err. */
json_t *fs_ipc_parse_json(const char *text, size_t len, json_error_t *err);

#endif
