/*
 * Unit tests of the table of task kinds (model/kind.h): every kind has an
 * entry, keys are unique and found again by key, labels are set, and the
 * properties that other layers rely on hang together.
 */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/kind.h"

START_TEST(every_kind_has_an_entry)
{
    for (int k = 0; k < FS_KIND_COUNT; k++) {
        const struct fs_kind_info *info = fs_kind_info(k);
        ck_assert_ptr_nonnull(info);
        ck_assert_int_eq(info->kind, k);
        ck_assert_ptr_nonnull(info->key);
        ck_assert_ptr_nonnull(info->label);
        ck_assert_int_gt(strlen(info->key), 0);
        ck_assert_int_gt(strlen(info->label), 0);
    }
    ck_assert_ptr_null(fs_kind_info(FS_KIND_COUNT));
    ck_assert_ptr_null(fs_kind_info((enum fs_kind) - 1));
    ck_assert_str_eq(fs_kind_name(FS_KIND_COUNT), "?");
}
END_TEST

START_TEST(keys_are_unique_and_round_trip)
{
    for (int k = 0; k < FS_KIND_COUNT; k++) {
        const char *key = fs_kind_info(k)->key;
        ck_assert_ptr_eq(fs_kind_by_key(key), fs_kind_info(k));
        ck_assert_str_eq(fs_kind_name(k), key);
        enum fs_kind found;
        ck_assert_int_eq(fs_kind_from_name(key, strlen(key), &found), 0);
        ck_assert_int_eq(found, k);
        for (int j = 0; j < k; j++)
            ck_assert_str_ne(fs_kind_info(j)->key, key);
        /* A key is a word: the command line's prefix is KEY ':'. */
        ck_assert_uint_eq(strcspn(key, ": \t"), strlen(key));
    }
    ck_assert_ptr_null(fs_kind_by_key(""));
    ck_assert_ptr_null(fs_kind_by_key("work"));
    ck_assert_ptr_null(fs_kind_by_key("Shell"));
}
END_TEST

START_TEST(properties_hang_together)
{
    ck_assert_ptr_nonnull(fs_kind_info(fs_kind_default()));
    for (int k = 0; k < FS_KIND_COUNT; k++) {
        const struct fs_kind_info *info = fs_kind_info(k);
        /* A pool hands jobs as messages only to a kind with a channel, and
         * only a channel has options. */
        if (info->jobs_by_message)
            ck_assert(info->has_channel);
        if (info->channel_options)
            ck_assert(info->has_channel);
        /* A module is what runs in a thread (or, when it must, in a host). */
        ck_assert_int_eq(info->in_process, info->argv == FS_ARGV_MODULE);
        if (info->node_scripts)
            ck_assert_int_eq(info->argv, FS_ARGV_WORDS);
    }
}
END_TEST

/* The kinds of doc/session-file.md, as the readers and the screen show them. */
START_TEST(the_four_kinds)
{
    static const struct {
        const char *key;
        enum fs_argv_style argv;
        bool channel, mprocs;
    } want[] = {
        {"shell", FS_ARGV_SHELL, false, true},
        {"cmd", FS_ARGV_WORDS, false, true},
        {"fork", FS_ARGV_WORDS, true, false},
        {"worker", FS_ARGV_MODULE, true, false},
    };
    ck_assert_int_eq(FS_KIND_COUNT, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct fs_kind_info *info = fs_kind_by_key(want[i].key);
        ck_assert_ptr_nonnull(info);
        ck_assert_str_eq(info->label, want[i].key);
        ck_assert_int_eq(info->argv, want[i].argv);
        ck_assert_int_eq(info->has_channel, want[i].channel);
        ck_assert_int_eq(info->in_mprocs, want[i].mprocs);
        ck_assert_int_eq(info->pipe_label, !want[i].channel);
    }
    ck_assert_str_eq(fs_kind_info(fs_kind_default())->key, "shell");
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("kind");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, every_kind_has_an_entry);
    tcase_add_test(tc, keys_are_unique_and_round_trip);
    tcase_add_test(tc, properties_hang_together);
    tcase_add_test(tc, the_four_kinds);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
