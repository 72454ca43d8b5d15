/*
 * Unit tests for src/term/: what fs_term shows for plain text, wrapping,
 * carriage returns, cursor movement, erasing, colours, scroll regions, the
 * alternate screen, wide characters and resizing; the scrollback's limits;
 * search; replies and keys sent to the child. The guard's cases are in
 * check_term_guard.c, the differential tests in check_term_diff.c.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term/term.h"
#include "term_helpers.h"

START_TEST(test_plain_text)
{
    struct fs_term *t = term(5, 20);
    feed(t, "hello\r\nworld");
    ck_assert_str_eq(row_text(t, 0), "hello");
    ck_assert_str_eq(row_text(t, 1), "world");
    ck_assert_str_eq(row_text(t, 2), "");
    assert_cursor(t, 1, 5);
    ck_assert_uint_eq(fs_term_cell_ch(cell_at(t, 0, 0)), 'h');
    ck_assert_uint_eq(fs_term_cell_ch(cell_at(t, 0, 7)), 0);
    fs_term_free(t);
    fs_term_free(NULL);
}
END_TEST

/* libvterm restores a saved cursor without clamping it; after the screen
 * shrank it would be below the screen. */
START_TEST(test_restored_cursor_stays_on_a_shrunk_screen)
{
    struct fs_term *t = term(10, 20);
    feed(t, "\033[10;5H\0337");
    fs_term_resize(t, 2, 20);
    feed(t, "\0338");
    assert_cursor(t, 1, 4);
    /* The same with the ESC and the 8 in separate writes. */
    feed(t, "\033[2;5H\0337");
    fs_term_resize(t, 1, 3);
    feed(t, "\033");
    feed(t, "8x");
    /* Restored to the last column of the 1x3 screen, x lands there. */
    ck_assert_str_eq(row_text(t, 0), "  x");
    fs_term_free(t);
    /* libvterm stays in the escape over controls and bytes from 0x80, so
     * these are DECRC too, whole or cut; x must not land below the screen. */
    static const char *const decrc[] = {"\033\a8x", "\033\x80\x81" "8x", "\033\r\x90" "8x"};
    for (size_t i = 0; i < sizeof(decrc) / sizeof(decrc[0]); i++) {
        for (int cut = 0; cut < 2; cut++) {
            t = term(10, 20);
            feed(t, "\033[10;5H\0337");
            fs_term_resize(t, 2, 20);
            if (cut) {
                for (const char *p = decrc[i]; *p; p++)
                    fs_term_write(t, p, 1);
            } else {
                feed(t, decrc[i]);
            }
            int r, c;
            fs_term_cursor(t, &r, &c, NULL);
            ck_assert_int_lt(r, 2);
            feed(t, "\n\033[L\033M");
            fs_term_free(t);
        }
    }
}
END_TEST

START_TEST(test_pending_wrap)
{
    struct fs_term *t = term(4, 10);
    feed(t, "0123456789");
    /* The cursor waits on the last column until the next character. */
    assert_cursor(t, 0, 9);
    ck_assert_str_eq(row_text(t, 1), "");
    feed(t, "\r\nab");
    ck_assert_str_eq(row_text(t, 0), "0123456789");
    ck_assert_str_eq(row_text(t, 1), "ab");
    feed(t, "\r\n0123456789X");
    ck_assert_str_eq(row_text(t, 2), "0123456789");
    ck_assert_str_eq(row_text(t, 3), "X");
    assert_cursor(t, 3, 1);
    fs_term_free(t);
}
END_TEST

START_TEST(test_carriage_return)
{
    struct fs_term *t = term(4, 20);
    feed(t, "\r10%\r20%\r30%\r40%\r50%\r60%\r70%\r80%\r90%\r100%\n");
    ck_assert_str_eq(row_text(t, 0), "100%");
    ck_assert_str_eq(row_text(t, 1), "");
    feed(t, "\rlonger text\rshort");
    ck_assert_str_eq(row_text(t, 1), "shortr text");
    fs_term_free(t);
}
END_TEST

START_TEST(test_cursor_movement)
{
    struct fs_term *t = term(10, 20);
    feed(t, "\033[3;5HX");
    ck_assert_uint_eq(fs_term_cell_ch(cell_at(t, 2, 4)), 'X');
    assert_cursor(t, 2, 5);
    feed(t, "\033[2AY\033[3BZ\033[4D\033[CW");
    ck_assert_uint_eq(fs_term_cell_ch(cell_at(t, 0, 5)), 'Y');
    ck_assert_uint_eq(fs_term_cell_ch(cell_at(t, 3, 6)), 'Z');
    ck_assert_uint_eq(fs_term_cell_ch(cell_at(t, 3, 4)), 'W');
    feed(t, "\033[99;99H");
    assert_cursor(t, 9, 19);
    feed(t, "\033[H\033[10G");
    assert_cursor(t, 0, 9);
    feed(t, "\0337\033[5;5H\0338");
    assert_cursor(t, 0, 9);
    feed(t, "\b\b\tT");
    ck_assert_uint_eq(fs_term_cell_ch(cell_at(t, 0, 8)), 'T');
    fs_term_free(t);
}
END_TEST

START_TEST(test_erase)
{
    struct fs_term *t = term(4, 10);
    feed(t, "aaaaaaaaaa\r\nbbbbbbbbbb\r\ncccccccccc\r\ndddddddddd");
    feed(t, "\033[2;5H\033[K");
    ck_assert_str_eq(row_text(t, 1), "bbbb");
    feed(t, "\033[3;5H\033[1K");
    ck_assert_str_eq(row_text(t, 2), "     ccccc");
    feed(t, "\033[4;1H\033[2K");
    ck_assert_str_eq(row_text(t, 3), "");
    feed(t, "\033[1;3H\033[1J");
    ck_assert_str_eq(row_text(t, 0), "   aaaaaaa");
    feed(t, "\033[2J");
    for (int r = 0; r < 4; r++)
        ck_assert_str_eq(row_text(t, r), "");
    /* Erasing fills with the current background (BCE). */
    feed(t, "\033[44m\033[2;1H\033[K\033[m");
    ck_assert_uint_eq(cell_at(t, 1, 9)->bg, FS_TERM_COLOR_PALETTE | 4);
    ck_assert_uint_eq(cell_at(t, 0, 9)->bg, FS_TERM_COLOR_DEFAULT);
    fs_term_free(t);
}
END_TEST

START_TEST(test_sgr)
{
    struct fs_term *t = term(4, 40);
    feed(t, "\033[31ma\033[92mb\033[38;5;200mc\033[38;2;1;2;3md\033[48;5;17me\033[48;2;9;8;7mf"
            "\033[39;49mg\033[1;3;4;5;7;9mh\033[22;23;24;25;27;29mi\033[21mj\033[0mk");
    const struct fs_term_cell *row = row_cells(t, 0);
    ck_assert_uint_eq(row[0].fg, FS_TERM_COLOR_PALETTE | 1);
    ck_assert_uint_eq(row[1].fg, FS_TERM_COLOR_PALETTE | 10);
    ck_assert_uint_eq(row[2].fg, FS_TERM_COLOR_PALETTE | 200);
    ck_assert_uint_eq(row[3].fg, FS_TERM_COLOR_RGB | 0x010203);
    ck_assert_uint_eq(FS_TERM_COLOR_TYPE(row[3].fg), FS_TERM_COLOR_RGB);
    ck_assert_uint_eq(row[4].bg, FS_TERM_COLOR_PALETTE | 17);
    ck_assert_uint_eq(row[5].bg, FS_TERM_COLOR_RGB | 0x090807);
    ck_assert_uint_eq(row[6].fg, FS_TERM_COLOR_DEFAULT);
    ck_assert_uint_eq(row[6].bg, FS_TERM_COLOR_DEFAULT);
    ck_assert_uint_eq(fs_term_cell_attrs(&row[7]),
                      FS_TERM_ATTR_BOLD | FS_TERM_ATTR_ITALIC | FS_TERM_ATTR_UNDERLINE |
                          FS_TERM_ATTR_BLINK | FS_TERM_ATTR_REVERSE | FS_TERM_ATTR_STRIKE);
    ck_assert_uint_eq(fs_term_cell_attrs(&row[8]), 0);
    ck_assert_uint_eq(fs_term_cell_attrs(&row[9]), FS_TERM_ATTR_UNDERLINE2);
    ck_assert_uint_eq(fs_term_cell_attrs(&row[10]), 0);
    ck_assert_str_eq(row_text(t, 0), "abcdefghijk");
    fs_term_free(t);
}
END_TEST

/* Writes lines "L0".."L<n-1>", each followed by \r\n. */
static void
feed_lines(struct fs_term *t, int from, int n)
{
    char s[32];
    for (int i = from; i < from + n; i++) {
        snprintf(s, sizeof(s), "L%d\r\n", i);
        feed(t, s);
    }
}

START_TEST(test_scroll_region)
{
    struct fs_term *t = term(6, 10);
    feed(t, "top\r\n1\r\n2\r\n3\r\n4\r\nbottom");
    /* A region that does not start at the top: nothing enters the scrollback. */
    feed(t, "\033[2;4r\033[4;1H");
    feed(t, "\r\na\r\nb\r\nc");
    ck_assert_str_eq(row_text(t, 0), "top");
    ck_assert_str_eq(row_text(t, 1), "a");
    ck_assert_str_eq(row_text(t, 2), "b");
    ck_assert_str_eq(row_text(t, 3), "c");
    ck_assert_str_eq(row_text(t, 4), "4");
    ck_assert_str_eq(row_text(t, 5), "bottom");
    ck_assert_uint_eq(fs_term_scrollback_lines(t), 0);
    /* Reverse index at the top of the region scrolls it down. */
    feed(t, "\033[2;1H\033M");
    ck_assert_str_eq(row_text(t, 1), "");
    ck_assert_str_eq(row_text(t, 2), "a");
    /* A region from the top, as xterm: lines scrolled off it are saved. */
    feed(t, "\033[1;3r\033[3;1H\n\n");
    ck_assert_uint_eq(fs_term_scrollback_lines(t), 2);
    ck_assert_str_eq(sb_text(t, 0), "top");
    ck_assert_str_eq(row_text(t, 4), "4");
    /* Scrolling the whole screen up and down (SU/SD). */
    feed(t, "\033[r\033[2S");
    ck_assert_uint_eq(fs_term_scrollback_lines(t), 4);
    ck_assert_str_eq(row_text(t, 2), "4");
    feed(t, "\033[1T");
    ck_assert_str_eq(row_text(t, 3), "4");
    fs_term_free(t);
}
END_TEST

START_TEST(test_altscreen)
{
    struct fs_term *t = term(4, 10);
    feed_lines(t, 0, 8);
    feed(t, "prompt");
    size_t sb = fs_term_scrollback_lines(t);
    ck_assert_uint_eq(sb, 5);
    char before[4][64];
    for (int r = 0; r < 4; r++)
        snprintf(before[r], sizeof(before[r]), "%.63s", row_text(t, r)); /* rows of 10 */
    feed(t, "\033[?1049h");
    ck_assert(fs_term_altscreen(t));
    for (int r = 0; r < 4; r++)
        ck_assert_str_eq(row_text(t, r), "");
    feed(t, "\033[HALT\r\n");
    feed_lines(t, 100, 20);
    ck_assert_uint_eq(fs_term_scrollback_lines(t), sb);
    feed(t, "\033[?1049l");
    ck_assert(!fs_term_altscreen(t));
    ck_assert(fs_term_damage_full(t));
    for (int r = 0; r < 4; r++)
        ck_assert_str_eq(row_text(t, r), before[r]);
    assert_cursor(t, 3, 6);
    ck_assert_uint_eq(fs_term_scrollback_lines(t), sb);
    for (size_t i = 0; i < sb; i++) {
        char want[32];
        snprintf(want, sizeof(want), "L%zu", i);
        ck_assert_str_eq(sb_text(t, i), want);
    }
    fs_term_free(t);
}
END_TEST

START_TEST(test_wide)
{
    struct fs_term *t = term(4, 10);
    feed(t, "\xe4\xb8\xad\xe6\x96\x87\xf0\x9f\x98\x80!");
    const struct fs_term_cell *row = row_cells(t, 0);
    ck_assert_uint_eq(fs_term_cell_ch(&row[0]), 0x4e2d);
    ck_assert_uint_eq(fs_term_cell_attrs(&row[0]), FS_TERM_ATTR_WIDE);
    ck_assert_uint_eq(fs_term_cell_attrs(&row[1]), FS_TERM_ATTR_WIDE_CONT);
    ck_assert_uint_eq(fs_term_cell_ch(&row[2]), 0x6587);
    ck_assert_uint_eq(fs_term_cell_ch(&row[4]), 0x1f600);
    ck_assert_uint_eq(fs_term_cell_attrs(&row[5]), FS_TERM_ATTR_WIDE_CONT);
    ck_assert_uint_eq(fs_term_cell_ch(&row[6]), '!');
    assert_cursor(t, 0, 7);
    ck_assert_str_eq(row_text(t, 0), "\xe4\xb8\xad\xe6\x96\x87\xf0\x9f\x98\x80!");
    /* Overwriting half of a wide character blanks the other half. */
    feed(t, "\033[1;2Hx\033[1;5Hy");
    ck_assert_str_eq(row_text(t, 0), " x\xe6\x96\x87y !");
    /* One that does not fit in the last column wraps. */
    feed(t, "\033[2;10H\xe4\xb8\xad");
    ck_assert_str_eq(row_text(t, 1), "");
    ck_assert_uint_eq(fs_term_cell_ch(cell_at(t, 2, 0)), 0x4e2d);
    fs_term_free(t);
}
END_TEST

START_TEST(test_resize)
{
    struct fs_term *t = term(10, 20);
    feed_lines(t, 0, 9);
    feed(t, "last line here");
    fs_term_resize(t, 1, 1);
    int rows, cols;
    fs_term_size(t, &rows, &cols);
    ck_assert_int_eq(rows, 1);
    ck_assert_int_eq(cols, 1);
    assert_cursor(t, 0, 0);
    ck_assert_uint_eq(fs_term_scrollback_lines(t), 9);
    fs_term_resize(t, 0, -5);  /* clamped to 1x1 */
    fs_term_resize(t, 3, 2);
    fs_term_resize(t, 10, 20);
    ck_assert_uint_eq(fs_term_scrollback_lines(t), 0);
    for (int r = 0; r < 9; r++) {
        char want[16];
        snprintf(want, sizeof(want), "L%d", r);
        ck_assert_str_eq(row_text(t, r), want);
    }
    ck_assert_str_eq(row_text(t, 9), "last line here");
    /* The cursor column was clamped at 1x1 and stays where it went. */
    assert_cursor(t, 9, 0);
    fs_term_resize(t, 5, 8);
    ck_assert_str_eq(row_text(t, 4), "last lin");
    assert_cursor(t, 4, 0);
    /* With the alternate screen active, the main one is cut or extended at
     * the bottom (as libvterm does), so the cursor it saved stays right. */
    feed(t, "\033[?1049h");
    fs_term_resize(t, 2, 3);
    fs_term_resize(t, 30, 200);
    feed(t, "\033[?1049l");
    ck_assert_str_eq(row_text(t, 0), "L5");
    ck_assert_str_eq(row_text(t, 1), "L6");
    ck_assert_str_eq(row_text(t, 2), "");
    assert_cursor(t, 4, 0);
    fs_term_free(t);
}
END_TEST

START_TEST(test_scrollback_limits)
{
    struct fs_term_limits lim = {.sb_lines = 100};
    struct fs_term *t = fs_term_new(5, 20, &lim);
    feed_lines(t, 0, 250);
    /* 250 lines and a blank row under the cursor: 246 scrolled off. */
    ck_assert_uint_eq(fs_term_scrollback_lines(t), 100);
    ck_assert_uint_eq(fs_term_scrollback_evicted(t), 146);
    ck_assert_uint_eq(fs_term_first_line(t), 146);
    ck_assert_uint_eq(fs_term_screen_line(t), 246);
    ck_assert_str_eq(sb_text(t, 0), "L146");
    ck_assert_str_eq(row_text(t, 0), "L246");
    char buf[8];
    ck_assert_int_eq(fs_term_line_text(t, 10, buf, sizeof(buf)), -ENOENT);
    ck_assert_int_eq(fs_term_line_text(t, 999, buf, sizeof(buf)), -ENOENT);
    struct fs_term_cell cells[4];
    ck_assert_int_eq(fs_term_line_cells(t, 146, cells, 4), 0);
    ck_assert_uint_eq(fs_term_cell_ch(&cells[1]), '1');
    fs_term_free(t);

    lim = (struct fs_term_limits){.sb_lines = 100000, .sb_bytes = 16384};
    t = fs_term_new(5, 100, &lim);
    char line[128];
    for (int i = 0; i < 3000; i++) {
        snprintf(line, sizeof(line), "%095d\r\n", i);
        feed(t, line);
    }
    ck_assert_uint_eq(fs_term_scrollback_lines(t) + fs_term_scrollback_evicted(t), 2996);
    ck_assert_uint_lt(fs_term_scrollback_lines(t), 170);
    ck_assert_uint_lt(fs_term_memory(t), 16384 + 60000);
    fs_term_free(t);
}
END_TEST

START_TEST(test_search)
{
    struct fs_term_limits lim = {.sb_lines = 50};
    struct fs_term *t = fs_term_new(4, 30, &lim);
    feed_lines(t, 0, 60);  /* L0..L9 are evicted */
    feed(t, "\xe4\xb8\xad Error here, error there");
    struct fs_term_match m;
    uint64_t first = fs_term_first_line(t);
    ck_assert_uint_eq(first, 7);
    /* Forward from the top; smartcase: lowercase matches any case. */
    ck_assert_int_eq(fs_term_search(t, "l1", 0, -1, 1, &m), 0);
    ck_assert_uint_eq(m.line, 10);
    ck_assert_int_eq(m.col, 0);
    ck_assert_int_eq(m.cols, 2);
    ck_assert_int_eq(fs_term_search(t, "l1", m.line, m.col, 1, &m), 0);
    ck_assert_uint_eq(m.line, 11);
    /* Backward from the bottom. */
    uint64_t bottom = fs_term_screen_line(t) + 3;
    ck_assert_int_eq(fs_term_search(t, "error", bottom, INT_MAX, -1, &m), 0);
    ck_assert_uint_eq(m.line, fs_term_screen_line(t) + 3);
    ck_assert_int_eq(m.col, 15);  /* the wide character takes two columns */
    ck_assert_int_eq(fs_term_search(t, "error", m.line, m.col, -1, &m), 0);
    ck_assert_int_eq(m.col, 3);
    ck_assert_int_eq(fs_term_search(t, "error", m.line, m.col, -1, &m), -ENOENT);
    /* An uppercase letter makes it case-sensitive. */
    ck_assert_int_eq(fs_term_search(t, "Error", bottom, INT_MAX, -1, &m), 0);
    ck_assert_int_eq(m.col, 3);
    ck_assert_int_eq(fs_term_search(t, "ERROR", 0, -1, 1, &m), -ENOENT);
    ck_assert_int_eq(fs_term_search(t, "\xe4\xb8\xad E", 0, -1, 1, &m), 0);
    ck_assert_int_eq(m.col, 0);
    ck_assert_int_eq(m.cols, 4);
    ck_assert_int_eq(fs_term_search(t, "", 0, -1, 1, &m), -ENOENT);
    ck_assert_int_eq(fs_term_search(t, "L5\r", 0, -1, 1, &m), -ENOENT);
    fs_term_free(t);
}
END_TEST

START_TEST(test_output)
{
    struct fs_term *t = term(24, 80);
    struct sink s = {.len = 0};
    feed(t, "\033[6n");  /* no callback yet: dropped */
    fs_term_set_output(t, sink_output, &s);
    feed(t, "\033[5;7H\033[6n");
    ck_assert_str_eq(s.buf, "\033[5;7R");
    s.len = 0;
    fs_term_key(t, VTERM_KEY_UP, VTERM_MOD_NONE);
    fs_term_unichar(t, 'c', VTERM_MOD_CTRL);
    fs_term_unichar(t, 0xe9, VTERM_MOD_NONE);
    ck_assert_str_eq(s.buf, "\033[A\003\xc3\xa9");
    s.len = 0;
    feed(t, "\033[?1h");  /* application cursor keys */
    fs_term_key(t, VTERM_KEY_UP, VTERM_MOD_NONE);
    ck_assert_str_eq(s.buf, "\033OA");
    s.len = 0;
    fs_term_paste(t, "ab", 2);
    ck_assert_str_eq(s.buf, "ab");
    s.len = 0;
    feed(t, "\033[?2004h");
    fs_term_paste(t, "ab", 2);
    ck_assert_str_eq(s.buf, "\033[200~ab\033[201~");
    fs_term_free(t);
}
END_TEST

START_TEST(test_props)
{
    struct fs_term *t = term(4, 10);
    ck_assert_str_eq(fs_term_title(t), "");
    feed(t, "\033]2;my title\007\007\033[?25l");
    ck_assert_str_eq(fs_term_title(t), "my title");
    ck_assert_uint_eq(fs_term_bells(t), 1);
    bool visible = true;
    int r, c;
    fs_term_cursor(t, &r, &c, &visible);
    ck_assert(!visible);
    feed(t, "\033[?5h");
    ck_assert(fs_term_reverse_screen(t));
    char longtitle[600] = "\033]0;";
    memset(longtitle + 4, 'x', 500);
    strcpy(longtitle + 504, "\007");
    feed(t, longtitle);
    ck_assert_uint_eq(strlen(fs_term_title(t)), 255);
    feed(t, "ab\033c");  /* RIS */
    ck_assert_str_eq(row_text(t, 0), "");
    fs_term_reset(t);
    ck_assert(!fs_term_reverse_screen(t));
    fs_term_free(t);
}
END_TEST

START_TEST(test_damage)
{
    struct fs_term *t = term(5, 10);
    ck_assert(fs_term_damage_full(t));
    fs_term_damage_clear(t);
    ck_assert(!fs_term_damage_full(t));
    feed(t, "\033[3;1Hx");
    for (int r = 0; r < 5; r++)
        ck_assert_int_eq(fs_term_row_damaged(t, r), r == 2);
    fs_term_damage_clear(t);
    feed(t, "\033[5;1H\n\nz");
    ck_assert_int_eq(fs_term_scrolled(t), 2);
    /* Row 0 was row 2: moved, not changed. The last two rows are new. */
    for (int r = 0; r < 5; r++)
        ck_assert_int_eq(fs_term_row_damaged(t, r), r >= 3);
    ck_assert_str_eq(row_text(t, 0), "x");
    fs_term_damage_clear(t);
    ck_assert_int_eq(fs_term_scrolled(t), 0);
    fs_term_resize(t, 6, 10);
    ck_assert(fs_term_damage_full(t));
    ck_assert(!fs_term_row_damaged(t, 6));
    struct fs_term_cell cells[4];
    ck_assert_int_eq(fs_term_row_cells(t, 6, cells, 4), -ENOENT);
    ck_assert_uint_gt(fs_term_memory(t), 2 * 6 * 10 * sizeof(struct fs_term_cell));
    fs_term_free(t);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("term");
    TCase *tc = tcase_create("screen");
    tcase_add_test(tc, test_plain_text);
    tcase_add_test(tc, test_restored_cursor_stays_on_a_shrunk_screen);
    tcase_add_test(tc, test_pending_wrap);
    tcase_add_test(tc, test_carriage_return);
    tcase_add_test(tc, test_cursor_movement);
    tcase_add_test(tc, test_erase);
    tcase_add_test(tc, test_sgr);
    tcase_add_test(tc, test_scroll_region);
    tcase_add_test(tc, test_altscreen);
    tcase_add_test(tc, test_wide);
    tcase_add_test(tc, test_resize);
    tcase_add_test(tc, test_damage);
    tcase_add_test(tc, test_props);
    suite_add_tcase(s, tc);
    tc = tcase_create("scrollback");
    tcase_add_test(tc, test_scrollback_limits);
    tcase_add_test(tc, test_search);
    suite_add_tcase(s, tc);
    tc = tcase_create("child");
    tcase_add_test(tc, test_output);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
