/*
 * Unit tests of the IPC framer (split reads at every byte boundary, too-long,
 * truncated and garbage frames in both modes), the classifier and the JSON
 * validate/encode path.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "util/xalloc.h"

#define MAX_FRAMES 64

/* What the callback saw: a copy of each frame. */
struct seen {
    size_t n;
    char *data[MAX_FRAMES];
    size_t len[MAX_FRAMES], size[MAX_FRAMES];
    unsigned flags[MAX_FRAMES];
};

static void
on_frame(void *arg, const struct fs_ipc_frame *fr)
{
    struct seen *s = arg;
    ck_assert_uint_lt(s->n, MAX_FRAMES);
    ck_assert_uint_le(fr->len, fr->size);
    s->data[s->n] = fs_xmalloc(fr->len + 1);
    memcpy(s->data[s->n], fr->data, fr->len);
    s->data[s->n][fr->len] = '\0';
    s->len[s->n] = fr->len;
    s->size[s->n] = fr->size;
    s->flags[s->n] = fr->flags;
    s->n++;
}

static void
seen_free(struct seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->data[i]);
    memset(s, 0, sizeof *s);
}

/* Feeds `in` in pieces cut at a and b, then finishes. */
static void
run3(enum fs_ipc_mode mode, size_t max, const char *in, size_t n, size_t a, size_t b,
     struct seen *s)
{
    struct fs_ipc_framer f;
    fs_ipc_framer_init(&f, mode, max);
    fs_ipc_feed(&f, in, a, on_frame, s);
    fs_ipc_feed(&f, in + a, b - a, on_frame, s);
    fs_ipc_feed(&f, in + b, n - b, on_frame, s);
    fs_ipc_finish(&f, on_frame, s);
    fs_ipc_framer_fini(&f);
}

static void
run(enum fs_ipc_mode mode, size_t max, const char *in, size_t n, struct seen *s)
{
    run3(mode, max, in, n, 0, n, s);
}

/* Every way of cutting `in` in three pieces gives the same frames as one read. */
static void
check_all_splits(enum fs_ipc_mode mode, size_t max, const char *in, size_t n)
{
    struct seen ref = {0}, s;
    run(mode, max, in, n, &ref);
    for (size_t a = 0; a <= n; a++) {
        for (size_t b = a; b <= n; b++) {
            memset(&s, 0, sizeof s);
            run3(mode, max, in, n, a, b, &s);
            /* Plain ifs, as in count_frame below: tens of thousands of passing
             * ck_asserts made this outlast Check's time limit when loaded. */
            if (s.n != ref.n)
                ck_abort_msg("cut at %zu, %zu: %zu frames, not %zu", a, b, s.n, ref.n);
            for (size_t i = 0; i < s.n; i++)
                if (s.len[i] != ref.len[i] || s.size[i] != ref.size[i] ||
                    s.flags[i] != ref.flags[i] || memcmp(s.data[i], ref.data[i], s.len[i]) != 0)
                    ck_abort_msg("cut at %zu, %zu: frame %zu differs from one read", a, b, i);
            seen_free(&s);
        }
    }
    seen_free(&ref);
}

static const char json_stream[] = "{\"i\":1}\n[1,2,3]\n\"x\"\r\n{\"cmd\":\"NODE_HANDLE_ACK\"}\n"
                                  "\n42\n";

START_TEST(test_json_frames)
{
    struct seen s = {0};
    run(FS_IPC_JSON, 0, json_stream, sizeof json_stream - 1, &s);
    ck_assert_uint_eq(s.n, 6);
    ck_assert_str_eq(s.data[0], "{\"i\":1}");
    ck_assert_str_eq(s.data[1], "[1,2,3]");
    ck_assert_str_eq(s.data[2], "\"x\"\r");
    ck_assert_str_eq(s.data[4], "");
    ck_assert_str_eq(s.data[5], "42");
    for (size_t i = 0; i < s.n; i++)
        ck_assert_uint_eq(s.flags[i], 0);
    seen_free(&s);
}
END_TEST

START_TEST(test_json_splits)
{
    check_all_splits(FS_IPC_JSON, 0, json_stream, sizeof json_stream - 1);
}
END_TEST

/* A 20-byte limit: the 30-byte line is skipped and reported, the next is fine. */
static const char json_long[] = "{\"a\":1}\n\"0123456789012345678901234567\"\n{\"b\":2}\n";

START_TEST(test_json_too_long)
{
    struct seen s = {0};
    run(FS_IPC_JSON, 20, json_long, sizeof json_long - 1, &s);
    ck_assert_uint_eq(s.n, 3);
    ck_assert_str_eq(s.data[0], "{\"a\":1}");
    ck_assert_uint_eq(s.flags[1], FS_IPC_TOO_LONG);
    ck_assert_uint_eq(s.size[1], 30);
    ck_assert(strncmp(s.data[1], "\"0123", 5) == 0);
    ck_assert_str_eq(s.data[2], "{\"b\":2}");
    seen_free(&s);
    check_all_splits(FS_IPC_JSON, 20, json_long, sizeof json_long - 1);
}
END_TEST

START_TEST(test_json_truncated)
{
    static const char in[] = "{\"a\":1}\n{\"b\":";
    struct seen s = {0};
    run(FS_IPC_JSON, 0, in, sizeof in - 1, &s);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_uint_eq(s.flags[1], FS_IPC_TRUNCATED);
    ck_assert_uint_eq(s.size[1], 5);
    ck_assert_str_eq(s.data[1], "{\"b\":");
    seen_free(&s);
    /* A too-long line cut by EOF. */
    run(FS_IPC_JSON, 4, "0123456789", 10, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.flags[0], FS_IPC_TOO_LONG | FS_IPC_TRUNCATED);
    ck_assert_uint_eq(s.size[0], 10);
    seen_free(&s);
}
END_TEST

/* Builds an advanced stream: frames of the given payloads. */
static size_t
adv_stream(char *out, const char *const *payloads, const size_t *lens, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        out[o++] = (char)(lens[i] >> 24);
        out[o++] = (char)(lens[i] >> 16);
        out[o++] = (char)(lens[i] >> 8);
        out[o++] = (char)lens[i];
        memcpy(out + o, payloads[i], lens[i]);
        o += lens[i];
    }
    return o;
}

static const char *const adv_payloads[] = {"\xff\x0f\x49\x54", "", "\xff\x0f\x30",
                                           "\xff\x0f\x22\x05hello"};
static const size_t adv_lens[] = {4, 0, 3, 9};

START_TEST(test_adv_frames)
{
    char in[128];
    size_t n = adv_stream(in, adv_payloads, adv_lens, 4);
    struct seen s = {0};
    run(FS_IPC_ADVANCED, 0, in, n, &s);
    ck_assert_uint_eq(s.n, 4);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(s.len[i], adv_lens[i]);
        ck_assert(memcmp(s.data[i], adv_payloads[i], adv_lens[i]) == 0);
        ck_assert_uint_eq(s.flags[i], 0);
    }
    seen_free(&s);
    check_all_splits(FS_IPC_ADVANCED, 0, in, n);
}
END_TEST

START_TEST(test_adv_too_long_resync)
{
    /* A real (0xFF-led) frame over an 8-byte limit is skipped; framing goes on. */
    static const char *const p[] = {"\xff\x0f\x22\x0a"
                                    "0123456789",
                                    "\xff\x0f\x30"};
    static const size_t l[] = {14, 3};
    char in[64];
    size_t n = adv_stream(in, p, l, 2);
    struct seen s = {0};
    run(FS_IPC_ADVANCED, 8, in, n, &s);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_uint_eq(s.flags[0], FS_IPC_TOO_LONG);
    ck_assert_uint_eq(s.size[0], 14);
    ck_assert_uint_eq(s.len[0], 14);
    ck_assert_uint_eq(s.flags[1], 0);
    ck_assert_uint_eq(s.len[1], 3);
    seen_free(&s);
    check_all_splits(FS_IPC_ADVANCED, 8, in, n);
}
END_TEST

START_TEST(test_adv_garbage_lost_sync)
{
    /* "GET / HTTP/1.1" read as a length is ~1.2 GB and not followed by 0xFF. */
    static const char in[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    struct seen s = {0};
    run(FS_IPC_ADVANCED, 0, in, sizeof in - 1, &s);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_uint_eq(s.flags[0], FS_IPC_TOO_LONG | FS_IPC_LOST_SYNC);
    ck_assert_uint_eq(s.size[0], 0x47455420);
    ck_assert_uint_eq(s.len[0], 5);
    ck_assert(strncmp(s.data[0], "GET /", 5) == 0);
    ck_assert_uint_eq(s.flags[1], FS_IPC_LOST_SYNC);
    ck_assert(strncmp(s.data[1], "/ HTTP", 6) == 0);
    ck_assert_uint_eq(s.size[1], sizeof in - 1 - 4);
    seen_free(&s);
    check_all_splits(FS_IPC_ADVANCED, 0, in, sizeof in - 1);
}
END_TEST

START_TEST(test_adv_truncated)
{
    static const char in[] = "\0\0\0\x03\xff\x0f\x30\0\0\0\x09\xff\x0f\x22";
    struct seen s = {0};
    run(FS_IPC_ADVANCED, 0, in, sizeof in - 1, &s);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_uint_eq(s.flags[0], 0);
    ck_assert_uint_eq(s.flags[1], FS_IPC_TRUNCATED);
    ck_assert_uint_eq(s.size[1], 7);
    ck_assert_uint_eq(s.len[1], 3);
    seen_free(&s);
    run(FS_IPC_ADVANCED, 0, "\0\0", 2, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.flags[0], FS_IPC_TRUNCATED);
    ck_assert_uint_eq(s.size[0], 2);
    seen_free(&s);
    check_all_splits(FS_IPC_ADVANCED, 0, in, sizeof in - 1);
}
END_TEST

/* Random bytes in random chunks: no crash, the buffer stays within the limit,
 * and in json mode every byte is accounted for (frame sizes + newlines). */
static void
count_frame(void *arg, const struct fs_ipc_frame *fr)
{
    size_t *total = arg;
    /* A plain if: ck_assert records its place at every passing call (a write to
     * the test's parent), and this runs for hundreds of thousands of frames,
     * which made the test outlast Check's time limit on a busy machine. */
    if (fr->len > fr->size)
        ck_abort_msg("frame length %zu over its size %zu", fr->len, fr->size);
    *total += fr->size + 1;
}

START_TEST(test_garbage)
{
    srand(1234);
    char buf[4096];
    for (int round = 0; round < 200; round++) {
        enum fs_ipc_mode mode = round % 2 ? FS_IPC_ADVANCED : FS_IPC_JSON;
        struct fs_ipc_framer f;
        size_t total = 0, fed = 0, nl = 0;
        fs_ipc_framer_init(&f, mode, 1 + (size_t)(rand() % 300));
        for (int k = 0; k < 20; k++) {
            size_t n = (size_t)(rand() % (int)sizeof buf);
            for (size_t i = 0; i < n; i++)
                buf[i] = (char)(rand() % (round % 4 == 0 ? 256 : 16));
            fs_ipc_feed(&f, buf, n, count_frame, &total);
            if (f.cap > f.max_frame)
                ck_abort_msg("round %d: buffer of %zu over the limit %zu", round, f.cap,
                             f.max_frame);
            fed += n;
            nl += (size_t)(memchr(buf, '\n', n) != NULL);
        }
        fs_ipc_finish(&f, count_frame, &total);
        if (mode == FS_IPC_JSON) /* the last frame has no newline if truncated */
            ck_assert(total == fed || total == fed + 1);
        fs_ipc_framer_fini(&f);
    }
}
END_TEST

/* ---- classification ---- */

static void
classify(enum fs_ipc_mode mode, const char *p, size_t n, unsigned flags, struct fs_ipc_info *i)
{
    fs_ipc_classify(mode, p, n, flags, i);
}

START_TEST(test_classify_json)
{
    struct fs_ipc_info i;
    const char *m = "{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Socket\",\"msg\":{}}";
    classify(FS_IPC_JSON, m, strlen(m), 0, &i);
    ck_assert(i.internal && i.has_cmd);
    ck_assert_str_eq(i.cmd, "NODE_HANDLE");
    ck_assert_int_eq(i.validity, FS_IPC_UNCHECKED);
    classify(FS_IPC_JSON, m, strlen(m), FS_IPC_VALIDATE, &i);
    ck_assert(i.internal);
    ck_assert_int_eq(i.validity, FS_IPC_VALID);

    m = " {\"x\":1, \"cmd\" : \"NODE_X\"}\r";
    classify(FS_IPC_JSON, m, strlen(m), 0, &i);
    ck_assert(!i.has_cmd); /* the cheap scan looks at the first key only */
    classify(FS_IPC_JSON, m, strlen(m), FS_IPC_VALIDATE, &i);
    ck_assert(i.internal);
    ck_assert_int_eq(i.validity, FS_IPC_VALID);

    m = "{\"cmd\":\"NODE\"}";
    classify(FS_IPC_JSON, m, strlen(m), FS_IPC_VALIDATE, &i);
    ck_assert(i.has_cmd && !i.internal);
    m = "{\"cmd\":\"NODE_\"}";
    classify(FS_IPC_JSON, m, strlen(m), 0, &i);
    ck_assert(i.has_cmd && !i.internal);

    m = "{\"a\":tru}";
    classify(FS_IPC_JSON, m, strlen(m), FS_IPC_VALIDATE, &i);
    ck_assert_int_eq(i.validity, FS_IPC_INVALID);
    ck_assert_msg(strstr(i.error, "line 1, column") && strstr(i.error, "position"), "%s", i.error);
    classify(FS_IPC_JSON, "", 0, FS_IPC_VALIDATE, &i);
    ck_assert_int_eq(i.validity, FS_IPC_INVALID);
    classify(FS_IPC_JSON, "1 2", 3, FS_IPC_VALIDATE, &i);
    ck_assert_int_eq(i.validity, FS_IPC_INVALID);
    /* JSON.stringify writes integers past 2^63 in full; they are still valid. */
    m = "[12345678901234567000,1]";
    classify(FS_IPC_JSON, m, strlen(m), FS_IPC_VALIDATE, &i);
    ck_assert_int_eq(i.validity, FS_IPC_VALID);
}
END_TEST

START_TEST(test_classify_advanced)
{
    /* {cmd:"NODE_HANDLE_ACK"} as node writes it (notes §2). */
    static const char ack[] = "\xff\x0f\x6f\x22\x03"
                              "cmd"
                              "\x22\x0f"
                              "NODE_HANDLE_ACK"
                              "\x7b\x01";
    struct fs_ipc_info i;
    classify(FS_IPC_ADVANCED, ack, sizeof ack - 1, 0, &i);
    ck_assert(i.internal);
    ck_assert_str_eq(i.cmd, "NODE_HANDLE_ACK");
    classify(FS_IPC_ADVANCED, ack, sizeof ack - 1, FS_IPC_VALIDATE, &i);
    ck_assert_int_eq(i.validity, FS_IPC_VALID);
    ck_assert(i.internal);
    classify(FS_IPC_ADVANCED, ack, 10, FS_IPC_VALIDATE, &i);
    ck_assert_int_eq(i.validity, FS_IPC_INVALID);
    ck_assert_msg(strstr(i.error, "10 bytes"), "%s", i.error);
    classify(FS_IPC_ADVANCED, ack, 12, 0, &i); /* cut inside the value */
    ck_assert(!i.has_cmd);
}
END_TEST

/* ---- encoding ---- */

START_TEST(test_encode_json)
{
    struct fs_ipc_buf b;
    char *err = NULL;
    const char *in = " { \"a\" : [1, 2.5, \"x\\ny\\u2028\"], \"b\": null } ";
    ck_assert_int_eq(fs_ipc_encode(FS_IPC_JSON, in, strlen(in), &b, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(b.len, strlen("{\"a\":[1,2.5,\"x\\ny\xe2\x80\xa8\"],\"b\":null}\n"));
    ck_assert(memcmp(b.data, "{\"a\":[1,2.5,\"x\\ny\xe2\x80\xa8\"],\"b\":null}\n", b.len) == 0);
    ck_assert(memchr(b.data, '\n', b.len - 1) == NULL);
    fs_ipc_buf_fini(&b);
    ck_assert_int_eq(fs_ipc_encode(FS_IPC_JSON, "\"\\u0000\"", 8, &b, &err), 0);
    ck_assert(b.len == 9 && memcmp(b.data, "\"\\u0000\"\n", 9) == 0);
    fs_ipc_buf_fini(&b);
}
END_TEST

START_TEST(test_encode_invalid)
{
    struct fs_ipc_buf b;
    char *err = NULL;
    ck_assert_int_eq(fs_ipc_encode(FS_IPC_JSON, "{\"a\":x}", 7, &b, &err), -EINVAL);
    ck_assert_ptr_null(b.data);
    ck_assert_msg(strstr(err, "invalid JSON at line 1, column 6 (position 6)") != NULL, "%s", err);
    free(err);
    err = NULL;
    ck_assert_int_eq(fs_ipc_encode(FS_IPC_ADVANCED, "[1,\n2", 5, &b, &err), -EINVAL);
    ck_assert_msg(strstr(err, "line 2") != NULL, "%s", err);
    free(err);
    ck_assert_int_eq(fs_ipc_encode(FS_IPC_JSON, "", 0, &b, NULL), -EINVAL);
    ck_assert_int_eq(fs_ipc_encode(FS_IPC_JSON, "1 2", 3, &b, NULL), -EINVAL);
}
END_TEST

START_TEST(test_encode_advanced)
{
    /* Notes §2's worked example. */
    static const unsigned char want[] = {0,   0,    0,    0x18, 0xff, 0x0f, 0x6f, 0x22, 0x05, 'h',
                                         'e', 'l',  'l',  'o',  0x22, 0x05, 'w',  'o',  'r',  'l',
                                         'd', 0x22, 0x01, 'n',  0x49, 0x54, 0x7b, 0x02};
    struct fs_ipc_buf b;
    const char *in = "{\"hello\":\"world\",\"n\":42}";
    ck_assert_int_eq(fs_ipc_encode(FS_IPC_ADVANCED, in, strlen(in), &b, NULL), 0);
    ck_assert_uint_eq(b.len, sizeof want);
    ck_assert(memcmp(b.data, want, sizeof want) == 0);
    /* What was encoded frames and decodes back. */
    struct seen s = {0};
    run(FS_IPC_ADVANCED, 0, b.data, b.len, &s);
    ck_assert_uint_eq(s.n, 1);
    json_t *v = fs_ipc_display(FS_IPC_ADVANCED, s.data[0], s.len[0], NULL);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "n")), 42);
    json_decref(v);
    seen_free(&s);
    fs_ipc_buf_fini(&b);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("ipc");
    TCase *tc = tcase_create("framer");
    tcase_add_test(tc, test_json_frames);
    tcase_add_test(tc, test_json_splits);
    tcase_add_test(tc, test_json_too_long);
    tcase_add_test(tc, test_json_truncated);
    tcase_add_test(tc, test_adv_frames);
    tcase_add_test(tc, test_adv_too_long_resync);
    tcase_add_test(tc, test_adv_garbage_lost_sync);
    tcase_add_test(tc, test_adv_truncated);
    tcase_add_test(tc, test_garbage);
    suite_add_tcase(s, tc);
    tc = tcase_create("classify");
    tcase_add_test(tc, test_classify_json);
    tcase_add_test(tc, test_classify_advanced);
    suite_add_tcase(s, tc);
    tc = tcase_create("encode");
    tcase_add_test(tc, test_encode_json);
    tcase_add_test(tc, test_encode_invalid);
    tcase_add_test(tc, test_encode_advanced);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
