/*
 * Unit tests for src/term/scrollback.c: line records round-trip (text,
 * attributes, colours, wide characters), the ASCII shortcut stores the same
 * bytes as the cells it stands for, and the store stays within its line and
 * byte limits, counting what it evicts.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term/scrollback.h"

#define W 40

static struct fs_term_cell
cell(uint32_t ch, unsigned attrs, uint32_t fg, uint32_t bg)
{
    return (struct fs_term_cell){.ca = ch | FS_TERM_CA(attrs), .fg = fg, .bg = bg};
}

/* Fills row with the ASCII text s in the default pen, blank after it. */
static void
ascii_row(struct fs_term_cell *row, int n, const char *s)
{
    memset(row, 0, (size_t)n * sizeof(*row));
    for (int i = 0; s[i] && i < n; i++)
        row[i] = cell((unsigned char)s[i], 0, 0, 0);
}

static char *
text_of(struct fs_scrollback *sb, size_t i)
{
    static char buf[512];
    size_t len = 0;
    const char *t = fs_scrollback_text(sb, i, &len);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_lt(len, sizeof(buf));
    memcpy(buf, t, len);
    buf[len] = '\0';
    return buf;
}

START_TEST(test_plain_roundtrip)
{
    struct fs_scrollback *sb = fs_scrollback_new(0, 0);
    struct fs_term_cell row[W], out[W];
    ascii_row(row, W, "hello  world");
    row[20] = cell(0, 0, 0, 0);
    fs_scrollback_push(sb, row, W);
    ck_assert_uint_eq(fs_scrollback_lines(sb), 1);
    ck_assert_str_eq(text_of(sb, 0), "hello  world");
    ck_assert_int_eq(fs_scrollback_cells(sb, 0, out, W), 12);
    ck_assert_mem_eq(out, row, sizeof(row));
    ck_assert_int_eq(fs_scrollback_cells(sb, 1, out, W), -ENOENT);
    ck_assert_ptr_null(fs_scrollback_text(sb, 1, &(size_t){0}));
    fs_scrollback_free(sb);
}
END_TEST

START_TEST(test_attr_roundtrip)
{
    struct fs_scrollback *sb = fs_scrollback_new(0, 0);
    struct fs_term_cell row[W], out[W];
    ascii_row(row, W, "ab");
    row[2] = cell('c', FS_TERM_ATTR_BOLD | FS_TERM_ATTR_UNDERLINE, FS_TERM_COLOR_PALETTE | 1, 0);
    row[3] = cell('d', FS_TERM_ATTR_BOLD | FS_TERM_ATTR_UNDERLINE, FS_TERM_COLOR_PALETTE | 1, 0);
    row[4] = cell(0x4e2d, FS_TERM_ATTR_WIDE, 0, FS_TERM_COLOR_RGB | 0x102030);
    row[5] = cell(0, FS_TERM_ATTR_WIDE_CONT, 0, FS_TERM_COLOR_RGB | 0x102030);
    row[6] = cell(0xe9, FS_TERM_ATTR_ITALIC | FS_TERM_ATTR_STRIKE, FS_TERM_COLOR_PALETTE | 200,
                  FS_TERM_COLOR_PALETTE | 17);
    row[7] = cell(0x1f600, FS_TERM_ATTR_WIDE | FS_TERM_ATTR_REVERSE, 0, 0);
    row[8] = cell(0, FS_TERM_ATTR_WIDE_CONT | FS_TERM_ATTR_REVERSE, 0, 0);
    row[9] = cell('x', FS_TERM_ATTR_BLINK | FS_TERM_ATTR_UNDERLINE2 | FS_TERM_ATTR_DIM, 0, 0);
    /* A blank cell with a background colour is kept; the trailing one too. */
    row[12] = cell(0, 0, 0, FS_TERM_COLOR_PALETTE | 4);
    fs_scrollback_push(sb, row, W);
    ck_assert_str_eq(text_of(sb, 0), "abcd\xe4\xb8\xad\xc3\xa9\xf0\x9f\x98\x80x   ");
    ck_assert_int_eq(fs_scrollback_cells(sb, 0, out, W), 13);
    /* Blank cells come back as spaces. */
    row[10] = row[11] = cell(' ', 0, 0, 0);
    row[12] = cell(' ', 0, 0, FS_TERM_COLOR_PALETTE | 4);
    ck_assert_mem_eq(out, row, sizeof(row));
    fs_scrollback_free(sb);
}
END_TEST

START_TEST(test_blank_fg_ignored)
{
    /* Erased cells carry the pen's foreground (BCE); it cannot show. */
    struct fs_scrollback *sb = fs_scrollback_new(0, 0);
    struct fs_term_cell row[W], out[W];
    for (int i = 0; i < W; i++)
        row[i] = cell(0, 0, FS_TERM_COLOR_PALETTE | 3, 0);
    row[0] = cell('$', 0, FS_TERM_COLOR_PALETTE | 3, 0);
    fs_scrollback_push(sb, row, W);
    ck_assert_str_eq(text_of(sb, 0), "$");
    ck_assert_int_eq(fs_scrollback_cells(sb, 0, out, W), 1);
    ck_assert_uint_eq(out[0].fg, FS_TERM_COLOR_PALETTE | 3);
    ck_assert_uint_eq(out[1].fg, 0);
    fs_scrollback_free(sb);
}
END_TEST

START_TEST(test_narrow_decode)
{
    /* Decoding into fewer columns cuts the line; a cut wide character is blank. */
    struct fs_scrollback *sb = fs_scrollback_new(0, 0);
    struct fs_term_cell row[W], out[4];
    ascii_row(row, W, "abc");
    row[3] = cell(0x4e2d, FS_TERM_ATTR_WIDE, 0, 0);
    row[4] = cell(0, FS_TERM_ATTR_WIDE_CONT, 0, 0);
    fs_scrollback_push(sb, row, W);
    ck_assert_int_eq(fs_scrollback_cells(sb, 0, out, 4), 5);
    ck_assert_uint_eq(fs_term_cell_ch(&out[2]), 'c');
    ck_assert_uint_eq(out[3].ca, 0);
    fs_scrollback_free(sb);
}
END_TEST

START_TEST(test_ascii_shortcut)
{
    struct fs_scrollback *a = fs_scrollback_new(0, 0), *b = fs_scrollback_new(0, 0);
    struct fs_term_cell row[W];
    const char *lines[] = {"plain line", "trailing   ", "", "x"};
    for (size_t i = 0; i < 4; i++) {
        ascii_row(row, W, lines[i]);
        fs_scrollback_push(a, row, W);
        fs_scrollback_push_ascii(b, lines[i], strlen(lines[i]));
    }
    for (size_t i = 0; i < 4; i++) {
        char ta[64];
        snprintf(ta, sizeof(ta), "%s", text_of(a, i));
        ck_assert_str_eq(ta, text_of(b, i));
    }
    ck_assert_uint_eq(fs_scrollback_memory(a) > 0, 1);
    fs_scrollback_free(a);
    fs_scrollback_free(b);
}
END_TEST

START_TEST(test_line_limit)
{
    struct fs_scrollback *sb = fs_scrollback_new(100, 0);
    char s[32];
    for (int i = 0; i < 250; i++) {
        int n = snprintf(s, sizeof(s), "line %d", i);
        fs_scrollback_push_ascii(sb, s, (size_t)n);
    }
    ck_assert_uint_eq(fs_scrollback_lines(sb), 100);
    ck_assert_uint_eq(fs_scrollback_evicted(sb), 150);
    ck_assert_str_eq(text_of(sb, 0), "line 150");
    ck_assert_str_eq(text_of(sb, 99), "line 249");
    fs_scrollback_free(sb);
}
END_TEST

START_TEST(test_byte_limit)
{
    enum { BUDGET = 8192 };
    struct fs_scrollback *sb = fs_scrollback_new(100000, BUDGET);
    char s[128];
    memset(s, 'y', sizeof(s));
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(s, sizeof(s), "%06d", i);
        s[n] = 'y';
        fs_scrollback_push_ascii(sb, s, 100);
        size_t lines = fs_scrollback_lines(sb);
        ck_assert_uint_eq(lines + fs_scrollback_evicted(sb), (size_t)i + 1);
        /* The data stays within the budget; the index adds 12 bytes a line. */
        ck_assert_uint_le(fs_scrollback_memory(sb), BUDGET + lines * 24 + 1024);
    }
    size_t lines = fs_scrollback_lines(sb);
    ck_assert_uint_gt(lines, 30);
    ck_assert_uint_lt(lines, 82);
    char want[16];
    snprintf(want, sizeof(want), "%06d", 4999);
    ck_assert_int_eq(strncmp(text_of(sb, lines - 1), want, 6), 0);
    /* A line bigger than the whole budget is dropped, and counted. */
    struct fs_scrollback *tiny = fs_scrollback_new(0, 64);
    fs_scrollback_push_ascii(tiny, s, 100);
    ck_assert_uint_eq(fs_scrollback_lines(tiny), 0);
    ck_assert_uint_eq(fs_scrollback_evicted(tiny), 1);
    fs_scrollback_free(tiny);
    fs_scrollback_free(sb);
}
END_TEST

START_TEST(test_pop)
{
    struct fs_scrollback *sb = fs_scrollback_new(0, 0);
    struct fs_term_cell row[W], out[W];
    ck_assert_int_eq(fs_scrollback_pop(sb, out, W), -ENOENT);
    ascii_row(row, W, "first");
    fs_scrollback_push(sb, row, W);
    ascii_row(row, W, "second");
    fs_scrollback_push(sb, row, W);
    ck_assert_int_eq(fs_scrollback_pop(sb, out, W), 0);
    ck_assert_uint_eq(fs_term_cell_ch(&out[0]), 's');
    ck_assert_uint_eq(fs_scrollback_lines(sb), 1);
    ascii_row(row, W, "third");
    fs_scrollback_push(sb, row, W);
    ck_assert_str_eq(text_of(sb, 1), "third");
    ck_assert_int_eq(fs_scrollback_pop(sb, out, W), 0);
    ck_assert_int_eq(fs_scrollback_pop(sb, out, W), 0);
    ck_assert_uint_eq(fs_term_cell_ch(&out[0]), 'f');
    ck_assert_uint_eq(fs_scrollback_lines(sb), 0);
    ck_assert_uint_eq(fs_scrollback_evicted(sb), 0);
    fs_scrollback_free(sb);
}
END_TEST

/* What a cell looks like once stored: blank cells are spaces without a
 * foreground, protected is not kept. */
static struct fs_term_cell
stored(struct fs_term_cell c)
{
    unsigned attrs = fs_term_cell_attrs(&c) & ~FS_TERM_ATTR_PROTECTED;
    uint32_t ch = fs_term_cell_ch(&c);
    if (!(attrs & FS_TERM_ATTR_WIDE_CONT) && ch == 0)
        ch = ' ';
    if (ch == ' ' && attrs == 0 && c.bg == 0)
        c.fg = 0;
    c.ca = ch | FS_TERM_CA(attrs);
    return c;
}

START_TEST(test_random_roundtrip)
{
    static const uint32_t colors[] = {0, FS_TERM_COLOR_PALETTE | 1, FS_TERM_COLOR_PALETTE | 255,
                                      FS_TERM_COLOR_RGB | 0xabcdef};
    static const uint32_t chars[] = {0, ' ', 'a', 'Z', 0xe9, 0x3b1, 0x2500};
    struct fs_scrollback *sb = fs_scrollback_new(0, 0);
    struct fs_term_cell row[W], out[W];
    srand(7);
    for (int n = 0; n < 2000; n++) {
        for (int c = 0; c < W; c++) {
            unsigned attrs = (unsigned)rand() & 0xff;
            row[c] = cell(chars[rand() % 7], rand() % 3 ? 0 : attrs, colors[rand() % 4],
                          rand() % 3 ? 0 : colors[rand() % 4]);
            if (rand() % 8 == 0 && c + 1 < W) {
                row[c].ca = 0x4e2d | FS_TERM_CA(FS_TERM_ATTR_WIDE);
                row[c + 1] = row[c];
                row[c + 1].ca = FS_TERM_CA(FS_TERM_ATTR_WIDE_CONT);
                c++;
            }
        }
        fs_scrollback_push(sb, row, W);
        int span = fs_scrollback_cells(sb, fs_scrollback_lines(sb) - 1, out, W);
        /* Checked with plain ifs: ck_assert_msg records its place at every
         * passing call (a write to the test's parent), and 80000 of those made
         * this test outlast Check's time limit under AddressSanitizer on a busy
         * machine. */
        for (int c = 0; c < W; c++) {
            struct fs_term_cell want = stored(row[c]);
            if (c >= span ? !(want.ca == ' ' && want.bg == 0)
                          : memcmp(&want, &out[c], sizeof(want)) != 0)
                ck_abort_msg("line %d col %d (span %d)", n, c, span);
        }
    }
    fs_scrollback_free(sb);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("scrollback");
    TCase *tc = tcase_create("records");
    tcase_add_test(tc, test_plain_roundtrip);
    tcase_add_test(tc, test_attr_roundtrip);
    tcase_add_test(tc, test_blank_fg_ignored);
    tcase_add_test(tc, test_narrow_decode);
    tcase_add_test(tc, test_ascii_shortcut);
    tcase_add_test(tc, test_random_roundtrip);
    suite_add_tcase(s, tc);
    tc = tcase_create("store");
    tcase_add_test(tc, test_line_limit);
    tcase_add_test(tc, test_byte_limit);
    tcase_add_test(tc, test_pop);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
