/*
 * Unit tests of util/words.c: splitting command strings into argv words.
 */
#include <config.h>

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>

#include "util/words.h"
#include "util/xalloc.h"

/* Splits s and checks the words against the NULL-terminated list that follows. */
static void
expect_words(const char *s, ...)
{
    char *err = NULL;
    char **argv = fs_words_split(s, &err);
    ck_assert_msg(argv != NULL, "split of [%s] failed: %s", s, err ? err : "?");
    ck_assert_ptr_null(err);
    va_list ap;
    va_start(ap, s);
    size_t i = 0;
    for (const char *w = va_arg(ap, const char *); w != NULL; w = va_arg(ap, const char *), i++) {
        ck_assert_msg(argv[i] != NULL, "[%s]: word %zu missing, expected [%s]", s, i, w);
        ck_assert_str_eq(argv[i], w);
    }
    va_end(ap);
    ck_assert_msg(argv[i] == NULL, "[%s]: extra word [%s]", s, argv[i] ? argv[i] : "");
    fs_strv_free(argv);
}

static void
expect_error(const char *s, const char *msg)
{
    char *err = NULL;
    char **argv = fs_words_split(s, &err);
    ck_assert_ptr_null(argv);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, msg);
    free(err);
}

START_TEST(plain_words)
{
    expect_words("ls -la /tmp", "ls", "-la", "/tmp", NULL);
    expect_words("make", "make", NULL);
}
END_TEST

START_TEST(blanks_and_tabs)
{
    expect_words("  a \t b\t\tc  ", "a", "b", "c", NULL);
    expect_words("a\nb\r\nc", "a", "b", "c", NULL);
}
END_TEST

START_TEST(empty_and_blank_give_empty_vector)
{
    char *err = NULL;
    char **argv = fs_words_split("", &err);
    ck_assert_ptr_nonnull(argv);
    ck_assert_ptr_null(argv[0]);
    fs_strv_free(argv);
    argv = fs_words_split(" \t \n", &err);
    ck_assert_ptr_nonnull(argv);
    ck_assert_ptr_null(argv[0]);
    ck_assert_ptr_null(err);
    fs_strv_free(argv);
}
END_TEST

START_TEST(single_quotes_are_literal)
{
    expect_words("echo 'a  b' c", "echo", "a  b", "c", NULL);
    expect_words("'$HOME \\n \"x\"'", "$HOME \\n \"x\"", NULL);
}
END_TEST

START_TEST(double_quotes_keep_blanks)
{
    expect_words("say \"hello   world\"", "say", "hello   world", NULL);
    expect_words("\"it's\"", "it's", NULL);
}
END_TEST

START_TEST(double_quote_escapes)
{
    /* \" \\ \$ \` are escapes; any other backslash stays. */
    expect_words("\"a\\\"b\\\\c\\$d\\`e\"", "a\"b\\c$d`e", NULL);
    expect_words("\"a\\nb\\'\"", "a\\nb\\'", NULL);
}
END_TEST

START_TEST(backslash_outside_quotes)
{
    expect_words("a\\ b c", "a b", "c", NULL);
    expect_words("\\'x\\\"", "'x\"", NULL);
    expect_words("a\\\\b", "a\\b", NULL);
}
END_TEST

START_TEST(trailing_backslash_is_kept)
{
    expect_words("dir\\", "dir\\", NULL);
}
END_TEST

START_TEST(adjacent_parts_join)
{
    expect_words("a'b'\"c\"d e", "abcd", "e", NULL);
    expect_words("--opt='x y'", "--opt=x y", NULL);
}
END_TEST

START_TEST(empty_quotes_make_empty_words)
{
    expect_words("a '' \"\" b", "a", "", "", "b", NULL);
    expect_words("''", "", NULL);
}
END_TEST

START_TEST(nothing_is_expanded)
{
    expect_words("$HOME ~ *.c `x` $(y)", "$HOME", "~", "*.c", "`x`", "$(y)", NULL);
}
END_TEST

START_TEST(unterminated_single_quote)
{
    expect_error("echo 'abc", "unterminated single quote at column 6");
    expect_error("'", "unterminated single quote at column 1");
}
END_TEST

START_TEST(unterminated_double_quote)
{
    expect_error("ab \"cd", "unterminated double quote at column 4");
    /* An escaped quote does not close the string. */
    expect_error("x \"a\\\"", "unterminated double quote at column 3");
}
END_TEST

START_TEST(column_counts_characters)
{
    /* "é" is two bytes but one column. */
    expect_error("\xc3\xa9 'x", "unterminated single quote at column 3");
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("words");
    TCase *tc = tcase_create("split");
    tcase_add_test(tc, plain_words);
    tcase_add_test(tc, blanks_and_tabs);
    tcase_add_test(tc, empty_and_blank_give_empty_vector);
    tcase_add_test(tc, single_quotes_are_literal);
    tcase_add_test(tc, double_quotes_keep_blanks);
    tcase_add_test(tc, double_quote_escapes);
    tcase_add_test(tc, backslash_outside_quotes);
    tcase_add_test(tc, trailing_backslash_is_kept);
    tcase_add_test(tc, adjacent_parts_join);
    tcase_add_test(tc, empty_quotes_make_empty_words);
    tcase_add_test(tc, nothing_is_expanded);
    tcase_add_test(tc, unterminated_single_quote);
    tcase_add_test(tc, unterminated_double_quote);
    tcase_add_test(tc, column_counts_characters);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
