/*
 * Unit tests for the guard in front of libvterm (src/term/guard.c), on every
 * input class that hangs or crashes libvterm 0.1.4: REP, C1, shrinking, CSI
 * argument counts and values, DECRQSS, long strings and bytes inside escapes,
 * each fed whole and cut between writes.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term/term.h"
#include "term_helpers.h"

/* Feeds s one byte per write, to split every sequence. */
static void
feed_bytewise(struct fs_term *t, const char *s)
{
    for (; *s; s++)
        fs_term_write(t, s, 1);
}

START_TEST(test_guard_rep)
{
    /* libvterm 0.1.4 loops forever on these; they must return. */
    static const char *const hang[] = {"\033[b", "\033[5b", "\xcc\x81\033[3b",
                                       "\033#8\033[b", "\033[2\r\nb"};
    for (size_t i = 0; i < sizeof(hang) / sizeof(hang[0]); i++) {
        struct fs_term *t = term(4, 10);
        feed(t, hang[i]);
        fs_term_free(t);
        t = term(4, 10);
        feed_bytewise(t, hang[i]);
        fs_term_free(t);
    }
    /* The controls inside a dropped REP still run. */
    struct fs_term *t = term(4, 10);
    feed(t, "\033[2\r\nb");
    assert_cursor(t, 1, 0);
    /* After a printed character REP works, split or not, DECALN or not. */
    feed(t, "ab\033[3b");
    ck_assert_str_eq(row_text(t, 1), "abbbb");
    feed_bytewise(t, "\r\nx\033[2b");
    ck_assert_str_eq(row_text(t, 2), "xxx");
    feed(t, "\033[H\033#8\033[2b");
    ck_assert_str_eq(row_text(t, 0), "xxEEEEEEEE");
    /* An overlong one with nothing printed before it is dropped whole. */
    fs_term_free(t);
    t = term(4, 10);
    char longrep[400] = "\033[";
    memset(longrep + 2, '0', 300);
    strcpy(longrep + 302, "1b\n");
    feed(t, longrep);
    feed_bytewise(t, longrep);
    fs_term_write(t, longrep, 100);
    fs_term_write(t, longrep + 100, strlen(longrep) - 100);
    feed(t, "ok");
    ck_assert_str_eq(row_text(t, 3), "ok");
    fs_term_free(t);
    /* Undecided at the end of a write, decided in the middle of the next. */
    t = term(4, 10);
    fs_term_write(t, longrep, 60);
    fs_term_write(t, "0000000001bHI", 13);
    ck_assert_str_eq(row_text(t, 0), "HI");
    /* After a printed character, the same long REP repeats it. */
    fs_term_write(t, longrep, 100);
    fs_term_write(t, "0001bYO", 7);
    ck_assert_str_eq(row_text(t, 0), "HIIYO");
    fs_term_write(t, "\033[3", 4);
    fs_term_write(t, "2mred", 5);
    ck_assert_str_eq(row_text(t, 0), "HIIYOred");
    ck_assert_uint_eq(cell_at(t, 0, 5)->fg, FS_TERM_COLOR_PALETTE | 2);
    fs_term_free(t);
}
END_TEST

START_TEST(test_guard_c1)
{
    /* C1 controls in UTF-8 would move the cursor left past column 0. */
    struct fs_term *t = term(4, 10);
    feed(t, "\xc2\x80\xc2\x9f\033H");
    assert_cursor(t, 0, 0);
    feed(t, "ab\xc2\x85" "cd\xc2\xa0!");
    ck_assert_str_eq(row_text(t, 0), "abcd\xc2\xa0!");
    feed_bytewise(t, "\r\n12\xc2\x9b" "34");
    ck_assert_str_eq(row_text(t, 1), "1234");
    fs_term_write(t, "\xc2", 1);
    fs_term_write(t, "\xa9", 1);
    ck_assert_str_eq(row_text(t, 1), "1234\xc2\xa9");
    fs_term_free(t);
}
END_TEST

START_TEST(test_guard_resize)
{
    /* A region in rows 8-10, then 5 rows: its top is below its bottom. */
    struct fs_term *t = term(10, 20);
    feed(t, "\033[8;10r\033[3;4H");
    fs_term_resize(t, 5, 20);
    assert_cursor(t, 2, 3);
    feed(t, "\033[5;1H\n\n\033M\033[2L\033[2M");
    feed(t, "\033[3;6r\033[4;7H\033[?1049h");
    fs_term_resize(t, 2, 3);
    fs_term_resize(t, 1, 1);
    feed(t, "\n\n\033[L\033[M\033[?1049l\n");
    fs_term_resize(t, 24, 80);
    feed(t, "\033[24;1H\n");
    fs_term_free(t);
}
END_TEST

/* Feeds s whole, byte by byte and cut in two at every third byte, each to a
 * new terminal, and checks that each ends with row r reading want. */
static void
feed_every_way(const char *s, int r, const char *want)
{
    size_t n = strlen(s);
    for (size_t cut = 0; cut <= n + 1; cut += 3) {
        struct fs_term *t = term(6, 30);
        if (cut > n)
            feed_bytewise(t, s);
        else {
            fs_term_write(t, s, cut);
            fs_term_write(t, s + cut, n - cut);
        }
        ck_assert_str_eq(row_text(t, r), want);
        fs_term_free(t);
    }
}

/* "\033[" then n copies of arg joined by sep, then tail (a static buffer). */
static const char *
csi_of(int n, const char *arg, char sep, const char *tail)
{
    static char buf[16384];
    size_t k = 0;
    buf[k++] = '\033';
    buf[k++] = '[';
    for (int i = 0; i < n; i++) {
        if (i > 0)
            buf[k++] = sep;
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s", arg);
    }
    snprintf(buf + k, sizeof(buf) - k, "%s", tail);
    return buf;
}

START_TEST(test_guard_csi_args)
{
    /* libvterm 0.1.4 keeps 16 arguments and writes the 17th and later past
     * them, over its own parser state: SIGSEGV. Sub-parameters count too. */
    for (int n = 15; n <= 40; n++) {
        feed_every_way(csi_of(n, "1", ';', "mx"), 0, "x");
        feed_every_way(csi_of(n, "1", ':', "mx"), 0, "x");
        feed_every_way(csi_of(n, "", ';', "Hx"), 0, "x");
        feed_every_way(csi_of(n, "2", ';', "@x"), 0, "x");
    }
    struct fs_term *t = term(6, 30);
    feed(t, csi_of(3000, "1", ';', "m"));
    feed(t, csi_of(3000, "1", ':', "m"));
    feed(t, "x");
    ck_assert_uint_eq(fs_term_cell_attrs(cell_at(t, 0, 0)) & FS_TERM_ATTR_BOLD,
                      FS_TERM_ATTR_BOLD);
    /* A long SGR is applied whole, cut between attributes: the colour
     * 38;5;196 stays one attribute across the 16th argument. */
    feed(t, "\r\n");
    feed(t, csi_of(14, "0", ';', ";38;5;196;4;48;2;1;2;3mab"));
    const struct fs_term_cell *c = cell_at(t, 1, 0);
    ck_assert_uint_eq(c->fg, FS_TERM_COLOR_PALETTE | 196);
    ck_assert_uint_eq(c->bg, FS_TERM_COLOR_RGB | 0x010203);
    ck_assert_uint_ne(fs_term_cell_attrs(c) & FS_TERM_ATTR_UNDERLINE, 0);
    /* Other CSIs keep their first 16 arguments (libvterm's DECRST takes
     * only the first). */
    feed(t, "\033[?25;1000;1000;1000;1000;1000;1000;1000;1000;1000;1000;1000;1000;1000;"
            "1000;1000;1000;1000;1000;1000l");
    bool visible = true;
    int r, col;
    fs_term_cursor(t, &r, &col, &visible);
    ck_assert(!visible);
    fs_term_free(t);
}
END_TEST

START_TEST(test_guard_csi_numbers)
{
    /* Every final byte, with leaders and intermediates, with arguments at
     * and past the edges of libvterm's long and int arithmetic. */
    static const char *const leads[] = {"", "?", ">", "=", "<"};
    static const char *const inters[] = {"", " ", "$", "\"", "!", "'", "*"};
    static const char *const args[] = {
        "", "0", "1", "65535", "65536", "2147483647", "2147483648", "4294967295",
        "4294967296", "99999999999999999999999", "0;0", "1;2147483647", "2147483647;1",
        "65535;65535", "5:2147483647", "1;2;3;2147483647;5"};
    struct fs_term *t = term(10, 20);
    char seq[128];
    for (size_t l = 0; l < sizeof(leads) / sizeof(leads[0]); l++) {
        for (size_t i = 0; i < sizeof(inters) / sizeof(inters[0]); i++) {
            for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
                for (int fin = 0x40; fin <= 0x7e; fin++) {
                    snprintf(seq, sizeof(seq), "ab\033[5;5H\033[%s%s%s%c", leads[l], args[a],
                             inters[i], fin);
                    feed(t, seq);
                    int r, c;
                    fs_term_cursor(t, &r, &c, NULL);
                    ck_assert(r >= 0 && r < 10 && c >= 0 && c < 20);
                    feed(t, "\033c");
                }
            }
        }
    }
    /* Past 65535 an argument counts as 65535, as in xterm: as far as it
     * goes, not wrapped around into a small or negative number. */
    feed(t, "\033[3;3H\033[4294967296Cx");
    ck_assert_str_eq(row_text(t, 2), "                   x");
    feed(t, "\033[3;3H\033[99999999999999999999Dy\033[1;1H\033[4294967298B");
    ck_assert_str_eq(row_text(t, 2), "y                  x");
    assert_cursor(t, 9, 0);
    fs_term_free(t);
}
END_TEST

START_TEST(test_guard_decrqss)
{
    /* libvterm 0.1.4 hands a request it does not know to a "%.s" format
     * with a number for the string (a crash under ASan); the guard answers
     * those as xterm does, and passes the ones libvterm knows. */
    static const char *const unknown[] = {
        "\033P$qx\033\\", "\033P$qmm\033\\", "\033P$q$q\007", "\033$P$qx\033\\",
        "\033\x81P$qzz\033\\", "\033P$q\r\nx\033\\"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        struct sink s = {.len = 0};
        struct fs_term *t = term(4, 10);
        fs_term_set_output(t, sink_output, &s);
        feed(t, unknown[i]);
        feed_bytewise(t, unknown[i]);
        ck_assert_str_eq(s.buf, "\033P0$r\033\\\033P0$r\033\\");
        fs_term_free(t);
    }
    struct sink s = {.len = 0};
    struct fs_term *t = term(4, 10);
    fs_term_set_output(t, sink_output, &s);
    char big[3000] = "\033P$q";
    memset(big + 4, 'm', 2000);
    strcpy(big + 2004, "\033\\");
    feed(t, big);
    ck_assert_str_eq(s.buf, "\033P0$r\033\\");
    s.len = 0;
    s.buf[0] = '\0';
    feed_bytewise(t, "\033P$qr\033\\");
    ck_assert_str_eq(s.buf, "\033P1$r1;4r\033\\");
    s.len = 0;
    feed(t, "\033P$q\"q\007");
    ck_assert_str_eq(s.buf, "\033P1$r2\"q\033\\");
    /* Cancelled or broken off: no answer; what follows the ESC still counts. */
    s.len = 0;
    s.buf[0] = '\0';
    feed(t, "\033P$qx\030\033P$qx\033[2;1Hab");
    ck_assert_str_eq(s.buf, "");
    ck_assert_str_eq(row_text(t, 1), "ab");
    fs_term_free(t);
}
END_TEST

START_TEST(test_guard_strings)
{
    /* libvterm 0.1.4 copies an OSC into a stack array of its length when
     * it comes in one write: 16 MiB of title overflow the stack. */
    size_t n = 16u << 20;
    char *osc = malloc(n + 8);
    ck_assert_ptr_nonnull(osc);
    memcpy(osc, "\033]2;", 4);
    memset(osc + 4, 't', n);
    memcpy(osc + 4 + n, "\007ok", 3);
    struct fs_term *t = term(4, 10);
    fs_term_write(t, osc, n + 7);
    ck_assert_uint_eq(strlen(fs_term_title(t)), 255);
    ck_assert_str_eq(row_text(t, 0), "ok");
    free(osc);
    /* A title is the same whole or cut (libvterm 0.1.4 keeps 64 bytes of a
     * cut one). */
    char title[400] = "\033]0;";
    memset(title + 4, 'y', 300);
    strcpy(title + 304, "\033\\");
    feed_bytewise(t, title);
    ck_assert_uint_eq(strlen(fs_term_title(t)), 255);
    /* SOS, PM and APC are dropped whole, as in xterm; controls in an OSC
     * run; ESC other than ST ends a string and starts a sequence. */
    feed(t, "\r\na\033_hidden\033\\b\033^pm\007c\033Xsos\033\\d");
    ck_assert_str_eq(row_text(t, 1), "abcd");
    feed(t, "\033]2;x\ry\033[3;2Hz");
    ck_assert_str_eq(row_text(t, 2), " z");
    ck_assert_uint_eq(strlen(fs_term_title(t)), 255);
    fs_term_free(t);
}
END_TEST

START_TEST(test_guard_escape_bytes)
{
    /* libvterm 0.1.4 stays in an escape over bytes from 0x80 and
     * intermediates, and still begins a CSI, OSC or DCS after them: the guard
     * must see those as libvterm does (found by fuzzing). */
    static const char *const seqs[] = {
        "\033\x81\x81[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1mx",
        "\033$[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1mx",
        "\033(\x90]2;t\007x",
        "\033^\033\002\\\033$P\001q\001m\033\000\\x",
        "\033]2;t\033\x9a\xff\013x",
    };
    for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
        struct fs_term *t = term(4, 10);
        struct sink s = {.len = 0};
        fs_term_set_output(t, sink_output, &s);
        feed(t, seqs[i]);
        feed_bytewise(t, seqs[i]);
        feed(t, "\033[1;1Hok");
        ck_assert_int_eq(strncmp(row_text(t, 0), "ok", 2), 0);
        fs_term_free(t);
    }
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("term_guard");
    TCase *tc = tcase_create("guard");
    tcase_add_test(tc, test_guard_rep);
    tcase_add_test(tc, test_guard_c1);
    tcase_add_test(tc, test_guard_resize);
    tcase_add_test(tc, test_guard_csi_args);
    tcase_add_test(tc, test_guard_csi_numbers);
    tcase_add_test(tc, test_guard_decrqss);
    tcase_add_test(tc, test_guard_strings);
    tcase_add_test(tc, test_guard_escape_bytes);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
